"""The printable brief: its figures are the dashboard's, in PDF, HTML and from the CLI."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from geo import cli
from geo.analysis import kpi
from geo.core.i18n import t
from geo.ingest import demo
from geo.render import brief
from geo.services import demo as demo_service
from geo.store import Store
from tests.conftest import store_figures

GENERATED = dt.datetime(2026, 11, 20, 9, 30)


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('brief') / 'umkm.sqlite'}"
    store = Store(url)
    demo_service.load_into(store, demo.generate(count=1_500))
    store.close()
    return url


@pytest.fixture(scope="module")
def figures(store_url: str) -> kpi.DashboardFigures:
    return store_figures(store_url, "2026-Q3")


def _pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"[ \t]+", " ", text)


class _Tables(HTMLParser):
    """Collect the tiles (data-kpi) and the tables (data-table) of the brief's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tiles: dict[str, dict[str, str]] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.period: str | None = None
        self._tile: str | None = None
        self._part: str | None = None
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "data-kpi" in a:
            self._tile = a["data-kpi"]
            self.tiles[self._tile] = {}
        elif self._tile and tag == "div":
            self._part = a.get("class")
        if "data-period" in a:
            self.period = a["data-period"]
        if "data-table" in a:
            self._table = a["data-table"]
            self.tables[self._table] = []
        elif self._table and tag == "tr":
            self.tables[self._table].append([])
        elif self._table and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._part:
            self._part = None
        elif tag == "div" and self._tile:
            self._tile = None
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._tile and self._part:
            self.tiles[self._tile][self._part] = data
        if self._cell is not None:
            self._cell.append(data)


def test_pdf_is_one_a4_page_with_the_dashboards_figures(figures: kpi.DashboardFigures) -> None:
    data = brief.brief_pdf(figures, lang="id", demo=True, generated=GENERATED)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    pages, text = _pdf_text(data)
    assert pages == 1
    assert "Triwulan III 2026 (1 Juli – 30 September 2026)" in text
    assert "DATA CONTOH" in text
    # Each tile's label is followed by its value: the figures equal the dashboard's.
    lines = [line.strip() for line in text.splitlines()]
    for tile in kpi.kpi_tiles(figures, lang="id"):
        assert tile.label in lines, tile.label
        assert lines[lines.index(tile.label) + 1] == tile.value, tile.key
    k = figures.kpi
    assert lines[lines.index(t("dasbor.kpi.curated", "id")) + 1] == f"{k['curated']:,}".replace(
        ",", "."
    )
    # The ten highest-priority kelurahan, in rank order, with their priority.
    table = brief.priority_table(figures, lang="id")
    assert len(table) == 10
    found = [
        next(i for i, line in enumerate(lines) if line.startswith(f"{rank} {name} "))
        for rank, name in zip(table.iloc[:, 0], table.iloc[:, 1], strict=True)
    ]
    assert found == sorted(found)
    for row in table.itertuples(index=False):
        assert any(line.startswith(f"{row[0]} {row[1]} ") and row[6] in line for line in lines)
    for value in ("4,62", "40.620", "4,26", "37.780"):
        assert value in text
    assert "BPS" in text


def test_pdf_without_demo_has_no_banner_and_speaks_english(
    figures: kpi.DashboardFigures, store_url: str
) -> None:
    english = store_figures(store_url, "2026-Q3", lang="en")
    data = brief.brief_pdf(english, lang="en", demo=False, generated=GENERATED)
    _, text = _pdf_text(data)
    assert "DATA CONTOH" not in text and "SAMPLE DATA" not in text
    assert "Period: Q3 2026 (1 July – 30 September 2026)" in text
    curated = next(tile for tile in kpi.kpi_tiles(english, lang="en") if tile.key == "curated")
    assert f"{figures.kpi['curated']:,}" == curated.value
    assert f"Curated UMKM\n{curated.value}" in text


def test_html_carries_the_same_figures_and_tables(figures: kpi.DashboardFigures) -> None:
    page = brief.brief_html(figures, lang="id", demo=True, generated=GENERATED)
    assert "@page { size: A4 portrait" in page
    assert 'src="data:image/png;base64,' in page
    parsed = _Tables()
    parsed.feed(page)
    assert parsed.period == "2026-Q3"
    tiles = kpi.kpi_tiles(figures, lang="id")
    assert list(parsed.tiles) == [tile.key for tile in tiles]
    for tile in tiles:
        assert parsed.tiles[tile.key]["label"] == tile.label
        assert parsed.tiles[tile.key]["value"] == tile.value
        assert parsed.tiles[tile.key].get("delta", "") == (tile.delta or "")
    for name, table in (
        ("prioritas", brief.priority_table(figures, lang="id")),
        ("kecamatan", brief.kecamatan_table(figures, lang="id")),
        ("konteks", brief.context_table(figures, lang="id")),
    ):
        rows = parsed.tables[name]
        assert rows[0] == list(table.columns)
        assert rows[1:] == [[str(v) for v in row] for row in table.to_numpy()]
    kecamatan = parsed.tables["kecamatan"]
    total = sum(int(row[1].replace(".", "")) for row in kecamatan[1:])
    assert total == figures.kpi["curated"]  # every curated UMKM here has a kelurahan


def test_html_escapes_text(figures: kpi.DashboardFigures) -> None:
    import dataclasses

    context = figures.context.assign(sumber="BPS <b>&</b>")
    page = brief.brief_html(dataclasses.replace(figures, context=context), lang="id")
    assert "BPS &lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>&</b>" not in page


def test_choropleth_png_draws_classes_flags_and_scale(figures: kpi.DashboardFigures) -> None:
    png = brief.choropleth_png(figures, lang="id", width_mm=92, height_mm=100, dpi=100)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.size[0] == pytest.approx(92 / 25.4 * 100, abs=1)
    assert image.size[1] == pytest.approx(100 / 25.4 * 100, abs=1)
    pixels = np.asarray(image).reshape(-1, 3)
    layer, legend = brief.choropleth_layer(figures, lang="id")
    assert len(legend) == 5 and layer["flagged"].sum() == figures.kpi["flagged"] > 0
    assert layer["top"].sum() == len(figures.priority) == 10

    def share(hex_color: str) -> float:
        rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
        return float((np.abs(pixels.astype(int) - rgb).sum(axis=1) < 12).mean())

    for label, color in legend:
        assert share(color) > 0.002, label  # every class fills part of the map
    assert share("#c0182b") > 0.001  # flagged outlines
    assert share("#ffffff") < 0.8


def test_brief_from_store_defaults_to_the_latest_quarter(store_url: str) -> None:
    data, figures = brief.brief_from_store(
        Store(store_url), fmt="html", generated=GENERATED, progress=lambda f, m: None
    )
    latest = figures.latest
    assert latest is not None and latest <= demo.AS_OF
    assert figures.period == kpi.period_containing(latest, kind="quarter")
    assert b"Data contoh" in data or b"DATA CONTOH" in data


def test_brief_from_an_empty_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no UMKM"):
        brief.brief_from_store(Store(f"sqlite:///{tmp_path / 'empty.sqlite'}"))


def test_cli_writes_the_brief_with_the_dashboards_figures(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", store_url)
    out = tmp_path / "out" / "laporan.pdf"
    # A missing folder is refused, not created silently (issue 13.10).
    assert cli.main(["brief", "--period", "2026-09", "--output", str(out)]) == 2
    assert "folder" in capsys.readouterr().err and not out.parent.exists()
    out.parent.mkdir()
    status = cli.main(["brief", "--period", "2026-09", "--format", "pdf", "--output", str(out)])
    assert status == 0
    assert "September 2026 (2026-09)" in capsys.readouterr().out
    _, text = _pdf_text(out.read_bytes())
    lines = [line.strip() for line in text.splitlines()]
    for tile in kpi.kpi_tiles(store_figures(store_url, "2026-09"), lang="id"):
        assert lines[lines.index(tile.label) + 1] == tile.value, tile.key

    html_out = tmp_path / "laporan.html"
    assert (
        cli.main(["brief", "--period", "2026", "--format", "html", "--output", str(html_out)]) == 0
    )
    parsed = _Tables()
    parsed.feed(html_out.read_text(encoding="utf-8"))
    assert parsed.period == "2026"


def test_cli_refuses_a_bad_period_and_writes_nothing(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", store_url)
    out = tmp_path / "x.pdf"
    assert cli.main(["brief", "--period", "2026-Q5", "--output", str(out)]) == 2
    assert "2026-Q5" in capsys.readouterr().err
    assert not out.exists()


def test_brief_filename() -> None:
    assert brief.brief_filename(kpi.parse_period("2026-Q3"), "pdf") == "laporan-ringkas-2026-Q3.pdf"


def test_a_period_before_the_data_is_refused_clearly(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", store_url)
    out = tmp_path / "lama.pdf"
    assert cli.main(["brief", "--period", "1999", "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert "tidak ada UMKM terkurasi sampai akhir periode 1999" in err and "min()" not in err
    assert not out.exists()


def test_brief_credits_the_active_boundary_layer(store_url: str) -> None:
    figures = store_figures(store_url, "2026-09")
    figures.by_kelurahan.attrs["atribusi"] = "Batas wilayah: Pemkot Malang, 2025"
    page = brief.brief_html(figures, lang="id")
    assert "Batas wilayah: Pemkot Malang, 2025" in page
