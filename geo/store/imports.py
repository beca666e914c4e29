"""The import aggregate of the store: import batches, their change log and their undo.

:meth:`ImportStore.commit_import` records a batch, inserts its new UMKM and updates matched ones
in one transaction, keeping the complete previous version of every updated row (table
``import_perubahan``, JSON with every float bit) so that :meth:`ImportStore.undo_import`
restores exactly the state before the batch.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    delete,
    func,
    insert,
    select,
    update,
)

from geo.store.base import StoreBase
from geo.store.rows import (
    CHUNK_IN,
    chunks,
    conform,
    existing_values,
    insert_records,
    to_frame,
    to_records,
    update_records,
)
from geo.store.schema import (
    BATCH,
    PERUBAHAN,
    SENTRA,
    SPEC_UMKM,
    SPEC_UMKM_PRESISI,
    UMKM,
    StoreError,
    utcnow,
)

__all__ = ["IMPORT_BATCH_COLUMNS", "ImportStore"]

#: Columns of :meth:`Store.read_import_batches`, with their pandas dtypes.
IMPORT_BATCH_COLUMNS: dict[str, str] = {
    "id": "int64",
    "nama_file": "string",
    "sha256": "string",
    "dibuat": "datetime64[s]",
    "jumlah_baris": "int64",
    "jumlah_umkm": "int64",
}


class ImportStore(StoreBase):
    """Import batches: record, commit, undo and count them."""

    def read_import_batches(self) -> pd.DataFrame:
        """Read the import batches, with how many of their UMKM are still in the store.

        Returns
        -------
        pandas.DataFrame
            Columns and dtypes of :data:`IMPORT_BATCH_COLUMNS` (``dibuat`` in UTC), sorted by
            ``id``.
        """
        b = BATCH.c
        stmt = (
            select(b.id, b.nama_file, b.sha256, b.dibuat, b.jumlah_baris, func.count(UMKM.c.id))
            .select_from(BATCH.outerjoin(UMKM, UMKM.c.batch_id == b.id))
            .group_by(b.id, b.nama_file, b.sha256, b.dibuat, b.jumlah_baris)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        frame = to_frame(rows, IMPORT_BATCH_COLUMNS)
        return frame.sort_values("id", kind="stable", ignore_index=True)

    def create_import_batch(self, nama_file: str, sha256: str, jumlah_baris: int) -> int:
        """Record an import and return its batch id (for :meth:`write_umkm`).

        Parameters
        ----------
        nama_file
            The uploaded file's name.
        sha256
            Hex SHA-256 of the uploaded file's bytes.
        jumlah_baris
            Number of data rows in the file.

        Returns
        -------
        int
            The new batch id. Its creation time is stored in UTC.
        """
        if jumlah_baris < 0:
            raise StoreError("import_batch", f"jumlah_baris must be >= 0, got {jumlah_baris}")
        with self._write("import_batch") as conn:
            return _insert_batch(
                conn, nama_file=nama_file, sha256=sha256, jumlah_baris=jumlah_baris
            )

    def delete_batch(self, batch_id: int) -> int:
        """Undo an import: delete the batch's UMKM (and their size history) and the batch.

        Rows the batch updated are restored to their previous version (see
        :meth:`undo_import`, which also returns how many were restored).

        Parameters
        ----------
        batch_id
            An id from :meth:`create_import_batch`.

        Returns
        -------
        int
            The number of UMKM deleted.

        Raises
        ------
        StoreError
            The batch is unknown, or a later batch changed its rows. Nothing is changed.
        TypeError
            ``batch_id`` is not an integer.
        """
        return self.undo_import(batch_id)[0]

    def commit_import(
        self,
        *,
        nama_file: str,
        sha256: str,
        jumlah_baris: int,
        new: pd.DataFrame,
        updates: pd.DataFrame,
    ) -> int:
        """Record an import batch, insert its new UMKM and update matched ones: all or nothing.

        The previous version of every updated row is kept (``import_perubahan``) so that
        :meth:`undo_import` can restore it exactly.

        Parameters
        ----------
        nama_file, sha256, jumlah_baris
            As for :meth:`create_import_batch`.
        new
            UMKM to insert: the columns of :data:`geo.core.register.UMKM_COLUMNS` plus
            ``presisi_lokasi``; ``lat``/``lon`` in degrees (EPSG:4326). Their ids must be new.
        updates
            UMKM to replace, same columns; every id must be in the store. The updated rows
            move to the new batch.

        Returns
        -------
        int
            The new batch id.

        Raises
        ------
        StoreError
            A column is missing or mistyped, an id of ``new`` is taken or one of ``updates``
            unknown, an id is in both, a ``sentra_id`` is unknown. Nothing is changed (no batch
            is recorded either).
        """
        if jumlah_baris < 0:
            raise StoreError("import_batch", f"jumlah_baris must be >= 0, got {jumlah_baris}")
        rec_new = to_records(conform(new, SPEC_UMKM_PRESISI), SPEC_UMKM_PRESISI)
        rec_upd = to_records(conform(updates, SPEC_UMKM_PRESISI), SPEC_UMKM_PRESISI)
        both = {r["id"] for r in rec_new} & {r["id"] for r in rec_upd}
        if both:
            raise StoreError("umkm", "id both inserted and updated", row_id=min(both))
        with self._write("import_batch") as conn:
            batch_id = _insert_batch(
                conn, nama_file=nama_file, sha256=sha256, jumlah_baris=jumlah_baris
            )
            previous = self._check_import(conn, rec_new, rec_upd)
            insert_records(conn, UMKM, [{**r, "batch_id": batch_id} for r in rec_new])
            update_records(conn, UMKM, rec_upd, batch_id=batch_id)
            insert_records(conn, PERUBAHAN, _change_log(batch_id, rec_new, rec_upd, previous))
        return batch_id

    def _check_import(
        self,
        conn: Connection,
        rec_new: list[dict[str, Any]],
        rec_upd: list[dict[str, Any]],
    ) -> dict[str, dict[str, Any]]:
        """Check an import against the store; return the stored rows it updates, by id.

        Raises
        ------
        StoreError
            An id of ``rec_new`` is taken, one of ``rec_upd`` is not stored, or a
            ``sentra_id`` is unknown.
        """
        self._check_new_ids(conn, SPEC_UMKM, rec_new)
        sentra_ids = existing_values(conn, SENTRA.c.id, [r["sentra_id"] for r in rec_new + rec_upd])
        self._check_sentra_refs(rec_new + rec_upd, sentra_ids)
        previous = _rows_by_id(conn, [r["id"] for r in rec_upd])
        for r in rec_upd:
            if r["id"] not in previous:
                raise StoreError("umkm", "id to update is not in the store", row_id=r["id"])
        return previous

    def undo_import(self, batch_id: int) -> tuple[int, int]:
        """Undo an import batch: delete the UMKM it added, restore the ones it updated.

        The store returns to exactly the state before the batch (updated rows get back every
        value, their ``presisi_lokasi`` and their previous batch), except for what later
        batches did; a batch whose rows a later batch changed is refused until that later
        batch is undone. The size history of deleted UMKM goes with them.

        Parameters
        ----------
        batch_id
            An id from :meth:`commit_import` (or :meth:`create_import_batch`).

        Returns
        -------
        tuple of int
            (UMKM deleted, UMKM restored).

        Raises
        ------
        StoreError
            The batch is unknown, or a later batch changed one of its rows (the message names
            that batch). Nothing is changed.
        TypeError
            ``batch_id`` is not an integer.
        """
        batch_id = operator.index(batch_id)
        p = PERUBAHAN.c
        with self._write("import_batch") as conn:
            if not existing_values(conn, BATCH.c.id, [batch_id]):
                raise StoreError("import_batch", f"unknown batch_id {batch_id!r}")
            changes = conn.execute(
                select(p.umkm_id, p.aksi, p.sebelum).where(p.batch_id == batch_id)
            ).fetchall()
            _refuse_if_changed_later(conn, batch_id, [c.umkm_id for c in changes])
            updated = [(c.umkm_id, c.sebelum) for c in changes if c.aksi == "ubah"]
            restored = _restore_updated(conn, updated)
            deleted = conn.execute(delete(UMKM).where(UMKM.c.batch_id == batch_id)).rowcount
            conn.execute(delete(PERUBAHAN).where(p.batch_id == batch_id))
            conn.execute(delete(BATCH).where(BATCH.c.id == batch_id))
        return int(deleted), restored

    def read_import_changes(self) -> pd.DataFrame:
        """Count, per import batch, the UMKM it added and the ones it updated.

        Returns
        -------
        pandas.DataFrame
            Columns ``batch_id``, ``ditambah``, ``diperbarui`` (int64), sorted by batch; batches
            written without the change log (older imports) are absent.
        """
        p = PERUBAHAN.c
        stmt = select(p.batch_id, p.aksi, func.count()).group_by(p.batch_id, p.aksi)
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        counts: dict[int, dict[str, int]] = {}
        for batch, aksi, n in rows:
            counts.setdefault(int(batch), {"tambah": 0, "ubah": 0})[str(aksi)] = int(n)
        frame = pd.DataFrame(
            {
                "batch_id": pd.Series(list(counts), dtype="int64"),
                "ditambah": pd.Series([c["tambah"] for c in counts.values()], dtype="int64"),
                "diperbarui": pd.Series([c["ubah"] for c in counts.values()], dtype="int64"),
            }
        )
        return frame.sort_values("batch_id", ignore_index=True)


# --- Stages of commit_import and undo_import ------------------------------------------------------


def _insert_batch(conn: Connection, *, nama_file: str, sha256: str, jumlah_baris: int) -> int:
    """Record one import batch (created now, UTC) and return its id."""
    result = conn.execute(
        insert(BATCH).values(
            nama_file=str(nama_file),
            sha256=str(sha256),
            dibuat=utcnow(),
            jumlah_baris=int(jumlah_baris),
        )
    )
    return int(result.inserted_primary_key[0])


def _change_log(
    batch_id: int,
    rec_new: list[dict[str, Any]],
    rec_upd: list[dict[str, Any]],
    previous: Mapping[str, Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """Return the ``import_perubahan`` rows of a batch: one per added and per updated UMKM."""
    added = [
        {"batch_id": batch_id, "umkm_id": r["id"], "aksi": "tambah", "sebelum": None}
        for r in rec_new
    ]
    updated = [
        {
            "batch_id": batch_id,
            "umkm_id": r["id"],
            "aksi": "ubah",
            "sebelum": _snapshot(previous[r["id"]]),
        }
        for r in rec_upd
    ]
    return added + updated


def _refuse_if_changed_later(conn: Connection, batch_id: int, ids: Sequence[str]) -> None:
    """Raise :class:`StoreError` when a batch after ``batch_id`` changed one of ``ids``."""
    p = PERUBAHAN.c
    for chunk in chunks(ids, CHUNK_IN):
        later = conn.execute(
            select(p.batch_id, p.umkm_id)
            .where(p.batch_id > batch_id, p.umkm_id.in_(chunk))
            .order_by(p.batch_id.desc())
        ).first()
        if later is not None:
            raise StoreError(
                "import_batch",
                f"batch {later.batch_id} later changed UMKM {later.umkm_id!r} of batch "
                f"{batch_id}; undo batch {later.batch_id} first",
                row_id=str(batch_id),
            )


def _restore_updated(conn: Connection, updated: Sequence[tuple[str, str]]) -> int:
    """Put back the previous version of updated UMKM (re-inserted if deleted since).

    Parameters
    ----------
    conn
        A connection inside a write transaction.
    updated
        (UMKM id, its :func:`_snapshot` from before the batch) per updated UMKM.

    Returns
    -------
    int
        The number of UMKM restored.
    """
    for umkm_id, snapshot in updated:
        values = _restore(snapshot)
        done = conn.execute(update(UMKM).where(UMKM.c.id == umkm_id).values(**values))
        if done.rowcount == 0:  # deleted since: put it back as it was
            conn.execute(insert(UMKM).values(id=umkm_id, **values))
    return len(updated)


def _rows_by_id(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Return the complete stored rows (every column) of ``ids`` that exist, by id."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(list(dict.fromkeys(ids)), CHUNK_IN):
        for row in conn.execute(select(UMKM).where(UMKM.c.id.in_(chunk))).mappings():
            found[str(row["id"])] = dict(row)
    return found


def _snapshot(row: Mapping[str, Any]) -> str:
    """Encode a stored UMKM row (all but ``id``) as JSON; floats keep every bit (repr)."""
    values = {}
    for key, value in row.items():
        if key == "id":
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        values[key] = value
    return json.dumps(values, sort_keys=True)


def _restore(snapshot: str) -> dict[str, Any]:
    """Decode :func:`_snapshot` into UPDATE values (dates back to ``datetime.date``)."""
    values = json.loads(snapshot)
    for column in UMKM.columns:
        if isinstance(column.type, Date) and values.get(column.name) is not None:
            values[column.name] = dt.date.fromisoformat(values[column.name])
    return {k: v for k, v in values.items() if k in UMKM.c}
