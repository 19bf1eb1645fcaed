"""What can go wrong when the kiosk talks to its distributor, as three kinds of answer.

- :class:`DistributorUnreachable`: no definite answer (connection refused or reset, timeout,
  5xx). The outcome of a submit is UNKNOWN: keep the data and retry later with the same ref_id.
- :class:`DistributorRejected`: a definite 4xx answer from the server (``status``, ``code``).
- :class:`MalformedReply`: the server answered something that is not our protocol (HTML, not
  JSON, wrong schema). Treated like an unknown outcome: keep the data and report it.

Each carries a sentence for the clerk (``str(exc)``), made with :func:`tr`.
"""

from __future__ import annotations

from kiosk_pos.i18n import tr


class SyncError(Exception):
    """Base of the sync errors; ``str(exc)`` is a sentence in the UI language."""


class DistributorUnreachable(SyncError):
    def __init__(self, url: str, detail: str = "") -> None:
        super().__init__(tr("sync.error.unreachable", url=url))
        self.url = url
        self.detail = detail


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
