"""``kiosk-pos audit`` a page at a time with its filters, and ``kiosk-pos user idle-lock``
(issue 10): the owner's, each refusal one sentence with exit 2 and nothing written."""

from __future__ import annotations

import pytest

from tests.aids.cli_calls import ok_json, refused, run


def shifts(capsys, data_dir, n: int) -> None:
    for _ in range(n):
        ok_json(capsys, data_dir, "shift", "open", "--float", "1000", "--pin", "1111")
        ok_json(capsys, data_dir, "shift", "close", "--counted", "1000", "--pin", "1111")


def test_paging_with_before_walks_the_whole_trail_newest_first(capsys, data_dir):
    shifts(capsys, data_dir, 3)
    whole = ok_json(capsys, data_dir, "audit", "--limit", "500", "--pin", "9999")
    seen, before = [], []
    while True:
        page = ok_json(capsys, data_dir, "audit", "--limit", "2", *before, "--pin", "9999")
        if not page:
            break
        assert len(page) <= 2
        seen += [e["id"] for e in page]
        before = ["--before", str(page[-1]["id"])]
    # every run logs the owner in first: the first page's run adds the one newer row
    assert len(whole) > 10 and seen[1:] == [e["id"] for e in whole]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == len(seen)
    code, out, _err = run(capsys, data_dir, "audit", "--limit", "2", "--pin", "9999")
    assert code == 0 and "--before" in out.splitlines()[-1]  # the text says there is more


def test_filters_by_person_id_or_name_and_by_action_group(capsys, data_dir):
    shifts(capsys, data_dir, 2)
    clerk_id = next(u["id"] for u in ok_json(capsys, data_dir, "user", "list", "--pin", "9999")
                    if u["name"] == "kasir")
    by_id = ok_json(capsys, data_dir, "audit", "--who", str(clerk_id), "--action", "shift.",
                    "--pin", "9999")
    assert [e["action"] for e in by_id] == ["shift.closed", "shift.opened"] * 2
    assert {e["user"] for e in by_id} == {"kasir"}
    by_name = ok_json(capsys, data_dir, "audit", "--who", "kasir", "--action", "shift.",
                      "--pin", "9999")
    assert by_name == by_id
    owner_logins = ok_json(capsys, data_dir, "audit", "--who", "Pemilik", "--action",
                           "user.login", "--pin", "9999")
    assert owner_logins and {e["user"] for e in owner_logins} == {"Pemilik"}


@pytest.mark.parametrize(("args", "words"), [
    (("--who", "77"), "77"),               # no user with that id
    (("--before", "999999"), "#999999"),   # no such audit row
    (("--before", "0"), "0"),              # not an id at all
    (("--limit", "0"), "0"),
    (("--limit", "501"), "501"),
])
def test_a_bad_filter_is_one_sentence(capsys, data_dir, args, words):
    assert words in refused(capsys, data_dir, "audit", *args, "--pin", "9999")


def test_the_owner_shows_and_sets_the_idle_lock(capsys, data_dir):
    assert ok_json(capsys, data_dir, "user", "idle-lock", "--pin", "9999") == {
        "idle_lock_minutes": 10}
    assert ok_json(capsys, data_dir, "user", "idle-lock", "--minutes", "30", "--pin",
                   "9999") == {"idle_lock_minutes": 30}
    code, out, _err = run(capsys, data_dir, "user", "idle-lock", "--pin", "9999")
    assert code == 0 and "30 menit" in out
    [row] = ok_json(capsys, data_dir, "audit", "--action", "user.idle_lock", "--pin", "9999")
    assert row["user"] == "Pemilik" and row["detail"] == {"minutes": 30}
    code, out, _err = run(capsys, data_dir, "user", "idle-lock", "--minutes", "0",
                          "--pin", "9999")
    assert code == 0 and "tidak pernah" in out


@pytest.mark.parametrize(("args", "words"), [
    (("--minutes", "5", "--pin", "1111"), "pemilik"),   # a clerk may not set it
    (("--pin", "1111"), "pemilik"),                     # nor read it here
    (("--minutes", "241", "--pin", "9999"), "240"),
    (("--minutes", "-1", "--pin", "9999"), "240"),
    (("--minutes", "lima", "--pin", "9999"), "lima"),
])
def test_idle_lock_refusals_change_nothing(capsys, data_dir, args, words):
    assert words in refused(capsys, data_dir, "user", "idle-lock", *args).lower()
    assert ok_json(capsys, data_dir, "user", "idle-lock", "--pin", "9999") == {
        "idle_lock_minutes": 10}
