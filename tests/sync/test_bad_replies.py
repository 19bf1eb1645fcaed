"""When the server is gone, answers garbage or refuses the key: a sentence, nothing lost."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from kiosk_pos.cli import main
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.config import SyncConfig, load_config, save_config
from kiosk_pos.sync.errors import DistributorRejected, DistributorUnreachable, MalformedReply
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import assert_consistent, local_topups

BAD_BODIES = {
    "/html": (200, "text/html", b"<html><body>Hotspot login</body></html>"),
    "/garbage": (200, "application/json", b"\x00\xffnot json{"),
    "/schema": (200, "application/json", json.dumps({"results": "nope"}).encode()),
    "/teapot": (418, "text/plain", b"I'm a teapot"),
}


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def fake_server() -> Iterator[str]:
    """A tiny HTTP server that answers every request with the body named by its prefix."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            kind = "/" + self.path.split("/")[1]
            status, ctype, body = BAD_BODIES.get(kind, BAD_BODIES["/html"])
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *_args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_unreachable_server_keeps_the_sale_and_cli_exits_3(shop, capsys):
    save_config(shop.kiosk, SyncConfig(f"http://127.0.0.1:{closed_port()}", shop.cfg.kiosk_id,
                                       shop.cfg.secret), shop.owner)
    ref = shop.sell("081234567890")
    result = SyncService(shop.kiosk, load_config(shop.kiosk).client(retries=0)).sync_once()
    assert not result.online and result.queue == 1 and result.pushed == 0
    assert "tidak bisa dihubungi" in result.error
    assert main(["sync", "--data-dir", str(shop.folder), "--json"]) == 3
    out = capsys.readouterr()
    assert json.loads(out.out)["pending"] == 1 and "tidak bisa dihubungi" in out.err
    assert main(["balance", "--data-dir", str(shop.folder)]) == 3
    assert local_topups(shop.kiosk)[ref][0] == "queued"
    assert shop.kiosk.sales.queue_length() == 1
    # the server comes back: the same sale goes through, once
    save_config(shop.kiosk, shop.cfg, shop.owner)
    assert main(["sync", "--data-dir", str(shop.folder)]) == 0
    assert assert_consistent(shop)["server_topups"] == 1


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
def test_malformed_reply_is_a_clear_error_and_nothing_is_lost(shop, fake_server, kind):
    ref = shop.sell("081234567890")
    client = DistributorClient(fake_server + kind, shop.cfg.kiosk_id, shop.cfg.secret,
                               retries=0)
    with pytest.raises(MalformedReply) as err:
        client.balance()
    assert "balasan yang tidak dikenali" in str(err.value)
    result = SyncService(shop.kiosk, client).sync_once()
    assert not result.online and result.queue == 1
    assert "tidak dikenali" in (result.error or "")
    assert local_topups(shop.kiosk)[ref][0] == "queued"


def test_wrong_secret_is_a_sentence_and_connect_saves_nothing(shop, capsys):
    wrong = DistributorClient(shop.cfg.url, shop.cfg.kiosk_id, "0" * 64)
    with pytest.raises(DistributorRejected) as err:
        wrong.ping()
    assert err.value.status == 401 and "kunci rahasia" in str(err.value)
    folder = str(shop.folder)
    shop.kiosk.settings.set("sync.url", None)
    code = main(["connect", "--data-dir", folder, "--url", shop.cfg.url,
                 "--kiosk-id", str(shop.cfg.kiosk_id), "--secret", "0" * 64, "--pin", "9999"])
    assert code == 2 and "kunci rahasia" in capsys.readouterr().err
    assert load_config(shop.kiosk) is None
    code = main(["connect", "--data-dir", folder, "--url", f"http://127.0.0.1:{closed_port()}",
                 "--kiosk-id", str(shop.cfg.kiosk_id), "--secret", shop.cfg.secret,
                 "--pin", "9999"])
    assert code == 3 and load_config(shop.kiosk) is None
    code = main(["connect", "--data-dir", folder, "--url", shop.cfg.url,
                 "--kiosk-id", str(shop.cfg.kiosk_id), "--secret", shop.cfg.secret,
                 "--pin", "9999"])
    assert code == 0 and load_config(shop.kiosk) == shop.cfg


def test_english_sentences(shop):
    from kiosk_pos.i18n import set_language

    set_language("en")
    with pytest.raises(DistributorUnreachable) as err:
        DistributorClient(f"http://127.0.0.1:{closed_port()}", 1, "x", retries=0).ping()
    assert "cannot be reached" in str(err.value)


def test_refused_topup_fails_locally_with_the_servers_sentence(distributor, template_kiosk,
                                                               tmp_path):
    from tests.aids.distributor import copy_shop

    poor = copy_shop(distributor, template_kiosk, tmp_path / "poor", credit=0)
    ref = poor.sell("081234567890")
    result = SyncService(poor.kiosk, load_config(poor.kiosk).client()).sync_once()
    assert result.online and result.failed == 1 and result.queue == 0
    status, _sn, _cost = local_topups(poor.kiosk)[ref]
    assert status == "failed"
    assert assert_consistent(poor, expected_refused={ref})["balance"] == 0
    poor.kiosk.close()


def test_cli_sync_with_a_wrong_secret_exits_2(shop, capsys):
    save_config(shop.kiosk, SyncConfig(shop.cfg.url, shop.cfg.kiosk_id, "f" * 64), shop.owner)
    assert main(["sync", "--data-dir", str(shop.folder)]) == 2
    assert "kunci rahasia" in capsys.readouterr().err
