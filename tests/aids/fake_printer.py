"""A LAN receipt printer stand-in on 127.0.0.1 for tests and tools (no hardware needed).

It answers the paper status query (DLE EOT 4) like an ESC/POS printer and keeps
each connection's bytes as one job. Modes: ``ok``, ``paper_out`` (answers
"paper end"), ``stall`` (accepts, then never reads nor answers).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

STATUS_QUERY = b"\x10\x04\x04"
PAPER_OK = b"\x12"
PAPER_END = b"\x72"


class FakeNetworkPrinter:
    def __init__(self, mode: str = "ok", port: int = 0, host: str = "127.0.0.1") -> None:
        self.mode = mode
        self.host = host
        self.port = port
        self.jobs: list[bytes] = []
        self._changed = threading.Condition()
        self._server: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    def start(self) -> FakeNetworkPrinter:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((self.host, self.port))
        server.listen(8)
        self.port = server.getsockname()[1]
        self._server = server
        self._stopping.clear()
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        for conn in list(self._open):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        for thread in self._threads:
            thread.join(2)
        self._threads.clear()
        self._open.clear()

    def __enter__(self) -> FakeNetworkPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout: float) -> bool:
        """True once ``count`` jobs arrived, False at the deadline."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.jobs) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        server = self._server
        while server is not None and not self._stopping.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            self._open.append(conn)
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        if self.mode == "stall":
            self._stopping.wait()
            return
        chunks = bytearray()
        answered = False
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                chunks += data
                if not answered and chunks.startswith(STATUS_QUERY):
                    conn.sendall(PAPER_END if self.mode == "paper_out" else PAPER_OK)
                    del chunks[: len(STATUS_QUERY)]
                    answered = True
        except OSError:
            pass
        finally:
            conn.close()
        if chunks:
            with self._changed:
                self.jobs.append(bytes(chunks))
                self._changed.notify_all()


def closed_port() -> int:
    """A local port nobody listens on (connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
