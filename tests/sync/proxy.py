"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1 for the sync tests (threads, seeded).

Per request it either forwards faithfully or, at random:
- ``drop``: forwards the request, reads the server's full reply (so the server committed),
  then closes the client's connection without relaying a byte;
- ``reset``: resets the client's connection (RST) before forwarding anything;
- ``delay``: forwards, then holds the reply longer than the client's read timeout;
- ``duplicate``: sends the same request bytes to the server twice (in random order) and
  relays one of the two replies.
``counts`` records how many of each were injected.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter

FAULTS = ("drop", "reset", "delay", "duplicate")


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def head(self) -> bytes | None:
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                return None
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return head + b"\r\n\r\n"

    def exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise ConnectionError("closed mid-body")
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def message(self) -> bytes | None:
        """One whole HTTP message (Content-Length bodies only; ours never chunk)."""
        head = self.head()
        if head is None:
            return None
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        return head + self.exactly(length)


class FaultProxy:
    def __init__(self, upstream: tuple[str, int], *, seed: int, rates: dict[str, float],
                 delay: float = 2.0) -> None:
        self.upstream = upstream
        self.rng = random.Random(seed)
        self.rates = rates
        self.delay = delay
        self.counts: Counter[str] = Counter()
        self.enabled = True
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True, name="fault-proxy")
        self._thread.start()

    def _pick(self) -> str:
        with self._lock:
            if not self.enabled:
                return "pass"
            roll = self.rng.random()
            for fault in FAULTS:
                roll -= self.rates.get(fault, 0.0)
                if roll < 0:
                    self.counts[fault] += 1
                    return fault
            self.counts["pass"] += 1
            return "pass"

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _roundtrip(self, request: bytes) -> bytes | None:
        with socket.create_connection(self.upstream, timeout=60) as up:
            up.sendall(request)
            return _Reader(up).message()

    def _into(self, request: bytes, replies: list[bytes | None], i: int) -> None:
        replies[i] = self._roundtrip(request)

    def _serve(self, client: socket.socket) -> None:
        reader = _Reader(client)
        try:
            while True:
                request = reader.message()
                if request is None:
                    return
                fault = self._pick()
                if fault == "reset":
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
                    return
                if fault == "duplicate":
                    replies: list[bytes | None] = [None, None]
                    threads = [threading.Thread(target=self._into, args=(request, replies, i))
                               for i in (0, 1)]
                    for t in threads:
                        t.start()
                    for t in threads:
                        t.join()
                    reply = replies[self.rng.randrange(2)]
                else:
                    reply = self._roundtrip(request)
                if reply is None or fault == "drop":
                    return
                if fault == "delay":
                    time.sleep(self.delay)
                client.sendall(reply)
        except OSError:
            return
        finally:
            client.close()

    def close(self) -> None:
        self._stop = True
        self._sock.close()
