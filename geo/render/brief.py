"""The printable brief ("Laporan Ringkas"): one A4 page for the Wali Kota, as PDF or HTML.

Everything printed comes from one :class:`geo.analysis.kpi.DashboardFigures` (the object the
leadership dashboard shows), so the paper and the screen carry the same figures. The
headline tiles are :func:`geo.analysis.kpi.kpi_tiles`, formatted once for both faces.

* :func:`choropleth_png` draws the kelurahan map server-side with geopandas and matplotlib
  (Agg, no pyplot, no web tiles): UMKM per km² in the classes of
  :func:`geo.render.mapview.classify_metric` (the explore map's classes), flagged kelurahan outlined
  in red, the top-priority kelurahan numbered by rank. Metric drawing in EPSG:32749, so the
  city keeps its true shape; the scale bar is in kilometres.
* :func:`brief_html` writes a self-contained, print-ready HTML page (``@page`` A4, the map
  embedded as a base64 PNG).
* :func:`brief_pdf` writes a one-page A4 PDF with fpdf2 (pure Python) in the DejaVu Sans
  font that matplotlib ships, so Indonesian text, "–" and "km²" print without system fonts.
* :func:`brief_from_store` reads a store, computes the figures of a period and renders the
  brief, reporting progress; the CLI (``python -m geo brief``) and the page use it.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from geo.analysis import kpi
from geo.core.i18n import format_number, t
from geo.core.progress import Progress, no_progress
from geo.core.register import strip_personal
from geo.core.settings import (
    CRS_METRIC,
    CURATED_EARLIER,
    CURATED_TARGET,
    UPSTREAM_ATTRIBUTION,
)
from geo.render.mapview import NO_DATA_COLOR, classify_metric
from geo.wilayah.citylayer import attribution

if TYPE_CHECKING:
    from geo.store import Store

__all__ = [
    "BRIEF_FORMATS",
    "BriefFormat",
    "brief_filename",
    "brief_from_store",
    "brief_html",
    "brief_pdf",
    "choropleth_layer",
    "choropleth_png",
    "context_table",
    "kecamatan_table",
    "priority_table",
    "render_brief",
    "trend_png",
]

BriefFormat = Literal["pdf", "html"]
#: Output formats of the brief.
BRIEF_FORMATS: tuple[BriefFormat, ...] = ("pdf", "html")


_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_FLAG_COLOR = "#c0182b"
_KECAMATAN_COLOR = "#3a3a3a"
_ACCENT = "#1f4e79"
_MM_PER_INCH = 25.4


def _num(value: float, lang: str, *, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    return format_number(value, lang, decimals=decimals)


# --------------------------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------------------------
def choropleth_layer(
    figures: kpi.DashboardFigures, *, lang: str = "id"
) -> tuple[gpd.GeoDataFrame, list[tuple[str, str]]]:
    """Class the kelurahan by UMKM density for the dashboard's and the brief's map.

    Parameters
    ----------
    figures
        Result of :func:`geo.analysis.kpi.dashboard_figures`.
    lang
        Language of the class labels.

    Returns
    -------
    tuple
        The kelurahan (EPSG:4326) with ``kode``, ``nama``, ``kecamatan``, ``umkm_aktif``,
        ``umkm_per_km2`` (UMKM per km²), ``flagged``, ``peringkat`` (visit priority rank),
        ``top`` (among the listed highest-priority kelurahan), ``kelas`` (class label, empty
        without UMKM) and ``warna`` (fill colour); and the legend as ``(label, colour)``
        pairs. Classes are :func:`geo.render.mapview.classify_metric`'s natural breaks of the
        kelurahan with UMKM, so every map of the app classes alike.
    """
    cov = figures.coverage
    classes = classify_metric(cov["umkm_per_km2"].where(cov["umkm_aktif"] > 0))
    labels = classes.labels(lang)
    index = classes.classes.tolist()
    layer = gpd.GeoDataFrame(
        {
            "kode": cov["kode"].astype(str).to_numpy(),
            "nama": cov["nama"].astype(str).to_numpy(),
            "kecamatan": cov["kecamatan"].astype(str).to_numpy(),
            "umkm_aktif": cov["umkm_aktif"].to_numpy(dtype="int64"),
            "umkm_per_km2": cov["umkm_per_km2"].to_numpy(dtype="float64").round(1),
            "flagged": cov["flagged"].to_numpy(dtype=bool),
            "peringkat": cov["peringkat"].to_numpy(dtype="int64"),
            "top": cov["kode"].isin(figures.priority["kode"]).to_numpy(dtype=bool),
            "kelas": [labels[c] if c >= 0 else "" for c in index],
            "warna": [classes.colors[c] if c >= 0 else NO_DATA_COLOR for c in index],
        },
        geometry=cov.geometry.to_numpy(),
        crs=cov.crs,
    )
    return layer, list(zip(labels, classes.colors, strict=True))


def choropleth_png(
    figures: kpi.DashboardFigures,
    *,
    lang: str = "id",
    width_mm: float = 92.0,
    height_mm: float = 104.0,
    dpi: int = 200,
) -> bytes:
    """Draw the kelurahan choropleth of a period as a PNG (server-side, no web tiles).

    Parameters
    ----------
    figures
        Result of :func:`geo.analysis.kpi.dashboard_figures`; its ``coverage`` (EPSG:4326) gives the
        polygons, ``umkm_per_km2`` (UMKM per km²), ``flagged`` and ``peringkat``, and its
        ``priority`` the kelurahan numbered on the map.
    lang
        Language of the legend.
    width_mm, height_mm
        Printed size of the image, in millimetres.
    dpi
        Pixels per inch of the PNG.

    Returns
    -------
    bytes
        The PNG. Drawn in EPSG:32749 (metres) with a 2 km scale bar; a kelurahan without
        UMKM is grey.
    """
    layer, legend = choropleth_layer(figures, lang=lang)
    cov = layer.to_crs(CRS_METRIC)
    cov["kode_kecamatan"] = cov["kode"].str[:8]
    fig = Figure(figsize=(width_mm / _MM_PER_INCH, height_mm / _MM_PER_INCH), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_aspect("equal")
    cov.plot(ax=ax, color=cov["warna"].tolist(), edgecolor="white", linewidth=0.4)
    kecamatan = cov.dissolve(by="kode_kecamatan")
    kecamatan.boundary.plot(ax=ax, color=_KECAMATAN_COLOR, linewidth=0.9)
    flagged = cov[cov["flagged"].to_numpy(dtype=bool)]
    if not flagged.empty:
        flagged.boundary.plot(ax=ax, color=_FLAG_COLOR, linewidth=1.6)
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for row in cov[cov["top"]].itertuples(index=False):
        point = row.geometry.representative_point()
        ax.text(
            point.x,
            point.y,
            str(row.peringkat),
            ha="center",
            va="center",
            fontsize=7,
            fontweight="bold",
            color="#111111",
            path_effects=halo,
        )
    minx, miny, maxx, maxy = cov.total_bounds
    pad = 0.03 * (maxx - minx)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - 0.22 * (maxy - miny), maxy + pad)
    # Scale bar: 2 km, bottom right.
    bar_x, bar_y = maxx - 2_000.0, miny - 0.17 * (maxy - miny)
    ax.plot([bar_x, bar_x + 2_000.0], [bar_y, bar_y], color="#111111", linewidth=2)
    ax.text(bar_x + 1_000.0, bar_y + 250.0, "2 km", ha="center", va="bottom", fontsize=6)
    handles = [Patch(facecolor=color, edgecolor="#999999", label=label) for label, color in legend]
    handles.append(
        Patch(
            facecolor="white",
            edgecolor=_FLAG_COLOR,
            linewidth=1.4,
            label=t("dasbor.kpi.flagged", lang),
        )
    )
    ax.legend(
        handles=handles,
        title=t("dasbor.map_legend", lang),
        loc="lower left",
        fontsize=5.5,
        title_fontsize=6,
        frameon=False,
        ncols=2,
        handlelength=1.2,
        columnspacing=0.8,
    )
    ax.text(
        0.01,
        0.995,
        _source(figures),
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=4.5,
        color="#555555",
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


def trend_png(
    figures: kpi.DashboardFigures,
    *,
    lang: str = "id",
    width_mm: float = 91.0,
    height_mm: float = 45.0,
    dpi: int = 200,
) -> bytes:
    """Draw the cumulative curated UMKM per month up to the reference day, as a PNG.

    Parameters
    ----------
    figures
        Result of :func:`geo.analysis.kpi.dashboard_figures` (its ``over_time`` and ``kpi``).
    lang
        Language of the month names and the number format.
    width_mm, height_mm
        Printed size, in millimetres.
    dpi
        Pixels per inch.

    Returns
    -------
    bytes
        The PNG: the curve, with dashed lines at the earlier published figure (19,000) and
        the target (30,000).
    """
    series = figures.over_time
    k = figures.kpi
    fig = Figure(figsize=(width_mm / _MM_PER_INCH, height_mm / _MM_PER_INCH), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.13, 0.16, 0.85, 0.8))
    if not series.empty:
        ax.fill_between(series["tanggal"], series["kumulatif"], color=_ACCENT, alpha=0.15)
        ax.plot(series["tanggal"], series["kumulatif"], color=_ACCENT, linewidth=1.4)
    for value, key, color in (
        (k["earlier"], "dasbor.trend_earlier", "#777777"),
        (k["target"], "dasbor.trend_target", _FLAG_COLOR),
    ):
        ax.axhline(value, color=color, linewidth=0.8, linestyle="--")
        ax.text(
            0.01,
            value,
            t(key, lang, value=format_number(value, lang)),
            transform=ax.get_yaxis_transform(),
            fontsize=5.5,
            color=color,
            va="bottom",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3},
        )
    ax.set_ylim(0, k["target"] * 1.08)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: format_number(v, lang)))
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(
        FuncFormatter(
            lambda v, _pos: (
                f"{kpi.month_name(mdates.num2date(v).month, lang)[:3]} {mdates.num2date(v).year}"
            )
        )
    )
    ax.tick_params(labelsize=5.5, length=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", linewidth=0.3, color="#dddddd")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Shared texts of both formats
# --------------------------------------------------------------------------------------------
def _header_texts(
    figures: kpi.DashboardFigures, *, lang: str, generated: datetime.datetime
) -> tuple[str, str, str]:
    period = figures.period
    title = t("dasbor.brief.title", lang)
    line = t("dasbor.brief.period", lang, period=period.label(lang), range=period.range_label(lang))
    made = f"{kpi.format_date(generated.date(), lang)} {generated:%H.%M}"
    as_of = t(
        "dasbor.brief.as_of",
        lang,
        as_of=kpi.format_date(figures.as_of, lang),
        previous=kpi.comparison_label(figures, lang=lang),
        generated=made,
    )
    return title, line, as_of


def priority_table(figures: kpi.DashboardFigures, *, lang: str = "id") -> pd.DataFrame:
    """Return the highest-priority kelurahan as display text, exactly as the brief prints it.

    Columns: rank, kelurahan, kecamatan, UMKM, Sahabat UMKM, days since the latest visit,
    priority (0-100) and why the kelurahan is flagged.

    Parameters
    ----------
    figures
        Result of :func:`geo.analysis.kpi.dashboard_figures`.
    lang
        Language of the column names and the number format.

    Returns
    -------
    pandas.DataFrame
        String cells under column names in ``lang``; the dashboard shows this same table.
        ``attrs["numeric"]`` names the columns holding numbers (to align right).
    """
    header = [
        t("dasbor.col.peringkat", lang),
        t("dasbor.col.kelurahan", lang),
        t("dasbor.col.kecamatan", lang),
        t("dasbor.col.umkm", lang),
        t("dasbor.col.sahabat", lang),
        t("dasbor.col.hari", lang),
        t("dasbor.col.prioritas", lang),
        t("dasbor.col.alasan", lang),
    ]
    rows = []
    for r in figures.priority.itertuples(index=False):
        days = r.hari_sejak_kunjungan
        rows.append(
            [
                str(r.peringkat),
                str(r.nama),
                str(r.kecamatan),
                _num(r.umkm_aktif, lang),
                _num(r.sahabat_aktif, lang),
                _num(days, lang) if pd.notna(days) else t("dasbor.never_visited", lang),
                _num(r.prioritas, lang, decimals=1),
                str(r.alasan) if pd.notna(r.alasan) and str(r.alasan) else "–",
            ]
        )
    return _text_table(header, rows, numeric={0, 3, 4, 5, 6})


def kecamatan_table(figures: kpi.DashboardFigures, *, lang: str = "id") -> pd.DataFrame:
    """Return the five kecamatan side by side as display text, exactly as the brief prints it.

    Columns: UMKM at the reference day, new and naik kelas in the period, Sahabat UMKM
    (kelurahan and RW level), UMKM per Sahabat, flagged kelurahan and visits in the period.

    Parameters
    ----------
    figures
        Result of :func:`geo.analysis.kpi.dashboard_figures`.
    lang
        Language of the column names and the number format.

    Returns
    -------
    pandas.DataFrame
        String cells under column names in ``lang``; the dashboard shows this same table.
        ``attrs["numeric"]`` names the columns holding numbers (to align right).
    """
    header = [
        t("dasbor.col.kecamatan", lang),
        t("dasbor.col.umkm", lang),
        t("dasbor.col.baru", lang),
        t("dasbor.col.naik_kelas", lang),
        t("dasbor.col.sahabat", lang),
        t("dasbor.col.umkm_per_sahabat", lang),
        t("dasbor.col.flagged", lang),
        t("dasbor.col.kunjungan", lang),
    ]
    rows = [
        [
            str(r.nama),
            _num(r.umkm_aktif, lang),
            _num(r.baru, lang),
            _num(r.naik_kelas, lang),
            _num(r.sahabat_aktif, lang),
            _num(r.umkm_per_sahabat, lang),
            _num(r.kelurahan_flagged, lang),
            _num(r.kunjungan, lang),
        ]
        for r in figures.kecamatan.itertuples(index=False)
    ]
    return _text_table(header, rows, numeric=set(range(1, 8)))


def context_table(figures: kpi.DashboardFigures, *, lang: str = "id") -> pd.DataFrame:
    """Return the context figures as display text, exactly as the brief prints it.

    Columns: year, percent and number of poor residents, and the source of each row.

    Parameters
    ----------
    figures
        Result of :func:`geo.analysis.kpi.dashboard_figures`.
    lang
        Language of the column names and the number format.

    Returns
    -------
    pandas.DataFrame
        String cells under column names in ``lang``; the dashboard shows this same table.
        ``attrs["numeric"]`` names the columns holding numbers (to align right).
    """
    header = [
        t("dasbor.col.tahun", lang),
        t("dasbor.col.persen_miskin", lang),
        t("dasbor.col.jumlah_miskin", lang),
        t("dasbor.col.sumber", lang),
    ]
    rows = [
        [
            str(r.tahun),
            _num(r.persen_miskin, lang, decimals=2),
            _num(r.jumlah_miskin, lang),
            str(r.sumber),
        ]
        for r in figures.context.itertuples(index=False)
    ]
    return _text_table(header, rows, numeric={1, 2})


def _text_table(header: list[str], rows: list[list[str]], *, numeric: set[int]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=header, dtype="string")
    table.attrs["numeric"] = [header[i] for i in sorted(numeric)]
    return table


def _rows(table: pd.DataFrame) -> tuple[list[str], list[list[str]], set[int]]:
    header = [str(c) for c in table.columns]
    numeric = {header.index(c) for c in table.attrs.get("numeric", [])}
    return header, [[str(v) for v in row] for row in table.to_numpy()], numeric


def _source(figures: kpi.DashboardFigures) -> str:
    """Return the boundary source to credit: the active layer's label, else the upstream."""
    return attribution(figures.by_kelurahan)


def _footer(lang: str, source: str = UPSTREAM_ATTRIBUTION) -> str:
    return t(
        "dasbor.brief.footer",
        lang,
        target=format_number(CURATED_TARGET, lang),
        earlier=format_number(CURATED_EARLIER, lang),
        attribution=source,
    )


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------
_CSS = """
@page { size: A4 portrait; margin: 11mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1b1b1b;
       font-size: 8pt; margin: 0; }
.sheet { width: 186mm; margin: 0 auto; }
h1 { font-size: 14pt; margin: 0 0 1mm; color: ACCENT; }
h2 { font-size: 9pt; margin: 3mm 0 1.2mm; color: ACCENT; }
.period { font-size: 10pt; font-weight: bold; margin: 0; }
.asof { font-size: 7pt; color: #555; margin: 0.5mm 0 0; }
.demo { border: 0.4mm solid #b8860b; background: #fff4d6; padding: 1mm 2mm; margin: 2mm 0 0;
        font-weight: bold; font-size: 7.5pt; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2mm; margin-top: 3mm; }
.tile { border: 0.3mm solid #c9d3df; border-radius: 1.5mm; padding: 1.5mm 2mm; }
.tile .label { font-size: 6.8pt; color: #444; }
.tile .value { font-size: 15pt; font-weight: bold; color: ACCENT; line-height: 1.2; }
.tile .delta { font-size: 6.3pt; color: #444; }
.middle { display: grid; grid-template-columns: 84mm 1fr; gap: 4mm; margin-top: 1mm; }
.map img { width: 84mm; height: auto; display: block; }
.map .caption { font-size: 6pt; color: #555; }
img.trend { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 6.5pt; }
th { text-align: left; background: #e8eef5; padding: 0.6mm 1mm; font-weight: bold;
     vertical-align: bottom; }
td { padding: 0.5mm 1mm; border-bottom: 0.2mm solid #dde3ea; vertical-align: top; }
table[data-table="prioritas"] td:last-child { white-space: nowrap; }
td.n, th.n { text-align: right; }
.source { font-size: 6pt; color: #555; margin-top: 0.8mm; }
.footer { font-size: 6pt; color: #555; margin-top: 3mm; border-top: 0.2mm solid #ccc;
          padding-top: 1mm; }
@media screen { body { background: #eee; } .sheet { background: white; padding: 11mm 12mm;
                width: 210mm; min-height: 297mm; margin: 5mm auto; } }
@media print { .tile, tr { break-inside: avoid; } }
""".replace("ACCENT", _ACCENT)


def _html_table(header: list[str], rows: list[list[str]], *, numeric: set[int], data: str) -> str:
    def cell(tag: str, index: int, text: str) -> str:
        cls = ' class="n"' if index in numeric else ""
        return f"<{tag}{cls}>{html.escape(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f'<table data-table="{data}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def brief_html(
    figures: kpi.DashboardFigures,
    *,
    lang: str = "id",
    demo: bool = False,
    generated: datetime.datetime | None = None,
    map_png: bytes | None = None,
) -> str:
    """Write the brief as one self-contained, print-ready HTML page (A4 portrait).

    Parameters
    ----------
    figures
        Result of :func:`geo.analysis.kpi.dashboard_figures`.
    lang
        Language of the texts and numbers.
    demo
        The data is the demo data set: the page says "Data contoh" prominently.
    generated
        When the brief is made (printed in it); default now.
    map_png
        The map; default :func:`choropleth_png` of ``figures``.

    Returns
    -------
    str
        HTML5 with inline CSS (``@page`` A4) and the map as a ``data:image/png;base64`` URI.
        Every headline tile carries ``data-kpi="<key>"`` and its value ``class="value"``; the
        tables carry ``data-table`` (``prioritas``, ``kecamatan``, ``konteks``).
    """
    generated = generated or datetime.datetime.now()
    title, period_line, as_of = _header_texts(figures, lang=lang, generated=generated)
    png = map_png if map_png is not None else choropleth_png(figures, lang=lang)
    tiles = "".join(
        f'<div class="tile" data-kpi="{tile.key}"><div class="label">{html.escape(tile.label)}'
        f'</div><div class="value">{html.escape(tile.value)}</div>'
        f'<div class="delta">{html.escape(tile.delta or "")}</div></div>'
        for tile in kpi.kpi_tiles(figures, lang=lang)
    )
    p_header, p_rows, p_num = _rows(priority_table(figures, lang=lang))
    k_header, k_rows, k_num = _rows(kecamatan_table(figures, lang=lang))
    c_header, c_rows, c_num = _rows(context_table(figures, lang=lang))
    context_html = _html_table(c_header, c_rows, numeric=c_num, data="konteks")
    demo_html = f'<p class="demo">{html.escape(t("dasbor.brief.demo", lang))}</p>' if demo else ""
    image = base64.b64encode(png).decode("ascii")
    trend = base64.b64encode(trend_png(figures, lang=lang, width_mm=91.0, height_mm=42.0)).decode(
        "ascii"
    )
    n = len(figures.priority)
    return f"""<!DOCTYPE html>
<html lang="{html.escape(lang)}">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} — {html.escape(figures.period.label(lang))}</title>
<style>{_CSS}</style>
</head>
<body>
<div class="sheet">
<h1>{html.escape(title)}</h1>
<p class="period" data-period="{figures.period.code}">{html.escape(period_line)}</p>
<p class="asof">{html.escape(as_of)}</p>
{demo_html}
<div class="tiles">{tiles}</div>
<div class="middle">
<div class="map"><h2>{html.escape(t("dasbor.map_header", lang))}</h2>
<img alt="{html.escape(t("dasbor.map_header", lang))}" src="data:image/png;base64,{image}">
<div class="caption">{html.escape(t("dasbor.map_caption", lang))}</div></div>
<div><h2>{html.escape(t("dasbor.context_header", lang))}</h2>
{context_html}
<h2>{html.escape(t("dasbor.trend_header", lang))}</h2>
<img class="trend" alt="{html.escape(t("dasbor.trend_header", lang))}"
 src="data:image/png;base64,{trend}">
</div>
</div>
<h2>{html.escape(t("dasbor.priority_header", lang, n=n))}</h2>
{_html_table(p_header, p_rows, numeric=p_num, data="prioritas")}
<h2>{html.escape(t("dasbor.kecamatan_header", lang))}</h2>
{_html_table(k_header, k_rows, numeric=k_num, data="kecamatan")}
<div class="source">{html.escape(t("dasbor.col_help.kecamatan", lang))}</div>
<div class="footer">{html.escape(_footer(lang, _source(figures)))}</div>
</div>
</body>
</html>
"""


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------
_FONT = "DejaVu"
_PAGE_W = 210.0
_MARGIN = 12.0
_CONTENT_W = _PAGE_W - 2 * _MARGIN


def _hex_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _pdf_table(
    pdf: FPDF,
    header: list[str],
    rows: list[list[str]],
    *,
    x: float,
    width: float,
    stretch: int,
    numeric: set[int],
    size: float = 6.5,
) -> None:
    """Draw a table at ``x``; columns as wide as their longest value or header word.

    Column ``stretch`` takes the width left over (and wraps when there is too little).
    """
    pad = 0.8
    pdf.set_font(_FONT, "B", size)
    whole = [pdf.get_string_width(h) for h in header]
    words = [max(pdf.get_string_width(w) for w in (h.split() or [""])) for h in header]
    pdf.set_font(_FONT, "", size)
    body = [
        max((pdf.get_string_width(r[i]) for r in rows), default=0.0) for i in range(len(header))
    ]
    head = whole if sum(map(max, whole, body)) + len(header) * 2.2 <= width else words
    widths = [max(h, b) + 2 * pad + 0.6 for h, b in zip(head, body, strict=True)]
    widths[stretch] = max(width - (sum(widths) - widths[stretch]), head[stretch] + 2 * pad)
    if sum(widths) > width:  # too narrow: shrink every column alike (text wraps)
        widths = [w * width / sum(widths) for w in widths]
    pdf.set_left_margin(x)
    pdf.set_x(x)
    pdf.set_draw_color(221, 227, 234)
    pdf.set_fill_color(255, 255, 255)
    align = tuple("RIGHT" if i in numeric else "LEFT" for i in range(len(header)))
    heading = FontFace(emphasis="BOLD", fill_color=_hex_rgb("#e8eef5"), size_pt=size)
    with pdf.table(
        width=sum(widths),
        col_widths=tuple(widths),
        align="LEFT",
        cell_fill_mode="NONE",
        text_align=align,
        headings_style=heading,
        borders_layout="HORIZONTAL_LINES",
        line_height=size * 0.45,
        padding=(0.5, pad),
        v_align="TOP",
    ) as table:
        for values in [header, *rows]:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.set_left_margin(_MARGIN)


def brief_pdf(
    figures: kpi.DashboardFigures,
    *,
    lang: str = "id",
    demo: bool = False,
    generated: datetime.datetime | None = None,
    map_png: bytes | None = None,
) -> bytes:
    """Write the brief as a one-page A4 PDF.

    Parameters
    ----------
    figures
        Result of :func:`geo.analysis.kpi.dashboard_figures`.
    lang
        Language of the texts and numbers.
    demo
        The data is the demo data set: the page says "Data contoh" prominently.
    generated
        When the brief is made (printed in it and in the PDF's creation date); default now.
    map_png
        The map; default :func:`choropleth_png` of ``figures``.

    Returns
    -------
    bytes
        The PDF (fpdf2, DejaVu Sans embedded as a subset with a Unicode map, so its text can
        be copied and searched).
    """
    generated = generated or datetime.datetime.now()
    title, period_line, as_of = _header_texts(figures, lang=lang, generated=generated)
    png = map_png if map_png is not None else choropleth_png(figures, lang=lang)

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(_MARGIN, 11.0, _MARGIN)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(_FONT, "", str(_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(_FONT, "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{title} — {figures.period.label(lang)}")
    pdf.set_creator("Peta Sentra UMKM Kota Malang")
    pdf.set_lang(lang)
    pdf.set_creation_date(generated.astimezone(datetime.UTC))
    pdf.add_page()
    accent = _hex_rgb(_ACCENT)

    # Header
    pdf.set_text_color(*accent)
    pdf.set_font(_FONT, "B", 14)
    pdf.cell(_CONTENT_W, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(27, 27, 27)
    pdf.set_font(_FONT, "B", 10)
    pdf.cell(_CONTENT_W, 5.5, period_line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 7)
    pdf.set_text_color(85, 85, 85)
    pdf.cell(_CONTENT_W, 4, as_of, new_x="LMARGIN", new_y="NEXT")
    if demo:
        pdf.ln(1)
        pdf.set_fill_color(*_hex_rgb("#fff4d6"))
        pdf.set_draw_color(*_hex_rgb("#b8860b"))
        pdf.set_text_color(27, 27, 27)
        pdf.set_font(_FONT, "B", 7.5)
        pdf.cell(
            _CONTENT_W,
            5,
            " " + t("dasbor.brief.demo", lang),
            border=1,
            fill=True,
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2.5)

    # Headline tiles: 4 per row
    tiles = kpi.kpi_tiles(figures, lang=lang)
    gap, per_row, tile_h = 2.0, 4, 19.0
    tile_w = (_CONTENT_W - gap * (per_row - 1)) / per_row
    top = pdf.get_y()
    pdf.set_draw_color(*_hex_rgb("#c9d3df"))
    for index, tile in enumerate(tiles):
        x = _MARGIN + (index % per_row) * (tile_w + gap)
        y = top + (index // per_row) * (tile_h + gap)
        pdf.rect(x, y, tile_w, tile_h, style="D", round_corners=True, corner_radius=1.5)
        pdf.set_xy(x + 2, y + 1.5)
        pdf.set_font(_FONT, "", 6.8)
        pdf.set_text_color(68, 68, 68)
        pdf.cell(tile_w - 4, 3.2, tile.label)
        pdf.set_xy(x + 2, y + 5.2)
        pdf.set_font(_FONT, "B", 15)
        pdf.set_text_color(*accent)
        pdf.cell(tile_w - 4, 7, tile.value)
        pdf.set_xy(x + 2, y + 12.6)
        pdf.set_font(_FONT, "", 6.0)
        pdf.set_text_color(68, 68, 68)
        pdf.multi_cell(tile_w - 4, 2.6, tile.delta or "", align="L")
    rows_of_tiles = (len(tiles) + per_row - 1) // per_row
    y = top + rows_of_tiles * (tile_h + gap) + 1.5

    # Map (left); context figures and the trend (right)
    map_w, map_h = 92.0, 100.0
    right_x = _MARGIN + map_w + 3.0
    right_w = _CONTENT_W - map_w - 3.0

    def heading(text: str, x: float, y: float, width: float) -> None:
        pdf.set_xy(x, y)
        pdf.set_font(_FONT, "B", 9)
        pdf.set_text_color(*accent)
        pdf.cell(width, 5, text)
        pdf.set_text_color(27, 27, 27)

    def note(text: str, x: float, width: float) -> None:
        pdf.set_xy(x, pdf.get_y() + 0.6)
        pdf.set_font(_FONT, "", 5.8)
        pdf.set_text_color(85, 85, 85)
        pdf.multi_cell(width, 2.5, text, align="L")
        pdf.set_text_color(27, 27, 27)

    heading(t("dasbor.map_header", lang), _MARGIN, y, map_w)
    pdf.image(io.BytesIO(png), x=_MARGIN, y=y + 5.5, w=map_w, h=map_h)
    pdf.set_y(y + 5.5 + map_h)
    note(t("dasbor.map_caption", lang), _MARGIN, map_w)
    map_bottom = pdf.get_y()

    heading(t("dasbor.context_header", lang), right_x, y, right_w)
    pdf.set_y(y + 5.5)
    c_header, c_rows, c_num = _rows(context_table(figures, lang=lang))
    _pdf_table(pdf, c_header, c_rows, x=right_x, width=right_w, stretch=3, numeric=c_num)
    trend_y = pdf.get_y() + 3.0
    trend_h = max(map_bottom - trend_y - 5.5, 30.0)
    heading(t("dasbor.trend_header", lang), right_x, trend_y, right_w)
    trend = trend_png(figures, lang=lang, width_mm=right_w, height_mm=trend_h)
    pdf.image(io.BytesIO(trend), x=right_x, y=trend_y + 5.5, w=right_w, h=trend_h)
    y = max(map_bottom, trend_y + 5.5 + trend_h) + 2.0

    # Priority table, then the kecamatan side by side, full width
    heading(t("dasbor.priority_header", lang, n=len(figures.priority)), _MARGIN, y, _CONTENT_W)
    pdf.set_y(y + 5.5)
    p_header, p_rows, p_num = _rows(priority_table(figures, lang=lang))
    _pdf_table(pdf, p_header, p_rows, x=_MARGIN, width=_CONTENT_W, stretch=7, numeric=p_num)
    y = pdf.get_y() + 2.5
    heading(t("dasbor.kecamatan_header", lang), _MARGIN, y, _CONTENT_W)
    pdf.set_y(y + 5.5)
    k_header, k_rows, k_num = _rows(kecamatan_table(figures, lang=lang))
    _pdf_table(pdf, k_header, k_rows, x=_MARGIN, width=_CONTENT_W, stretch=0, numeric=k_num)
    note(t("dasbor.col_help.kecamatan", lang), _MARGIN, _CONTENT_W)

    # Footer
    pdf.set_xy(_MARGIN, max(pdf.get_y() + 2.0, 281.0))
    pdf.set_draw_color(204, 204, 204)
    pdf.line(_MARGIN, pdf.get_y(), _PAGE_W - _MARGIN, pdf.get_y())
    pdf.set_y(pdf.get_y() + 0.8)
    pdf.set_font(_FONT, "", 6)
    pdf.set_text_color(85, 85, 85)
    pdf.multi_cell(_CONTENT_W, 2.7, _footer(lang, _source(figures)), align="L")
    return bytes(pdf.output())


# --------------------------------------------------------------------------------------------
# From the store
# --------------------------------------------------------------------------------------------
def render_brief(
    figures: kpi.DashboardFigures,
    *,
    fmt: BriefFormat = "pdf",
    lang: str = "id",
    demo: bool = False,
    generated: datetime.datetime | None = None,
    progress: Progress = no_progress,
) -> bytes:
    """Render the brief of computed figures as PDF or HTML bytes (UTF-8 for HTML).

    ``progress(fraction, message)`` is called as the map and the document are made.
    """
    if fmt not in BRIEF_FORMATS:
        raise ValueError(f"unknown brief format {fmt!r}; use pdf or html")
    progress(0.6, t("dasbor.brief.step.map", lang))
    png = choropleth_png(figures, lang=lang)
    progress(0.85, t("dasbor.brief.step.document", lang))
    options = {"lang": lang, "demo": demo, "generated": generated, "map_png": png}
    if fmt == "html":
        out = brief_html(figures, **options).encode("utf-8")
    else:
        out = brief_pdf(figures, **options)
    progress(1.0, t("dasbor.brief.step.document", lang))
    return out


def brief_filename(period: kpi.Period, fmt: BriefFormat) -> str:
    """Return the brief's file name: ``laporan-ringkas-2026-Q3.pdf``."""
    return f"laporan-ringkas-{period.code}.{fmt}"


def brief_from_store(
    store: Store,
    *,
    period: kpi.Period | str | None = None,
    kind: kpi.PeriodKind = "quarter",
    fmt: BriefFormat = "pdf",
    lang: str = "id",
    generated: datetime.datetime | None = None,
    progress: Progress = no_progress,
) -> tuple[bytes, kpi.DashboardFigures]:
    """Read a store, compute the figures of a period and render its brief.

    Parameters
    ----------
    store
        The store to read (register without personal fields, roster, visits, size history).
    period
        A :class:`geo.analysis.kpi.Period` or its code (``2026-Q3``, ``2026-09``, ``2026``); None
        takes the ``kind`` period containing the data's latest day.
    kind
        Kind of the default period.
    fmt
        ``"pdf"`` or ``"html"``.
    lang
        Language of the brief.
    generated
        When the brief is made; default now.
    progress
        ``progress(fraction, message)`` callback (the CLI draws a bar with it).

    Returns
    -------
    tuple
        The brief's bytes and the :class:`geo.analysis.kpi.DashboardFigures` it shows.

    Raises
    ------
    ValueError
        The period is not understood, the store holds no UMKM, or none was curated by the end
        of the period.
    """
    chosen = kpi.parse_period(period) if isinstance(period, str) else period
    progress(0.05, t("dasbor.brief.step.data", lang))
    register = strip_personal(store.read_umkm())
    if register.empty:
        raise ValueError("the store holds no UMKM: load data first (python -m geo demo)")
    sahabat, visits = store.read_sahabat(), store.read_visits()
    history = store.read_size_history()
    progress(0.35, t("dasbor.brief.step.figures", lang))
    if chosen is None:
        latest = kpi.latest_date(
            (register, "tanggal_terkurasi"), (visits, "tanggal"), (history, "tanggal")
        )
        chosen = kpi.period_containing(latest or datetime.date.today(), kind=kind)
    figures = kpi.dashboard_figures(
        register,
        sahabat=sahabat,
        visits=visits,
        size_history=history,
        kelurahan=store.kelurahan_layer(),  # the active layer
        period=chosen,
        lang=lang,
    )
    if figures.kpi["curated"] == 0:
        first = register["tanggal_terkurasi"].dropna().min()
        since = f" (data mulai {first:%Y-%m})" if pd.notna(first) else ""
        raise ValueError(
            f"tidak ada UMKM terkurasi sampai akhir periode {chosen.code}{since}; "
            "pilih periode lain"
        )
    demo = store.get_meta("dataset") == "demo"
    out = render_brief(
        figures, fmt=fmt, lang=lang, demo=demo, generated=generated, progress=progress
    )
    return out, figures
