"""web/warmup.py: the pages' heavy imports done ahead, never failing the server."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from web import warmup

ROOT = Path(__file__).resolve().parent.parent


def test_warm_imports_load_the_map_libraries_but_no_streamlit_component():
    # In a fresh interpreter, as at server start: SciPy's stats (mapclassify) and the map code
    # are loaded; streamlit_folium is not (its component must be declared in a script run).
    code = (
        "import json, sys\n"
        "from web import warmup\n"
        "took = warmup.warm_imports()\n"
        "print(json.dumps({'took': sorted(took), 'mods': sorted(sys.modules)}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["took"] == sorted(warmup.MODULES)
    assert {"mapclassify", "scipy.stats", "folium", "geo.render.mapview"} <= set(result["mods"])
    assert "streamlit_folium" not in result["mods"]


def test_a_failing_import_is_logged_not_raised(caplog):
    with caplog.at_level(logging.WARNING, logger="peta_umkm"):
        took = warmup.warm_imports(("json", "geo.tidak_ada_modul"))
    assert list(took) == ["json"]
    assert "geo.tidak_ada_modul" in caplog.text


def test_start_runs_in_a_daemon_thread():
    thread = warmup.start(("json",))
    thread.join(timeout=30)
    assert thread.daemon and not thread.is_alive()
