"""Filtered reads of the register pushed down to the database: counts and map points.

The pages used to read the whole register into every session and filter it in pandas. These
reads take the page's filter instead and let the database do the work:

* :meth:`AggregateStore.umkm_counts` is one SQL ``GROUP BY`` over the selected UMKM: how many
  there are per kelurahan, sector, size, status (and, when asked, sentra and curation day).
  The result is a *register given as counts*: register columns plus
  :data:`geo.core.register.WEIGHT_COLUMN`, which the coverage and KPI functions of
  :mod:`geo.analysis` accept in place of the register, with the same results.
* :meth:`AggregateStore.read_umkm_selected` reads only the rows of the filter, only the
  columns a map needs (the personal columns only when asked).

The SQL is the same on SQLite and PostgreSQL/PostGIS. Its semantics follow
``geo.analysis.filters.RegisterFilter.apply`` exactly (missing values never match a chosen
value; the name search folds case with Python's :meth:`str.lower` on SQLite, with the
database's ``lower()`` on PostgreSQL, which agree on every letter of the demo data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)

from geo.core import register
from geo.store.register import RegisterStore
from geo.store.rows import CHUNK_IN, chunks, read_frame, to_frame
from geo.store.schema import UMKM

__all__ = [
    "COUNT_DIMENSIONS",
    "POINT_COLUMNS",
    "AggregateStore",
    "UmkmSelection",
    "selection_clauses",
]

#: Columns :meth:`AggregateStore.umkm_counts` may group on.
COUNT_DIMENSIONS: tuple[str, ...] = (
    "kode_kelurahan",
    "sektor",
    "skala",
    "status",
    "sentra_id",
    "tanggal_terkurasi",
)

#: Register columns :meth:`AggregateStore.read_umkm_selected` returns (besides the personal
#: columns, read only when asked): what the map, its summary and its profile panel use.
POINT_COLUMNS: tuple[str, ...] = (
    "id",
    "nama_usaha",
    "kode_kelurahan",
    "lat",
    "lon",
    "sektor",
    "skala",
    "sentra_id",
    "tanggal_terkurasi",
    "status",
)

#: Name of the SQLite function that lowers text like Python does (registered per query).
_SQLITE_LOWER = "peta_lower"


class UmkmSelection(Protocol):
    """What a filtered read selects (``geo.analysis.filters.RegisterFilter`` is one).

    Empty tuples and None mean "all"; see ``RegisterFilter`` for the meaning of each field.
    """

    sektor: tuple[str, ...]
    skala: tuple[str, ...]
    kecamatan: tuple[str, ...]
    sentra: tuple[str, ...]
    dari: dt.date | None
    sampai: dt.date | None
    cari: str

    def effective_kelurahan(self) -> tuple[str, ...]:
        """Kelurahan choices that lie in the chosen kecamatan."""
        ...


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def _name_clause(needle: str, dialect: str) -> ColumnElement[bool]:
    """``nama_usaha`` contains ``needle`` (already lowered), case-insensitively."""
    if dialect == "sqlite":
        lowered = getattr(func, _SQLITE_LOWER)(UMKM.c.nama_usaha)
        return func.instr(lowered, literal(needle)) > 0
    return func.strpos(func.lower(UMKM.c.nama_usaha), literal(needle)) > 0


def selection_clauses(
    selection: UmkmSelection | None,
    *,
    status: Sequence[str] | None = None,
    dialect: str = "sqlite",
) -> list[ColumnElement[bool]]:
    """Translate a selection into SQL ``WHERE`` clauses on the ``umkm`` table.

    Parameters
    ----------
    selection
        The filter (``RegisterFilter``-like); None selects every UMKM.
    status
        Statuses to keep, as the map draws them: ``"aktif"`` keeps active UMKM and those
        without a status, ``"tidak_aktif"`` every other status (``split_inactive`` of
        :mod:`geo.render.mapview`); None or both keep all.
    dialect
        ``"sqlite"`` or ``"postgresql"`` (how the name search lowers text).

    Returns
    -------
    list of ColumnElement
        Clauses to AND together; empty for "everything".
    """
    c = UMKM.c
    where: list[ColumnElement[bool]] = []
    if status is not None:
        active = or_(c.status == "aktif", c.status.is_(None))
        wanted = set(status)
        if wanted == {"aktif"}:
            where.append(active)
        elif wanted == {"tidak_aktif"}:
            where.append(and_(c.status.is_not(None), c.status != "aktif"))
        elif not wanted & {"aktif", "tidak_aktif"}:
            where.append(literal(False))
    if selection is None:
        return where
    if selection.sektor:
        where.append(c.sektor.in_(selection.sektor))
    if selection.skala:
        where.append(c.skala.in_(selection.skala))
    if selection.kecamatan:
        where.append(func.substr(c.kode_kelurahan, 1, 8).in_(selection.kecamatan))
    kelurahan = selection.effective_kelurahan()
    if kelurahan:
        where.append(c.kode_kelurahan.in_(kelurahan))
    if selection.sentra:
        where.append(c.sentra_id.in_(selection.sentra))
    if selection.dari is not None:
        where.append(c.tanggal_terkurasi >= _day(selection.dari))
    if selection.sampai is not None:
        where.append(c.tanggal_terkurasi <= _day(selection.sampai))
    needle = (selection.cari or "").strip().lower()
    if needle:
        where.append(_name_clause(needle, dialect))
    return where


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _month(day: Any, dialect: str) -> ColumnElement[Any]:
    """Return the calendar month of a date column, as a groupable expression."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m", day)
    return func.date_trunc("month", day)


def _prepare(conn: Connection) -> None:
    """Give a SQLite connection the Python ``lower`` the name search uses."""
    if conn.dialect.name == "sqlite":
        raw = conn.connection.driver_connection
        raw.create_function(_SQLITE_LOWER, 1, _lower, deterministic=True)  # type: ignore[union-attr]


class AggregateStore(RegisterStore):
    """Counts and map points of a filtered register, computed by the database."""

    def _read_frame(self, stmt: Any, dtypes: dict[str, str]) -> pd.DataFrame:
        """Run ``stmt`` (selecting the ``dtypes`` columns in order) into a frame."""
        with self._engine.connect() as conn:
            _prepare(conn)
            return read_frame(conn, stmt, dtypes)

    def umkm_counts(
        self,
        selection: UmkmSelection | None = None,
        *,
        by: Sequence[str] = ("kode_kelurahan", "sektor", "skala", "status"),
        status: Sequence[str] | None = None,
        tanggal_cuts: Sequence[dt.date] = (),
    ) -> pd.DataFrame:
        """Count the selected UMKM per combination of some columns (SQL ``GROUP BY``).

        UMKM without a ``kode_kelurahan`` are also grouped by their ``lon``/``lat``, so that
        :func:`geo.analysis.coverage.coverage` can place them by coordinates as it places the
        rows of a full register.

        Parameters
        ----------
        selection
            The filter (``RegisterFilter``-like); None for every UMKM.
        by
            Columns of :data:`COUNT_DIMENSIONS` to group on.
        status
            As for :func:`selection_clauses` (None: every status).
        tanggal_cuts
            With ``tanggal_terkurasi`` in ``by``: group curation days coarser, by calendar
            month and by which side of each of these days (``<=`` or later) they lie, and
            report each group's latest day. Every comparison with a month bound or a cut day,
            every monthly bin and the latest day then come out as with exact days, in far
            fewer groups (the dashboard cuts at its reference day and at the end of its
            comparison window). Empty: group by exact day.

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns (register dtypes: ``string``, ``tanggal_terkurasi`` as
            ``datetime64[s]``), ``lon`` and ``lat`` (degrees, EPSG:4326; NaN where the group
            has a ``kode_kelurahan``), and :data:`geo.core.register.WEIGHT_COLUMN` (``int64``,
            at least 1), sorted by every column; missing values sort last.

        Raises
        ------
        ValueError
            A ``by`` column is not one of :data:`COUNT_DIMENSIONS`.
        """
        by = list(dict.fromkeys(by))
        unknown = [b for b in by if b not in COUNT_DIMENSIONS]
        if unknown:
            raise ValueError(f"cannot count by {', '.join(unknown)}")
        c = UMKM.c
        no_kode = c.kode_kelurahan.is_(None)
        coarse = bool(tanggal_cuts) and "tanggal_terkurasi" in by
        shown: list[Any] = [
            func.max(c[b]).label(b) if coarse and b == "tanggal_terkurasi" else c[b] for b in by
        ]
        keys: list[Any] = [c[b] for b in by if not (coarse and b == "tanggal_terkurasi")]
        if coarse:
            keys += [_month(c.tanggal_terkurasi, self.dialect)]
            keys += [case((c.tanggal_terkurasi <= _day(d), 1), else_=0) for d in tanggal_cuts]
        if "kode_kelurahan" in by:
            place = [
                case((no_kode, c.lon), else_=None).label("lon"),
                case((no_kode, c.lat), else_=None).label("lat"),
            ]
            shown += place
            keys += place
        stmt = select(*shown, func.count().label(register.WEIGHT_COLUMN)).where(
            *selection_clauses(selection, status=status, dialect=self.dialect)
        )
        stmt = stmt.group_by(*keys)
        dtypes = {b: register.UMKM_COLUMNS[b] for b in by}
        if "kode_kelurahan" in by:
            dtypes |= {"lon": "float64", "lat": "float64"}
        frame = self._read_frame(stmt, {**dtypes, register.WEIGHT_COLUMN: "int64"})
        if "kode_kelurahan" not in by:
            frame = frame.assign(lon=np.nan, lat=np.nan)
        columns = [*by, "lon", "lat"]
        frame = frame.sort_values(columns, kind="stable", na_position="last", ignore_index=True)
        return frame[[*columns, register.WEIGHT_COLUMN]]

    def read_umkm_selected(
        self,
        selection: UmkmSelection | None = None,
        *,
        status: Sequence[str] | None = None,
        personal: bool = False,
    ) -> gpd.GeoDataFrame:
        """Read only the UMKM of a filter, with the columns a map needs.

        Parameters
        ----------
        selection
            The filter (``RegisterFilter``-like); None for every UMKM.
        status
            As for :func:`selection_clauses` (None: every status).
        personal
            Also read ``pemilik``, ``telepon`` and ``alamat``
            (:data:`geo.core.register.PERSONAL_COLUMNS`). Without it they are not selected
            from the database at all.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns :data:`POINT_COLUMNS` (plus the personal columns when asked) in the order
            and dtypes of :data:`geo.core.register.UMKM_COLUMNS`, point geometry from
            ``lon``/``lat`` in EPSG:4326, sorted by ``id``: the rows ``RegisterFilter.apply``
            keeps of :meth:`read_umkm`.
        """
        wanted = set(POINT_COLUMNS) | (set(register.PERSONAL_COLUMNS) if personal else set())
        dtypes = {k: v for k, v in register.UMKM_COLUMNS.items() if k in wanted}
        stmt = select(*(UMKM.c[k] for k in dtypes)).where(
            *selection_clauses(selection, status=status, dialect=self.dialect)
        )
        frame = self._read_frame(stmt, dtypes)
        frame = frame.sort_values("id", kind="stable", ignore_index=True)
        geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
        return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)

    def kode_kelurahan_of(self, ids: Sequence[str]) -> pd.Series:
        """Return the stored ``kode_kelurahan`` of some UMKM.

        Parameters
        ----------
        ids
            UMKM ids (unknown ones are left out of the result).

        Returns
        -------
        pandas.Series
            ``string`` kode (``<NA>`` when the UMKM has none), indexed by id (``string``,
            named ``"id"``), sorted by id.
        """
        unique = list(dict.fromkeys(str(i) for i in ids))
        rows: list[Any] = []
        with self._engine.connect() as conn:
            for chunk in chunks(unique, CHUNK_IN):
                stmt = select(UMKM.c.id, UMKM.c.kode_kelurahan).where(UMKM.c.id.in_(chunk))
                rows += conn.execute(stmt).fetchall()
        frame = to_frame(rows, {"id": "string", "kode_kelurahan": "string"})
        frame = frame.sort_values("id", kind="stable")
        return pd.Series(
            frame["kode_kelurahan"].to_numpy(),
            index=pd.Index(frame["id"], dtype="string", name="id"),
            dtype="string",
            name="kode_kelurahan",
        )
