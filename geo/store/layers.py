"""The boundary-layer aggregate of the store: the city's active kelurahan layer, reversible.

A city office may make its own kelurahan layer the truth (``python -m geo boundaries use``).
:meth:`LayerStore.set_boundary_layer` stores the validated layer (table ``batas_lapisan``,
GeoJSON in EPSG:4326; on PostGIS also the geometry table ``kelurahan_batas``) and, in the same
transaction, changes the ``kode_kelurahan`` of the UMKM the caller re-derived, recording every
changed row (table ``batas_perubahan``: old and new kode). :meth:`LayerStore.undo_boundary_layer`
and :meth:`LayerStore.reset_boundary_layers` put those kode back exactly.

The active layer is the newest ``batas_lapisan`` row not undone; without one the shipped layer
(:func:`geo.wilayah.kelurahan`) is the truth. :meth:`LayerStore.kelurahan_layer` returns
whichever is active, and the spatial queries of :class:`~geo.store.spatial.SpatialStore` use it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import (
    Connection,
    bindparam,
    insert,
    select,
    update,
)

from geo.store.rows import CHUNK_IN, chunks
from geo.store.schema import (
    BATAS_LAPISAN,
    BATAS_PERUBAHAN,
    UMKM,
    StoreError,
    utcnow,
)
from geo.store.spatial import SpatialStore, replace_postgis_boundaries

__all__ = ["BOUNDARY_CHANGE_COLUMNS", "BOUNDARY_LAYER_COLUMNS", "BoundaryLayer", "LayerStore"]

#: Columns of :meth:`LayerStore.read_boundary_layers`, with their pandas dtypes.
BOUNDARY_LAYER_COLUMNS: dict[str, str] = {
    "id": "int64",
    "sumber": "string",
    "sha256": "string",
    "dipasang": "datetime64[s]",
    "pengguna": "string",
    "dibatalkan": "datetime64[s]",
}
#: Columns of :meth:`LayerStore.read_boundary_changes` (and of the ``changes`` written).
BOUNDARY_CHANGE_COLUMNS: dict[str, str] = {
    "lapisan_id": "int64",
    "umkm_id": "string",
    "kode_lama": "string",
    "kode_baru": "string",
}


@dataclass(frozen=True)
class BoundaryLayer:
    """One stored boundary layer.

    Attributes
    ----------
    id
        Its id in ``batas_lapisan``.
    geojson
        The normalised layer as GeoJSON text (EPSG:4326).
    sumber
        Its source label (the maps' attribution), e.g. "Batas wilayah: Pemkot Malang, 2025".
    sha256
        Hex digest of ``geojson``.
    dipasang
        When it was made active (UTC, naive).
    pengguna
        Who made it active.
    """

    id: int
    geojson: str
    sumber: str
    sha256: str
    dipasang: dt.datetime
    pengguna: str


class LayerStore(SpatialStore):
    """The active boundary layer, its history and the kode changes it made."""

    _layer_key: int | None = None  # id of the active layer ``_kelurahan`` was loaded for

    # -- reads ----------------------------------------------------------------------------------

    def _active_layer_id(self, conn: Connection | None = None) -> int | None:
        b = BATAS_LAPISAN.c
        stmt = select(b.id).where(b.dibatalkan.is_(None)).order_by(b.id.desc()).limit(1)
        if conn is not None:
            value = conn.scalar(stmt)
        else:
            with self._engine.connect() as c:
                value = c.scalar(stmt)
        return None if value is None else int(value)

    def active_boundary_layer(self) -> BoundaryLayer | None:
        """Return the active boundary layer, or None when the shipped layer is the truth."""
        b = BATAS_LAPISAN.c
        stmt = (
            select(b.id, b.geojson, b.sumber, b.sha256, b.dipasang, b.pengguna)
            .where(b.dibatalkan.is_(None))
            .order_by(b.id.desc())
            .limit(1)
        )
        with self._engine.connect() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            return None
        return BoundaryLayer(
            int(row.id),
            str(row.geojson),
            str(row.sumber),
            str(row.sha256),
            row.dipasang,
            str(row.pengguna),
        )

    def kelurahan_layer(self) -> gpd.GeoDataFrame:
        """Return the kelurahan layer that is the truth: the active one, else the shipped one.

        Returns
        -------
        geopandas.GeoDataFrame
            ``kode``, ``nama``, ``kode_kecamatan``, ``kecamatan``, ``area_km2`` (km²,
            EPSG:32749), geometry (EPSG:4326), sorted by kode; ``attrs["atribusi"]`` holds the
            source label the maps show.
        """
        from geo.wilayah import citylayer  # lazily: the store itself needs no boundaries

        active = self.active_boundary_layer()
        if active is None:
            from geo import wilayah

            layer = wilayah.kelurahan()
            layer.attrs[citylayer.ATTRIBUTION_KEY] = citylayer.attribution(None)
            return layer
        return citylayer.from_geojson(active.geojson, source_label=active.sumber)

    def _boundaries(self) -> gpd.GeoDataFrame:
        """Return the layer of the spatial queries: loaded, else the active (or shipped) one."""
        key = self._active_layer_id()
        if self._kelurahan is None or key != self._layer_key:
            self._kelurahan = self.kelurahan_layer()[["kode", "nama", "geometry"]]
            self._layer_key = key
        return self._kelurahan

    def load_kelurahan(self, kel: gpd.GeoDataFrame | None = None) -> int:
        """Set the layer of the spatial queries (see :meth:`SpatialStore.load_kelurahan`).

        None loads the active layer (the shipped one unless a city layer is in use). A layer
        given here is used until the active layer changes.
        """
        n = super().load_kelurahan(kel)
        self._layer_key = self._active_layer_id()
        return n

    def read_boundary_layers(self) -> pd.DataFrame:
        """Return the history of boundary layers (:data:`BOUNDARY_LAYER_COLUMNS`), by id."""
        b = BATAS_LAPISAN.c
        stmt = select(*(b[c] for c in BOUNDARY_LAYER_COLUMNS)).order_by(b.id)
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        frame = pd.DataFrame(rows, columns=list(BOUNDARY_LAYER_COLUMNS))
        return frame.astype(BOUNDARY_LAYER_COLUMNS)

    def read_boundary_changes(self, layer_id: int | None = None) -> pd.DataFrame:
        """Return the recorded kode changes (:data:`BOUNDARY_CHANGE_COLUMNS`).

        Parameters
        ----------
        layer_id
            Only the changes of this layer; None for all.

        Returns
        -------
        pandas.DataFrame
            Sorted by ``lapisan_id`` and ``umkm_id``.
        """
        p = BATAS_PERUBAHAN.c
        stmt = select(*(p[c] for c in BOUNDARY_CHANGE_COLUMNS))
        if layer_id is not None:
            stmt = stmt.where(p.lapisan_id == int(layer_id))
        with self._engine.connect() as conn:
            rows = conn.execute(stmt).fetchall()
        frame = pd.DataFrame(rows, columns=list(BOUNDARY_CHANGE_COLUMNS))
        frame = frame.astype(BOUNDARY_CHANGE_COLUMNS)
        return frame.sort_values(["lapisan_id", "umkm_id"], ignore_index=True)

    # -- writes ---------------------------------------------------------------------------------

    def set_boundary_layer(
        self,
        layer: gpd.GeoDataFrame,
        *,
        geojson: str,
        sumber: str,
        sha256: str,
        pengguna: str,
        changes: pd.DataFrame,
    ) -> int:
        """Make a validated layer the active one and apply its kode changes, in one transaction.

        Parameters
        ----------
        layer
            The normalised layer (``kode``, ``nama``, polygons in EPSG:4326); on PostGIS it
            replaces ``kelurahan_batas``.
        geojson
            The same layer as GeoJSON text (what :meth:`kelurahan_layer` reads back).
        sumber
            Source label for the maps' attribution (not empty).
        sha256
            Hex digest of ``geojson``.
        pengguna
            Who acts.
        changes
            ``umkm_id``, ``kode_lama``, ``kode_baru``: the UMKM whose ``kode_kelurahan``
            changes. Each row's stored kode must still be ``kode_lama``.

        Returns
        -------
        int
            The new layer's id.

        Raises
        ------
        StoreError
            The label is empty, a UMKM is unknown or its kode is no longer ``kode_lama``;
            nothing is changed.
        """
        if not str(sumber).strip():
            raise StoreError("batas_lapisan", "a source label (sumber) is required")
        records = _change_records(changes)
        with self._write("batas_lapisan") as conn:
            result = conn.execute(
                insert(BATAS_LAPISAN).values(
                    geojson=str(geojson),
                    sumber=str(sumber).strip(),
                    sha256=str(sha256),
                    dipasang=utcnow(),
                    pengguna=str(pengguna),
                    dibatalkan=None,
                )
            )
            layer_id = int(result.inserted_primary_key[0])
            _apply(conn, [(r["umkm_id"], r["kode_lama"], r["kode_baru"]) for r in records])
            if records:
                conn.execute(
                    insert(BATAS_PERUBAHAN), [{**r, "lapisan_id": layer_id} for r in records]
                )
            if self.is_postgis:
                replace_postgis_boundaries(conn, layer)
        self._kelurahan = None
        return layer_id

    def undo_boundary_layer(self) -> tuple[int, int]:
        """Undo the active layer: restore its recorded kode exactly, one transaction.

        The layer before it (or the shipped one) becomes active again. UMKM deleted since are
        skipped.

        Returns
        -------
        tuple of int
            (id of the layer undone, UMKM whose kode was restored).

        Raises
        ------
        StoreError
            No layer is active, or a UMKM's kode changed since the layer set it (name the
            row); nothing is changed.
        """
        with self._write("batas_lapisan") as conn:
            layer_id = self._active_layer_id(conn)
            if layer_id is None:
                raise StoreError(
                    "batas_lapisan", "no boundary layer to undo: the shipped one is active"
                )
            restored = self._undo_one(conn, layer_id)
        self._kelurahan = None
        return layer_id, restored

    def reset_boundary_layers(self) -> tuple[int, int]:
        """Go back to the shipped layer: undo every active layer, newest first, one transaction.

        Returns
        -------
        tuple of int
            (layers undone, UMKM kode restores). (0, 0) when the shipped layer is active.

        Raises
        ------
        StoreError
            As :meth:`undo_boundary_layer`; nothing is changed.
        """
        layers = restored = 0
        with self._write("batas_lapisan") as conn:
            while (layer_id := self._active_layer_id(conn)) is not None:
                restored += self._undo_one(conn, layer_id)
                layers += 1
        self._kelurahan = None
        return layers, restored

    def _undo_one(self, conn: Connection, layer_id: int) -> int:
        """Restore the kode of one layer, mark it undone, reload PostGIS with the next one."""
        p = BATAS_PERUBAHAN.c
        rows = conn.execute(
            select(p.umkm_id, p.kode_lama, p.kode_baru).where(p.lapisan_id == layer_id)
        ).fetchall()
        restored = _apply(
            conn, [(r.umkm_id, r.kode_baru, r.kode_lama) for r in rows], skip_missing=True
        )
        b = BATAS_LAPISAN.c
        conn.execute(update(BATAS_LAPISAN).where(b.id == layer_id).values(dibatalkan=utcnow()))
        if self.is_postgis:
            replace_postgis_boundaries(conn, self._layer_for(conn))
        return restored

    def _layer_for(self, conn: Connection) -> gpd.GeoDataFrame:
        """Return the active layer as seen inside ``conn``'s transaction (shipped when none)."""
        from geo import wilayah
        from geo.wilayah import citylayer

        b = BATAS_LAPISAN.c
        text_ = conn.scalar(
            select(b.geojson).where(b.dibatalkan.is_(None)).order_by(b.id.desc()).limit(1)
        )
        return wilayah.kelurahan() if text_ is None else citylayer.from_geojson(str(text_))


def _change_records(changes: pd.DataFrame) -> list[dict[str, Any]]:
    """Check and convert the ``changes`` frame of :meth:`LayerStore.set_boundary_layer`."""
    missing = {"umkm_id", "kode_lama", "kode_baru"} - set(changes.columns)
    if missing:
        raise StoreError("batas_perubahan", f"missing columns: {', '.join(sorted(missing))}")
    records = []
    for umkm_id, lama, baru in changes[["umkm_id", "kode_lama", "kode_baru"]].itertuples(
        index=False
    ):
        if pd.isna(umkm_id):
            raise StoreError("batas_perubahan", "umkm_id is missing")
        records.append(
            {
                "umkm_id": str(umkm_id),
                "kode_lama": None if pd.isna(lama) else str(lama),
                "kode_baru": None if pd.isna(baru) else str(baru),
            }
        )
    if len({r["umkm_id"] for r in records}) != len(records):
        raise StoreError("batas_perubahan", "a UMKM is listed twice")
    return records


def _apply(
    conn: Connection,
    moves: Sequence[tuple[str, str | None, str | None]],
    *,
    skip_missing: bool = False,
) -> int:
    """Set ``kode_kelurahan`` from ``expected`` to ``new`` for each ``(id, expected, new)``.

    Raises
    ------
    StoreError
        A UMKM is unknown (unless ``skip_missing``) or its stored kode is not ``expected``.
    """
    ids = [m[0] for m in moves]
    current: dict[str, str | None] = {}
    for chunk in chunks(ids, CHUNK_IN):
        rows = conn.execute(
            select(UMKM.c.id, UMKM.c.kode_kelurahan).where(UMKM.c.id.in_(chunk))
        ).fetchall()
        current.update({str(r.id): r.kode_kelurahan for r in rows})
    params = []
    for umkm_id, expected, new in moves:
        if umkm_id not in current:
            if skip_missing:
                continue
            raise StoreError("umkm", "unknown UMKM", row_id=umkm_id)
        if current[umkm_id] != expected:
            raise StoreError(
                "umkm",
                f"kode_kelurahan is {current[umkm_id]!r}, expected {expected!r}: the row changed "
                "since; nothing was changed",
                row_id=umkm_id,
            )
        params.append({"b_id": umkm_id, "b_kode": new})
    if params:
        stmt = (
            update(UMKM)
            .where(UMKM.c.id == bindparam("b_id"))
            .values(kode_kelurahan=bindparam("b_kode"))
        )
        conn.execute(stmt, params)
    return len(params)
