"""Hostile text in every map stays text: folium tooltips, popups and icons are inert.

The maps are built from data carrying ``${...}``, backticks, ``</script>`` and
``<img onerror>`` and run in headless Chromium (vendored Leaflet inlined, every request
refused, so no network): no script of the data runs, no page error occurs, and every tooltip
and popup, opened one by one, shows the text literally.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import wilayah
from geo.analysis import clusters, publik
from geo.core.escape import html_text, inert_markup
from geo.core.register import to_geodataframe
from geo.planning.routing import SolveOptions, solve
from geo.planning.stops import Depot
from geo.render import clustermap, mapview
from geo.render.publik import public_map
from geo.render.routemap import build_route_map

HOSTILE = [
    "Warung ${window.__pwned=1}",
    "Toko `backtick` Contoh",
    "</script><script>window.__pwned=2</script>",
    '<img src=x onerror="window.__pwned=3">',
    "Jl. \\` ${(()=>{window.__pwned=4})()} \\u0060",
    "'\"><svg onload=window.__pwned=5>",
    "ZZ{{ 7*7 }}ZZ",  # server-side: branca renders map scripts twice as Jinja templates
    "{% if true %}jinja{% endif %} {# x",
]
GEO = Path(__file__).resolve().parents[1] / "geo"
DEPOT = Depot("balai-kota", "Balai Kota Malang", "Jl. Tugu No. 1", -7.97724, 112.63411, "jalan")

# Opens every tooltip and popup of every Leaflet map on the page, then collects their text.
OPEN_ALL = """() => {
  const texts = [];
  for (const key of Object.keys(window).filter((k) => k.startsWith("map_"))) {
    const m = window[key];
    if (!(m instanceof L.Map)) continue;
    m.eachLayer((layer) => {
      for (const [get, open, close] of [["getTooltip", "openTooltip", "closeTooltip"],
                                          ["getPopup", "openPopup", "closePopup"]]) {
        if (!layer[get] || !layer[get]()) continue;
        try { layer[open](); } catch (e) { /* a layer without a position */ }
        const el = layer[get]().getElement && layer[get]().getElement();
        if (el) texts.push(el.textContent);
        try { layer[close](); } catch (e) {}
      }
    });
  }
  return texts;
}"""


# --- the escaping functions ----------------------------------------------------------------
@given(st.text())
def test_html_text_round_trips_and_has_no_active_characters(text):
    out = html_text(text)
    assert html.unescape(out) == text
    assert not set(out) & set("<>\"'`$\\")


@given(st.text())
def test_inert_markup_keeps_what_html_shows(text):
    markup = f"<b>{html.escape(text)}</b>"
    out = inert_markup(markup)
    assert html.unescape(re.sub(r"</?b>", "", out)) == text
    assert "`" not in out and "${" not in out and "\\" not in out


def test_only_maptext_builds_folium_tooltips_popups_and_icons():
    """Every tooltip, popup and HTML icon of ``geo`` goes through ``geo.render.maptext``."""
    offenders = []
    for path in GEO.rglob("*.py"):
        if path.name == "maptext.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"folium\.Tooltip\(",
            r"folium\.Popup\(",
            r"folium\.DivIcon\(",
            r"folium\.GeoJson\(",
            r"tooltip=(?!maptext\.|folium\.GeoJson|_tooltip\()[a-z_.]+\(",
        ):
            offenders += [f"{path.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offenders == []


# --- maps with hostile data -----------------------------------------------------------------
@pytest.fixture(scope="module")
def kel() -> gpd.GeoDataFrame:
    return wilayah.kelurahan()


def _register(names: list[str], n: int = 60) -> gpd.GeoDataFrame:
    """``n`` businesses packed around Sanan (a cluster), named from ``names`` in turn."""
    rng = np.random.default_rng(7)
    lat = -7.96090 + rng.normal(0, 0.0004, n)
    lon = 112.64351 + rng.normal(0, 0.0004, n)
    df = pd.DataFrame(
        {
            "id": [f"U{i:04d}" for i in range(n)],
            "nama_usaha": [names[i % len(names)] for i in range(n)],
            "pemilik": [names[(i + 1) % len(names)] for i in range(n)],
            "telepon": ["+62800000001"] * n,
            "alamat": [names[(i + 2) % len(names)] for i in range(n)],
            "lat": lat,
            "lon": lon,
            "kode_kelurahan": "35.73.01.1007",
            "sektor": "kuliner",
            "skala": "mikro",
            "status": "aktif",
        }
    )
    return to_geodataframe(df)


def _sentra(names: list[str]) -> pd.DataFrame:
    k = len(names)
    return pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(k)],
            "nama": names,
            "komoditas": names[::-1],
            "sektor": "kuliner",
            "kode_kelurahan": "35.73.01.1007",
            "alamat": names,
            "lat": -7.9609 + 0.002 * np.arange(k),
            "lon": 112.6435 + 0.002 * np.arange(k),
            "presisi_lokasi": "jalan",
            "deskripsi": names,
            "publik": True,
            "jumlah_umkm": 12,
        }
    )


def _maps(kel: gpd.GeoDataFrame, names: list[str], *, with_plan: bool = True) -> dict:
    """Every kind of map the app draws, each holding ``names`` in its data."""
    umkm = _register(names)
    sentra = _sentra(names)
    coverage = pd.DataFrame(
        {
            "kode_kelurahan": kel["kode"].to_numpy(),
            "umkm_aktif": 10,
            "sahabat_aktif": 0,
            "umkm_per_km2": 1.0,
            "umkm_per_sahabat": np.nan,
            "flagged": True,
            "alasan": names[0],
        }
    )
    found = clusters.detect_clusters(
        umkm, sentra=sentra, kel=kel, params=clusters.ClusterParams(min_cluster_size=5)
    )
    page = mapview.build_map(
        kelurahan=kel,
        kecamatan=None,
        umkm=umkm,
        sentra=sentra,
        coverage=coverage,
        options=mapview.MapOptions(show_personal=True, offline=False),
    )
    clustermap.add_clusters(page, found)
    cards = publik.sentra_cards(sentra, umkm, kelurahan=kel)
    maps = {
        "peta": page,
        "publik": public_map(cards, share_base="http://127.0.0.1/x", offline=False),
    }
    stops = pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(len(names))],
            "nama": names,
            "alamat": names,
            "lat": -7.96 - 0.004 * np.arange(len(names)),
            "lon": 112.63 + 0.004 * np.arange(len(names)),
        }
    )
    maps["rute_kandidat"] = build_route_map(
        kelurahan=kel, depot=DEPOT, stops=stops, options=mapview.MapOptions(offline=False)
    )
    if with_plan:
        plan = solve(
            stops,
            DEPOT,
            officers=2,
            options=SolveOptions(time_limit_s=5, solution_limit=20),
        )
        maps["rute"] = build_route_map(
            kelurahan=kel, depot=DEPOT, plan=plan, options=mapview.MapOptions(offline=False)
        )
    return maps


def _run(context, m: folium.Map) -> tuple[list[str], list[str], object]:
    """Load a map offline in a fresh Chromium page; return page errors, tooltip/popup texts and
    ``window.__pwned``."""
    mapview.localize_assets(m, inline=True)
    errors: list[str] = []
    page = context.new_page()  # one document per map: no event of an earlier map leaks in
    try:
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.set_content(m.get_root().render(), wait_until="load")
        page.wait_for_function("() => typeof L !== 'undefined'")
        texts = page.evaluate(OPEN_ALL)
        page.wait_for_timeout(50)  # an onerror of an <img> in an opened popup fires here
        pwned = page.evaluate("() => window.__pwned")
    finally:
        page.close()
    return errors, texts, pwned


@pytest.fixture
def offline_page(browser_page):
    """The browser context of a page whose every request is refused (no network)."""
    browser_page.context.route("**/*", lambda route: route.abort())
    return browser_page.context


@pytest.mark.browser
def test_hostile_names_never_run_in_any_map(kel, offline_page):
    for kind, m in _maps(kel, HOSTILE).items():
        errors, texts, pwned = _run(offline_page, m)
        assert errors == [], kind
        assert pwned is None, kind
        shown = "\n".join(texts)
        assert "${window.__pwned=1}" in shown, kind  # displayed literally, not evaluated
        assert "`backtick`" in shown, kind
        assert '<img src=x onerror="window.__pwned=3">' in shown, kind
        assert "ZZ{{ 7*7 }}ZZ" in shown and "ZZ49ZZ" not in shown, kind


def test_template_syntax_in_data_never_runs_on_the_server(kel):
    """``{{ ... }}`` in a name is text: no map evaluates it while rendering (no SSTI)."""
    names = ["ZZ{{ 7*7 }}ZZ", "QQ{{ this.__class__.__name__ }}QQ", "{% raw %}"]
    for kind, m in _maps(kel, names, with_plan=False).items():
        page = m.get_root().render()  # "{% raw %}" alone would be a Jinja syntax error
        assert "ZZ49ZZ" not in page and "QQElementQQ" not in page, kind
        assert "QQMacroElementQQ" not in page, kind


@pytest.mark.browser
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("`${}<>/\\\"'&;=()[]!*?a Z0é\u2028\n")),
            min_size=1,
            max_size=40,
        ),
        min_size=2,
        max_size=4,
    )
)
def test_arbitrary_text_never_runs_or_breaks_a_map(kel, offline_page, names):
    for kind, m in _maps(kel, names, with_plan=False).items():
        errors, texts, pwned = _run(offline_page, m)
        assert errors == [], (kind, names)
        assert pwned is None, (kind, names)
        assert texts, kind
