"""Import the pages' heavy libraries in the background as soon as the server starts.

Streamlit runs a page's script only when somebody opens it, so the first visitor of Peta UMKM
after a restart used to wait for the imports of folium, the clustering and hot-spot code
(SciPy, scikit-learn, libpysal, esda) and mapclassify (scipy.stats): about four seconds on
the benchmark machine before any data was read (issue 16, ``bench/map.py --app``).
:func:`start` imports them in a daemon thread while the server already answers; Python's
import lock makes a page that needs a module before the thread got to it wait for that
import to finish, so nothing is imported twice or half.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time

__all__ = ["MODULES", "start", "warm_imports"]

_LOG = logging.getLogger("peta_umkm")

#: Modules imported ahead of the first page run, heaviest first.
MODULES: tuple[str, ...] = (
    "mapclassify",  # scipy.stats: the choropleth's Fisher-Jenks breaks
    "geo.render.mapview",
    "pyogrio",  # geopandas' file engine: the shipped boundaries are read at the first map
    "geo.render.clustermap",
    "geo.analysis.clusters",
    "geo.analysis.hotspots",
    "libpysal.weights",  # the Gi* hot spots' neighbour weights
    "esda",  # the Gi* statistic
    "sklearn.cluster",  # DBSCAN of the cluster layer
    "geo.analysis.coverage",
    "geo.analysis.kpi",
    "altair",
)
# Not streamlit_folium: it declares its component at import, which must happen in a script run
# (imported from this thread, the map's iframe stayed empty); app.py imports it.


def warm_imports(modules: tuple[str, ...] = MODULES) -> dict[str, float]:
    """Import ``modules`` one after another; a failure is logged, never raised.

    Parameters
    ----------
    modules
        Dotted module names.

    Returns
    -------
    dict of str to float
        Seconds each import took (0 for one already imported; absent when it failed).
    """
    took: dict[str, float] = {}
    for name in modules:
        start = time.perf_counter()
        try:
            importlib.import_module(name)
        except Exception:  # a page reports its own import error when it runs
            _LOG.warning("warm-up import of %s failed", name, exc_info=True)
            continue
        took[name] = time.perf_counter() - start
    return took


def start(modules: tuple[str, ...] = MODULES) -> threading.Thread:
    """Run :func:`warm_imports` in a daemon thread and return the thread (already started)."""
    thread = threading.Thread(
        target=warm_imports, args=(modules,), name="peta-umkm-warmup", daemon=True
    )
    thread.start()
    return thread
