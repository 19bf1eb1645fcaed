"""How the kiosk reaches its distributor: https (certificates checked, or the distributor's
own CA with --ca-file) except on this computer or an allowed LAN address, and a server that
says "wait" (429/503 Retry-After) is left alone at least that long."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_pos.cli import main
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.config import SyncConfig, address_problem, load_config, save_config
from kiosk_pos.sync.errors import DistributorUnreachable, UntrustedCertificate
from kiosk_pos.sync.service import SyncService
from tests.aids.waiting import wait_for
from tests.sync.fake_distributor import FakeDistributor


@pytest.fixture
def fakes() -> Iterator[list[FakeDistributor]]:
    made: list[FakeDistributor] = []
    yield made
    for fake in made:
        fake.close()


@pytest.mark.parametrize(("url", "allow_lan", "ok"), [
    ("https://distributor.example:8000", False, True),
    ("https://8.8.8.8", False, True),
    ("http://127.0.0.1:8000", False, True),
    ("http://localhost:8000", False, True),
    ("http://[::1]:8000", False, True),
    ("http://distributor.example:8000", False, False),
    ("http://8.8.8.8:8000", True, False),       # public: never plain http
    ("http://192.168.1.50:8000", False, False),     # LAN: only when the owner allows it
    ("http://192.168.1.50:8000", True, True),
    ("http://10.0.0.7", True, True),
    ("http://169.254.1.1", True, False),             # link-local is not a LAN the owner runs
    ("http://distributor.lan", True, False),         # a name can be spoofed: an IP, or https
    ("ftp://distributor.example", False, False),
    ("https://", False, False),
    ("https://host:port", False, False),
])
def test_which_addresses_may_carry_the_secret(url, allow_lan, ok):
    problem = address_problem(url, allow_lan_http=allow_lan)
    assert (problem is None) == ok, problem


def test_connect_refuses_plain_http_off_this_computer_and_saves_nothing(shop, capsys):
    folder = str(shop.folder)
    shop.kiosk.settings.set("sync.url", None)
    base = ["connect", "--data-dir", folder, "--kiosk-id", str(shop.cfg.kiosk_id),
            "--secret", shop.cfg.secret, "--pin", "9999"]
    for url in ("http://8.8.8.8:8000", "http://192.168.1.50:8000"):
        assert main([*base, "--url", url]) == 2
        err = capsys.readouterr().err
        assert "https://" in err and "--allow-lan-http" in err and "Traceback" not in err
    assert main([*base, "--url", "http://8.8.8.8", "--allow-lan-http"]) == 2
    assert main([*base, "--url", shop.cfg.url, "--ca-file", str(shop.folder / "none.pem")]) == 2
    assert "none.pem" in capsys.readouterr().err
    assert load_config(shop.kiosk) is None


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


@pytest.fixture
def own_ca(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """A distributor's own CA and a server certificate for 127.0.0.1 signed by it."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=Distributor Test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=tmp_path)
    _openssl("req", *ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1",
             cwd=tmp_path)
    (tmp_path / "ext.cnf").write_text(
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        "keyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n")
    _openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf",
             cwd=tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "srv.pem", tmp_path / "srv.key")
    return tmp_path / "ca.pem", context


def test_https_checks_the_certificate_and_ca_file_trusts_the_distributors_own(
        shop, fakes, own_ca, capsys):
    ca_file, context = own_ca
    fake = FakeDistributor(secret=shop.cfg.secret, tls=context)  # signs like the real one
    fakes.append(fake)
    shop.kiosk.settings.set("sync.url", None)
    base = ["connect", "--data-dir", str(shop.folder), "--url", fake.url,
            "--kiosk-id", str(shop.cfg.kiosk_id), "--secret", shop.cfg.secret, "--pin", "9999"]
    assert main(base) == 2  # the system does not know this CA: nothing is trusted
    assert "--ca-file" in capsys.readouterr().err
    assert load_config(shop.kiosk) is None
    with pytest.raises(UntrustedCertificate):  # and a sync with such a config keeps the data
        DistributorClient(fake.url, shop.cfg.kiosk_id, shop.cfg.secret, retries=0).ping()
    assert fake.count("GET", "/v1/ping") == 0  # the request never left the TLS handshake
    assert main([*base, "--ca-file", str(ca_file)]) == 0
    saved = load_config(shop.kiosk)
    assert saved == SyncConfig(fake.url, shop.cfg.kiosk_id, shop.cfg.secret, str(ca_file))
    assert saved.client(retries=0).ping().kiosk_id == shop.cfg.kiosk_id


@pytest.mark.parametrize(("status", "secret"), [(429, "right"), (503, None)])
def test_retry_after_is_not_retried_at_once(shop, fakes, status, secret):
    fake = FakeDistributor(status=status, retry_after="7",
                           secret=shop.cfg.secret if secret else None)
    fakes.append(fake)
    client = DistributorClient(fake.url, shop.cfg.kiosk_id, shop.cfg.secret, retries=3)
    with pytest.raises(DistributorUnreachable) as err:
        client.balance()
    assert err.value.retry_after == 7
    assert fake.count("GET", "/v1/balance") == 1


def test_retry_after_http_date_is_understood(shop, fakes):
    from email.utils import formatdate

    fake = FakeDistributor(status=503, retry_after=formatdate(time.time() + 120, usegmt=True))
    fakes.append(fake)
    with pytest.raises(DistributorUnreachable) as err:
        DistributorClient(fake.url, shop.cfg.kiosk_id, shop.cfg.secret).ping()
    assert err.value.retry_after is not None and 100 <= err.value.retry_after <= 121


def test_the_sync_service_waits_as_long_as_the_server_asks(shop, fakes):
    fake = FakeDistributor(status=429, retry_after="30", secret=shop.cfg.secret)
    fakes.append(fake)
    save_config(shop.kiosk, SyncConfig(fake.url, shop.cfg.kiosk_id, shop.cfg.secret), shop.owner)
    shop.sell("081234567890")
    service = SyncService(shop.kiosk, load_config(shop.kiosk).client(retries=0),
                          relay_interval=0.05, max_backoff=0.1, poll_wait=0)
    service.start()
    try:
        wait_for(lambda: fake.count("POST", "/v1/topups") >= 1, what="the first send")
        # Without Retry-After this service would send again within ~0.1 s, and every sale
        # wakes it at once; for a bounded window it must not knock again.
        window = time.monotonic() + 0.8
        while time.monotonic() < window:
            service.wake()
            time.sleep(0.05)
        assert fake.count("POST", "/v1/topups") == 1
        assert fake.count("GET", "/v1/changes") == 1
        assert shop.kiosk.sales.queue_length() == 1
    finally:
        service.stop()
    assert not service.running
