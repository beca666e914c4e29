"""Log a visit: the visit row, its audit entry and a new data version, in one transaction.

The row is built and validated by :func:`geo.analysis.visits.build_visit` (the visit form of
Perencanaan Kunjungan); this module only writes it. The kelurahan's priority uses the visit at
the next run of any page, because the pages' caches key on the data version.
"""

from __future__ import annotations

import pandas as pd

from geo.core import audit
from geo.core.register import VISIT_COLUMNS
from geo.store import Store

__all__ = ["log_visit"]


def log_visit(store: Store, visit: pd.DataFrame, *, user: str) -> str:
    """Store one visit, audited, and bump the data version.

    Parameters
    ----------
    store
        The store.
    visit
        One row with the columns of :data:`geo.core.register.VISIT_COLUMNS`, as from
        :func:`geo.analysis.visits.build_visit`.
    user
        Who logs the visit, for the audit log.

    Returns
    -------
    str
        The visit's id.

    Raises
    ------
    ValueError
        Not exactly one row, or columns missing; nothing is stored.
    geo.store.StoreError
        The store refused the row (e.g. its id exists); nothing is stored.
    """
    if len(visit) != 1:
        raise ValueError(f"satu kunjungan per penyimpanan, bukan {len(visit)}")
    missing = [c for c in VISIT_COLUMNS if c not in visit.columns]
    if missing:
        raise ValueError(f"kolom kunjungan tidak lengkap: {', '.join(missing)}")
    visit_id = str(visit["id"].iloc[0])
    with store.unit_of_work():
        store.add_visits(visit)
        audit.record(
            store, user, audit.VISIT_ADD, visit_id, f"kelurahan {visit['kode_kelurahan'].iloc[0]}"
        )
        store.bump_data_version(f"kunjungan {visit_id}")
    return visit_id
