"""The layer contract of geo/, and who may write to the store.

* ``lint-imports`` (import-linter, contracts in ``[tool.importlinter]`` of pyproject.toml):
  core <- wilayah <- {ingest, analysis, planning} <- render <- services <- cli; the store imports
  only core and wilayah; ingest, analysis, planning and render do not import the store at run
  time (``if TYPE_CHECKING:`` imports for annotations are allowed).
* An AST scan of geo/, pages/, web/, app.py and server.py: no module outside geo/store and
  geo/services calls a store write method (:data:`STORE_WRITE_METHODS`) on anything, or the
  audit helpers :func:`geo.core.audit.record` / :func:`geo.core.audit.audited` outside
  geo/services; no module
  of geo/ imports Streamlit.

Every failure names its offenders (``path:line: what``), printed and in the assertion message.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: The methods of :class:`geo.store.Store` that change the database.
STORE_WRITE_METHODS: frozenset[str] = frozenset(
    {
        "write_umkm",
        "upsert_umkm",
        "write_sentra",
        "write_sahabat",
        "add_visits",
        "write_size_history",
        "replace_dataset",
        "create_import_batch",
        "delete_batch",
        "commit_import",
        "undo_import",
        "set_meta",
        "add_user",
        "update_user",
        "record_login_failure",
        "add_web_session",
        "touch_web_session",
        "revoke_web_sessions",
        "purge_web_sessions",
        "session_secret",
        "log_audit",
        "restore",
        "load_kelurahan",
        "write_visit_photo",
        "bump_data_version",
        "serialise",
        "set_boundary_layer",
        "undo_boundary_layer",
        "reset_boundary_layers",
        "write_plan",
        "set_plan_status",
        "assign_route",
        "set_stop_status",
    }
)
#: The audit helpers of geo/core/audit.py (both write an audit entry).
AUDIT_WRITERS: frozenset[str] = frozenset({"record", "audited"})
#: Where store writes and audit helpers may be called (relative to the project root).
WRITERS: tuple[str, ...] = ("geo/store/", "geo/services/")
#: The audit module wraps ``Store.log_audit`` in :data:`AUDIT_WRITERS`; its own callers are
#: checked instead (only geo/services), so this one write call is allowed there.
ALLOWED_WRITES: frozenset[tuple[str, str]] = frozenset({("geo/core/audit.py", "log_audit")})
AUDIT_MODULE = "geo.core.audit"
SERVICES = "geo.services"


def _sources() -> Iterator[Path]:
    """Yield every Python file of geo/, pages/, web/, app.py and server.py (no caches)."""
    for folder in ("geo", "pages", "web"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path
    yield ROOT / "app.py"
    yield ROOT / "server.py"


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_writer(rel: str) -> bool:
    return rel.startswith(WRITERS)


# --- Finders (each takes one module's AST and returns "line: what") ----------------------------


def _service_aliases(tree: ast.AST) -> set[str]:
    """Return the local names bound to a module of geo.services (``from geo.services import x``)."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == SERVICES:
            aliases |= {a.asname or a.name for a in node.names}
        elif isinstance(node, ast.Import):
            aliases |= {
                a.asname for a in node.names if a.name.startswith(f"{SERVICES}.") and a.asname
            }
    return aliases


def _is_service(owner: ast.expr, aliases: set[str]) -> bool:
    """Tell whether ``owner`` (of ``owner.method``) is a geo.services module."""
    if isinstance(owner, ast.Name):
        return owner.id in aliases
    dotted = ast.unparse(owner)
    return dotted == SERVICES or dotted.startswith(f"{SERVICES}.")


def store_writes(tree: ast.AST, *, allowed: Iterable[str] = ()) -> list[str]:
    """Return every use of a store write method in ``tree``.

    A use is an attribute access ``<anything>.<method>`` (a call, or the bound method handed on
    as a callback) or ``from geo.store... import <method>``. The service functions of the same
    name (``imports.commit_import`` after ``from geo.services import imports``) are the
    sanctioned way in and are not uses; ``allowed`` names are skipped.
    """
    names = STORE_WRITE_METHODS - set(allowed)
    services = _service_aliases(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in names
            and not _is_service(node.value, services)
        ):
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geo.store"):
            found += [
                f"{node.lineno}: from {node.module} import {a.name}"
                for a in node.names
                if a.name in names
            ]
    return _by_line(found)


def _audit_aliases(tree: ast.AST) -> tuple[set[str], list[str]]:
    """Return the local names bound to geo.core.audit, and the direct imports of its writers."""
    aliases: set[str] = set()
    direct: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "geo.core":
            aliases |= {a.asname or a.name for a in node.names if a.name == "audit"}
        elif isinstance(node, ast.ImportFrom) and node.module == AUDIT_MODULE:
            direct += [
                f"{node.lineno}: from {AUDIT_MODULE} import {a.name}"
                for a in node.names
                if a.name in AUDIT_WRITERS or a.name == "*"
            ]
        elif isinstance(node, ast.Import):
            aliases |= {a.asname for a in node.names if a.name == AUDIT_MODULE and a.asname}
    return aliases, direct


def audit_writes(tree: ast.AST) -> list[str]:
    """Return every use of ``geo.core.audit.record`` / ``audited`` in ``tree``.

    Catches ``from geo.core.audit import record``, ``audit.record`` after ``from geo.core
    import audit [as x]`` or ``import geo.core.audit as x``, and the dotted
    ``geo.core.audit.record``.
    """
    aliases, found = _audit_aliases(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in AUDIT_WRITERS):
            continue
        owner = node.value
        if (isinstance(owner, ast.Name) and owner.id in aliases) or (
            ast.unparse(owner) == AUDIT_MODULE
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return _by_line(found)


def streamlit_imports(tree: ast.AST) -> list[str]:
    """Return every import of streamlit (or a ``streamlit*`` package) in ``tree``."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        found += [
            f"{node.lineno}: import {n}" for n in names if n.split(".")[0].startswith("streamlit")
        ]
    return _by_line(found)


def _by_line(found: list[str]) -> list[str]:
    return sorted(found, key=lambda hit: int(hit.split(":", 1)[0]))


def _report(title: str, offenders: list[str]) -> str:
    text = f"{title} ({len(offenders)}):\n" + "\n".join(f"  {o}" for o in offenders)
    if offenders:
        print(text)
    return text


# --- The contract ------------------------------------------------------------------------------


def test_import_contract_holds() -> None:
    """``lint-imports`` (the contracts of pyproject.toml) passes; its report is the message."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.exists(), f"{lint_imports} missing: pip install -e '.[test]'"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contract_is_the_intended_one() -> None:
    """The contract in pyproject.toml states the intended layers (so it cannot drift quietly)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = config["tool"]["importlinter"]
    assert linter["root_package"] == "geo"
    assert linter["exclude_type_checking_imports"] is True
    contracts = {c["type"]: [] for c in linter["contracts"]}
    for contract in linter["contracts"]:
        contracts[contract["type"]].append(contract)
    (layers,) = contracts["layers"]
    assert [layer.replace(" ", "") for layer in layers["layers"]] == [
        "geo.cli",
        "geo.services",
        "geo.render",
        "geo.ingest|geo.analysis|geo.planning",
        "geo.wilayah",
        "geo.core",
    ]
    forbidden = {
        tuple(sorted(c["source_modules"])): set(c["forbidden_modules"])
        for c in contracts["forbidden"]
    }
    assert forbidden[("geo.store",)] >= {
        "geo.ingest",
        "geo.analysis",
        "geo.planning",
        "geo.render",
        "geo.services",
        "geo.cli",
    }
    lower = ("geo.analysis", "geo.ingest", "geo.planning", "geo.render")
    assert "geo.store" in forbidden[lower]
    assert not any(c.get("allow_indirect_imports") for c in contracts["forbidden"])


# --- Who writes --------------------------------------------------------------------------------


def test_only_store_and_services_call_store_write_methods() -> None:
    offenders = []
    for path in _sources():
        rel = _rel(path)
        if _is_writer(rel):
            continue
        allowed = {name for where, name in ALLOWED_WRITES if where == rel}
        offenders += [f"{rel}:{hit}" for hit in store_writes(_tree(path), allowed=allowed)]
    message = _report("store write methods called outside geo/store and geo/services", offenders)
    assert not offenders, message


def test_only_services_use_the_audit_helpers() -> None:
    offenders = []
    for path in _sources():
        rel = _rel(path)
        if rel.startswith("geo/services/") or rel == "geo/core/audit.py":
            continue
        offenders += [f"{rel}:{hit}" for hit in audit_writes(_tree(path))]
    message = _report("audit.record / audit.audited used outside geo/services", offenders)
    assert not offenders, message


def test_geo_does_not_import_streamlit() -> None:
    offenders = []
    for path in _sources():
        rel = _rel(path)
        if rel.startswith("geo/"):
            offenders += [f"{rel}:{hit}" for hit in streamlit_imports(_tree(path))]
    message = _report("streamlit imported in geo/", offenders)
    assert not offenders, message


# --- The finders themselves --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("store.write_umkm(df)", ["1: .write_umkm"]),
        ("get_store().add_visits(v)", ["1: .add_visits"]),
        ("callback = s.replace_dataset", ["1: .replace_dataset"]),
        ("from geo.store.database import restore", ["1: from geo.store.database import restore"]),
        ("store.read_umkm(); store.log_audit_x()", []),
        ("write_umkm(df)", []),  # a local function of that name is not the store's
        ("from geo.services import imports\nimports.commit_import(s, p)", []),
        ("from geo.services import imports as imp\nimp.undo_import(s, 1)", []),
        ("import geo.services.imports\ngeo.services.imports.commit_import(s, p)", []),
        ("from geo.services import imports\nstore.commit_import(p)", ["2: .commit_import"]),
    ],
)
def test_store_writes_finds_calls_and_references(source: str, expected: list[str]) -> None:
    assert store_writes(ast.parse(source)) == expected


def test_store_writes_skips_allowed_names() -> None:
    tree = ast.parse("store.log_audit(a, b, c)\nstore.set_meta('k', 'v')")
    assert store_writes(tree, allowed={"log_audit"}) == ["2: .set_meta"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from geo.core import audit\naudit.record(s, u, a, o)", ["2: audit.record"]),
        ("from geo.core import audit as au\nwith au.audited(s, u, a, o): pass", ["2: au.audited"]),
        ("import geo.core.audit\ngeo.core.audit.record(s)", ["2: geo.core.audit.record"]),
        ("from geo.core.audit import record", ["1: from geo.core.audit import record"]),
        ("from geo.core import audit\naudit.cli_actor(); audit.read(s)", []),
        ("log.record(x)", []),  # another module's ``record``
    ],
)
def test_audit_writes_finds_the_helpers(source: str, expected: list[str]) -> None:
    assert audit_writes(ast.parse(source)) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import streamlit as st", ["1: import streamlit"]),
        ("from streamlit_folium import st_folium", ["1: import streamlit_folium"]),
        ("import streamlit.components.v1", ["1: import streamlit.components.v1"]),
        ("import folium\nfrom . import streamlit", []),
    ],
)
def test_streamlit_imports_finds_every_form(source: str, expected: list[str]) -> None:
    assert streamlit_imports(ast.parse(source)) == expected
