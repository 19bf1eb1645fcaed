"""``serve`` writes no line per HTTP request unless asked (``--access-log``): at scale the
kiosks' idle long polls alone would be ~N/25 lines a second in the operator's journal. The
server's own start-up lines are still written either way."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.aids.waiting import wait_for
from tests.server.cluster import ROOT, _free_port


def _serve_and_read_log(tmp_path: Path, *extra: str) -> str:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / f"serve{len(extra)}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "distributor_server", "--db",
             f"sqlite:///{tmp_path / 'server.sqlite3'}", "--key-file",
             str(tmp_path / "master.key"), "serve", "--port", str(port), "--no-sender",
             *extra],
            env={"PYTHONPATH": f"{ROOT}:{ROOT / 'protocol'}:{ROOT / 'server'}",
                 "PATH": "/usr/bin:/bin"}, stdout=out, stderr=subprocess.STDOUT)
        try:
            def up() -> bool:
                assert proc.poll() is None, "serve exited at start"
                try:
                    return requests.get(url + "/v1/health", timeout=2).status_code == 200
                except requests.ConnectionError:
                    return False

            wait_for(up, timeout=30, what="the API process")
            for _ in range(3):
                assert requests.get(url + "/v1/health", timeout=5).status_code == 200
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    return log.read_text(encoding="utf-8")


@pytest.mark.parametrize("asked", [False, True])
def test_a_line_per_request_only_when_asked(tmp_path: Path, asked: bool) -> None:
    text = _serve_and_read_log(tmp_path, *(["--access-log"] if asked else []))
    assert "Uvicorn running" in text or "Application startup complete" in text
    lines = [line for line in text.splitlines() if "GET /v1/health" in line]
    assert (len(lines) >= 3) if asked else (lines == [])
