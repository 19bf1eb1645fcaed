"""The core owns its tables: ``kiosk_pos/sync`` and ``kiosk_pos/printing`` read them, but
write only through core functions (DESIGN.md, "Layers").

A plain scan of the source (AST, so a docstring or ``dict.update`` is not mistaken for a
write). It flags, in those packages:
- opening a write transaction: ``<...>db.write(...)`` / ``<...>.write_raw(...)``;
- SQLAlchemy's write statements: importing ``insert``/``update``/``delete`` from
  ``sqlalchemy`` (or a dialect), or calling ``.insert()``/``.update()``/``.delete()`` on a
  table imported from ``kiosk_pos.store.schema``;
- SQL text that writes: a string starting with INSERT INTO, REPLACE INTO, UPDATE .. SET
  or DELETE FROM.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import kiosk_pos

PACKAGES = ("sync", "printing")
ROOT = Path(kiosk_pos.__file__).parent
_SQL_WRITE = re.compile(r"^\s*(INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE\s+\S+\s+SET"
                        r"|DELETE\s+FROM)\b", re.IGNORECASE)
_WRITE_STATEMENTS = {"insert", "update", "delete"}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _receiver_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def writes_in(source: str) -> list[str]:
    """Every database write in ``source``, as 'line: what'."""
    tree = ast.parse(source)
    tables: set[str] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.asname or a.name for a in node.names}
            if node.module == "kiosk_pos.store.schema":
                tables |= names
            if node.module.split(".")[0] == "sqlalchemy":
                for alias in node.names:
                    if alias.name in _WRITE_STATEMENTS:
                        found.append(f"{node.lineno}: imports sqlalchemy {alias.name}")
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, node.func.value
            name = _receiver_name(receiver)
            if method == "write_raw" or (method == "write" and name.endswith("db")):
                found.append(f"{node.lineno}: opens a write transaction ({name}.{method})")
            elif method in _WRITE_STATEMENTS and name in tables:
                found.append(f"{node.lineno}: {name}.{method}()")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docs and _SQL_WRITE.match(node.value)):
            found.append(f"{node.lineno}: SQL {node.value.split()[0].upper()}")
    return sorted(found, key=lambda f: int(f.split(":")[0]))


def test_sync_and_printing_write_only_through_the_core() -> None:
    offenders = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            writes = writes_in(path.read_text(encoding="utf-8"))
            if writes:
                offenders[str(path.relative_to(ROOT.parent))] = writes
    assert offenders == {}, "write through a kiosk_pos.core function instead"


def test_the_scan_sees_each_kind_of_write() -> None:
    bad = '''
from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert
from kiosk_pos.store.schema import outbox, products

def f(kiosk, conn, db):
    """UPDATE in a docstring is only words."""
    with kiosk.db.write() as c:
        c.execute(products.insert().values(sku="x"))
    with self._db.write_raw() as cur:
        cur.execute("INSERT INTO sales VALUES (1)")
    conn.execute(outbox.delete())
    conn.exec_driver_sql("  delete from topups")
    conn.exec_driver_sql("UPDATE products SET price = 1")
'''
    found = writes_in(bad)
    assert [f.split(": ", 1)[1] for f in found] == [
        "imports sqlalchemy update", "imports sqlalchemy insert",
        "opens a write transaction (db.write)", "products.insert()",
        "opens a write transaction (_db.write_raw)", "SQL INSERT", "outbox.delete()",
        "SQL DELETE", "SQL UPDATE"]


def test_the_scan_leaves_reads_files_and_dicts_alone() -> None:
    fine = '''
"""Writes? UPDATE products SET nothing: this is a docstring."""
from sqlalchemy import select
from kiosk_pos.store.schema import outbox

def f(kiosk, port, headers, fh):
    with kiosk.db.read() as conn:
        conn.execute(select(outbox))
    port.write(b"\\x1b@")
    fh.write(b"data")
    headers.update({"X": "1"})
    text = b"x".decode(errors="replace")
    kiosk.settings.set("printer", {})
'''
    assert writes_in(fine) == []
