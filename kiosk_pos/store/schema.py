"""Tables of the kiosk's offline store.

Money columns are integers of rupiah. Times are UTC. Sales, lines and ledger rows
are only ever inserted; corrections are rows of their own that point back.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from kiosk_pos.store.file_id import APPLICATION_ID  # noqa: F401 - declared once, in file_id

metadata = MetaData()

settings = Table(
    "settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),  # JSON
)

operators = Table(
    "operators", metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("colour", String(16), nullable=False),
)

operator_prefixes = Table(
    "operator_prefixes", metadata,
    Column("prefix", String(8), primary_key=True),
    Column("operator", String(32), ForeignKey("operators.code"), nullable=False),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("pin_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, server_default=text("1")),
    Column("created_at", DateTime, nullable=False),
)

products = Table(
    "products", metadata,
    Column("id", Integer, primary_key=True),
    Column("sku", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("operator", String(32)),
    Column("nominal", Integer, nullable=False, server_default=text("0")),
    Column("cost", Integer, nullable=False),
    Column("price", Integer, nullable=False),
    Column("barcode", String(64), unique=True),
    Column("stock", Integer),
    Column("active", Boolean, nullable=False, server_default=text("1")),
    Column("updated_at", DateTime, nullable=False),
    # goods (0003): cost above is the average cost; barcode above is the first of
    # product_barcodes
    Column("category", String(64)),
    Column("min_stock", Integer, nullable=False, server_default=text("0")),
    Index("ix_products_low_stock", text("stock - min_stock"),
          sqlite_where=text("kind = 'physical' AND active = 1")),
    Index("ix_products_goods_value", "kind", "stock", "cost"),
)

product_barcodes = Table(
    "product_barcodes", metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("barcode", String(64), nullable=False, unique=True),
    Index("ix_product_barcodes_product_id", "product_id"),
)

sales = Table(
    "sales", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("clerk_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("payment_method", String(16), nullable=False),
    Column("total", Integer, nullable=False),
    Column("cash_given", Integer),
    Column("change", Integer, nullable=False),
    Column("corrects_sale_id", Integer, ForeignKey("sales.id")),  # voids/refunds point back
    Column("note", Text),
    Index("ix_sales_business_date", "business_date"),
)

sale_lines = Table(
    "sale_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("sale_id", Integer, ForeignKey("sales.id"), nullable=False),
    Column("product_id", Integer, ForeignKey("products.id")),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("operator", String(32)),
    Column("qty", Integer, nullable=False),
    Column("unit_price", Integer, nullable=False),
    Column("unit_cost", Integer, nullable=False),
    Column("destination", String(32), nullable=False, server_default=""),
    Index("ix_sale_lines_sale_id", "sale_id"),
    Index("ix_sale_lines_destination", "destination", "sale_id",
          sqlite_where=text("destination != ''")),  # 0003: a customer's last purchases
)

topups = Table(
    "topups", metadata,
    Column("id", Integer, primary_key=True),
    Column("sale_line_id", Integer, ForeignKey("sale_lines.id"), nullable=False, unique=True),
    Column("ref_id", String(36), nullable=False, unique=True),
    Column("sku", String(64), nullable=False),
    Column("destination", String(32), nullable=False),
    Column("cost", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("sn", String(128)),
    Column("message", Text),
    Column("server_price", Integer),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_topups_status", "status"),
    Index("ix_topups_created_at", "created_at"),
    Index("ix_topups_sn", "sn", sqlite_where=text("sn IS NOT NULL")),  # 0006: cek status
)

topup_events = Table(
    "topup_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("topup_id", Integer, ForeignKey("topups.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("sn", String(128)),
    Column("message", Text),
    Column("source", String(16), nullable=False),  # local | server | reconcile
    Column("created_at", DateTime, nullable=False),
    Index("ix_topup_events_topup_id", "topup_id"),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True),
    Column("topup_id", Integer, ForeignKey("topups.id"), nullable=False, unique=True),
    Column("ref_id", String(36), nullable=False, unique=True),
    Column("payload", Text, nullable=False),  # JSON, fixed for the row's whole life
    Column("created_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_attempt_at", DateTime),
    Column("last_error", Text),
    Column("sent_at", DateTime),  # set only on a definite answer from the distributor
    Index("ix_outbox_unsent", "id", sqlite_where=text("sent_at IS NULL")),
)

deposit_ledger = Table(
    "deposit_ledger", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("amount", Integer, nullable=False),  # signed: debit < 0, credit > 0
    Column("balance_after", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("reference", String(64)),
    Column("sale_id", Integer, ForeignKey("sales.id")),
    Column("server_seq", Integer, unique=True),
    Index("ix_deposit_ledger_reference", "reference"),
    # rows the distributor has not shown yet: the mirror's candidates, the unaccepted cost
    Index("ix_deposit_ledger_unmatched", "reason", "reference",
          sqlite_where=text("server_seq IS NULL")),
    Index("ix_deposit_ledger_created_at", "created_at"),
)

stock_movements = Table(
    "stock_movements", metadata,
    Column("id", Integer, primary_key=True),
    Column("product_id", Integer, ForeignKey("products.id"), nullable=False),
    Column("delta", Integer, nullable=False),
    Column("stock_after", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("sale_id", Integer, ForeignKey("sales.id")),
    Column("created_at", DateTime, nullable=False),
    Index("ix_stock_movements_product_id", "product_id"),
    # 0003: a delivery's supplier and unit cost, an adjustment's reason, who did it
    Column("unit_cost", Integer),
    Column("supplier", String(120)),
    Column("note", Text),
    Column("user_id", Integer),
    Index("ix_stock_movements_rate", "product_id", "reason", "created_at", "delta"),
)

customers = Table(
    "customers", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("phone", String(32)),
    Column("note", Text),
    Column("credit_limit", Integer, nullable=False, server_default=text("0")),  # 0: no kasbon
    Column("active", Boolean, nullable=False, server_default=text("1")),
    Column("created_at", DateTime, nullable=False),
    Index("ix_customers_phone", "phone"),
)

# A customer's kasbon: the balance is the sum of ``amount`` (sale on credit +, payment -,
# correction +/-); rows are only inserted.
kasbon_entries = Table(
    "kasbon_entries", metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("kind", String(16), nullable=False),  # sale | payment | correction
    Column("amount", Integer, nullable=False),
    Column("method", String(16)),  # a payment's cash | transfer
    Column("sale_id", Integer, ForeignKey("sales.id")),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("note", Text),
    Index("ix_kasbon_entries_customer", "customer_id", "amount"),
    Index("ix_kasbon_entries_sale_id", "sale_id"),
    Index("ix_kasbon_entries_created_at", "created_at"),
)

sync_state = Table(
    "sync_state", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    UniqueConstraint("name"),
)

# -- staff, shifts, refunds, audit (issue 10; migration 0004) ------------------------------

login_guard = Table(
    "login_guard", metadata,
    # "user:<id>" for a named user, "anonymous" for PINs typed without a name
    Column("subject", String(32), primary_key=True),
    Column("failures", Integer, nullable=False, server_default=text("0")),
    Column("level", Integer, nullable=False, server_default=text("0")),  # lockouts so far
    Column("locked_until", DateTime),
    Column("last_failure_at", DateTime),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("user_name", String(64)),
    Column("action", String(48), nullable=False),
    Column("approver_id", Integer, ForeignKey("users.id")),
    Column("detail", Text, nullable=False, server_default="{}"),  # JSON
    Index("ix_audit_log_created_at", "created_at"),
)

shifts = Table(
    "shifts", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("opened_by", Integer, ForeignKey("users.id")),
    Column("opening_float", Integer, nullable=False),
    Column("float_detail", Text),  # JSON {denomination: count} when counted by notes
    Column("implicit", Boolean, nullable=False, server_default=text("0")),
    Column("closed_at", DateTime),
    Column("closed_by", Integer, ForeignKey("users.id")),
    Column("expected", Integer),
    Column("counted", Integer),
    Column("counted_detail", Text),
    Column("blind", Boolean, nullable=False, server_default=text("0")),
    Index("ix_shifts_open", "id", sqlite_where=text("closed_at IS NULL")),
)

cash_movements = Table(
    "cash_movements", metadata,
    Column("id", Integer, primary_key=True),
    Column("shift_id", Integer, ForeignKey("shifts.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # in | out | topup_payback
    Column("amount", Integer, nullable=False),   # positive; the kind gives the direction
    Column("reason", Text, nullable=False),
    Column("reference", String(64), unique=True),  # a failed top-up's ref_id, paid back once
    Index("ix_cash_movements_shift_id", "shift_id"),
)

shift_sales = Table(
    "shift_sales", metadata,
    Column("sale_id", Integer, ForeignKey("sales.id"), primary_key=True),
    Column("shift_id", Integer, ForeignKey("shifts.id"), nullable=False),
    Index("ix_shift_sales_shift_id", "shift_id"),
)

refunds = Table(
    "refunds", metadata,
    Column("id", Integer, primary_key=True),
    Column("sale_id", Integer, ForeignKey("sales.id"), nullable=False),
    Column("shift_id", Integer, ForeignKey("shifts.id")),
    Column("created_at", DateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("approver_id", Integer, ForeignKey("users.id")),
    Column("reason", Text, nullable=False),
    Column("method", String(16), nullable=False),
    Column("amount", Integer, nullable=False),
    Index("ix_refunds_sale_id", "sale_id"),
    Index("ix_refunds_shift_id", "shift_id"),
    Index("ix_refunds_created_at", "created_at"),  # the daily report's refunds of a day
)

refund_lines = Table(
    "refund_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("refund_id", Integer, ForeignKey("refunds.id"), nullable=False),
    Column("sale_line_id", Integer, ForeignKey("sale_lines.id"), nullable=False),
    Column("qty", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    Index("ix_refund_lines_sale_line_id", "sale_line_id"),
)

# -- acknowledged refund notices (issue 11; migration 0005) --------------------------------
refund_acknowledgements = Table(
    "refund_acknowledgements", metadata,
    Column("topup_id", Integer, ForeignKey("topups.id"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("acknowledged_at", DateTime, nullable=False),
)

# Complaints (komplain) about top-ups, and the distributor's answers (kiosk_pos/core/
# complaints.py). A complaint is its own outbox row: its payload is fixed at filing and sent
# under its client-made ``complaint_id`` until a definite answer (``sent_at``), like a
# top-up's outbox row.
complaints = Table(
    "complaints", metadata,
    Column("id", Integer, primary_key=True),
    Column("complaint_id", String(36), nullable=False, unique=True),
    Column("topup_id", Integer, ForeignKey("topups.id"), nullable=False),
    Column("sale_id", Integer, ForeignKey("sales.id"), nullable=False),
    Column("ref_id", String(36), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("payload", Text, nullable=False),  # JSON, fixed for the row's whole life
    Column("status", String(16), nullable=False),  # queued, open, answered, closed
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_attempt_at", DateTime),
    Column("last_error", Text),
    Column("sent_at", DateTime),  # set only on a definite answer from the distributor
    Index("ix_complaints_sale_id", "sale_id"),
    Index("ix_complaints_topup_id", "topup_id"),
    Index("ix_complaints_unsent", "id", sqlite_where=text("sent_at IS NULL")),
)

complaint_answers = Table(
    "complaint_answers", metadata,
    Column("id", Integer, primary_key=True),
    Column("complaint_row_id", Integer, ForeignKey("complaints.id"), nullable=False),
    Column("step_id", Integer, nullable=False, unique=True),  # the server's: stored once
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("sn", String(128), nullable=False),
    Column("refund", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("answered_at", DateTime, nullable=False),
    Column("received_at", DateTime, nullable=False),
    Index("ix_complaint_answers_complaint", "complaint_row_id"),
)
