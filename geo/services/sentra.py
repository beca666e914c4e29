"""Promote a detected cluster to a sentra: validated, stored, audited, visible at once.

The cluster comes from :func:`geo.analysis.clusters.detect_clusters`; the sentra row is made by
:func:`geo.analysis.clusters.candidate_to_sentra` and checked by
:func:`geo.wilayah.sentra.validate_sentra` like every sentra list, then written with its audit
entry and a new data version in one transaction.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd

from geo.analysis import clusters
from geo.core import audit
from geo.store import Store
from geo.wilayah.sentra import validate_sentra

__all__ = ["promote_cluster"]


def promote_cluster(
    store: Store,
    cluster: pd.Series,
    *,
    nama: str,
    komoditas: str,
    publik: bool,
    user: str,
    kel: gpd.GeoDataFrame | None = None,
) -> dict[str, Any]:
    """Store a detected cluster as a new sentra (an admin's action), audited.

    Parameters
    ----------
    store
        The store.
    cluster
        One row of :func:`geo.analysis.clusters.detect_clusters` (EPSG:4326), with its ``id``.
    nama, komoditas
        The sentra's name and products, as the admin writes them.
    publik
        Whether the sentra appears on the public page.
    user
        Who promotes it, for the audit log.
    kel
        Kelurahan polygons (EPSG:4326); the shipped layer by default.

    Returns
    -------
    dict
        The stored sentra row.

    Raises
    ------
    ValueError
        The name or products are empty, or the row fails the sentra checks; nothing is stored.
    """
    if not str(nama).strip():
        raise ValueError("nama sentra wajib diisi")
    if not str(komoditas).strip():
        raise ValueError("komoditas wajib diisi")
    existing = store.read_sentra()
    row = clusters.candidate_to_sentra(
        cluster,
        nama=str(nama).strip(),
        komoditas=str(komoditas).strip(),
        existing_ids=existing["id"].astype(str),
        publik=publik,
        kel=kel,
    )
    table = pd.DataFrame([row])
    problems = validate_sentra(table, kel=kel)
    if problems:
        raise ValueError("; ".join(problems))
    details = (
        f"dari klaster {cluster.get('id', '?')}: {int(cluster.get('jumlah_umkm', 0))} UMKM, "
        f"{cluster.get('kelurahan', '')}"
    )
    with store.unit_of_work():
        store.write_sentra(table)
        audit.record(store, user, audit.SENTRA_PROMOTE, str(row["id"]), details)
        store.bump_data_version(f"sentra {row['id']}")
    return row
