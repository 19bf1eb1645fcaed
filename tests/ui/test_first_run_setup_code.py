"""The first-run wizard reads the console's kiosk-setup code (the "add kiosk" QR code, typed
by a barcode scanner or pasted): address, kiosk id and secret filled, then the same signed
test against a real distributor on 127.0.0.1. A bad code is one sentence, nothing filled."""

from __future__ import annotations

import json

import pytest
from distributor_server.console.kiosk_admin import setup_payload

from kiosk_pos.i18n import tr
from tests.ui.test_first_run import enter, finish, later, through_owner, type_into


@pytest.fixture
def wizard(qtbot, themed, tmp_path):
    from kiosk_pos.ui.first_run import FirstRunWizard

    w = FirstRunWizard(tmp_path / "shop", detect=lambda: {})
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.result_ is not None:
        w.result_[0].close()


def to_distributor(qtbot, wizard) -> None:
    through_owner(qtbot, wizard)
    enter(qtbot, wizard, wizard.clerk.name)  # no clerk
    assert wizard.currentPage() is wizard.distributor


def test_a_scanned_setup_code_connects(qtbot, wizard, distributor):
    from kiosk_pos.sync.config import load_config

    creds = distributor.create_kiosk("Konter Pindai")
    to_distributor(qtbot, wizard)
    page = wizard.distributor
    type_into(qtbot, page.code, setup_payload(distributor.url, creds))  # the scanner types
    assert (page.url.text(), page.kiosk_id.text(), page.secret.text()) == (
        distributor.url, str(creds.kiosk_id), creds.secret)
    assert page.message.text() == tr("first_run.dist.code_read", kiosk_id=creds.kiosk_id,
                                     url=distributor.url)
    enter(qtbot, wizard, page.code)  # the scanner's Enter: the signed test, then on
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.printer, timeout=10000)
    assert page.connection() is not None and page.connection().kiosk_id == creds.kiosk_id
    later(qtbot, wizard.printer)
    enter(qtbot, wizard, wizard.printer.later)
    kiosk, _owner = finish(qtbot, wizard)
    cfg = load_config(kiosk)
    assert cfg is not None and (cfg.url, cfg.kiosk_id) == (distributor.url, creds.kiosk_id)
    assert cfg.client().ping().kiosk_id == creds.kiosk_id  # the kept secret signs


GOOD = {"type": "pulsa-kiosk-setup", "v": 1, "server": "https://d.example:8000",
        "kiosk_id": 7, "secret": "s3cret"}


@pytest.mark.parametrize("code, key", [
    ("https://d.example:8000", "sync.setup_code.not_a_code"),
    (json.dumps({**GOOD, "type": "wifi"}), "sync.setup_code.not_a_code"),
    (json.dumps({**GOOD, "v": 2}), "sync.setup_code.version"),
    (json.dumps({k: v for k, v in GOOD.items() if k != "secret"}), "sync.setup_code.fields"),
    (json.dumps({**GOOD, "kiosk_id": "7"}), "sync.setup_code.fields"),
])
def test_a_bad_code_fills_nothing(qtbot, wizard, code, key):
    to_distributor(qtbot, wizard)
    page = wizard.distributor
    type_into(qtbot, page.code, code)
    enter(qtbot, wizard, page.code)
    assert page.message.text() == tr(key)
    assert wizard.currentPage() is page
    assert (page.url.text(), page.kiosk_id.text(), page.secret.text()) == ("", "", "")


def test_a_missing_ca_file_is_one_sentence(qtbot, wizard, tmp_path):
    to_distributor(qtbot, wizard)
    page = wizard.distributor
    type_into(qtbot, page.code, json.dumps(GOOD))
    missing = str(tmp_path / "ca.pem")
    type_into(qtbot, page.ca_file, missing)
    enter(qtbot, wizard, page.ca_file)
    assert page.message.text() == tr("sync.error.ca_file_missing", path=missing)
    assert wizard.currentPage() is page and page.connection() is None
