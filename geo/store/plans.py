"""The plans aggregate of the store: saved visit plans, their routes and their stops.

A saved plan (``rencana``) holds one row per route (``rencana_rute``, ``nomor`` from 1, the
officer account it is assigned to) and the ordered stops of each route (``rencana_henti``,
``urutan`` from 1) with their live status (``belum``, ``selesai``, ``tidak_bertemu`` with a
reason). The rules (who may assign, cancel, re-plan or close a stop, what is audited) live in
:mod:`geo.services.plans`; this module only stores. Times are naive UTC datetimes to the
second; ``tanggal`` is the plan's calendar day (local, WIB); coordinates EPSG:4326 degrees.

Reads that a service makes inside :meth:`~geo.store.base.StoreBase.unit_of_work` run in that
transaction (:meth:`PlanStore._reading`), so a check and the write that follows it see the
same state.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
from sqlalchemy import Connection, and_, case, func, insert, select, update

from geo.store.base import StoreBase
from geo.store.rows import to_frame
from geo.store.schema import (
    PENGGUNA,
    RENCANA,
    RENCANA_HENTI,
    RENCANA_RUTE,
    UMKM,
    StoreError,
    utcnow,
)

__all__ = [
    "OFFICER_STOP_COLUMNS",
    "OFFICER_UMKM_COLUMNS",
    "PLAN_COLUMNS",
    "PLAN_LIST_COLUMNS",
    "PLAN_STOP_COLUMNS",
    "ROUTE_COLUMNS",
    "STOP_STATUS_VALUES",
    "PlanStore",
]

#: The status values of a stop (``rencana_henti.status``).
STOP_STATUS_VALUES: tuple[str, ...] = ("belum", "selesai", "tidak_bertemu")

#: Columns of a plan row (:meth:`PlanStore.get_plan` keys), with their pandas dtypes.
PLAN_COLUMNS: dict[str, str] = {
    "id": "string",
    "tanggal": "datetime64[s]",
    "judul": "string",
    "status": "string",
    "parameter": "string",
    "asal_id": "string",
    "dibuat": "datetime64[s]",
    "pengguna": "string",
    "dibatalkan": "datetime64[s]",
}

#: Columns of :meth:`PlanStore.read_plans`: the plan without ``parameter``, and counts.
PLAN_LIST_COLUMNS: dict[str, str] = {
    **{k: v for k, v in PLAN_COLUMNS.items() if k != "parameter"},
    "jumlah_rute": "int64",
    "jumlah_henti": "int64",
    "jumlah_selesai": "int64",
    "jumlah_tidak_bertemu": "int64",
}

#: Columns of :meth:`PlanStore.read_plan_routes`.
ROUTE_COLUMNS: dict[str, str] = {
    "id": "int64",
    "rencana_id": "string",
    "nomor": "int64",
    "petugas": "string",
    "jarak_km": "float64",
    "durasi_menit": "float64",
}

#: Columns of :meth:`PlanStore.read_officer_stops` (and the stop part of
#: :meth:`PlanStore.read_stop`), with their pandas dtypes.
OFFICER_STOP_COLUMNS: dict[str, str] = {
    "rencana_id": "string",
    "tanggal": "datetime64[s]",
    "judul": "string",
    "rute_id": "int64",
    "nomor": "int64",
    "henti_id": "int64",
    "urutan": "int64",
    "jenis": "string",
    "objek_id": "string",
    "nama": "string",
    "kode_kelurahan": "string",
    "lat": "float64",
    "lon": "float64",
    "rencana_tiba": "string",
    "status": "string",
    "alasan": "string",
    "kunjungan_id": "string",
    "diperbarui": "datetime64[s]",
}

#: Columns of :meth:`PlanStore.read_plan_stops`: the officer columns plus the assignee.
PLAN_STOP_COLUMNS: dict[str, str] = {**OFFICER_STOP_COLUMNS, "petugas": "string"}

#: Columns of :meth:`PlanStore.read_umkm_for_officer` (personal fields included).
OFFICER_UMKM_COLUMNS: dict[str, str] = {
    "id": "string",
    "nama_usaha": "string",
    "pemilik": "string",
    "telepon": "string",
    "alamat": "string",
    "sektor": "string",
    "skala": "string",
    "kode_kelurahan": "string",
    "sentra_id": "string",  # a visit to a business of a sentra is the sentra's visit too
    "lat": "float64",
    "lon": "float64",
}

_PLAN_ID = re.compile(r"RK-(\d{8})-(\d+)")


def _stop_select() -> Any:
    """SELECT of the :data:`PLAN_STOP_COLUMNS`: stops joined to their route and plan."""
    return (
        select(
            RENCANA.c.id.label("rencana_id"),
            RENCANA.c.tanggal,
            RENCANA.c.judul,
            RENCANA_RUTE.c.id.label("rute_id"),
            RENCANA_RUTE.c.nomor,
            RENCANA_HENTI.c.id.label("henti_id"),
            RENCANA_HENTI.c.urutan,
            RENCANA_HENTI.c.jenis,
            RENCANA_HENTI.c.objek_id,
            RENCANA_HENTI.c.nama,
            RENCANA_HENTI.c.kode_kelurahan,
            RENCANA_HENTI.c.lat,
            RENCANA_HENTI.c.lon,
            RENCANA_HENTI.c.rencana_tiba,
            RENCANA_HENTI.c.status,
            RENCANA_HENTI.c.alasan,
            RENCANA_HENTI.c.kunjungan_id,
            RENCANA_HENTI.c.diperbarui,
            RENCANA_RUTE.c.petugas,
        )
        .select_from(
            RENCANA_HENTI.join(RENCANA_RUTE, RENCANA_HENTI.c.rute_id == RENCANA_RUTE.c.id).join(
                RENCANA, RENCANA_RUTE.c.rencana_id == RENCANA.c.id
            )
        )
        .order_by(RENCANA.c.tanggal, RENCANA.c.id, RENCANA_RUTE.c.nomor, RENCANA_HENTI.c.urutan)
    )


def _route_record(rencana_id: str, route: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ``rencana_rute`` values of one route mapping (see :meth:`write_plan`)."""
    nomor = route.get("nomor")
    if isinstance(nomor, bool) or not isinstance(nomor, int) or nomor < 1:
        raise StoreError("rencana_rute", f"nomor must be a whole number >= 1, got {nomor!r}")
    petugas = route.get("petugas")
    return {
        "rencana_id": rencana_id,
        "nomor": nomor,
        "petugas": None if petugas in (None, "") else str(petugas),
        "jarak_km": _float_or_none(route.get("jarak_km")),
        "durasi_menit": _float_or_none(route.get("durasi_menit")),
    }


def _stop_record(rute_id: int, urutan: int, stop: Mapping[str, Any]) -> dict[str, Any]:
    """Return the ``rencana_henti`` values of one stop mapping (see :meth:`write_plan`)."""
    status = stop.get("status", "belum")
    if status not in STOP_STATUS_VALUES:
        raise StoreError("rencana_henti", f"unknown status {status!r}")
    for key in ("jenis", "objek_id"):
        if not isinstance(stop.get(key), str) or not stop[key]:
            raise StoreError("rencana_henti", f"{key} must be a non-empty string")
    lat, lon = _float_or_none(stop.get("lat")), _float_or_none(stop.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise StoreError("rencana_henti", "lat/lon must be EPSG:4326 degrees")
    return {
        "rute_id": rute_id,
        "urutan": urutan,
        "jenis": stop["jenis"],
        "objek_id": stop["objek_id"],
        "nama": _text_or_none(stop.get("nama")),
        "kode_kelurahan": _text_or_none(stop.get("kode_kelurahan")),
        "lat": lat,
        "lon": lon,
        "rencana_tiba": _text_or_none(stop.get("rencana_tiba")),
        "status": status,
        "alasan": _text_or_none(stop.get("alasan")),
        "kunjungan_id": _text_or_none(stop.get("kunjungan_id")),
        "diperbarui": stop.get("diperbarui"),
    }


def _float_or_none(value: Any) -> float | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return float(value)


def _text_or_none(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _when(value: Any) -> dt.datetime | None:
    """Return a stored naive UTC datetime from a pandas/py value (None for missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).to_pydatetime().replace(microsecond=0)


class PlanStore(StoreBase):
    """Saved plans (``rencana``), their routes (``rencana_rute``) and stops (``rencana_henti``)."""

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """Yield a connection for a read: the unit of work's when inside one, else a fresh one."""
        joined = getattr(self._local, "conn", None)
        if joined is not None:
            yield joined
            return
        with self._engine.connect() as conn:
            yield conn

    # -- writes ---------------------------------------------------------------------------------

    def write_plan(self, rencana: Mapping[str, Any], routes: Sequence[Mapping[str, Any]]) -> None:
        """Store a new plan with its routes and their stops, in one transaction.

        Parameters
        ----------
        rencana
            ``id``, ``tanggal`` (date), ``judul``, ``parameter`` (JSON text), ``pengguna``;
            optional ``status`` (default ``"aktif"``), ``asal_id`` (the plan it re-plans) and
            ``dibuat`` (naive UTC; default now).
        routes
            One mapping per route: ``nomor`` (1, 2, ...), ``petugas`` (a username or None),
            ``jarak_km``, ``durasi_menit`` and ``henti``: the stops in visiting order, each
            with ``jenis``, ``objek_id``, ``nama``, ``kode_kelurahan``, ``lat``, ``lon``
            (EPSG:4326), ``rencana_tiba`` (``"HH:MM"``) and optionally ``status`` (default
            ``"belum"``), ``alasan``, ``kunjungan_id``, ``diperbarui`` (kept when a re-plan
            carries a closed stop over).

        Raises
        ------
        StoreError
            The id is taken, a field is missing or invalid, two routes share a ``nomor``.
            Nothing is stored.
        """
        plan_id = rencana.get("id")
        if not isinstance(plan_id, str) or not plan_id:
            raise StoreError("rencana", "id must be a non-empty string")
        tanggal = rencana.get("tanggal")
        if not isinstance(tanggal, dt.date) or isinstance(tanggal, dt.datetime):
            raise StoreError("rencana", "tanggal must be a date", row_id=plan_id)
        values = {
            "id": plan_id,
            "tanggal": tanggal,
            "judul": str(rencana.get("judul") or ""),
            "status": str(rencana.get("status") or "aktif"),
            "parameter": str(rencana.get("parameter") or "{}"),
            "asal_id": _text_or_none(rencana.get("asal_id")),
            "dibuat": _when(rencana.get("dibuat")) or utcnow(),
            "pengguna": str(rencana.get("pengguna") or ""),
            "dibatalkan": None,
        }
        with self._write("rencana") as conn:
            if conn.scalar(select(RENCANA.c.id).where(RENCANA.c.id == plan_id)) is not None:
                raise StoreError("rencana", "id already in the store", row_id=plan_id)
            conn.execute(insert(RENCANA).values(**values))
            for route in routes:
                record = _route_record(plan_id, route)
                rute_id = conn.execute(insert(RENCANA_RUTE).values(**record)).inserted_primary_key[
                    0
                ]
                stops = [
                    _stop_record(int(rute_id), k, stop)
                    for k, stop in enumerate(route.get("henti", ()), start=1)
                ]
                if stops:
                    conn.execute(insert(RENCANA_HENTI), stops)

    def set_plan_status(self, rencana_id: str, status: str, *, when: dt.datetime) -> None:
        """Set a plan's ``status`` (``"dibatalkan"``, ``"diganti"``) and ``dibatalkan = when``.

        Raises
        ------
        StoreError
            The plan is unknown.
        """
        with self._write("rencana") as conn:
            done = conn.execute(
                update(RENCANA)
                .where(RENCANA.c.id == rencana_id)
                .values(status=str(status), dibatalkan=when)
            )
            if done.rowcount == 0:
                raise StoreError("rencana", "unknown plan", row_id=rencana_id)

    def assign_route(self, rencana_id: str, nomor: int, petugas: str | None) -> None:
        """Assign route ``nomor`` of a plan to the account ``petugas`` (None: unassigned).

        Raises
        ------
        StoreError
            The plan has no route ``nomor``.
        """
        with self._write("rencana_rute") as conn:
            done = conn.execute(
                update(RENCANA_RUTE)
                .where(RENCANA_RUTE.c.rencana_id == rencana_id, RENCANA_RUTE.c.nomor == int(nomor))
                .values(petugas=petugas or None)
            )
            if done.rowcount == 0:
                raise StoreError("rencana_rute", f"no route {nomor}", row_id=rencana_id)

    def set_stop_status(
        self,
        henti_id: int,
        status: str,
        *,
        alasan: str | None = None,
        kunjungan_id: str | None = None,
    ) -> None:
        """Set one stop's status (``diperbarui`` = now, UTC).

        Parameters
        ----------
        henti_id
            The stop (``rencana_henti.id``).
        status
            One of :data:`STOP_STATUS_VALUES`.
        alasan
            Why the officer did not meet the business (``tidak_bertemu``); cleared otherwise
            when None.
        kunjungan_id
            The visit that closed the stop; cleared when None.

        Raises
        ------
        StoreError
            Unknown status or unknown stop. Nothing is changed.
        """
        if status not in STOP_STATUS_VALUES:
            raise StoreError("rencana_henti", f"unknown status {status!r}", row_id=str(henti_id))
        with self._write("rencana_henti") as conn:
            done = conn.execute(
                update(RENCANA_HENTI)
                .where(RENCANA_HENTI.c.id == int(henti_id))
                .values(
                    status=status,
                    alasan=alasan,
                    kunjungan_id=kunjungan_id,
                    diperbarui=utcnow(),
                )
            )
            if done.rowcount == 0:
                raise StoreError("rencana_henti", "unknown stop", row_id=str(henti_id))

    # -- reads ----------------------------------------------------------------------------------

    def next_plan_id(self, tanggal: dt.date) -> str:
        """Return the next free plan id of a day: ``RK-YYYYMMDD-NN`` (NN from 01)."""
        prefix = f"RK-{tanggal:%Y%m%d}-"
        with self._reading() as conn:
            ids = conn.scalars(select(RENCANA.c.id).where(RENCANA.c.id.like(prefix + "%"))).all()
        numbers = [int(m.group(2)) for i in ids if (m := _PLAN_ID.fullmatch(str(i)))]
        return f"{prefix}{max(numbers, default=0) + 1:02d}"

    def get_plan(self, rencana_id: str) -> dict[str, Any] | None:
        """Return one plan's row as a dict (keys of :data:`PLAN_COLUMNS`), or None."""
        with self._reading() as conn:
            row = conn.execute(select(RENCANA).where(RENCANA.c.id == rencana_id)).mappings().first()
        return None if row is None else dict(row)

    def read_plans(self, *, status: str | None = None) -> pd.DataFrame:
        """Read the saved plans, newest day first, with their route and stop counts.

        Parameters
        ----------
        status
            Only plans with this status (``"aktif"``, ...); all when None.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`PLAN_LIST_COLUMNS`, by ``tanggal`` then ``id``
            descending.
        """
        stops = (
            select(
                RENCANA_RUTE.c.rencana_id,
                func.count(RENCANA_HENTI.c.id).label("henti"),
                func.sum(case((RENCANA_HENTI.c.status == "selesai", 1), else_=0)).label("ok"),
                func.sum(case((RENCANA_HENTI.c.status == "tidak_bertemu", 1), else_=0)).label("tb"),
            )
            .select_from(
                RENCANA_RUTE.join(RENCANA_HENTI, RENCANA_HENTI.c.rute_id == RENCANA_RUTE.c.id)
            )
            .group_by(RENCANA_RUTE.c.rencana_id)
            .subquery()
        )
        routes = (
            select(RENCANA_RUTE.c.rencana_id, func.count().label("rute"))
            .group_by(RENCANA_RUTE.c.rencana_id)
            .subquery()
        )
        plan_cols = [RENCANA.c[c] for c in PLAN_LIST_COLUMNS if c in RENCANA.c]
        stmt = (
            select(
                *plan_cols,
                func.coalesce(routes.c.rute, 0),
                func.coalesce(stops.c.henti, 0),
                func.coalesce(stops.c.ok, 0),
                func.coalesce(stops.c.tb, 0),
            )
            .outerjoin(routes, routes.c.rencana_id == RENCANA.c.id)
            .outerjoin(stops, stops.c.rencana_id == RENCANA.c.id)
            .order_by(RENCANA.c.tanggal.desc(), RENCANA.c.id.desc())
        )
        if status is not None:
            stmt = stmt.where(RENCANA.c.status == status)
        with self._reading() as conn:
            rows = [tuple(r[:-4]) + tuple(int(x) for x in r[-4:]) for r in conn.execute(stmt)]
        return to_frame(rows, PLAN_LIST_COLUMNS)

    def read_plan_routes(self, rencana_id: str) -> pd.DataFrame:
        """Read a plan's routes by ``nomor`` (columns of :data:`ROUTE_COLUMNS`)."""
        stmt = (
            select(*(RENCANA_RUTE.c[c] for c in ROUTE_COLUMNS))
            .where(RENCANA_RUTE.c.rencana_id == rencana_id)
            .order_by(RENCANA_RUTE.c.nomor)
        )
        with self._reading() as conn:
            rows = conn.execute(stmt).fetchall()
        return to_frame(rows, ROUTE_COLUMNS)

    def read_plan_stops(self, rencana_id: str) -> pd.DataFrame:
        """Read a plan's stops with their live status, by route ``nomor`` and ``urutan``.

        Returns
        -------
        pandas.DataFrame
            Columns of :data:`PLAN_STOP_COLUMNS` (``petugas``: the route's assignee).
        """
        stmt = _stop_select().where(RENCANA.c.id == rencana_id)
        with self._reading() as conn:
            rows = conn.execute(stmt).fetchall()
        return to_frame(rows, PLAN_STOP_COLUMNS)

    def read_officer_stops(self, username: str, *, tanggal: dt.date | None = None) -> pd.DataFrame:
        """Read the stops of the active plans' routes assigned to ``username``.

        Parameters
        ----------
        username
            The officer account (``rencana_rute.petugas``).
        tanggal
            Only plans of this day; every day when None.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`OFFICER_STOP_COLUMNS` (``tanggal`` at midnight,
            ``diperbarui`` UTC, lat/lon EPSG:4326), ordered by plan day, plan, route
            ``nomor`` and ``urutan``. Cancelled and replaced plans are left out.
        """
        stmt = _stop_select().where(
            RENCANA_RUTE.c.petugas == str(username), RENCANA.c.status == "aktif"
        )
        if tanggal is not None:
            stmt = stmt.where(RENCANA.c.tanggal == tanggal)
        with self._reading() as conn:
            rows = [tuple(r)[:-1] for r in conn.execute(stmt)]
        return to_frame(rows, OFFICER_STOP_COLUMNS)

    def read_stop(self, henti_id: int) -> dict[str, Any] | None:
        """Return one stop as a dict, or None when unknown.

        Keys: those of :data:`OFFICER_STOP_COLUMNS` (``status`` is the stop's status), plus
        ``petugas`` (the route's assignee, or None) and ``status_rencana`` (the plan's status:
        ``"aktif"``, ``"dibatalkan"``, ``"diganti"``). Dates are ``datetime.date``, times
        naive UTC ``datetime``.
        """
        stmt = _stop_select().add_columns(RENCANA.c.status.label("status_rencana"))
        stmt = stmt.where(RENCANA_HENTI.c.id == int(henti_id))
        with self._reading() as conn:
            row = conn.execute(stmt).mappings().first()
        return None if row is None else dict(row)

    def read_umkm_for_officer(self, username: str) -> pd.DataFrame:
        """Read the UMKM on the active routes assigned to ``username``, personal fields included.

        Only businesses whose id is the ``objek_id`` of a ``jenis = "umkm"`` stop of a route
        assigned to ``username`` in a plan with status ``aktif``: an officer sees the owner,
        phone and address of exactly the businesses they are sent to.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`OFFICER_UMKM_COLUMNS`, by ``id``.
        """
        on_route = (
            select(RENCANA_HENTI.c.objek_id)
            .select_from(
                RENCANA_HENTI.join(RENCANA_RUTE, RENCANA_HENTI.c.rute_id == RENCANA_RUTE.c.id).join(
                    RENCANA, RENCANA_RUTE.c.rencana_id == RENCANA.c.id
                )
            )
            .where(
                and_(
                    RENCANA_HENTI.c.jenis == "umkm",
                    RENCANA_RUTE.c.petugas == str(username),
                    RENCANA.c.status == "aktif",
                )
            )
        )
        stmt = (
            select(*(UMKM.c[c] for c in OFFICER_UMKM_COLUMNS))
            .where(UMKM.c.id.in_(on_route))
            .order_by(UMKM.c.id)
        )
        with self._reading() as conn:
            rows = conn.execute(stmt).fetchall()
        return to_frame(rows, OFFICER_UMKM_COLUMNS)

    def read_assignable_users(self, roles: Sequence[str]) -> list[str]:
        """Return the usernames of active accounts with one of ``roles``, sorted."""
        stmt = (
            select(PENGGUNA.c.username)
            .where(PENGGUNA.c.aktif.is_(True), PENGGUNA.c.peran.in_(list(roles)))
            .order_by(PENGGUNA.c.username)
        )
        with self._reading() as conn:
            return [str(u) for u in conn.scalars(stmt)]
