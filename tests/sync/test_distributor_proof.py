"""The kiosk believes only its distributor: every reply must carry the distributor's signature
for THIS request, or nothing in it is used.

The finding: a tiny server that echoes the kiosk id was "connected", then turned a sale into
Failed (the clerk refunds cash) and showed a made-up balance. Here that server, a forger
with the wrong secret, a replayer of a genuine reply and a skewed clock all get one sentence
and change nothing; ``connect`` saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk_pos.cli import main
from kiosk_pos.core.events import NOTICE
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.config import SyncConfig, load_config, save_config
from kiosk_pos.sync.errors import DistributorNotProven, DistributorRejected
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import assert_consistent, local_topups
from tests.sync.fake_distributor import FAKE_BALANCE, FakeDistributor

NOT_OURS = "tidak dikenali sebagai distributor"


@pytest.fixture
def fakes() -> Iterator[list[FakeDistributor]]:
    made: list[FakeDistributor] = []
    yield made
    for fake in made:
        fake.close()


def _fake(fakes: list[FakeDistributor], **options: object) -> FakeDistributor:
    fake = FakeDistributor(**options)  # type: ignore[arg-type]
    fakes.append(fake)
    return fake


def _connect(shop, url: str, secret: str | None = None) -> int:
    return main(["connect", "--data-dir", str(shop.folder), "--url", url,
                 "--kiosk-id", str(shop.cfg.kiosk_id), "--secret", secret or shop.cfg.secret,
                 "--pin", "9999"])


@pytest.mark.parametrize("signer", ["unsigned", "wrong secret"])
def test_connect_refuses_a_server_that_cannot_prove_it_is_the_distributor(
        shop, fakes, capsys, signer):
    fake = _fake(fakes, secret=None if signer == "unsigned" else "f" * 64)
    shop.kiosk.settings.set("sync.url", None)
    assert _connect(shop, fake.url) == 2
    err = capsys.readouterr().err
    assert NOT_OURS in err and "Traceback" not in err
    assert fake.count("GET", "/v1/ping") >= 1  # it was asked, and its answer was not believed
    assert load_config(shop.kiosk) is None
    assert _connect(shop, shop.cfg.url) == 0 and load_config(shop.kiosk) == shop.cfg


@pytest.mark.parametrize("signer", ["unsigned", "wrong secret"])
def test_a_fake_distributor_cannot_fail_a_sale_or_show_a_balance(shop, fakes, signer):
    fake = _fake(fakes, secret=None if signer == "unsigned" else "f" * 64)
    save_config(shop.kiosk, SyncConfig(fake.url, shop.cfg.kiosk_id, shop.cfg.secret), shop.owner)
    notices: list[str] = []
    shop.kiosk.events.register(NOTICE, notices.append)
    ref = shop.sell("081234567890")
    service = SyncService(shop.kiosk, load_config(shop.kiosk).client(retries=0))
    result = service.sync_once(prices=False, reconcile=False)
    assert fake.count("POST", "/v1/topups") == 1  # the fake was asked, and refused everything
    assert local_topups(shop.kiosk)[ref][0] == "queued"  # not Failed: no refund to the customer
    assert result.queue == 1 and result.failed == 0 and not result.online
    assert result.server_balance != FAKE_BALANCE and result.error_kind == "unproven"
    assert NOT_OURS in (result.error or "")
    assert notices == [result.error]  # the clerk reads it once, as a notice
    state = service.state()
    assert state["error_kind"] == "unproven" and state["queue"] == 1
    assert main(["sync", "--data-dir", str(shop.folder)]) == 2
    with pytest.raises(DistributorNotProven):
        load_config(shop.kiosk).client(retries=0).balance()
    # back to the real distributor: the same sale goes through, once
    save_config(shop.kiosk, shop.cfg, shop.owner)
    assert main(["sync", "--data-dir", str(shop.folder)]) == 0
    assert assert_consistent(shop)["server_topups"] == 1


def test_a_genuine_reply_replayed_to_another_request_is_refused(shop, distributor, fakes):
    relay = _fake(fakes, upstream=distributor.url)
    client = DistributorClient(relay.url, shop.cfg.kiosk_id, shop.cfg.secret, retries=0)
    first = client.balance()  # forwarded: the distributor's own signed reply
    relay.replay = True
    with pytest.raises(DistributorNotProven) as err:
        client.balance()
    assert err.value.reason == "bad_signature" and NOT_OURS in str(err.value)
    assert first.kiosk_id == shop.cfg.kiosk_id


def test_a_reply_from_another_clock_is_refused_with_the_clock_sentence(shop, fakes):
    fake = _fake(fakes, secret=shop.cfg.secret, skew=-600)
    client = DistributorClient(fake.url, shop.cfg.kiosk_id, shop.cfg.secret, retries=0)
    with pytest.raises(DistributorNotProven) as err:
        client.ping()
    assert err.value.reason == "stale" and "jam" in str(err.value)
    in_time = _fake(fakes, secret=shop.cfg.secret, skew=-60)
    ok = DistributorClient(in_time.url, shop.cfg.kiosk_id, shop.cfg.secret, retries=0).ping()
    assert ok.kiosk_id == shop.cfg.kiosk_id  # a correct signature within 5 minutes is proof


def test_an_unsigned_401_is_a_refusal_that_proves_nothing(shop, fakes):
    fake = _fake(fakes, status=401)  # claims anything; the kiosk only hears "refused"
    client = DistributorClient(fake.url, shop.cfg.kiosk_id, shop.cfg.secret)
    with pytest.raises(DistributorRejected) as err:
        client.ping()
    assert err.value.status == 401 and err.value.code == "unauthorized"
    assert fake.count("GET", "/v1/ping") == 1  # not retried as a "replayed nonce"


def test_the_sentences_in_english(shop, fakes):
    from kiosk_pos.i18n import set_language

    set_language("en")
    fake = _fake(fakes)
    with pytest.raises(DistributorNotProven) as err:
        DistributorClient(fake.url, shop.cfg.kiosk_id, shop.cfg.secret).ping()
    assert "not recognised as your distributor's" in str(err.value)
    assert "top-ups stay queued" in str(err.value)
