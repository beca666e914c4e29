"""Spatial queries of the register, pushed down to PostGIS on PostgreSQL.

:meth:`SpatialStore.counts_per_kelurahan` and :meth:`SpatialStore.umkm_in_kelurahan` are SQL
(``ST_Contains`` on the GiST indexes of migration 4, EPSG:4326) on PostgreSQL and a geopandas
``sjoin`` in-process on SQLite, with the same result. The kelurahan boundaries are the table
``kelurahan_batas`` on PostgreSQL (filled by :meth:`SpatialStore.load_kelurahan`) and an
in-memory layer on SQLite.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from sqlalchemy import (
    Connection,
    select,
    text,
)

from geo.core import register
from geo.store.register import RegisterStore
from geo.store.schema import (
    KELURAHAN_TABLE,
    SPEC_UMKM,
    UMKM,
    StoreError,
)

__all__ = ["SpatialStore", "replace_postgis_boundaries"]


def replace_postgis_boundaries(conn: Connection, kel: gpd.GeoDataFrame) -> None:
    """Replace the rows of ``kelurahan_batas`` with ``kel`` (PostgreSQL, inside ``conn``).

    Parameters
    ----------
    conn
        A connection inside a write transaction on PostgreSQL/PostGIS.
    kel
        Columns ``kode``, ``nama`` and polygons in EPSG:4326 (stored as MultiPolygon, SRID 4326).
    """
    records = [
        {"kode": str(k), "nama": None if pd.isna(n) else str(n), "wkb": g.wkb}
        for k, n, g in zip(kel["kode"], kel["nama"], kel.geometry, strict=True)
    ]
    conn.execute(text(f"DELETE FROM {KELURAHAN_TABLE}"))
    conn.execute(
        text(
            f"INSERT INTO {KELURAHAN_TABLE} (kode, nama, geom) "
            "VALUES (:kode, :nama, ST_Multi(ST_GeomFromWKB(:wkb, 4326)))"
        ),
        records,
    )


class SpatialStore(RegisterStore):
    """Kelurahan boundaries and the point-in-polygon queries of the register."""

    _kelurahan: gpd.GeoDataFrame | None = None  # the boundary layer, once loaded

    @property
    def is_postgis(self) -> bool:
        """True when the backend is PostgreSQL with the PostGIS columns (schema version 4)."""
        return self.dialect == "postgresql"

    def _boundaries(self) -> gpd.GeoDataFrame:
        """Return the kelurahan layer of the spatial queries (EPSG:4326): loaded or shipped."""
        if self._kelurahan is None:
            from geo import wilayah  # lazily: the store itself needs no boundaries

            self._kelurahan = wilayah.kelurahan()[["kode", "nama", "geometry"]]
        return self._kelurahan

    def load_kelurahan(self, kel: gpd.GeoDataFrame | None = None) -> int:
        """Set the kelurahan boundaries used by the spatial queries.

        On PostgreSQL the layer replaces the table ``kelurahan_batas`` (MultiPolygon, SRID
        4326, GiST index) in one transaction, so every replica shares it; on SQLite it is kept
        by this :class:`Store` object. The spatial queries load the shipped layer
        (:func:`geo.wilayah.kelurahan`) on first use when this was never called.

        Parameters
        ----------
        kel
            Columns ``kode``, ``nama`` and polygon ``geometry`` in EPSG:4326 (other CRS are
            reprojected); None for the shipped layer of the 57 kelurahan.

        Returns
        -------
        int
            The number of kelurahan loaded.

        Raises
        ------
        StoreError
            A kode is missing or repeated, or a geometry is not a polygon. Nothing is changed.
        """
        if kel is None:
            self._kelurahan = None
            kel = self._boundaries()
        if kel.crs is not None and kel.crs.to_epsg() != 4326:
            kel = kel.to_crs(4326)
        kel = kel[["kode", "nama", "geometry"]].reset_index(drop=True)
        if kel["kode"].isna().any() or kel["kode"].duplicated().any():
            raise StoreError(KELURAHAN_TABLE, "every kelurahan needs one distinct kode")
        bad = ~kel.geom_type.isin(["Polygon", "MultiPolygon"])
        if bad.any():
            row = str(kel["kode"][bad].iloc[0])
            raise StoreError(KELURAHAN_TABLE, "geometry is not a polygon", row_id=row)
        if self.is_postgis:
            with self._write(KELURAHAN_TABLE) as conn:
                replace_postgis_boundaries(conn, kel)
        self._kelurahan = gpd.GeoDataFrame(kel, geometry="geometry", crs=4326)
        return len(kel)

    def _ensure_postgis_boundaries(self, conn: Connection) -> None:
        if conn.scalar(text(f"SELECT count(*) FROM {KELURAHAN_TABLE}")) == 0:
            self.load_kelurahan(self._boundaries())

    def counts_per_kelurahan(self, *, by_point: bool = False) -> pd.Series:
        """Count UMKM per kelurahan, by their stored kode or by where their point lies.

        Parameters
        ----------
        by_point
            False: group by the stored ``kode_kelurahan`` (UMKM without one are not counted).
            True: count the points (``lon``/``lat``, EPSG:4326) inside each kelurahan polygon
            (``ST_Contains``: a point on an edge or in a sliver between polygons is in none, a
            point where two polygons overlap is in both); on PostgreSQL this is a PostGIS
            spatial join on the GiST indexes, on SQLite a geopandas ``sjoin`` in-process, with
            the same result. Boundaries as in :meth:`load_kelurahan`.

        Returns
        -------
        pandas.Series
            ``int64`` counts named ``"jumlah"`` indexed by kode (``string``, named
            ``"kode_kelurahan"``), sorted by kode; kelurahan without UMKM are absent.
        """
        if not by_point:
            counts = self.counts_by("kode_kelurahan")
            return counts[counts.index.notna()]
        if self.is_postgis:
            stmt = text(
                f"SELECT k.kode, count(*) FROM {KELURAHAN_TABLE} k "
                "JOIN umkm u ON ST_Contains(k.geom, u.geom) GROUP BY k.kode"
            )
            with self._engine.connect() as conn:
                self._ensure_postgis_boundaries(conn)
                rows = conn.execute(stmt).fetchall()
            codes, values = [r[0] for r in rows], [int(r[1]) for r in rows]
        else:
            inside = self._points_in_boundaries()
            tally = inside["kode"].value_counts()
            codes, values = list(tally.index), [int(v) for v in tally.to_numpy()]
        index = pd.Index(codes, dtype="string", name="kode_kelurahan")
        return pd.Series(values, index=index, dtype="int64", name="jumlah").sort_index()

    def _points_in_boundaries(self, kode: str | None = None) -> pd.DataFrame:
        """In-process join (SQLite): ``id`` and ``kode`` of every UMKM point inside a polygon."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(UMKM.c.id, UMKM.c.lon, UMKM.c.lat).where(
                    UMKM.c.lon.is_not(None), UMKM.c.lat.is_not(None)
                )
            ).fetchall()
        kel = self._boundaries()
        if kode is not None:
            kel = kel[kel["kode"] == kode]
        frame = pd.DataFrame(rows, columns=["id", "lon", "lat"])
        points = gpd.GeoDataFrame(
            {"id": frame["id"]},
            geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
            crs=4326,
        )
        joined = gpd.sjoin(points, kel[["kode", "geometry"]], predicate="within", how="inner")
        return pd.DataFrame({"id": joined["id"].to_numpy(), "kode": joined["kode"].to_numpy()})

    def umkm_in_kelurahan(self, kode: str) -> gpd.GeoDataFrame:
        """Read the UMKM whose point lies inside one kelurahan polygon.

        Pushed down to PostGIS (``ST_Contains`` on the GiST indexes) on PostgreSQL, computed
        in-process with geopandas on SQLite; same rows on both (see
        :meth:`counts_per_kelurahan` for points on edges, slivers and overlaps).

        Parameters
        ----------
        kode
            A kode of the boundary layer, e.g. ``"35.73.01.1001"``.

        Returns
        -------
        geopandas.GeoDataFrame
            As :meth:`read_umkm` (EPSG:4326, sorted by ``id``), whatever ``kode_kelurahan``
            the rows carry.

        Raises
        ------
        ValueError
            ``kode`` is not in the boundary layer.
        """
        if kode not in set(self._boundaries()["kode"]):
            raise ValueError(f"{kode!r} is not a kelurahan kode of the boundary layer")
        if self.is_postgis:
            with self._engine.connect() as conn:
                self._ensure_postgis_boundaries(conn)
            inside = text(
                f"umkm.id IN (SELECT u.id FROM umkm u JOIN {KELURAHAN_TABLE} k "
                "ON ST_Contains(k.geom, u.geom) WHERE k.kode = :kode)"
            ).bindparams(kode=kode)
            frame = self._read(SPEC_UMKM, inside)
        else:
            ids = set(self._points_in_boundaries(kode)["id"])
            frame = pd.DataFrame(self.read_umkm())
            frame = frame[frame["id"].isin(ids)].drop(columns="geometry")
            frame = frame.reset_index(drop=True)
        if frame.empty:
            return register.empty_register()
        return register.to_geodataframe(frame)
