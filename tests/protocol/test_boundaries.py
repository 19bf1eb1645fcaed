"""The import rules of docs/DESIGN.md, checked on the source and on the installed metadata.

- pulsa_protocol imports neither application;
- distributor_server imports only pulsa_protocol from this repository;
- kiosk_pos reaches distributor_server only at the composition root (the demo wiring);
- kiosk_pos.core imports no Qt, no HTTP client, no printing libraries, and no layer above
  it (ui, sync, printing, cli, the app);
- the kiosk's package needs the server only for its ``demo`` extra, and the server's
  package never needs Qt.

Imports are read with :mod:`ast` (every ``import`` statement, also those inside functions),
so a module that is never imported by the tests is still checked.
"""

from __future__ import annotations

import ast
import importlib.metadata
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
KIOSK = ROOT / "kiosk_pos"
PROTOCOL = ROOT / "protocol" / "pulsa_protocol"
SERVER = ROOT / "server" / "distributor_server"

# The composition root: the one place allowed to start the in-process demo distributor.
DEMO_WIRING = {"kiosk_pos/session.py", "kiosk_pos/app.py", "kiosk_pos/demo.py"}
NOT_IN_CORE = {"PySide6", "shiboken6", "requests", "reportlab", "escpos", "usb", "serial"}


def _modules(package: Path) -> list[Path]:
    files = sorted(package.rglob("*.py"))
    assert files, f"no Python files under {package}: the check would prove nothing"
    return files


def _module_name(path: Path) -> str:
    """Dotted name of ``path``, counted from the folder that holds its top package."""
    parts = list(path.with_suffix("").parts)
    top = max(i for i, part in enumerate(parts)
              if part in ("kiosk_pos", "pulsa_protocol", "distributor_server"))
    names = parts[top:]
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def imported(path: Path) -> Iterator[str]:
    """Every module name ``path`` imports, relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            else:
                yield node.module or ""


def importers(package: Path, forbidden: set[str], root: Path = ROOT) -> dict[str, list[str]]:
    """``{file relative to root: [forbidden modules it imports]}`` for ``package``."""
    found: dict[str, list[str]] = {}
    for path in _modules(package):
        bad = sorted({name for name in imported(path) if name.split(".")[0] in forbidden})
        if bad:
            found[path.relative_to(root).as_posix()] = bad
    return found


def test_the_scanner_sees_imports_of_every_form(tmp_path: Path) -> None:
    pkg = tmp_path / "kiosk_pos" / "sync"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text(
        "import os.path\n"
        "from distributor_server.embedded import start_embedded\n"
        "from . import client\n"
        "from ..core import money\n"
        "def later():\n"
        "    import PySide6.QtCore\n")
    assert sorted(imported(pkg / "mod.py")) == [
        "PySide6.QtCore", "distributor_server.embedded", "kiosk_pos.core",
        "kiosk_pos.sync", "os.path"]
    assert importers(pkg, {"distributor_server", "PySide6"}, tmp_path) == {
        "kiosk_pos/sync/mod.py": ["PySide6.QtCore", "distributor_server.embedded"]}


@pytest.mark.parametrize("package", [PROTOCOL, SERVER], ids=["protocol", "server"])
def test_protocol_and_server_never_import_the_kiosk(package: Path) -> None:
    assert importers(package, {"kiosk_pos"}) == {}


def test_protocol_never_imports_the_server() -> None:
    assert importers(PROTOCOL, {"distributor_server"}) == {}


def test_only_the_composition_root_imports_the_server() -> None:
    """The kiosk talks to a distributor over HTTP (kiosk_pos.sync.client); only the demo
    wiring at the composition root may start the real server in-process."""
    found = importers(KIOSK, {"distributor_server"})
    assert set(found) <= DEMO_WIRING, {f: m for f, m in found.items() if f not in DEMO_WIRING}


def test_core_imports_no_qt_http_or_printing_library() -> None:
    assert importers(KIOSK / "core", NOT_IN_CORE) == {}


def test_core_imports_no_layer_above_it() -> None:
    above = {"kiosk_pos.ui", "kiosk_pos.sync", "kiosk_pos.printing", "kiosk_pos.cli",
             "kiosk_pos.app", "kiosk_pos.session"}
    found = {f: [m for m in mods if ".".join(m.split(".")[:2]) in above]
             for f, mods in importers(KIOSK / "core", {"kiosk_pos"}).items()}
    assert {f: m for f, m in found.items() if m} == {}


def _requirements(distribution: str) -> list[Requirement]:
    try:
        found = importlib.metadata.requires(distribution)
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(f"{distribution} is not installed (make installs it with pip -e)")
    return [Requirement(text) for text in found or []]


def _needed_without_extras(requirement: Requirement) -> bool:
    return requirement.marker is None or requirement.marker.evaluate({"extra": ""})


def test_the_kiosk_needs_the_server_only_for_the_demo() -> None:
    server_side = {"distributor-server", "fastapi", "uvicorn", "starlette"}
    wrong = [str(r) for r in _requirements("kiosk-pos")
             if canonicalize_name(r.name) in server_side
             and (_needed_without_extras(r) or not r.marker.evaluate({"extra": "demo"}))]
    assert wrong == []


def test_the_server_never_needs_qt_or_the_kiosk() -> None:
    wrong = [str(r) for r in _requirements("distributor-server")
             if canonicalize_name(r.name).startswith("pyside6")
             or canonicalize_name(r.name) in {"shiboken6", "kiosk-pos"}]
    assert wrong == []
