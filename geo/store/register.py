"""The register aggregate of the store: UMKM, sentra, Sahabat UMKM, visits, size history.

Reads return the register model of :mod:`geo.core.register`: :meth:`RegisterStore.read_umkm`
gives a GeoDataFrame in EPSG:4326 with the columns and dtypes of
:data:`~geo.core.register.UMKM_COLUMNS`, the other reads give DataFrames with the dtypes of
their ``*_COLUMNS`` mapping. Rows come back sorted by their key (sorted in pandas, so the order
does not depend on the database's collation) with a fresh ``RangeIndex``.

Every write is one transaction (all rows or none); row problems (duplicate id, unknown sentra,
missing required value) are found before anything is written, inside the write transaction,
and raised as :class:`~geo.store.schema.StoreError` naming the row; whatever the database
itself still rejects rolls the whole batch back and is reported with the table name.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import (
    delete,
    func,
    insert,
    select,
)

from geo.core import register
from geo.store.base import StoreBase
from geo.store.meta import meta_records
from geo.store.rows import (
    CHUNK_IN,
    chunks,
    conform,
    existing_values,
    insert_records,
    to_frame,
    to_records,
    upsert_records,
)
from geo.store.schema import (
    BATCH,
    KUNJUNGAN,
    KUNJUNGAN_FOTO,
    META,
    RIWAYAT,
    SAHABAT,
    SENTRA,
    SPEC_HISTORY,
    SPEC_SAHABAT,
    SPEC_SENTRA,
    SPEC_UMKM,
    SPEC_UMKM_PRESISI,
    SPEC_VISITS,
    UMKM,
    Spec,
    StoreError,
)
from geo.store.sessions import SESSION_SECRET_KEY

__all__ = ["CHECK_IN_COLUMNS", "COUNTABLE_COLUMNS", "RegisterStore"]

#: UMKM columns :meth:`Store.counts_by` may group on.
COUNTABLE_COLUMNS: tuple[str, ...] = ("kode_kelurahan", "sektor", "skala", "status")

#: Visit columns of schema version 7, after :data:`geo.core.register.VISIT_COLUMNS`: the
#: idempotency key of the submit that stored the visit, the plan stop it closed, and the
#: check-in position (degrees EPSG:4326), its accuracy (m), its distance to the stop (m) and
#: whether that was beyond the check-in radius. All optional (visits logged on Perencanaan
#: Kunjungan have none of them).
CHECK_IN_COLUMNS: dict[str, str] = {
    "kunci": "string",
    "henti_id": "Int64",
    "lat": "float64",
    "lon": "float64",
    "akurasi_m": "float64",
    "jarak_m": "float64",
    "di_luar_radius": "boolean",
}
# Visits with their check-in columns: what :meth:`RegisterStore.add_visits` writes.
_SPEC_VISITS_FIELD = Spec(
    KUNJUNGAN,
    {**register.VISIT_COLUMNS, **CHECK_IN_COLUMNS},
    ("id",),
    ("id", "tanggal"),
    tuple(CHECK_IN_COLUMNS),
)


class RegisterStore(StoreBase):
    """Reads and writes of the UMKM register and its companion tables (see the module)."""

    def _read(self, spec: Spec, *where: Any) -> pd.DataFrame:
        stmt = select(*(spec.table.c[c] for c in spec.dtypes)).where(*where)
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        frame = to_frame(rows, spec.dtypes)
        return frame.sort_values(list(spec.key), kind="stable", ignore_index=True)

    def read_umkm(
        self, *, kode_kelurahan: Sequence[str] | None = None, presisi_lokasi: bool = False
    ) -> gpd.GeoDataFrame:
        """Read the UMKM register.

        Parameters
        ----------
        kode_kelurahan
            Only UMKM in these kelurahan (codes such as ``"35.73.02.1001"``; a single code is
            accepted as a one-item list); None for all.
        presisi_lokasi
            Also return the columns ``presisi_lokasi`` (``alamat``, ``jalan``, ``kelurahan``:
            how precise the point is; missing for rows not written by an import) and
            ``id_sumber`` (the business's id in the system it was imported from), after the
            register columns.

        Returns
        -------
        geopandas.GeoDataFrame
            Columns and dtypes of :data:`geo.core.register.UMKM_COLUMNS` (plus ``presisi_lokasi``
            when asked), point geometry from ``lon``/``lat`` in EPSG:4326, sorted by ``id``;
            :func:`geo.core.register.empty_register` when nothing matches.
        """
        where = []
        if kode_kelurahan is not None:
            if isinstance(kode_kelurahan, str):
                kode_kelurahan = [kode_kelurahan]
            codes = list(dict.fromkeys(str(k) for k in kode_kelurahan))
            if not codes:
                empty = register.empty_register()
                return (
                    empty.assign(
                        presisi_lokasi=pd.Series(dtype="string"),
                        id_sumber=pd.Series(dtype="string"),
                    )
                    if presisi_lokasi
                    else empty
                )
            where.append(UMKM.c.kode_kelurahan.in_(codes))
        spec = SPEC_UMKM_PRESISI if presisi_lokasi else SPEC_UMKM
        frame = self._read(spec, *where)
        if frame.empty and not presisi_lokasi:
            return register.empty_register()
        return register.to_geodataframe(frame)

    def read_sentra(self) -> pd.DataFrame:
        """Read the sentra list.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`geo.core.register.SENTRA_COLUMNS` (``lat``/``lon`` in
            degrees, EPSG:4326), sorted by ``id``.
        """
        return self._read(SPEC_SENTRA)

    def read_sahabat(self) -> pd.DataFrame:
        """Read the Sahabat UMKM roster.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`geo.core.register.SAHABAT_COLUMNS`, sorted by ``id``.
        """
        return self._read(SPEC_SAHABAT)

    def read_visits(self, *, check_in: bool = False) -> pd.DataFrame:
        """Read all visits.

        Parameters
        ----------
        check_in
            Also return the columns of :data:`CHECK_IN_COLUMNS` (key, plan stop, check-in
            position and distance), after the visit columns.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`geo.core.register.VISIT_COLUMNS` (dates at midnight,
            ``tindak_lanjut`` NaT when none), sorted by ``id``.
        """
        return self._read(_SPEC_VISITS_FIELD if check_in else SPEC_VISITS)

    def visit_id_for_key(self, kunci: str) -> str | None:
        """Return the id of the visit stored with the idempotency key ``kunci``, or None.

        Inside a :meth:`unit_of_work` the read runs in that transaction (it sees the visits
        the unit of work wrote).
        """
        stmt = select(KUNJUNGAN.c.id).where(KUNJUNGAN.c.kunci == kunci)
        joined = getattr(self._local, "conn", None)
        if joined is not None:
            found = joined.scalar(stmt)
        else:
            with self._engine.connect() as conn:
                found = conn.scalar(stmt)
        return None if found is None else str(found)

    def read_visit_photo(self, kunjungan_id: str) -> dict[str, Any] | None:
        """Return the photo of a visit, or None.

        Returns
        -------
        dict or None
            ``kunjungan_id``, ``mime``, ``lebar``, ``tinggi`` (pixels) and ``data`` (bytes).
        """
        stmt = select(KUNJUNGAN_FOTO).where(KUNJUNGAN_FOTO.c.kunjungan_id == kunjungan_id)
        with self._engine.connect() as conn:
            row = conn.execute(stmt).mappings().first()
        if row is None:
            return None
        out = dict(row)
        out["data"] = bytes(out["data"])
        return out

    def write_visit_photo(
        self, kunjungan_id: str, *, mime: str, lebar: int, tinggi: int, data: bytes
    ) -> None:
        """Store the (one) photo of a visit, replacing any earlier one.

        Parameters
        ----------
        kunjungan_id
            A stored visit.
        mime
            The picture's type (``image/jpeg``).
        lebar, tinggi
            Width and height, pixels.
        data
            The picture's bytes (already downscaled and stripped of metadata).

        Raises
        ------
        StoreError
            The visit is unknown, or the photo is empty.
        """
        if not data:
            raise StoreError("kunjungan_foto", "empty photo", row_id=kunjungan_id)
        with self._write("kunjungan_foto") as conn:
            if not existing_values(conn, KUNJUNGAN.c.id, [kunjungan_id]):
                raise StoreError("kunjungan_foto", "unknown visit", row_id=kunjungan_id)
            conn.execute(
                delete(KUNJUNGAN_FOTO).where(KUNJUNGAN_FOTO.c.kunjungan_id == kunjungan_id)
            )
            conn.execute(
                insert(KUNJUNGAN_FOTO).values(
                    kunjungan_id=kunjungan_id,
                    mime=mime,
                    lebar=int(lebar),
                    tinggi=int(tinggi),
                    data=bytes(data),
                )
            )

    def read_size_history(self) -> pd.DataFrame:
        """Read the size history.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`geo.core.register.SIZE_HISTORY_COLUMNS`, sorted by
            ``umkm_id`` then ``tanggal``.
        """
        return self._read(SPEC_HISTORY)

    def is_empty(self) -> bool:
        """Return True when the store holds no UMKM."""
        with self._engine.connect() as conn:
            return conn.execute(select(UMKM.c.id).limit(1)).first() is None

    def count_umkm(self) -> int:
        """Return the number of UMKM in the store."""
        with self._engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(UMKM)) or 0)

    def counts_by(self, column: str) -> pd.Series:
        """Count UMKM per value of one column (SQL ``GROUP BY``).

        Parameters
        ----------
        column
            One of :data:`COUNTABLE_COLUMNS`: ``kode_kelurahan``, ``sektor``, ``skala``,
            ``status``.

        Returns
        -------
        pandas.Series
            ``int64`` counts named ``"jumlah"``, indexed by the column's values (``string``
            dtype, index named ``column``, missing values as ``<NA>`` last), sorted by value.

        Raises
        ------
        ValueError
            ``column`` is not one of :data:`COUNTABLE_COLUMNS`.
        """
        if column not in COUNTABLE_COLUMNS:
            raise ValueError(
                f"cannot count by {column!r}; choose one of {', '.join(COUNTABLE_COLUMNS)}"
            )
        col = UMKM.c[column]
        with self._engine.connect() as conn:
            rows = conn.execute(select(col, func.count()).group_by(col)).fetchall()
        index = pd.Index([r[0] for r in rows], dtype="string", name=column)
        counts = pd.Series([int(r[1]) for r in rows], index=index, dtype="int64", name="jumlah")
        return counts.sort_index()

    def write_umkm(self, df: pd.DataFrame, *, batch_id: int | None = None) -> None:
        """Insert new UMKM, all or nothing.

        Parameters
        ----------
        df
            Register rows with (at least) the columns of :data:`geo.core.register.UMKM_COLUMNS`;
            ``lat``/``lon`` in degrees (EPSG:4326) are the stored location, a ``geometry``
            column and other extra columns are ignored. Dates keep their calendar day only.
        batch_id
            The import batch the rows belong to (from :meth:`create_import_batch`), so that
            :meth:`delete_batch` can undo the import.

        Raises
        ------
        StoreError
            A column is missing or has values of the wrong type, an id is missing, repeated in
            ``df`` or already in the store, a ``sentra_id`` is not a known sentra, or
            ``batch_id`` is unknown. Nothing is written.
        TypeError
            ``batch_id`` is not an integer.
        """
        if batch_id is not None:
            batch_id = operator.index(batch_id)  # numpy integers too; floats are refused
        records = to_records(conform(df, SPEC_UMKM), SPEC_UMKM, batch_id=batch_id)
        with self._write("umkm") as conn:
            if batch_id is not None and not existing_values(conn, BATCH.c.id, [batch_id]):
                raise StoreError("import_batch", f"unknown batch_id {batch_id!r}")
            self._check_new_ids(conn, SPEC_UMKM, records)
            sentra_ids = existing_values(conn, SENTRA.c.id, [r["sentra_id"] for r in records])
            self._check_sentra_refs(records, sentra_ids)
            insert_records(conn, UMKM, records)

    def upsert_umkm(self, df: pd.DataFrame) -> None:
        """Insert UMKM whose id is new and update those already stored, all or nothing.

        Updated rows keep their import batch; inserted rows belong to none.

        Parameters
        ----------
        df
            As for :meth:`write_umkm`.

        Raises
        ------
        StoreError
            As for :meth:`write_umkm`, except that an id already in the store is updated.
        """
        records = to_records(conform(df, SPEC_UMKM), SPEC_UMKM)
        with self._write("umkm") as conn:
            sentra_ids = existing_values(conn, SENTRA.c.id, [r["sentra_id"] for r in records])
            self._check_sentra_refs(records, sentra_ids)
            upsert_records(conn, UMKM, records)

    def write_sentra(self, df: pd.DataFrame) -> None:
        """Insert or update sentra by id, all or nothing; sentra not in ``df`` stay.

        Parameters
        ----------
        df
            Rows with the columns of :data:`geo.core.register.SENTRA_COLUMNS` (``lat``/``lon`` in
            degrees, EPSG:4326; ``publik`` required).

        Raises
        ------
        StoreError
            A column is missing or mistyped, a required value is missing or an id repeats.
        """
        records = to_records(conform(df, SPEC_SENTRA), SPEC_SENTRA)
        with self._write("sentra") as conn:
            upsert_records(conn, SENTRA, records)

    def write_sahabat(self, df: pd.DataFrame) -> None:
        """Insert or update Sahabat UMKM by id, all or nothing; people not in ``df`` stay.

        Parameters
        ----------
        df
            Rows with the columns of :data:`geo.core.register.SAHABAT_COLUMNS` (``aktif``
            required).

        Raises
        ------
        StoreError
            A column is missing or mistyped, a required value is missing or an id repeats.
        """
        records = to_records(conform(df, SPEC_SAHABAT), SPEC_SAHABAT)
        with self._write("sahabat") as conn:
            upsert_records(conn, SAHABAT, records)

    def add_visits(self, df: pd.DataFrame) -> None:
        """Insert new visits, all or nothing.

        Parameters
        ----------
        df
            Rows with the columns of :data:`geo.core.register.VISIT_COLUMNS` (``tanggal``
            required, ``tindak_lanjut`` may be NaT; dates keep their calendar day only), and
            optionally those of :data:`CHECK_IN_COLUMNS` (missing ones are stored empty).

        Raises
        ------
        StoreError
            A column is missing or mistyped, a required value is missing, an id repeats in
            ``df`` or is already in the store, or a ``kunci`` is already stored.
        """
        records = to_records(conform(df, _SPEC_VISITS_FIELD), _SPEC_VISITS_FIELD)
        with self._write("kunjungan") as conn:
            self._check_new_ids(conn, _SPEC_VISITS_FIELD, records)
            keys = existing_values(conn, KUNJUNGAN.c.kunci, [r["kunci"] for r in records])
            if keys:
                first = next(r["id"] for r in records if r["kunci"] in keys)
                raise StoreError("kunjungan", "kunci already in the store", row_id=first)
            insert_records(conn, KUNJUNGAN, records)

    def write_size_history(self, df: pd.DataFrame) -> None:
        """Insert size-history rows, all or nothing.

        Parameters
        ----------
        df
            Rows with the columns of :data:`geo.core.register.SIZE_HISTORY_COLUMNS`, all required;
            one row per business and calendar day.

        Raises
        ------
        StoreError
            A column is missing or mistyped, a value is missing, ``umkm_id`` is not in the
            store, or a business already has a class on that day (in ``df`` or the store).
            The row id is ``"<umkm_id> <tanggal>"``.
        """
        records = to_records(conform(df, SPEC_HISTORY), SPEC_HISTORY)
        with self._write("riwayat_skala") as conn:
            umkm_ids = [r["umkm_id"] for r in records]
            self._check_history_refs(records, existing_values(conn, UMKM.c.id, umkm_ids))
            stored: set[tuple[str, dt.date]] = set()
            for chunk in chunks(list(dict.fromkeys(umkm_ids)), CHUNK_IN):
                stmt = select(RIWAYAT.c.umkm_id, RIWAYAT.c.tanggal).where(
                    RIWAYAT.c.umkm_id.in_(chunk)
                )
                stored.update((u, t) for u, t in conn.execute(stmt))
            for r in records:
                if (r["umkm_id"], r["tanggal"]) in stored:
                    raise StoreError(
                        "riwayat_skala",
                        "this business already has a class recorded on that day",
                        row_id=f"{r['umkm_id']} {r['tanggal'].isoformat()}",
                    )
            insert_records(conn, RIWAYAT, records)

    def replace_dataset(
        self,
        *,
        umkm: pd.DataFrame,
        sentra: pd.DataFrame,
        sahabat: pd.DataFrame,
        visits: pd.DataFrame,
        size_history: pd.DataFrame,
        meta: Mapping[str, str],
    ) -> None:
        """Replace the whole data set in one transaction (e.g. to load the demo data).

        Empties ``umkm``, ``sentra``, ``sahabat``, ``kunjungan``, ``riwayat_skala``,
        ``import_batch`` and ``meta`` and fills them from the arguments. On any failure the
        previous data set is kept untouched.

        Parameters
        ----------
        umkm, sentra, sahabat, visits, size_history
            As for :meth:`write_umkm`, :meth:`write_sentra`, :meth:`write_sahabat`,
            :meth:`add_visits` and :meth:`write_size_history`; references are checked against
            the new data (``umkm.sentra_id`` against ``sentra``, ``size_history.umkm_id``
            against ``umkm``). The new UMKM belong to no import batch.
        meta
            The complete new ``meta`` table (key -> value, both strings).

        Raises
        ------
        StoreError
            Any table would be refused by its own write method, or ``meta`` holds a
            non-string key or value. Nothing is changed.
        """
        rec_sentra = to_records(conform(sentra, SPEC_SENTRA), SPEC_SENTRA)
        rec_sahabat = to_records(conform(sahabat, SPEC_SAHABAT), SPEC_SAHABAT)
        rec_umkm = to_records(conform(umkm, SPEC_UMKM), SPEC_UMKM, batch_id=None)
        rec_visits = to_records(conform(visits, SPEC_VISITS), SPEC_VISITS)
        rec_history = to_records(conform(size_history, SPEC_HISTORY), SPEC_HISTORY)
        rec_meta = meta_records(meta)
        self._check_sentra_refs(rec_umkm, {r["id"] for r in rec_sentra})
        self._check_history_refs(rec_history, {r["id"] for r in rec_umkm})
        with self._write("dataset") as conn:
            for table in (RIWAYAT, KUNJUNGAN, UMKM, BATCH, SENTRA, SAHABAT):
                conn.execute(delete(table))
            # The session-signing secret is the server's, not the data set's: signed-in
            # browsers stay signed in when the demo data is reloaded.
            conn.execute(delete(META).where(META.c.key != SESSION_SECRET_KEY))
            rec_meta = [r for r in rec_meta if r["key"] != SESSION_SECRET_KEY]
            insert_records(conn, SENTRA, rec_sentra)
            insert_records(conn, SAHABAT, rec_sahabat)
            insert_records(conn, UMKM, rec_umkm)
            insert_records(conn, RIWAYAT, rec_history)
            insert_records(conn, KUNJUNGAN, rec_visits)
            insert_records(conn, META, rec_meta)
