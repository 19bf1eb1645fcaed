"""``kiosk-pos connect --setup-code`` with the console's kiosk-setup text, against a real
distributor on 127.0.0.1; bad codes are one sentence, exit 2, nothing saved."""

from __future__ import annotations

import json

import pytest
from distributor_server.console.kiosk_admin import setup_payload

from kiosk_pos.i18n import tr
from kiosk_pos.sync.config import load_config
from kiosk_pos.sync.connect import ConnectRefused
from kiosk_pos.sync.setup_code import SetupCode, parse_setup_code
from tests.sync.test_owner_commands import run

GOOD = {"type": "pulsa-kiosk-setup", "v": 1, "server": "https://d.example:8000/",
        "kiosk_id": 7, "secret": "s3cret"}


def test_the_consoles_code_is_read():
    assert parse_setup_code(json.dumps(GOOD)) == SetupCode("https://d.example:8000", 7, "s3cret")


@pytest.mark.parametrize("code, key", [
    ("", "sync.setup_code.empty"),
    ("{", "sync.setup_code.not_a_code"),
    ("[1, 2]", "sync.setup_code.not_a_code"),
    ("x" * 5000, "sync.setup_code.not_a_code"),
    ("[" * 100000, "sync.setup_code.not_a_code"),
    (json.dumps({**GOOD, "type": "pulsa-kiosk"}), "sync.setup_code.not_a_code"),
    (json.dumps({**GOOD, "v": 2}), "sync.setup_code.version"),
    (json.dumps({**GOOD, "v": True}), "sync.setup_code.version"),
    (json.dumps({**GOOD, "v": "1"}), "sync.setup_code.version"),
    (json.dumps({**GOOD, "extra": 1}), "sync.setup_code.fields"),
    (json.dumps({**GOOD, "kiosk_id": 0}), "sync.setup_code.fields"),
    (json.dumps({**GOOD, "kiosk_id": 7.0}), "sync.setup_code.fields"),
    (json.dumps({**GOOD, "kiosk_id": True}), "sync.setup_code.fields"),
    (json.dumps({**GOOD, "secret": " "}), "sync.setup_code.fields"),
    (json.dumps({**GOOD, "server": None}), "sync.setup_code.fields"),
])
def test_bad_codes_are_one_sentence(code, key):
    with pytest.raises(ConnectRefused) as refused:
        parse_setup_code(code)
    assert str(refused.value) == tr(key)


def test_connect_with_the_setup_code(make_shop, distributor, capsys):
    shop = make_shop(connect=False)
    creds = distributor.create_kiosk("Konter Kode")
    code, out, err = run(capsys, shop.data_dir, "connect", "--setup-code",
                         setup_payload(distributor.url, creds), "--pin", "9999")
    assert code == 0, err
    assert f"kiosk {creds.kiosk_id}" in out
    cfg = load_config(shop.kiosk)
    assert cfg is not None and (cfg.url, cfg.kiosk_id) == (distributor.url, creds.kiosk_id)


@pytest.mark.parametrize("extra", [
    ["--setup-code", json.dumps({**GOOD, "v": 9})],
    ["--setup-code", json.dumps(GOOD), "--url", "https://d.example:8000"],
    ["--url", "https://d.example:8000", "--kiosk-id", "7"],
])
def test_bad_setup_codes_save_nothing(make_shop, capsys, extra):
    shop = make_shop(connect=False)
    code, out, err = run(capsys, shop.data_dir, "connect", *extra, "--pin", "9999")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("kiosk-pos: ") and "Traceback" not in err
    assert load_config(shop.kiosk) is None
