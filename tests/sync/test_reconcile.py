"""Reconciliation: each category made on purpose against a real server, and its resolution."""

from __future__ import annotations

import uuid

from distributor_server.models import TopUp as ServerTopUp
from distributor_server.products import ProductRow, import_products
from pulsa_protocol import wire
from sqlalchemy import select, update

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.reconciliation import dismiss_unknown, last_reconciliation, unknown_topups
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import apply_status
from kiosk_pos.store.schema import deposit_ledger, outbox, topup_events, topups
from kiosk_pos.sync.prices import sync_prices
from kiosk_pos.sync.reconcile import explain_balances, reconcile_day
from tests.aids.distributor import wait_final


def _local(shop, ref: str) -> object:
    with shop.kiosk.db.read() as conn:
        return conn.execute(select(topups).where(topups.c.ref_id == ref)).first()


def _server_count(distributor, kiosk_id: int, ref: str) -> int:
    with distributor.ctx.db.read() as session:
        return len(session.scalars(select(ServerTopUp).where(
            ServerTopUp.kiosk_id == kiosk_id, ServerTopUp.ref_id == ref)).all())


def test_all_matched_and_balances_agree(make_shop) -> None:
    shop = make_shop()
    refs = [shop.sell(to=to).topups[0].ref_id for to in ("081234567890", "081234567891")]
    shop.send_outbox()
    finals = [wait_final(shop.client, r) for r in refs]
    with shop.kiosk.db.write() as conn:  # what the status pull would have done
        for t in finals:
            apply_status(conn, t.ref_id, TopUpStatus(t.status.value), sn=t.sn)
    result = reconcile_day(shop.kiosk, shop.client)
    assert sorted(f.ref_id for f in result.matched) == sorted(refs)
    assert not (result.resolved or result.missing_on_server or result.unknown_locally
                or result.price_mismatch)
    assert result.local_balance == result.server_balance
    assert result.differences == [] and result.unexplained == 0 and result.ok
    assert last_reconciliation(shop.kiosk)["ok"] is True


def test_status_differences_are_resolved_from_the_server(make_shop) -> None:
    shop = make_shop()
    failing = shop.sell(to="081234567892").topups[0]     # the simulator refuses ...2
    good = shop.sell(to="081234567895").topups[0]
    shop.send_outbox()
    wait_final(shop.client, failing.ref_id)
    wait_final(shop.client, good.ref_id)
    # tamper: the kiosk wrongly believes the good one failed (and refunded it)
    with shop.kiosk.db.write() as conn:
        apply_status(conn, good.ref_id, TopUpStatus.FAILED, source="reconcile")
    before = shop.kiosk.deposit.balance()
    result = reconcile_day(shop.kiosk, shop.client)
    resolved = {f.ref_id: f for f in result.resolved}
    assert set(resolved) == {failing.ref_id, good.ref_id}
    assert resolved[failing.ref_id].local_status == "queued"
    assert resolved[failing.ref_id].server_status == "failed"
    assert resolved[good.ref_id].local_status == "failed"
    assert _local(shop, failing.ref_id).status == "failed"
    assert _local(shop, good.ref_id).status == "success" and _local(shop, good.ref_id).sn
    # refund for the failed one, re-debit for the one that came back
    after = shop.kiosk.deposit.balance()
    assert after == before + failing.cost - good.cost
    with shop.kiosk.db.read() as conn:
        rows = conn.execute(select(deposit_ledger).where(deposit_ledger.c.reference.in_(
            [failing.ref_id, good.ref_id])).order_by(deposit_ledger.c.id)).all()
        sources = {r.source for r in conn.execute(select(topup_events.c.source))}
    by_ref = {ref: [(r.reason, r.amount) for r in rows if r.reference == ref]
              for ref in (failing.ref_id, good.ref_id)}
    assert by_ref[failing.ref_id] == [("topup", -failing.cost), ("refund", failing.cost)]
    assert by_ref[good.ref_id] == [("topup", -good.cost), ("refund", good.cost),
                                   ("topup", -good.cost)]
    assert "reconcile" in sources
    assert result.local_balance == result.server_balance and result.unexplained == 0
    assert result.ok
    again = reconcile_day(shop.kiosk, shop.client)
    assert not again.resolved and len(again.matched) == 2  # settled for good


def test_missing_on_server_is_resent_with_the_same_ref_id(make_shop, distributor) -> None:
    shop = make_shop()
    sale = shop.sell(to="081234567890").topups[0]
    # tamper: the kiosk believes it was sent, but the distributor never got it
    with shop.kiosk.db.write() as conn:
        conn.execute(update(outbox).values(sent_at=to_db(utc_now())))
    result = reconcile_day(shop.kiosk, shop.client)
    assert [f.ref_id for f in result.missing_on_server] == [sale.ref_id]
    assert result.missing_on_server[0].action == "requeued"
    assert not result.ok
    # the queued cost explains the whole balance difference
    assert result.difference == -sale.cost
    assert [(d.side, d.reference, d.amount) for d in result.differences] == [
        ("local", sale.ref_id, -sale.cost)]
    assert result.unexplained == 0
    assert shop.kiosk.sales.queue_length() == 1
    sent = shop.send_outbox()
    assert [(r.ref_id, r.code) for r in sent] == [(sale.ref_id, "created")]
    wait_final(shop.client, sale.ref_id)
    assert _server_count(distributor, shop.kiosk_id, sale.ref_id) == 1
    with shop.kiosk.db.write() as conn:  # re-queue again: the resend is idempotent
        conn.execute(update(outbox).values(sent_at=None))
    assert [r.code for r in shop.send_outbox()] == ["exists"]
    assert _server_count(distributor, shop.kiosk_id, sale.ref_id) == 1
    final = reconcile_day(shop.kiosk, shop.client)
    assert [f.ref_id for f in final.resolved] == [sale.ref_id]  # queued -> success
    assert final.ok and final.local_balance == final.server_balance


def test_unknown_locally_is_flagged_and_listed(make_shop) -> None:
    shop = make_shop()
    stranger = str(uuid.uuid4())
    shop.client.submit_topups([wire.TopUpRequest(ref_id=stranger, sku="TSEL5",
                                                 destination="081234567890")])
    wait_final(shop.client, stranger)
    result = reconcile_day(shop.kiosk, shop.client)
    assert [f.ref_id for f in result.unknown_locally] == [stranger]
    assert result.unknown_locally[0].local_status is None
    assert not result.ok
    assert [r["topup"]["ref_id"] for r in unknown_topups(shop.kiosk)] == [stranger]
    assert _local(shop, stranger) is None  # core tables keep their meaning
    # the server's debit the kiosk does not know explains the difference
    assert [(d.side, d.reason, d.reference) for d in result.differences] == [
        ("server", "topup", stranger)]
    assert result.unexplained == 0
    reconcile_day(shop.kiosk, shop.client)
    assert len(unknown_topups(shop.kiosk)) == 1  # flagged once, not twice
    assert dismiss_unknown(shop.kiosk, stranger)
    assert unknown_topups(shop.kiosk) == []


def test_price_mismatch_is_flagged(make_shop, distributor) -> None:
    shop = make_shop()
    sku = "T" + uuid.uuid4().hex[:7].upper()
    import_products(distributor.ctx.db,
                    [ProductRow(sku, "Tri 10rb", "pulsa", "tri", 10_000, 10_400)])
    sync_prices(shop.kiosk, shop.client)
    import_products(distributor.ctx.db,
                    [ProductRow(sku, "Tri 10rb", "pulsa", "tri", 10_000, 10_100)])
    sale = shop.sell(sku=sku, to="089512345670").topups[0]  # kiosk still costs it 10.400
    shop.send_outbox()
    wait_final(shop.client, sale.ref_id)
    result = reconcile_day(shop.kiosk, shop.client)
    assert [(f.ref_id, f.local_cost, f.server_price) for f in result.price_mismatch] == [
        (sale.ref_id, 10_400, 10_100)]
    assert _local(shop, sale.ref_id).server_price == 10_100
    assert [(d.side, d.reference, d.amount) for d in result.differences] == [
        ("amount", sale.ref_id, -300)]
    assert result.unexplained == 0 and not result.ok


def test_tampered_server_status_resolves_with_refund(make_shop, distributor) -> None:
    shop = make_shop()
    sale = shop.sell(to="081234567890").topups[0]
    shop.send_outbox()
    wait_final(shop.client, sale.ref_id)
    with distributor.ctx.db.write() as session:  # tamper the distributor's database
        session.execute(update(ServerTopUp).where(ServerTopUp.ref_id == sale.ref_id)
                        .values(status="failed"))
    result = reconcile_day(shop.kiosk, shop.client)
    assert [f.ref_id for f in result.resolved] == [sale.ref_id]
    assert _local(shop, sale.ref_id).status == "failed"
    # the kiosk refunded; the server's ledger has no refund: explained, not hidden
    assert [(d.side, d.reason, d.amount) for d in result.differences] == [
        ("local", deposit.REASON_TOPUP_REFUND, sale.cost)]
    assert result.unexplained == 0


def test_unexplained_difference_is_reported(make_shop) -> None:
    shop = make_shop()
    with shop.kiosk.db.write() as conn:  # a broken local ledger chain
        conn.execute(deposit_ledger.insert().values(
            created_at=to_db(utc_now()), amount=0, balance_after=deposit.balance(conn) + 777,
            reason=deposit.REASON_ADJUST, reference="bug"))
    result = reconcile_day(shop.kiosk, shop.client)
    assert result.unexplained == 777 and not result.ok


def test_explain_balances_pairs_mirrored_rows_and_folds_adjustments() -> None:
    now = utc_now()

    def entry(seq: int, amount: int, reason: str, ref: str) -> wire.LedgerEntry:
        return wire.LedgerEntry(seq=seq, amount=amount, balance_before=0, balance_after=0,
                                reason=reason, reference=ref, created_at=now)

    server_rows = [entry(1, 100_000, "deposit", ""), entry(2, -10_250, "topup", "r1"),
                   entry(3, 50_137, "deposit_ticket", "ticket 4")]
    local = [(5_000_000, "opening", "demo", None), (100_000, "deposit", "server:1", 1),
             (-10_350, "topup", "r1", 2), (100, "adjust", "r1", None),
             (-4_900_000, "adjust", "sync:opening", None), (-5_500, "topup", "r2", None)]
    diffs = explain_balances(local, server_rows, waiting={"r2"})
    # r1: the mirror matched -10.350 to the server's -10.250 and wrote +100: nets to zero
    assert [(d.side, d.reason, d.reference, d.amount) for d in diffs] == [
        ("local", "opening", "sync:opening", 100_000),
        ("local", "topup", "r2", -5_500),
        ("server", "deposit_ticket", "ticket 4", -50_137),
    ]
    assert "antrean" in diffs[1].note
