"""Tests for geo.export: formats, personal columns by role, export -> import round trip."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.analysis.filters import RegisterFilter
from geo.core.register import PERSONAL_COLUMNS, UMKM_COLUMNS
from geo.ingest import demo
from geo.ingest.export import EXPORT_FORMATS, export_bytes, export_frame, export_name
from geo.ingest.importer import plan_import
from geo.ingest.readers import read_source
from geo.services.imports import commit_import
from geo.store import Store


@pytest.fixture(scope="module")
def data() -> demo.DemoData:
    return demo.generate(count=1_500, seed=11)


@pytest.fixture(scope="module")
def register(data: demo.DemoData) -> gpd.GeoDataFrame:
    reg = data.umkm.copy()
    reg["presisi_lokasi"] = pd.array(
        np.where(np.arange(len(reg)) % 7 == 0, "kelurahan", None), dtype="string"
    )
    return reg


@pytest.mark.parametrize("role", ["perencana", "admin"])
def test_roles_allowed_personal_data_get_it(register: gpd.GeoDataFrame, role: str) -> None:
    frame = export_frame(register, role=role)
    assert set(PERSONAL_COLUMNS) <= set(frame.columns)
    assert list(frame.columns[: len(UMKM_COLUMNS)]) == list(UMKM_COLUMNS)
    assert list(frame.columns[len(UMKM_COLUMNS) :]) == [
        "presisi_lokasi",
        "kelurahan",
        "kecamatan",
        "geometry",
    ]
    assert frame["kelurahan"].notna().all() and frame.crs == "EPSG:4326"


@pytest.mark.parametrize("role", ["publik", "pimpinan", "tamu"])
@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_other_roles_never_get_personal_data(
    register: gpd.GeoDataFrame, role: str, fmt: str
) -> None:
    content = export_bytes(register.head(50), fmt=fmt, role=role)
    columns = set(read_source(content, name=export_name(fmt)).headers)
    assert not columns & set(PERSONAL_COLUMNS)
    assert {"id", "nama_usaha", "lat", "lon", "kode_kelurahan"} <= columns
    # Nothing of the personal values is in the file either.
    text = content.decode("latin-1")
    assert "Pemilik Contoh" not in text and "+62800" not in text


def test_unknown_format_is_refused(register: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="unknown export format 'shp'"):
        export_bytes(register, fmt="shp", role="admin")


def test_current_filter_is_what_is_exported(register: gpd.GeoDataFrame) -> None:
    flt = RegisterFilter(sektor=("kuliner",), kecamatan=("35.73.05",))
    chosen = flt.apply(register)
    table = pd.read_csv(
        io.BytesIO(export_bytes(chosen, fmt="csv", role="perencana")), dtype="string"
    )
    assert len(table) == len(chosen) > 0
    assert set(table["sektor"]) == {"kuliner"} and set(table["kecamatan"]) == {"Lowokwaru"}


@pytest.mark.parametrize("fmt", list(EXPORT_FORMATS))
def test_export_import_round_trip(
    data: demo.DemoData, register: gpd.GeoDataFrame, fmt: str, tmp_path: Path
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'rt.sqlite'}")
    store.write_sentra(data.sentra)
    content = export_bytes(register, fmt=fmt, role="admin")
    plan = plan_import(
        read_source(content, name=export_name(fmt)),
        register=store.read_umkm(presisi_lokasi=True),
        sentra_ids=set(data.sentra["id"]),
    )
    summary = plan.summary()
    assert summary["ok"] == summary["impor"] == len(register), plan.report()["pesan"].unique()[:5]
    commit_import(store, plan, user="uji")
    back = pd.DataFrame(store.read_umkm(presisi_lokasi=True).drop(columns="geometry"))
    assert back.pop("id_sumber").isna().all()  # the register's own ids: no foreign id
    original = pd.DataFrame(register.drop(columns="geometry")).sort_values("id", ignore_index=True)
    pd.testing.assert_frame_equal(
        back,
        original,
        check_exact=fmt != "xlsx",  # spreadsheets keep 15-16 significant digits
        rtol=1e-14,
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
def test_foreign_ids_survive_export_and_import(
    data: demo.DemoData, register: gpd.GeoDataFrame, fmt: str, tmp_path: Path
) -> None:
    rows = register.head(20).copy()
    rows["id_sumber"] = pd.array(["node/1001", pd.NA, *[f"OSS-{i}" for i in range(18)]], "string")
    exported = export_frame(rows, role="admin")
    assert "id_sumber" in exported.columns
    store = Store(f"sqlite:///{tmp_path / 'ids.sqlite'}")
    store.write_sentra(data.sentra)
    content = export_bytes(rows, fmt=fmt, role="admin")
    plan = plan_import(
        read_source(content, name=export_name(fmt)),
        register=store.read_umkm(presisi_lokasi=True),
        sentra_ids=set(data.sentra["id"]),
    )
    commit_import(store, plan, user="uji")
    back = store.read_umkm(presisi_lokasi=True).set_index("id")["id_sumber"]
    assert back.loc[rows["id"]].tolist() == rows["id_sumber"].tolist()
