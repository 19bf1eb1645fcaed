"""Deposit-ticket unique codes are spread per kiosk, on SQLite and PostgreSQL.

One kiosk once took all 999 codes of an amount in seconds, so every other kiosk got 409 for
that amount all day. Open tickets are capped per kiosk; on top of that each kiosk draws from
its own window of codes, so kiosks asking for the same amount at the same time do not
collide and one kiosk's tickets do not change which codes another kiosk gets.
"""

from __future__ import annotations

import secrets

import pytest
from distributor_server.embedded import EmbeddedServer
from distributor_server.tickets import TooManyOpenTickets, create_ticket, home_codes

KIOSKS = 4


def _amount() -> int:
    """An amount no other test on the shared PostgreSQL database has open tickets near."""
    return 1_000_000 + secrets.randbelow(90_000) * 1_000


def _codes(server: EmbeddedServer, kiosk_id: int, amount: int, count: int) -> list[int]:
    return [create_ticket(server.ctx, kiosk_id, amount).unique_code for _ in range(count)]


def test_each_kiosk_draws_its_own_codes_whatever_the_others_hold(server: EmbeddedServer
                                                                 ) -> None:
    cap = server.ctx.settings.max_open_tickets
    kiosks = [server.create_kiosk(f"Konter {i}").kiosk_id for i in range(KIOSKS)]
    first, crowded = _amount(), _amount()
    # the first kiosk alone, for one amount
    alone = _codes(server, kiosks[0], first, cap // 2)
    # every other kiosk takes its whole cap for another amount, then the first kiosk asks
    others = {k: _codes(server, k, crowded, cap) for k in kiosks[1:]}
    crowd = _codes(server, kiosks[0], crowded, cap // 2)
    assert crowd == alone, "the first kiosk's codes changed because other kiosks held some"
    everyone = [c for codes in [crowd, *others.values()] for c in codes]
    assert len(everyone) == len(set(everyone)), "two kiosks got the same transfer amount"
    for kiosk_id, codes in [(kiosks[0], crowd), *others.items()]:
        assert set(codes) <= set(home_codes(kiosk_id, cap))
    with pytest.raises(TooManyOpenTickets):  # the cap still holds
        create_ticket(server.ctx, kiosks[1], _amount())


def test_a_kiosk_whose_window_is_taken_still_gets_a_free_code(server: EmbeddedServer) -> None:
    """Open tickets for a nearby amount can cover a kiosk's whole window: it then draws
    any other free code, and the transfer amounts stay unique."""
    cap = server.ctx.settings.max_open_tickets
    a, b = (server.create_kiosk(f"Konter {n}").kiosk_id for n in "AB")
    amount = _amount()
    shift = home_codes(b, cap)[0] - home_codes(a, cap)[0]
    taken = [create_ticket(server.ctx, a, amount + shift) for _ in range(cap)]
    covered = {t.amount_to_transfer for t in taken}
    assert covered == {amount + code for code in home_codes(b, cap)}
    ticket = create_ticket(server.ctx, b, amount)
    assert ticket.unique_code not in home_codes(b, cap)
    assert 1 <= ticket.unique_code <= 999
    assert ticket.amount_to_transfer not in covered


def test_windows_are_disjoint_for_the_first_kiosks_and_cover_the_cap() -> None:
    windows = [set(home_codes(k, 10)) for k in range(1, 100)]
    assert all(len(w) == 10 and w <= set(range(1, 1000)) for w in windows)
    assert len(set().union(*windows)) == 990
    assert home_codes(100, 10) == home_codes(1, 10)  # then they wrap
    assert list(home_codes(7, 5000)) == list(range(1, 1000))  # a cap past the space
