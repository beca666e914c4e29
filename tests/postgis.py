"""The PostGIS test database: one fresh schema per test, or a loud failure when there is none.

``scripts/start-postgis.sh`` (run by ``make test`` and ``.ci/run``) starts a local PostgreSQL 15
+ PostGIS 3 cluster and writes ``TEST_DATABASE_URL`` to ``.ci/postgis.env``; an exported
``TEST_DATABASE_URL`` wins. Without either, PostGIS tests FAIL with a message saying how to
start the database, unless ``PETA_UMKM_SKIP_POSTGIS=1`` is set: then they are skipped with
that reason (shown in pytest's summary).
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / ".ci" / "postgis.env"
SKIP_VARIABLE = "PETA_UMKM_SKIP_POSTGIS"

HOW_TO_START = (
    "no PostGIS test database: run `sudo bash scripts/start-postgis.sh` (installs PostgreSQL 15 "
    "+ PostGIS 3 from Debian, starts a cluster on 127.0.0.1 and writes .ci/postgis.env), or "
    "export TEST_DATABASE_URL=postgresql+psycopg://USER:PASS@HOST:PORT/DB (a database with "
    f"the postgis extension where USER may create schemas); {SKIP_VARIABLE}=1 skips these tests"
)


def base_url() -> str | None:
    """Return ``TEST_DATABASE_URL`` from the environment or ``.ci/postgis.env``, or None."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    if ENV_FILE.exists():
        for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "TEST_DATABASE_URL" and value.strip():
                return value.strip()
    return None


def require_url() -> str:
    """Return the base URL, or skip (opt-out set) or fail (no database) the running test."""
    if os.environ.get(SKIP_VARIABLE) == "1":
        pytest.skip(f"{SKIP_VARIABLE}=1: PostGIS backend not tested")
    url = base_url()
    if url is None:
        pytest.fail(HOW_TO_START, pytrace=False)
    return url


@functools.cache
def _admin(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


@contextmanager
def fresh_schema_url() -> Iterator[str]:
    """Yield the URL of a new, empty schema (``search_path`` = it, then ``public``).

    PostGIS lives in ``public``; every table the store creates lands in the test's own
    schema, which is dropped afterwards, so tests stay independent and can run in parallel.
    """
    url = require_url()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = _admin(url)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        pytest.fail(f"cannot use the PostGIS test database ({exc}); {HOW_TO_START}")
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"})
    try:
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
