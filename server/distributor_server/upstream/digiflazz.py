"""Digiflazz buyer API adapter (facts: shared reference pulsa-apis.md).

- ``POST {base}/transaction`` with ``sign = md5(username + api_key + ref_id)``.
- A status check is the same request with the SAME ``ref_id``.
- Replies ``{"data": {ref_id, status: Sukses|Pending|Gagal, rc, sn, message, price, ...}}``.
- Name check: ``POST {base}/inquiry-pln`` ``{username, customer_no, sign = md5(username +
  api_key + customer_no)}`` -> ``{"data": {name, meter_no, subscriber_id, segment_power}}``.
  Digiflazz documents no such check for e-wallet accounts: those are "could not check".
- Webhook: ``X-Hub-Signature: sha1=<hex HMAC-SHA1 of the RAW body with the webhook secret>``.

Only a final ``status`` decides an outcome. Network errors, 5xx, unreadable replies and our
own configuration errors (41 bad signature, 42 username, 45 IP not whitelisted) keep the
top-up pending and it is asked again later with the same ref_id: marking it failed would
refund the kiosk for a purchase that may still succeed (e.g. after a key switch).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import requests
from pulsa_protocol.wire import TopUpStatus

from distributor_server.config import DigiflazzSettings
from distributor_server.upstream.base import (
    NameFound,
    Upstream,
    UpstreamResult,
    UpstreamUnavailable,
)

log = logging.getLogger(__name__)

PENDING_RCS = {"03", "99"}
CONFIG_RCS = {"41", "42", "45"}  # our credentials/IP: nothing decided, fix config and retry
RATE_LIMIT_RCS = {"83", "85"}  # retry after a minute
NOT_FOUND_RCS = {f"{n:02d}" for n in range(50, 75)}  # destination/product failures
INQUIRY_TIMEOUT = 8.0  # a clerk is waiting: never the top-up's 30 s
SIGNATURE_HEADER = "X-Hub-Signature"


def md5_sign(username: str, api_key: str, x: str) -> str:
    return hashlib.md5((username + api_key + x).encode("utf-8")).hexdigest()


def result_from_data(data: Mapping) -> UpstreamResult:
    """Map one Digiflazz transaction reply (or callback ``data``) to an outcome."""
    rc = str(data.get("rc", "")).strip()
    status = str(data.get("status", "")).strip().lower()
    message = str(data.get("message", "") or "")
    reference = str(data.get("ref_id", "") or "")
    sn = str(data.get("sn", "") or "")
    if status == "sukses" or (rc == "00" and status in ("", "sukses")):
        return UpstreamResult(TopUpStatus.SUCCESS, sn=sn, message=message, reference=reference)
    if rc in CONFIG_RCS:
        log.error("Digiflazz refused our credentials (rc %s: %s); fix config", rc, message)
        return UpstreamResult(TopUpStatus.PENDING, message=f"rc {rc}: {message}",
                              reference=reference, retry_after=60.0)
    if rc in RATE_LIMIT_RCS:
        return UpstreamResult(TopUpStatus.PENDING, message=message, reference=reference,
                              retry_after=60.0)
    if status == "pending" or rc in PENDING_RCS:
        return UpstreamResult(TopUpStatus.PENDING, message=message, reference=reference)
    if status == "gagal":
        return UpstreamResult(TopUpStatus.FAILED, message=message or f"rc {rc}",
                              reference=reference)
    return UpstreamResult(TopUpStatus.PENDING, message=f"unrecognised reply rc={rc!r}",
                          reference=reference)


def name_from_data(data: Mapping) -> NameFound:
    """Map one ``inquiry-pln`` reply to a name, "no such customer", or UpstreamUnavailable."""
    rc = str(data.get("rc", "")).strip()
    status = str(data.get("status", "")).strip().lower()
    message = str(data.get("message", "") or "")[:300]
    name = " ".join(str(data.get("name", "") or "").split())[:100]
    if name and (rc in ("", "00") and status in ("", "sukses")):
        return NameFound(name=name, segment_power=str(data.get("segment_power", "") or ""),
                         meter_no=_digits(data.get("meter_no")),
                         subscriber_id=_digits(data.get("subscriber_id")), message=message)
    if rc in NOT_FOUND_RCS:  # any other failure says nothing about the customer
        return NameFound(message=message or f"rc {rc}")
    if rc in CONFIG_RCS:
        log.error("Digiflazz refused our credentials (rc %s: %s); fix config", rc, message)
    raise UpstreamUnavailable(f"Digiflazz name check: rc {rc!r} {message}".strip())


def _digits(value: object) -> str:
    text = str(value or "").strip()
    return text if text.isascii() and text.isdigit() and len(text) <= 20 else ""


def verify_callback_signature(secret: str, raw_body: bytes, header: str | None) -> bool:
    """True when ``header`` is ``sha1=<HMAC-SHA1(secret, raw_body)>``. Never re-serialise."""
    if not secret or not header or not header.startswith("sha1="):
        return False
    expected = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha1).hexdigest()
    return hmac.compare_digest(expected, header[len("sha1="):].strip().lower())


class CallbackRejected(ValueError):
    pass


def parse_callback(
    secret: str, raw_body: bytes, headers: Mapping[str, str]
) -> tuple[str, UpstreamResult]:
    """(upstream ref_id, outcome) of a verified webhook, or CallbackRejected."""
    if not verify_callback_signature(secret, raw_body, headers.get(SIGNATURE_HEADER)):
        raise CallbackRejected("bad or missing X-Hub-Signature")
    try:
        payload = json.loads(raw_body)
        data = payload["data"] if isinstance(payload, dict) and "data" in payload else payload
        ref_id = str(data["ref_id"])
    except (ValueError, KeyError, TypeError):
        raise CallbackRejected("callback body is not a Digiflazz transaction") from None
    return ref_id, result_from_data(data)


class Digiflazz(Upstream):
    name = "digiflazz"

    def __init__(self, settings: DigiflazzSettings, session: requests.Session | None = None):
        self.settings = settings
        self.http = session or requests.Session()

    def send(self, ref_id: str, sku: str, destination: str) -> UpstreamResult:
        s = self.settings
        body: dict[str, object] = {
            "username": s.username,
            "buyer_sku_code": sku,
            "customer_no": destination,
            "ref_id": ref_id,
            "sign": md5_sign(s.username, s.api_key, ref_id),
        }
        if s.testing:
            body["testing"] = True
        if s.callback_url:
            body["cb_url"] = s.callback_url
        try:
            reply = self.http.post(
                s.base_url.rstrip("/") + "/transaction", json=body, timeout=s.timeout_seconds
            )
        except requests.RequestException as exc:
            raise UpstreamUnavailable(f"Digiflazz unreachable: {exc.__class__.__name__}") from exc
        if reply.status_code >= 500:
            raise UpstreamUnavailable(f"Digiflazz answered HTTP {reply.status_code}")
        try:
            data = reply.json()["data"]
        except (ValueError, KeyError, TypeError):
            raise UpstreamUnavailable("Digiflazz reply is not the expected JSON") from None
        if not isinstance(data, dict):
            raise UpstreamUnavailable("Digiflazz reply has no transaction data")
        return result_from_data(data)

    def inquire(self, sku: str, kind: str, destination: str) -> NameFound:
        if kind != "pln":
            raise UpstreamUnavailable("Digiflazz offers no name check for e-wallets")
        s = self.settings
        body = {"username": s.username, "customer_no": destination,
                "sign": md5_sign(s.username, s.api_key, destination)}
        try:
            reply = self.http.post(s.base_url.rstrip("/") + "/inquiry-pln", json=body,
                                   timeout=min(s.timeout_seconds, INQUIRY_TIMEOUT))
        except requests.RequestException as exc:
            raise UpstreamUnavailable(f"Digiflazz unreachable: {exc.__class__.__name__}") from exc
        if reply.status_code >= 500:
            raise UpstreamUnavailable(f"Digiflazz answered HTTP {reply.status_code}")
        try:
            data = reply.json()["data"]
        except (ValueError, KeyError, TypeError):
            raise UpstreamUnavailable("Digiflazz reply is not the expected JSON") from None
        if not isinstance(data, dict):
            raise UpstreamUnavailable("Digiflazz reply has no inquiry data")
        return name_from_data(data)
    def balance(self) -> int | None:
        """``POST {base}/cek-saldo`` (``cmd: deposit``, sign ``md5(username+key+"depo")``)."""
        s = self.settings
        body = {"cmd": "deposit", "username": s.username,
                "sign": md5_sign(s.username, s.api_key, "depo")}
        try:
            reply = self.http.post(s.base_url.rstrip("/") + "/cek-saldo", json=body,
                                   timeout=s.timeout_seconds)
            deposit = reply.json()["data"]["deposit"]
        except requests.RequestException as exc:
            raise UpstreamUnavailable(f"Digiflazz unreachable: {exc.__class__.__name__}") from exc
        except (ValueError, KeyError, TypeError):
            raise UpstreamUnavailable("Digiflazz balance reply is not the expected JSON") from None
        if isinstance(deposit, bool) or not isinstance(deposit, int | float | str):
            raise UpstreamUnavailable("Digiflazz balance is not a number")
        try:  # whole rupiah through Decimal: never a float's rounding near money
            return int(Decimal(str(deposit)))
        except (InvalidOperation, ValueError, OverflowError):
            raise UpstreamUnavailable("Digiflazz balance is not a number") from None

    def close(self) -> None:
        self.http.close()
