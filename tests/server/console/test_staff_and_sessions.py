"""The console's sign-in rules without a browser: TOTP per RFC 6238, the password policy,
lockout and replay counted in the database, recovery codes used once, idle sessions ended,
audit rows, and ``distributor-server admin add``."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from distributor_server import cli
from distributor_server.clock import utcnow
from distributor_server.config import Settings
from distributor_server.console import audit, passwords, sessions, staff, totp
from distributor_server.context import ServerContext
from distributor_server.models import ConsoleAudit, StaffSession
from sqlalchemy import select, update

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890" (RFC 6238 appendix B)
ACTOR = audit.Actor(None, "test", "127.0.0.1")


@pytest.mark.parametrize(("unix_time", "code"), [
    (59, "287082"), (1111111109, "081804"), (1111111111, "050471"), (1234567890, "005924"),
    (2000000000, "279037"), (20000000000, "353130"),
])
def test_totp_matches_the_rfc_6238_vectors(unix_time, code):
    assert totp.now_code(RFC_SECRET, unix_time) == code


def test_totp_accepts_one_step_of_drift_and_no_more():
    now = 1_700_000_000.0
    step = totp.time_step(now)
    for drift in (-1, 0, 1):
        assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + drift), now) \
            == step + drift
    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + 2), now) is None
    assert totp.matching_step(RFC_SECRET, "12345", now) is None
    assert totp.matching_step(RFC_SECRET, "abcdef", now) is None


@pytest.mark.parametrize(("password", "key"), [
    ("short pass", "password_short"), ("password1234", "password_common"),
    ("Bismillah123", "password_common"), ("xx-boss-admin-xx", "password_common"),
])
def test_weak_passwords_are_refused(password, key):
    with pytest.raises(passwords.WeakPassword) as caught:
        passwords.check_policy(password, "boss-admin")
    assert caught.value.key == key


def test_password_hashes_are_salted_scrypt():
    first, second = (passwords.hash_password("kopi tubruk pagi") for _ in range(2))
    assert first.startswith("scrypt$") and first != second
    assert passwords.verify_password("kopi tubruk pagi", first)
    assert not passwords.verify_password("kopi tubruk pagI", first)
    assert not passwords.verify_password("anything", "not-a-hash")


@pytest.fixture
def ctx(db):
    url, key_file = db
    context = ServerContext(Settings.for_db(url, key_file))
    yield context
    context.close()


def _enrol(ctx, role="desk"):
    import uuid

    name = f"staf-{uuid.uuid4().hex[:8]}"
    enrolment = staff.create_staff(ctx.db, name, role, "kopi tubruk pagi hari")
    secret = re.search(r"secret=([A-Z2-7]+)", enrolment.otpauth_uri).group(1)
    return enrolment, secret


def test_a_code_is_accepted_once_and_a_recovery_code_once(ctx):
    enrolment, secret = _enrol(ctx)
    now = 1_800_000_000.0
    code = totp.now_code(secret, now)
    staff.check_code(ctx.db, enrolment.staff_id, code, ACTOR, now)
    with pytest.raises(staff.StaffError) as replay:
        staff.check_code(ctx.db, enrolment.staff_id, code, ACTOR, now + 20)
    assert replay.value.key == "code_used"
    recovery = enrolment.recovery_codes[0]
    staff.check_code(ctx.db, enrolment.staff_id, recovery.upper(), ACTOR, now)
    with pytest.raises(staff.StaffError) as again:
        staff.check_code(ctx.db, enrolment.staff_id, recovery, ACTOR, now)
    assert again.value.key == "code_wrong"


def test_lockout_holds_across_processes_and_is_audited(ctx, db):
    enrolment, _secret = _enrol(ctx)
    other = ServerContext(Settings.for_db(*db))  # a second server process on the same data
    try:
        for n in range(staff.MAX_FAILURES):
            with pytest.raises(staff.StaffError) as caught:
                db_ = (ctx if n % 2 else other).db
                staff.check_password(db_, enrolment.username, "bukan sandinya", ACTOR)
        assert caught.value.key == "locked"
        with pytest.raises(staff.StaffError) as locked:
            staff.check_password(other.db, enrolment.username, "kopi tubruk pagi hari", ACTOR)
        assert locked.value.key == "locked"
    finally:
        other.close()
    with ctx.db.read() as session:
        actions = list(session.scalars(select(ConsoleAudit.action).where(
            ConsoleAudit.target == enrolment.username).order_by(ConsoleAudit.id)))
    assert actions == ["staff.add"] + ["signin.bad_password"] * 5 + ["signin.locked"]


def test_an_idle_session_ends_and_a_revoked_one_stays_ended(ctx):
    enrolment, _secret = _enrol(ctx)
    token = sessions.start(ctx.db, enrolment.staff_id, sessions.STAGE_SIGNED_IN)
    assert sessions.lookup(ctx.db, token).username == enrolment.username
    with ctx.db.write() as session:
        session.execute(update(StaffSession).where(StaffSession.staff_id == enrolment.staff_id)
                        .values(last_seen_at=utcnow() - timedelta(
                            minutes=sessions.IDLE_MINUTES, seconds=1)))
    assert sessions.lookup(ctx.db, token) is None
    fresh = sessions.start(ctx.db, enrolment.staff_id, sessions.STAGE_SIGNED_IN)
    sessions.revoke_all(ctx.db, enrolment.staff_id)
    assert sessions.lookup(ctx.db, fresh) is None


def test_a_cookie_signature_binds_the_token():
    key = sessions.cookie_key(b"k" * 32)
    signed = sessions.sign(key, "abc")
    assert sessions.unsign(key, signed) == "abc"
    assert sessions.unsign(sessions.cookie_key(b"j" * 32), signed) is None
    assert sessions.unsign(key, "abd." + signed.split(".")[1]) is None
    assert sessions.unsign(key, None) is None


def test_admin_add_prints_the_enrolment_uri(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("kopi tubruk pagi hari\n"))
    assert cli.main(["--db", url, "admin", "add", "--username", "Pemilik", "--role", "admin",
                     "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^otpauth://totp/Pulsa%20Distributor%3Apemilik\?secret=[A-Z2-7]{32}&",
                     out, re.M)
    assert len(re.findall(r"\b[a-z2-7]{5}-[a-z2-7]{5}\b", out)) == staff.RECOVERY_CODES


def test_the_enrolment_qr_code_is_printable_blocks():
    from distributor_server.console.cli_admin import terminal_qr

    picture = terminal_qr("otpauth://totp/Pulsa%20Distributor%3Aboss?secret=" + "A" * 32)
    rows = picture.splitlines()
    assert len(rows) > 15 and len({len(r) for r in rows}) == 1  # a square of equal rows
    assert set(picture) <= set("█▀▄ \xa0\n")  # qrcode pads with no-break spaces


def test_admin_add_without_a_terminal_or_stdin_password_exits_2(tmp_path, capsys,
                                                                 monkeypatch):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert cli.main(["--db", url, "admin", "add", "--username", "boss", "--role",
                     "admin"]) == 2
    err = capsys.readouterr().err
    assert "--password-stdin" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as bad_role:
        cli.main(["--db", url, "admin", "add", "--username", "boss", "--role", "boss",
                  "--password-stdin"])
    assert bad_role.value.code == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err
