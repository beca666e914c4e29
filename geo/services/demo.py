"""Load the demo data set ("data contoh"): an admin's or the command line's action, audited.

Generating is :func:`geo.ingest.demo.generate` (deterministic, no writes); loading replaces the
whole store's data set in one transaction with its audit entry and a new data version. An
anonymous visitor never reaches this: the Beranda page offers it to admins only.
"""

from __future__ import annotations

from geo.core import audit, settings
from geo.core.progress import Progress
from geo.ingest import demo
from geo.ingest.demo import DemoData
from geo.store import Store

__all__ = ["generate_and_load", "load_into"]


def load_into(store: Store, data: DemoData, *, user: str | None = None) -> None:
    """Replace the store's whole data set with ``data``, marked as demo, audited.

    Parameters
    ----------
    store
        The store.
    data
        From :func:`geo.ingest.demo.generate`.
    user
        Who loads it; the command line's actor (:func:`geo.core.audit.cli_actor`) by default.
    """
    with store.unit_of_work():
        store.replace_dataset(
            umkm=data.umkm,
            sentra=data.sentra,
            sahabat=data.sahabat,
            visits=data.visits,
            size_history=data.size_history,
            meta=demo.dataset_meta(data),
        )
        audit.record(
            store,
            user or audit.cli_actor(),
            audit.DATASET_REPLACE,
            "data contoh",
            f"seed {data.seed}; {len(data.umkm)} UMKM",
        )
        store.bump_data_version(f"data contoh {data.seed}")


def generate_and_load(
    store: Store,
    *,
    user: str | None = None,
    seed: int = settings.DEMO_SEED,
    count: int = settings.CURATED_NOW,
    progress: Progress | None = None,
) -> DemoData:
    """Generate the demo data set and load it (see :func:`load_into`).

    Parameters
    ----------
    store
        The store.
    user
        Who loads it, for the audit log.
    seed
        Random seed (same seed, same data).
    count
        Active UMKM to generate.
    progress
        Called with (fraction done 0-1, message in Bahasa Indonesia).

    Returns
    -------
    DemoData
        What was loaded.

    Raises
    ------
    ValueError
        ``count`` is not usable (see :func:`geo.ingest.demo.generate`); nothing is stored.
    """
    data = demo.generate(seed=seed, count=count, progress=progress)
    load_into(store, data, user=user)
    return data
