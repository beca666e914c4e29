"""Use the city's own kelurahan layer, see what it changes, and go back: reversible, audited.

:func:`plan_layer` compares a validated layer (:func:`geo.wilayah.citylayer.read_city_layer`)
with the active one (:meth:`geo.store.Store.kelurahan_layer`): areas and IoU per kelurahan,
the city outline, the stored UMKM whose ``kode_kelurahan`` the point-decides rule
(:func:`geo.wilayah.assign_kelurahan`) changes, the sentra whose point moves to another
kelurahan (flagged, never moved: their recorded kode stays), and the kelurahan whose coverage
flag (:func:`geo.analysis.coverage.coverage`) changes. :func:`use_layer` stores it as the active
layer with those UMKM changes, its audit entry and a new data version in one transaction;
:func:`undo_layer` and :func:`reset_layer` put every recorded kode back exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.analysis.coverage import coverage
from geo.core import audit
from geo.store import Store
from geo.wilayah import compare
from geo.wilayah.boundaries import assign_kelurahan
from geo.wilayah.citylayer import CityLayer, to_geojson

__all__ = [
    "BoundaryPlan",
    "kode_changes",
    "plan_layer",
    "reset_layer",
    "sentra_flags",
    "undo_layer",
    "use_layer",
]


@dataclass(frozen=True)
class BoundaryPlan:
    """What making a layer active would change (and, after :func:`use_layer`, changed).

    Attributes
    ----------
    layer
        The normalised new layer (EPSG:4326).
    comparison
        Areas, IoU, moves and coverage changes (:class:`geo.wilayah.compare.LayerComparison`).
    changes
        ``umkm_id``, ``kode_lama``, ``kode_baru``: the stored UMKM whose kode changes.
    layer_id
        The stored layer's id after :func:`use_layer`; None for a dry run or a plan.
    """

    layer: gpd.GeoDataFrame
    comparison: compare.LayerComparison
    changes: pd.DataFrame
    layer_id: int | None = None

    def lines(self) -> list[str]:
        """Return the report as printable lines (Bahasa Indonesia)."""
        return self.comparison.lines()


def kode_changes(register: pd.DataFrame, layer: gpd.GeoDataFrame) -> pd.DataFrame:
    """Re-derive the register's kode by the point-decides rule under ``layer``.

    A UMKM with coordinates inside (or within the assignment tolerance of) a kelurahan gets
    that kelurahan's kode; one without coordinates or outside every kelurahan keeps its kode.

    Parameters
    ----------
    register
        ``id``, ``kode_kelurahan``, ``lon``, ``lat`` (degrees, EPSG:4326).
    layer
        The kelurahan layer (EPSG:4326).

    Returns
    -------
    pandas.DataFrame
        ``umkm_id``, ``kode_lama``, ``kode_baru`` (``string``), only rows whose kode changes,
        sorted by ``umkm_id``.
    """
    columns = ["umkm_id", "kode_lama", "kode_baru"]
    if register.empty:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    placed = assign_kelurahan(
        register["lon"].to_numpy(dtype="float64"),
        register["lat"].to_numpy(dtype="float64"),
        kel=layer,
    )["kode_kelurahan"]
    old = register["kode_kelurahan"].astype("string").reset_index(drop=True)
    new = placed.fillna(old)
    changed = (old.fillna("") != new.fillna("")).to_numpy()
    frame = pd.DataFrame(
        {
            "umkm_id": register["id"].astype("string").to_numpy()[changed],
            "kode_lama": old.to_numpy()[changed],
            "kode_baru": new.to_numpy()[changed],
        }
    ).astype("string")
    return frame.sort_values("umkm_id", ignore_index=True)


def _coverage_flags(
    store: Store, layer: gpd.GeoDataFrame, register: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    result = coverage(layer, register, store.read_sahabat(), store.read_visits(), as_of=as_of)
    return pd.DataFrame(result[["kode", "nama", "flagged"]])


def plan_layer(
    store: Store, city: CityLayer | gpd.GeoDataFrame, *, as_of: dt.date | None = None
) -> BoundaryPlan:
    """Compare a validated layer with the active one and list what would change.

    Parameters
    ----------
    store
        The store (read only).
    city
        A valid :class:`~geo.wilayah.citylayer.CityLayer`, or its normalised layer.
    as_of
        Reference date of the coverage flags; today by default.

    Returns
    -------
    BoundaryPlan
        With ``layer_id`` None.

    Raises
    ------
    ValueError
        ``city`` has problems (each one in the message).
    """
    layer = _layer_of(city)
    before = store.kelurahan_layer()
    register = store.read_umkm()
    changes = kode_changes(register, layer)
    after_register = register.copy()
    if len(changes):
        new_kode = changes.set_index("umkm_id")["kode_baru"]
        ids = after_register["id"].astype(str)
        moved = ids.isin(new_kode.index)
        after_register.loc[moved, "kode_kelurahan"] = ids[moved].map(new_kode).to_numpy()
    sentra = store.read_sentra()
    sentra_at = compare.point_kelurahan(sentra["lon"], sentra["lat"], before=before, after=layer)
    names = pd.Series(layer["nama"].to_numpy(), index=layer["kode"].astype(str).to_numpy())
    as_of = as_of or dt.date.today()
    comparison = compare.LayerComparison(
        areas=compare.area_changes(before, layer),
        outline_iou=compare.outline_iou(before, layer),
        umkm_moves=compare.move_pairs(changes["kode_lama"], changes["kode_baru"], names=names),
        sentra_moves=compare.move_pairs(
            sentra_at["dari"], sentra_at["ke"], names=names, labels=sentra["nama"]
        ),
        coverage=compare.coverage_changes(
            _coverage_flags(store, before, register, as_of),
            _coverage_flags(store, layer, after_register, as_of),
        ),
    )
    return BoundaryPlan(layer, comparison, changes)


def _layer_of(city: CityLayer | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if isinstance(city, CityLayer):
        if not city.ok or city.layer is None:
            raise ValueError("lapisan batas tidak valid: " + "; ".join(city.problems))
        return city.layer
    return city


def use_layer(
    store: Store,
    city: CityLayer | gpd.GeoDataFrame,
    *,
    source_label: str,
    user: str,
    dry_run: bool = False,
    as_of: dt.date | None = None,
) -> BoundaryPlan:
    """Make a validated layer the active one for every page, in one transaction (audited).

    The layer is stored (on PostGIS also in ``kelurahan_batas``), the stored UMKM's
    ``kode_kelurahan`` re-derived by the point-decides rule (:func:`kode_changes`) with every
    changed row recorded for :func:`undo_layer`/:func:`reset_layer`, the audit entry written
    and the data version bumped, all or nothing. Sentra keep their recorded kode (a sentra
    whose point now lies elsewhere is flagged: :func:`sentra_flags`).

    Parameters
    ----------
    store
        The store.
    city
        A valid :class:`~geo.wilayah.citylayer.CityLayer` (or its normalised layer).
    source_label
        What the maps attribute the boundaries to, e.g. "Batas wilayah: Pemkot Malang, 2025".
    user
        Who acts, for the audit log.
    dry_run
        Only compare (:func:`plan_layer`); nothing is stored.
    as_of
        Reference date of the coverage flags; today by default.

    Returns
    -------
    BoundaryPlan
        The report; ``layer_id`` set unless ``dry_run``.

    Raises
    ------
    ValueError
        The layer has problems or the label is empty; nothing is stored.
    geo.store.StoreError
        The store refused (e.g. a UMKM changed meanwhile); nothing is stored.
    """
    if not str(source_label).strip():
        raise ValueError("label sumber batas wilayah wajib diisi (--source-label)")
    plan = plan_layer(store, city, as_of=as_of)
    if dry_run:
        return plan
    text = to_geojson(plan.layer)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with store.unit_of_work():
        layer_id = store.set_boundary_layer(
            plan.layer,
            geojson=text,
            sumber=str(source_label).strip(),
            sha256=digest,
            pengguna=user,
            changes=plan.changes,
        )
        details = (
            f"{len(plan.layer)} kelurahan, sha256 {digest[:12]}, {len(plan.changes):,} UMKM "
            f"berganti kelurahan, IoU batas kota {plan.comparison.outline_iou:.3f}"
        )
        audit.record(store, user, audit.BOUNDARY_USE, str(source_label).strip(), details)
        store.bump_data_version(f"batas {layer_id}")
    return BoundaryPlan(plan.layer, plan.comparison, plan.changes, layer_id)


def undo_layer(store: Store, *, user: str) -> tuple[int, int]:
    """Undo the active layer: its recorded UMKM kode back exactly, audited, one transaction.

    Returns
    -------
    tuple of int
        (id of the layer undone, UMKM restored).

    Raises
    ------
    geo.store.StoreError
        No city layer is active, or a UMKM changed since; nothing is changed.
    """
    with store.unit_of_work():
        layer_id, restored = store.undo_boundary_layer()
        audit.record(store, user, audit.BOUNDARY_UNDO, f"lapisan {layer_id}", f"{restored:,} UMKM")
        store.bump_data_version(f"batas batal {layer_id}")
    return layer_id, restored


def reset_layer(store: Store, *, user: str) -> tuple[int, int]:
    """Go back to the shipped layer: undo every active layer, newest first, audited.

    Returns
    -------
    tuple of int
        (layers undone, UMKM restores); (0, 0) and nothing recorded when the shipped layer
        is already active.

    Raises
    ------
    geo.store.StoreError
        A UMKM changed since a layer set its kode; nothing is changed.
    """
    with store.unit_of_work():
        layers, restored = store.reset_boundary_layers()
        if layers:
            audit.record(
                store,
                user,
                audit.BOUNDARY_RESET,
                "batas bawaan",
                f"{layers} lapisan dibatalkan, {restored:,} UMKM dikembalikan",
            )
            store.bump_data_version("batas bawaan")
    return layers, restored


def sentra_flags(store: Store) -> pd.DataFrame:
    """Return the sentra whose point lies in another kelurahan than their recorded kode.

    Under the active layer (:meth:`geo.store.Store.kelurahan_layer`); see
    :func:`geo.wilayah.compare.misplaced_points` for the columns.
    """
    return compare.misplaced_points(store.read_sentra(), store.kelurahan_layer())
