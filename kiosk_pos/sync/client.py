"""``DistributorClient``: the kiosk's signed HTTP client for the distributor's ``/v1`` API.

Every call has a (connect, read) timeout and every attempt is signed afresh (new nonce and
timestamp). Only calls that are safe to repeat are retried, with backoff: GETs, and top-up
submits, which are keyed by the sale's ``ref_id`` (a retry never makes a new ref_id, so the
server answers "exists" instead of charging twice). Deposit tickets are not retried.

Every reply to a signed request is checked against the distributor's reply signature
(:func:`pulsa_protocol.signing.verify_reply`, bound to that request's nonce) BEFORE its body is
read: a reply that is unsigned, wrongly signed or stale raises ``DistributorNotProven`` and
nothing in it is used. Two unsigned replies are expected from the real server and mean no
more than they can: a 401 (it cannot sign before it knows the kiosk; a refusal that proves
nothing) and a 5xx/429 from whatever stands in front of it (no answer, try later).

Errors (see :mod:`kiosk_pos.sync.errors`): no definite answer -> ``DistributorUnreachable``
(with ``retry_after`` when a 429/503 said how long to wait: the caller backs off at least
that long, and this client does not retry such a reply itself); a definite 4xx ->
``DistributorRejected``; something that is not our protocol -> ``MalformedReply``. The body
of a request is built once and reused byte for byte on retry. ``verify`` is requests' TLS
check: on by default, or the path of the distributor's own CA bundle.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TypeVar
from urllib.parse import urlencode

import requests
from pulsa_protocol import complaints as complaints_wire
from pulsa_protocol import signing, wire
from pulsa_protocol.inquiry import INQUIRY_PATH, InquiryReply, InquiryRequest
from pydantic import BaseModel, ValidationError

from kiosk_pos.sync.errors import (
    DistributorNotProven,
    DistributorRejected,
    DistributorUnreachable,
    MalformedReply,
    UntrustedCertificate,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)
# Statuses that are not a definite answer about the request: try again later.
_RETRYABLE_4XX = frozenset({408, 425, 429})
MAX_RETRY_AFTER = 3600.0  # an unsigned Retry-After may come from anyone: wait at most an hour


def retry_after_seconds(response: requests.Response, now: float | None = None) -> float | None:
    """The reply's ``Retry-After`` in seconds (delta or HTTP date), capped; None if absent."""
    raw = (response.headers.get("Retry-After") or "").strip()
    if not raw:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        try:
            moment = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = moment.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


class DistributorClient:
    """Signed, timed-out, carefully retried calls to one distributor server for one kiosk."""

    def __init__(
        self,
        base_url: str,
        kiosk_id: int,
        secret: str,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        retries: int = 2,
        backoff: float = 0.25,
        verify: bool | str = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.kiosk_id = int(kiosk_id)
        self._secret = secret
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.verify = verify
        self._shared_session = session
        self._local = threading.local()

    # ------------------------------------------------------------------ plumbing

    @property
    def session(self) -> requests.Session:
        """The given session, else one per thread (a Session is not made for sharing)."""
        if self._shared_session is not None:
            return self._shared_session
        sess = getattr(self._local, "session", None)
        if sess is None:
            sess = requests.Session()
            sess.trust_env = False  # no system proxy between a kiosk and its distributor
            self._local.session = sess
        return sess

    def close(self) -> None:
        sess = getattr(self._local, "session", None)
        if sess is not None:
            sess.close()
            self._local.session = None

    def _send_once(
        self, method: str, path: str, params: dict[str, object] | None, body: bytes,
        signed: bool, read_timeout: float,
    ) -> tuple[requests.Response, str | None]:
        """The reply, and the nonce the request was signed with (None when unsigned)."""
        url = self.base_url + wire.API_PREFIX + path
        if params:
            url += "?" + urlencode({k: str(v) for k, v in params.items()})
        headers = {"Accept": "application/json"}
        if body:
            headers["Content-Type"] = "application/json"
        prepared = self.session.prepare_request(
            requests.Request(method, url, data=body or None, headers=headers))
        nonce: str | None = None
        if signed:  # sign exactly what goes on the request line, with a fresh nonce
            auth = signing.sign_request(self.kiosk_id, self._secret, method,
                                        prepared.path_url, body)
            nonce = auth[signing.HEADER_NONCE]
            prepared.headers.update(auth)
        try:
            reply = self.session.send(prepared, timeout=(self.timeout[0], read_timeout),
                                      allow_redirects=False, verify=self.verify)
            return reply, nonce
        except requests.exceptions.SSLError as exc:
            raise UntrustedCertificate(self.base_url, str(exc)) from exc
        except requests.RequestException as exc:
            raise DistributorUnreachable(self.base_url, f"{type(exc).__name__}: {exc}") from exc

    def _call(
        self,
        method: str,
        path: str,
        model: type[M],
        *,
        params: dict[str, object] | None = None,
        payload: BaseModel | None = None,
        raw_body: bytes | None = None,
        signed: bool = True,
        retry: bool = True,
        read_timeout: float | None = None,
    ) -> M:
        body = raw_body or b""
        if payload is not None:
            body = payload.model_dump_json(exclude_none=True).encode("utf-8")
        attempts = 1 + (self.retries if retry else 0)
        last: Exception | None = None
        for attempt in range(attempts):
            if attempt:
                delay = self.backoff * (2 ** (attempt - 1))
                time.sleep(delay * (0.5 + random.random()))
            try:
                response, nonce = self._send_once(method, path, params, body, signed,
                                                  read_timeout or self.timeout[1])
                return self._parse(response, model, nonce)
            except DistributorUnreachable as exc:
                last = exc
                if exc.retry_after is not None:
                    break  # the server said when: the caller waits at least that long
                log.info("%s %s: no answer (attempt %d/%d): %s", method, path, attempt + 1,
                         attempts, exc.detail)
            except DistributorRejected as exc:
                # A replayed nonce can only mean our earlier attempt got through unseen:
                # for a retry-safe call, try again with a fresh nonce.
                if exc.code == wire.ErrorCode.REPLAYED_NONCE and retry:
                    last = exc
                    continue
                raise
        assert last is not None
        raise last

    def _prove(self, response: requests.Response, nonce: str) -> None:
        """Raise unless the reply is the distributor's answer to the request signed ``nonce``."""
        status = response.status_code
        reason = signing.verify_reply(
            self._secret, status, nonce, response.content,
            response.headers.get(signing.HEADER_REPLY_TIMESTAMP),
            response.headers.get(signing.HEADER_REPLY_SIGNATURE))
        if reason is None:
            return
        if reason == "unsigned" and status == 401:
            # Refused before the server knew us: its words (code, message) prove nothing.
            raise DistributorRejected(401, wire.ErrorCode.UNAUTHORIZED, "unsigned refusal")
        if reason == "unsigned" and (status >= 500 or status in _RETRYABLE_4XX):
            raise DistributorUnreachable(self.base_url, f"HTTP {status} (unsigned)",
                                         retry_after_seconds(response))
        log.warning("reply from %s not proven (%s, HTTP %s)", self.base_url, reason, status)
        raise DistributorNotProven(self.base_url, reason, f"HTTP {status}")

    def _parse(self, response: requests.Response, model: type[M], nonce: str | None) -> M:
        if nonce is not None:
            self._prove(response, nonce)
        status = response.status_code
        url = self.base_url
        if status >= 500 or status in _RETRYABLE_4XX:
            raise DistributorUnreachable(url, f"HTTP {status}", retry_after_seconds(response))
        try:
            data = response.json()
        except (ValueError, json.JSONDecodeError):
            raise MalformedReply(url, f"HTTP {status}, not JSON: {response.text[:120]!r}") \
                from None
        if 200 <= status < 300:
            try:
                return model.model_validate(data)
            except ValidationError as exc:
                raise MalformedReply(url, f"HTTP {status}, schema: {exc.errors()[:2]}") \
                    from None
        if 400 <= status < 500:
            try:
                err = wire.ErrorBody.model_validate(data)
            except ValidationError:
                raise MalformedReply(url, f"HTTP {status} without an error body") from None
            raise DistributorRejected(status, err.code, err.message)
        raise MalformedReply(url, f"unexpected HTTP {status}")

    # ------------------------------------------------------------------ API

    def health(self) -> wire.Health:
        return self._call("GET", "/health", wire.Health, signed=False)

    def ping(self) -> wire.Ping:
        return self._call("GET", "/ping", wire.Ping)

    def balance(self) -> wire.Balance:
        return self._call("GET", "/balance", wire.Balance)

    def submit_topups(self, items: list[wire.TopUpRequest]) -> wire.TopUpBatchResponse:
        """POST a batch; safe to retry because every item is keyed by its ref_id."""
        batch = wire.TopUpBatchRequest(items=items)
        return self._call("POST", "/topups", wire.TopUpBatchResponse, payload=batch)

    def submit_payloads(self, payloads: list[str]) -> wire.TopUpBatchResponse:
        """POST a batch made of stored outbox payloads, each sent byte for byte as saved.

        Each payload must be a JSON object of :class:`wire.TopUpRequest` (checked here first,
        so a bad one raises ``ValueError`` before anything is sent).
        """
        if not 1 <= len(payloads) <= wire.MAX_BATCH_ITEMS:
            raise ValueError(f"a batch holds 1..{wire.MAX_BATCH_ITEMS} items")
        for raw in payloads:
            wire.TopUpRequest.model_validate_json(raw)
        body = ('{"items":[' + ",".join(p.strip() for p in payloads) + "]}").encode("utf-8")
        return self._call("POST", "/topups", wire.TopUpBatchResponse, raw_body=body)

    def submit_topup(self, item: wire.TopUpRequest) -> wire.TopUp:
        fields = wire.TopUpFields(**item.model_dump(exclude={"ref_id"}))
        return self._call("PUT", f"/topups/{item.ref_id}", wire.TopUp, payload=fields)

    def get_topup(self, ref_id: str) -> wire.TopUp:
        return self._call("GET", f"/topups/{ref_id}", wire.TopUp)

    def changes(self, cursor: int, limit: int = 500, wait: float = 0
                ) -> complaints_wire.ChangesPage:
        wait = max(0.0, min(float(wait), float(wire.MAX_WAIT_SECONDS)))
        params: dict[str, object] = {"cursor": int(cursor), "limit": int(limit)}
        if wait:
            params["wait"] = int(wait) if wait == int(wait) else wait
        return self._call("GET", "/changes", complaints_wire.ChangesPage, params=params,
                          read_timeout=self.timeout[1] + wait)

    def file_complaint(self, complaint_id: str, body: str) -> complaints_wire.Complaint:
        """PUT a stored complaint byte for byte; safe to retry (filed once by its id)."""
        complaints_wire.ComplaintFields.model_validate_json(body)
        return self._call("PUT", f"/complaints/{complaint_id}", complaints_wire.Complaint,
                          raw_body=body.encode("utf-8"))

    def prices(self, since: int = 0) -> wire.PriceList:
        return self._call("GET", "/prices", wire.PriceList, params={"since": int(since)})

    def create_deposit_ticket(self, amount: int) -> wire.DepositTicket:
        """Not retried: a repeat could open a second ticket."""
        return self._call("POST", "/deposit-tickets", wire.DepositTicket,
                          payload=wire.DepositTicketRequest(amount=amount), retry=False)

    def deposit_tickets(self) -> wire.DepositTicketList:
        return self._call("GET", "/deposit-tickets", wire.DepositTicketList)

    def transactions(self, start: datetime, end: datetime) -> wire.TransactionList:
        return self._call("GET", "/transactions", wire.TransactionList,
                          params={"from": _iso(start), "to": _iso(end)})

    def ledger(self, start: datetime, end: datetime) -> wire.LedgerPage:
        return self._call("GET", "/ledger", wire.LedgerPage,
                          params={"from": _iso(start), "to": _iso(end)})

    def day_summary(self, start: datetime, end: datetime, margin: timedelta,
                    until: datetime) -> wire.DaySummary | None:
        """The day [start, end) summed up (:class:`wire.DaySummary`; its ledger rows up to
        ``until``); None from a server that does not offer it (older than the endpoint: an
        unknown path is a 404, unsigned because no route identified the kiosk). None only
        ever means "compare the lists", which a fake reply cannot turn into "the books
        agree"."""
        try:
            return self._call("GET", "/transactions/summary", wire.DaySummary,
                              params={"from": _iso(start), "to": _iso(end),
                                      "margin": int(margin.total_seconds()),
                                      "until": _iso(until)})
        except DistributorRejected as exc:
            if exc.status == 404:
                return None
            raise
        except DistributorNotProven as exc:
            if exc.reason == "unsigned" and exc.detail == "HTTP 404":
                return None
            raise

    def inquiry(self, sku: str, destination: str) -> InquiryReply:
        """The name check (cek ID) of a PLN or e-wallet destination. Tried once: a clerk is
        waiting, and "could not check" lets the sale go on."""
        return self._call("POST", INQUIRY_PATH, InquiryReply, retry=False,
                          payload=InquiryRequest(sku=sku, destination=destination))
