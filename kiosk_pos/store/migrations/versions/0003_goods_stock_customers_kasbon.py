"""goods details, several barcodes per item, stock movement details, customers and kasbon

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 04:10:00

- ``products``: ``category`` and ``min_stock`` (the low-stock threshold); ``cost`` of goods
  is their average cost. ``ix_products_low_stock``: a partial expression index, so the
  "Stok menipis" list reads only the goods at or below their minimum;
  ``ix_products_goods_value`` covers the stock value (stock x cost of every item).
- ``product_barcodes``: every barcode of an item (EAN-13/UPC/Code128), each unique; the
  existing ``products.barcode`` values are copied in (it stays the item's first barcode).
- ``stock_movements``: who, the supplier, the unit cost of a delivery, the reason typed
  for an adjustment; ``ix_stock_movements_rate`` covers an item's sales over the last
  28 days (the reorder suggestion).
- ``customers`` and ``kasbon_entries`` (a customer's credit ledger: sale on credit +,
  payment -, correction +/-; the balance is the sum of the rows, never stored).
- ``ix_sale_lines_destination`` (lines with a number only): a customer's last purchases
  for the numbers they buy for.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_GOODS = sa.text("kind = 'physical' AND active = 1")
_DESTINATION = sa.text("destination != ''")


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: no table rebuild, so a shop with years of history
    # migrates in a moment.
    op.add_column("products", sa.Column("category", sa.String(length=64), nullable=True))
    op.add_column("products", sa.Column("min_stock", sa.Integer(), server_default=sa.text("0"),
                                        nullable=False))
    op.create_index("ix_products_low_stock", "products", [sa.text("stock - min_stock")],
                    unique=False, sqlite_where=_GOODS)
    op.create_index("ix_products_goods_value", "products", ["kind", "stock", "cost"],
                    unique=False)
    op.create_table(
        "product_barcodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("barcode", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("barcode"),
    )
    op.create_index("ix_product_barcodes_product_id", "product_barcodes", ["product_id"],
                    unique=False)
    op.execute("INSERT INTO product_barcodes (product_id, barcode) "
               "SELECT id, barcode FROM products WHERE barcode IS NOT NULL ORDER BY id")

    op.add_column("stock_movements", sa.Column("unit_cost", sa.Integer(), nullable=True))
    op.add_column("stock_movements", sa.Column("supplier", sa.String(length=120), nullable=True))
    op.add_column("stock_movements", sa.Column("note", sa.Text(), nullable=True))
    op.add_column("stock_movements", sa.Column("user_id", sa.Integer(), nullable=True))
    op.create_index("ix_stock_movements_rate", "stock_movements",
                    ["product_id", "reason", "created_at", "delta"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("credit_limit", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_customers_phone", "customers", ["phone"], unique=False)
    op.create_table(
        "kasbon_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("sale_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"]),
        sa.ForeignKeyConstraint(["sale_id"], ["sales.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kasbon_entries_customer", "kasbon_entries", ["customer_id", "amount"],
                    unique=False)
    op.create_index("ix_kasbon_entries_sale_id", "kasbon_entries", ["sale_id"], unique=False)
    op.create_index("ix_kasbon_entries_created_at", "kasbon_entries", ["created_at"],
                    unique=False)
    op.create_index("ix_sale_lines_destination", "sale_lines", ["destination", "sale_id"],
                    unique=False, sqlite_where=_DESTINATION)


def downgrade() -> None:
    op.drop_index("ix_sale_lines_destination", table_name="sale_lines")
    op.drop_index("ix_kasbon_entries_created_at", table_name="kasbon_entries")
    op.drop_index("ix_kasbon_entries_sale_id", table_name="kasbon_entries")
    op.drop_index("ix_kasbon_entries_customer", table_name="kasbon_entries")
    op.drop_table("kasbon_entries")
    op.drop_index("ix_customers_phone", table_name="customers")
    op.drop_table("customers")
    op.drop_index("ix_stock_movements_rate", table_name="stock_movements")
    for column in ("user_id", "note", "supplier", "unit_cost"):
        op.drop_column("stock_movements", column)
    op.drop_index("ix_product_barcodes_product_id", table_name="product_barcodes")
    op.drop_table("product_barcodes")
    op.drop_index("ix_products_goods_value", table_name="products")
    op.drop_index("ix_products_low_stock", table_name="products")
    op.drop_column("products", "min_stock")
    op.drop_column("products", "category")
