"""Compare two kelurahan layers: areas, IoU, and what moves from one kelurahan to another.

Pure functions over layers as :func:`geo.wilayah.kelurahan` returns them (``kode``, ``nama``,
``geometry``, any CRS). Areas and intersections are computed in EPSG:32749 and given in km².
Points are placed by the point-decides rule (:func:`geo.wilayah.assign_kelurahan`).

Coverage is not computed here (wilayah must not import analysis): the caller passes the
``flagged`` column of :func:`geo.analysis.coverage.coverage` before and after, and
:func:`coverage_changes` lists the kelurahan whose flag changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.core.settings import CRS_METRIC
from geo.wilayah.boundaries import assign_kelurahan, city_outline

__all__ = [
    "AREA_COLUMNS",
    "LayerComparison",
    "area_changes",
    "coverage_changes",
    "misplaced_points",
    "move_pairs",
    "outline_iou",
    "point_kelurahan",
    "report_table",
]

#: Columns of :func:`area_changes`.
AREA_COLUMNS: tuple[str, ...] = (
    "kode",
    "nama",
    "luas_sebelum_km2",
    "luas_sesudah_km2",
    "perubahan_persen",
    "iou",
)


def _metric(layer: gpd.GeoDataFrame) -> pd.Series:
    frame = layer.to_crs(CRS_METRIC)
    return pd.Series(frame.geometry.to_numpy(), index=frame["kode"].astype(str).to_numpy())


def area_changes(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> pd.DataFrame:
    """Compare each kelurahan's polygon between two layers.

    Parameters
    ----------
    before, after
        Layers with ``kode``, ``nama`` and polygons (any CRS).

    Returns
    -------
    pandas.DataFrame
        :data:`AREA_COLUMNS`, one row per kode of either layer, sorted by kode:
        ``luas_sebelum_km2``/``luas_sesudah_km2`` (km², EPSG:32749; NaN where the kode is
        absent), ``perubahan_persen`` (100 * (after - before) / before), ``iou`` (area of the
        intersection over the area of the union, 0-1; NaN where one side is absent).
    """
    b, a = _metric(before), _metric(after)
    names = pd.concat(
        [
            pd.Series(after["nama"].astype(str).to_numpy(), index=a.index),
            pd.Series(before["nama"].astype(str).to_numpy(), index=b.index),
        ]
    )
    names = names[~names.index.duplicated()]
    codes = sorted(set(b.index) | set(a.index))
    gb = np.array([b.get(k) for k in codes], dtype=object)
    ga = np.array([a.get(k) for k in codes], dtype=object)
    area_b = np.array([np.nan if g is None else g.area / 1e6 for g in gb])
    area_a = np.array([np.nan if g is None else g.area / 1e6 for g in ga])
    both = np.array([x is not None and y is not None for x, y in zip(gb, ga, strict=True)])
    iou = np.full(len(codes), np.nan)
    if both.any():
        inter = shapely.area(shapely.intersection(gb[both], ga[both]))
        union = shapely.area(shapely.union(gb[both], ga[both]))
        iou[both] = np.where(union > 0, inter / np.where(union > 0, union, 1), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = 100 * (area_a - area_b) / area_b
    return pd.DataFrame(
        {
            "kode": pd.array(codes, dtype="string"),
            "nama": pd.array([names.get(k) for k in codes], dtype="string"),
            "luas_sebelum_km2": area_b,
            "luas_sesudah_km2": area_a,
            "perubahan_persen": change,
            "iou": iou,
        }
    )


def outline_iou(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> float:
    """Return the IoU (0-1) of the two city outlines (EPSG:32749, slivers filled)."""
    ob = city_outline(before).to_crs(CRS_METRIC).geometry.iloc[0]
    oa = city_outline(after).to_crs(CRS_METRIC).geometry.iloc[0]
    union = ob.union(oa).area
    return float(ob.intersection(oa).area / union) if union > 0 else float("nan")


def point_kelurahan(
    lon: np.ndarray | pd.Series,
    lat: np.ndarray | pd.Series,
    *,
    before: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame,
) -> pd.DataFrame:
    """Place points (degrees, EPSG:4326) in both layers by the point-decides rule.

    Returns
    -------
    pandas.DataFrame
        ``dari`` and ``ke`` (kode under ``before`` and ``after``, ``string``, missing where
        the point is outside or has no coordinates), in input order.
    """
    b = assign_kelurahan(lon, lat, kel=before)["kode_kelurahan"]
    a = assign_kelurahan(lon, lat, kel=after)["kode_kelurahan"]
    return pd.DataFrame({"dari": b.to_numpy(), "ke": a.to_numpy()}).astype("string")


def misplaced_points(points: pd.DataFrame, kel: gpd.GeoDataFrame) -> pd.DataFrame:
    """Find rows whose point lies in another kelurahan than their recorded kode.

    Used to flag sentra (not move them): the point decides where a place is, the recorded
    ``kode_kelurahan`` is what an officer wrote, and a difference needs a look.

    Parameters
    ----------
    points
        ``id``, ``nama``, ``kode_kelurahan``, ``lon``, ``lat`` (degrees, EPSG:4326).
    kel
        The kelurahan layer (the active one).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``nama``, ``kode_kelurahan`` (recorded), ``nama_kelurahan`` (its name),
        ``kode_titik`` (kode where the point lies), ``nama_titik``; only rows with a recorded
        kode and a point inside a kelurahan that differs from it, sorted by ``id``.
    """
    columns = ["id", "nama", "kode_kelurahan", "nama_kelurahan", "kode_titik", "nama_titik"]
    if points.empty:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    placed = assign_kelurahan(
        points["lon"].to_numpy(dtype="float64"), points["lat"].to_numpy(dtype="float64"), kel=kel
    )["kode_kelurahan"].to_numpy()
    recorded = points["kode_kelurahan"].astype("string").to_numpy()
    names = dict(zip(kel["kode"].astype(str), kel["nama"].astype(str), strict=True))
    rows = []
    for pid, nama, rec, at in zip(points["id"], points["nama"], recorded, placed, strict=True):
        if pd.isna(rec) or pd.isna(at) or str(rec) == str(at):
            continue
        rows.append(
            (str(pid), str(nama), str(rec), names.get(str(rec), "?"), str(at), names[str(at)])
        )
    frame = pd.DataFrame(rows, columns=columns).astype("string")
    return frame.sort_values("id", ignore_index=True)


def move_pairs(
    dari: pd.Series,
    ke: pd.Series,
    *,
    names: pd.Series | None = None,
    labels: pd.Series | None = None,
) -> pd.DataFrame:
    """Count the points whose kelurahan changes, per pair "dari -> ke".

    Parameters
    ----------
    dari, ke
        Kode before and after, aligned (missing: no kelurahan).
    names
        Kelurahan names indexed by kode, to label the pairs; None keeps the kode.
    labels
        One label per point (e.g. sentra names), listed per pair; None lists none.

    Returns
    -------
    pandas.DataFrame
        ``dari``, ``ke`` (kode), ``dari_nama``, ``ke_nama``, ``jumlah`` (int) and ``daftar``
        (labels joined with ", "), one row per pair where ``dari != ke``, most points first,
        then by kode.
    """
    d = dari.astype("string").reset_index(drop=True)
    k = ke.astype("string").reset_index(drop=True)
    moved = (d.fillna("-") != k.fillna("-")).to_numpy()
    lab = (
        pd.Series([""] * len(d), dtype="string")
        if labels is None
        else labels.astype("string").reset_index(drop=True)
    )
    frame = pd.DataFrame({"dari": d.fillna("-"), "ke": k.fillna("-"), "label": lab})[moved]
    columns = ["dari", "ke", "dari_nama", "ke_nama", "jumlah", "daftar"]
    if frame.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "jumlah" else "string") for c in columns}
        )
    grouped = frame.groupby(["dari", "ke"], sort=True)["label"]
    out = grouped.agg(
        jumlah="size", daftar=lambda s: ", ".join(x for x in s.dropna() if x)
    ).reset_index()
    lookup = {} if names is None else {str(i): str(v) for i, v in names.items()}
    out["dari_nama"] = out["dari"].map(lambda c: lookup.get(c, c))
    out["ke_nama"] = out["ke"].map(lambda c: lookup.get(c, c))
    out = out.sort_values(["jumlah", "dari", "ke"], ascending=[False, True, True])
    out = out[columns].reset_index(drop=True)
    return out.astype({c: "string" for c in columns if c != "jumlah"} | {"jumlah": "int64"})


def coverage_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """List the kelurahan whose coverage flag changes.

    Parameters
    ----------
    before, after
        Frames with ``kode``, ``nama`` and ``flagged`` (bool), e.g. results of
        :func:`geo.analysis.coverage.coverage` under the old and the new layer.

    Returns
    -------
    pandas.DataFrame
        ``kode``, ``nama``, ``sebelum``, ``sesudah`` (bool flags; a kode absent on one side
        counts as not flagged), only the rows where they differ, sorted by kode.
    """
    b = before.set_index(before["kode"].astype(str))["flagged"].astype(bool)
    a = after.set_index(after["kode"].astype(str))["flagged"].astype(bool)
    names = pd.concat(
        [
            after.set_index(after["kode"].astype(str))["nama"],
            before.set_index(before["kode"].astype(str))["nama"],
        ]
    )
    names = names[~names.index.duplicated()]
    codes = sorted(set(b.index) | set(a.index))
    sb = b.reindex(codes, fill_value=False).to_numpy(dtype=bool)
    sa = a.reindex(codes, fill_value=False).to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {
            "kode": pd.array(codes, dtype="string"),
            "nama": pd.array([str(names.get(c, c)) for c in codes], dtype="string"),
            "sebelum": sb,
            "sesudah": sa,
        }
    )
    return frame[sb != sa].reset_index(drop=True)


@dataclass(frozen=True)
class LayerComparison:
    """Everything the boundary report shows.

    Attributes
    ----------
    areas
        :func:`area_changes`.
    outline_iou
        :func:`outline_iou`.
    umkm_moves, sentra_moves
        :func:`move_pairs` of the stored UMKM and sentra.
    coverage
        :func:`coverage_changes` (empty when not computed).
    """

    areas: pd.DataFrame
    outline_iou: float
    umkm_moves: pd.DataFrame
    sentra_moves: pd.DataFrame
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame)

    def lines(self) -> list[str]:
        """Return the report as printable lines (Bahasa Indonesia)."""
        iou = self.areas["iou"].dropna()
        out = [
            f"IoU batas kota: {self.outline_iou:.3f}",
            (
                f"IoU per kelurahan: median {iou.median():.3f}, terendah {iou.min():.3f}"
                if len(iou)
                else "IoU per kelurahan: -"
            ),
        ]
        changed = self.areas.dropna(subset=["iou"])
        worst = changed[changed["iou"] < 0.9995].nsmallest(5, "iou")
        for r in worst.itertuples(index=False):
            out.append(
                f"  {r.kode} {r.nama}: {r.luas_sebelum_km2:.3f} -> {r.luas_sesudah_km2:.3f} km² "
                f"({r.perubahan_persen:+.1f} %), IoU {r.iou:.3f}"
            )
        out.append(f"UMKM berpindah kelurahan: {int(self.umkm_moves['jumlah'].sum()):,}")
        for r in self.umkm_moves.itertuples(index=False):
            out.append(f"  {r.dari_nama} → {r.ke_nama}: {r.jumlah:,}")
        out.append(f"Sentra berpindah kelurahan: {int(self.sentra_moves['jumlah'].sum()):,}")
        for r in self.sentra_moves.itertuples(index=False):
            out.append(f"  {r.dari_nama} → {r.ke_nama}: {r.daftar}")
        out.append(f"Kelurahan yang status cakupannya berubah: {len(self.coverage):,}")
        for r in self.coverage.itertuples(index=False):
            state = {True: "ditandai", False: "tidak ditandai"}
            out.append(f"  {r.kode} {r.nama}: {state[bool(r.sebelum)]} → {state[bool(r.sesudah)]}")
        return out


def report_table(comparison: LayerComparison) -> pd.DataFrame:
    """Return the report as one table for CSV: a row per kelurahan and one for the city.

    Returns
    -------
    pandas.DataFrame
        :data:`AREA_COLUMNS` plus ``umkm_keluar``, ``umkm_masuk`` (UMKM leaving / entering
        the kelurahan), ``sentra_keluar``, ``sentra_masuk`` (names), ``cakupan_sebelum``,
        ``cakupan_sesudah`` (flag where it changes, else empty); the last row is ``35.73``
        Kota Malang with the outline IoU.
    """
    table = comparison.areas.copy()
    um, se = comparison.umkm_moves, comparison.sentra_moves
    table["umkm_keluar"] = table["kode"].map(um.groupby("dari")["jumlah"].sum()).fillna(0)
    table["umkm_masuk"] = table["kode"].map(um.groupby("ke")["jumlah"].sum()).fillna(0)
    table[["umkm_keluar", "umkm_masuk"]] = table[["umkm_keluar", "umkm_masuk"]].astype("int64")
    table["sentra_keluar"] = table["kode"].map(se.groupby("dari")["daftar"].agg(", ".join))
    table["sentra_masuk"] = table["kode"].map(se.groupby("ke")["daftar"].agg(", ".join))
    cov = comparison.coverage
    if len(cov):
        cov = cov.set_index(cov["kode"].astype(str))
        table["cakupan_sebelum"] = table["kode"].map(cov["sebelum"])
        table["cakupan_sesudah"] = table["kode"].map(cov["sesudah"])
    else:
        table["cakupan_sebelum"] = pd.NA
        table["cakupan_sesudah"] = pd.NA
    city = {c: pd.NA for c in table.columns} | {
        "kode": "35.73",
        "nama": "Kota Malang",
        "luas_sebelum_km2": table["luas_sebelum_km2"].sum(),
        "luas_sesudah_km2": table["luas_sesudah_km2"].sum(),
        "perubahan_persen": 100
        * (table["luas_sesudah_km2"].sum() - table["luas_sebelum_km2"].sum())
        / table["luas_sebelum_km2"].sum(),
        "iou": comparison.outline_iou,
    }
    return pd.concat([table, pd.DataFrame([city])], ignore_index=True)
