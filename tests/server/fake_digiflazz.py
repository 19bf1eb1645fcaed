"""A tiny local Digiflazz built from the documented facts (shared/reference/pulsa-apis.md).

``POST /v1/transaction`` checks ``sign = md5(username + api_key + ref_id)``; a repeated
``ref_id`` is a status check. Outcome by the destination's last digit:
0 Sukses; 2 Gagal (rc 02); 3 Pending, then a signed Sukses callback; 5 the first call hangs
past the client's timeout (the purchase still happens), later calls answer Sukses;
6 Pending until a callback is sent by the test.

``POST /v1/inquiry-pln`` checks ``sign = md5(username + api_key + customer_no)``; by the
customer number's last digit: 2 not found (rc 60); 7 an HTTP 500; 8 hangs past the client's
timeout; anything else the customer ``BUDI SANTOSO``, ``R1 /000001300``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


class FakeDigiflazz:
    username = "buyer01"
    api_key = "dev-key-123"
    webhook_secret = "webhook-secret"

    def __init__(self, hang_seconds: float = 1.5) -> None:
        self.hang_seconds = hang_seconds
        self.callback_url = ""
        self.calls: list[dict] = []
        self.transactions: dict[str, dict] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                reply = fake.handle(self.path, body)
                data = json.dumps({"data": reply}).encode()
                try:
                    self.send_response(200 if reply is not None else 500)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reply(self, ref_id: str, customer_no: str, sku: str, status: str, rc: str,
              sn: str = "") -> dict:
        return {"ref_id": ref_id, "customer_no": customer_no, "buyer_sku_code": sku,
                "message": f"Transaksi {status}", "status": status, "rc": rc, "sn": sn,
                "buyer_last_saldo": 1_000_000, "price": 10_100}

    def inquiry(self, body: dict) -> dict | None:
        """The ``inquiry-pln`` reply (None: answer HTTP 500)."""
        customer = str(body.get("customer_no", ""))
        expected = hashlib.md5((self.username + self.api_key + customer).encode()).hexdigest()
        if body.get("username") != self.username or body.get("sign") != expected:
            return {"rc": "41", "status": "Gagal", "message": "Signature Anda salah"}
        with self._lock:
            self.calls.append(body)
        last = customer[-1:]
        if last == "2":
            return {"rc": "60", "status": "Gagal", "message": "Nomor pelanggan tidak ditemukan",
                    "customer_no": customer}
        if last == "7":
            return None
        if last == "8":
            time.sleep(self.hang_seconds)
        return {"rc": "00", "status": "Sukses", "message": "Transaksi Sukses",
                "customer_no": customer, "meter_no": "14234567890",
                "subscriber_id": "523456789012", "name": "BUDI SANTOSO",
                "segment_power": "R1 /000001300"}

    def handle(self, path: str, body: dict) -> dict | None:
        if path == "/v1/inquiry-pln":
            return self.inquiry(body)
        if path != "/v1/transaction":
            return {"rc": "40", "message": "unknown endpoint"}
        ref_id, customer = str(body.get("ref_id", "")), str(body.get("customer_no", ""))
        sku = str(body.get("buyer_sku_code", ""))
        expected = hashlib.md5((self.username + self.api_key + ref_id).encode()).hexdigest()
        if body.get("username") != self.username or body.get("sign") != expected:
            return {"rc": "41", "status": "Gagal", "message": "Signature Anda salah"}
        with self._lock:
            self.calls.append(body)
            known = self.transactions.get(ref_id)
            if known is None:
                self.transactions[ref_id] = known = {"customer": customer, "first": True}
            first, known["first"] = known["first"], False
        last = customer[-1:]
        if last == "2":
            return self.reply(ref_id, customer, sku, "Gagal", "02")
        if last == "3":
            if first:
                threading.Timer(0.3, self.send_callback,
                                (self.reply(ref_id, customer, sku, "Sukses", "00",
                                            "1111-2222-3333"),)).start()
            return self.reply(ref_id, customer, sku, "Pending", "03")
        if last == "5" and first:
            time.sleep(self.hang_seconds)
        if last == "6":
            return self.reply(ref_id, customer, sku, "Pending", "03")
        return self.reply(ref_id, customer, sku, "Sukses", "00", "SN" + ref_id[:10])

    def send_callback(self, data: dict, secret: str | None = None) -> requests.Response:
        raw = json.dumps({"data": data}).encode()
        signature = hmac.new((secret or self.webhook_secret).encode(), raw,
                             hashlib.sha1).hexdigest()
        return requests.post(self.callback_url, data=raw, timeout=10, headers={
            "Content-Type": "application/json", "X-Digiflazz-Event": "update",
            "X-Hub-Signature": f"sha1={signature}",
        })
