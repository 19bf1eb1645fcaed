"""What can go wrong when the kiosk talks to its distributor, as three kinds of answer.

- :class:`DistributorUnreachable`: no definite answer (connection refused or reset, timeout,
  5xx). The outcome of a submit is UNKNOWN: keep the data and retry later with the same ref_id.
- :class:`DistributorRejected`: a definite 4xx answer from the server (``status``, ``code``).
- :class:`MalformedReply`: the server answered something that is not our protocol (HTML, not
  JSON, wrong schema). Treated like an unknown outcome: keep the data and report it.
- :class:`DistributorNotProven` (a kind of ``MalformedReply``): the reply does not carry the
  distributor's signature for THIS request (unsigned, wrongly signed, or signed more than
  5 minutes away from our clock). Someone other than the distributor may be answering:
  nothing in the reply is used, queued top-ups stay queued, the clerk reads one sentence.
  An unsigned 401 is the one unsigned reply that is expected (the server cannot sign before
  it knows the kiosk); it is a ``DistributorRejected`` that proves nothing either way.

Each carries a sentence for the clerk (``str(exc)``), made with :func:`tr`.
"""

from __future__ import annotations

from kiosk_pos.i18n import tr


class SyncError(Exception):
    """Base of the sync errors; ``str(exc)`` is a sentence in the UI language."""


class DistributorUnreachable(SyncError):
    def __init__(self, url: str, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(tr("sync.error.unreachable", url=url))
        self.url = url
        self.detail = detail
        self.retry_after = retry_after  # seconds the server asked us to wait (429/503)


class UntrustedCertificate(DistributorUnreachable):
    """https, but the server's certificate is not trusted (wrong host, unknown CA, expired).
    Nothing was sent past the handshake; for a distributor with its own CA, ``--ca-file``."""

    def __init__(self, url: str, detail: str = "") -> None:
        SyncError.__init__(self, tr("sync.error.untrusted_certificate", url=url))
        self.url = url
        self.detail = detail
        self.retry_after = None


class DistributorRejected(SyncError):
    def __init__(self, status: int, code: str, message: str = "") -> None:
        if status == 401:
            text = tr("sync.error.unauthorized")
        else:
            text = tr("sync.error.rejected", status=status, code=code,
                      message=message or code)
        super().__init__(text)
        self.status = status
        self.code = code
        self.message = message

    @property
    def unauthorized(self) -> bool:
        return self.status == 401


class MalformedReply(SyncError):
    def __init__(self, url: str, detail: str = "") -> None:
        super().__init__(tr("sync.error.malformed", url=url))
        self.url = url
        self.detail = detail


class DistributorNotProven(MalformedReply):
    """The reply is not signed by the distributor for this request; ``reason`` says how:
    ``unsigned``, ``bad_signature`` or ``stale`` (signed, but the clocks disagree)."""

    def __init__(self, url: str, reason: str, detail: str = "") -> None:
        key = "sync.error.not_proven_clock" if reason == "stale" else "sync.error.not_proven"
        SyncError.__init__(self, tr(key, url=url))
        self.url = url
        self.reason = reason
        self.detail = detail
