"""Register filters and the map view, with a lossless round trip through a URL query string.

A page reads the query string into a :class:`MapView`, draws its widgets from it, applies
:meth:`RegisterFilter.apply` to the register and writes the view back with
:meth:`MapView.to_query`, so every view can be shared and bookmarked. Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from geo.core.register import SECTORS, SIZE_CLASSES

__all__ = ["METRICS", "MapView", "RegisterFilter", "kelurahan_options"]

#: Choropleth metrics of the explore map (coverage columns).
METRICS: tuple[str, ...] = ("umkm_aktif", "umkm_per_km2", "umkm_per_sahabat")

_LIST_SEP = ","


@dataclass(frozen=True)
class RegisterFilter:
    """What the sidebar filters select. Empty tuples and ``None`` mean "all".

    Attributes
    ----------
    sektor, skala
        Sector codes (:data:`geo.core.register.SECTORS`) and size classes.
    kecamatan, kelurahan
        Kecamatan kode (``35.73.KK``) and kelurahan kode (``35.73.KK.LLLL``). A kelurahan
        outside the chosen kecamatan is ignored (cascading choice).
    sentra
        Sentra ids.
    dari, sampai
        Inclusive range of ``tanggal_terkurasi``.
    cari
        Case-insensitive substring of ``nama_usaha``.
    """

    sektor: tuple[str, ...] = ()
    skala: tuple[str, ...] = ()
    kecamatan: tuple[str, ...] = ()
    kelurahan: tuple[str, ...] = ()
    sentra: tuple[str, ...] = ()
    dari: date | None = None
    sampai: date | None = None
    cari: str = ""

    def effective_kelurahan(self) -> tuple[str, ...]:
        """Kelurahan choices that lie in the chosen kecamatan (all when none chosen)."""
        if not self.kecamatan:
            return self.kelurahan
        return tuple(k for k in self.kelurahan if k[:8] in self.kecamatan)

    def apply(self, register: pd.DataFrame) -> pd.DataFrame:
        """Return the rows of ``register`` that pass every filter (same columns and CRS)."""
        mask = pd.Series(True, index=register.index)
        if self.sektor:
            mask &= register["sektor"].isin(self.sektor).fillna(False)
        if self.skala:
            mask &= register["skala"].isin(self.skala).fillna(False)
        kode = register["kode_kelurahan"].astype("string")
        if self.kecamatan:
            mask &= kode.str.slice(0, 8).isin(self.kecamatan).fillna(False)
        kel = self.effective_kelurahan()
        if kel:
            mask &= kode.isin(kel).fillna(False)
        if self.sentra:
            mask &= register["sentra_id"].isin(self.sentra).fillna(False)
        if self.dari is not None:
            mask &= (register["tanggal_terkurasi"] >= pd.Timestamp(self.dari)).fillna(False)
        if self.sampai is not None:
            end = pd.Timestamp(self.sampai) + pd.Timedelta(days=1)
            mask &= (register["tanggal_terkurasi"] < end).fillna(False)
        if self.cari.strip():
            needle = self.cari.strip().lower()
            names = register["nama_usaha"].astype("string").str.lower()
            mask &= names.str.contains(needle, regex=False).fillna(False)
        return register[mask.to_numpy()]

    def is_empty(self) -> bool:
        """Return True when nothing is filtered."""
        return self == RegisterFilter()


@dataclass(frozen=True)
class MapView:
    """The whole state of the explore page: filters, metric, basemap and map position.

    ``center`` is (lat, lon) in degrees (EPSG:4326); ``zoom`` a Leaflet zoom level.
    """

    filter: RegisterFilter = field(default_factory=RegisterFilter)
    metric: str = METRICS[0]
    basemap: str = "osm"
    center: tuple[float, float] | None = None
    zoom: int | None = None

    def to_query(self) -> dict[str, str]:
        """Encode as query-string parameters; defaults are left out to keep links short."""
        f = self.filter
        out: dict[str, str] = {}
        for name in ("sektor", "skala", "kecamatan", "kelurahan", "sentra"):
            values = getattr(f, name)
            if values:
                out[name] = _LIST_SEP.join(values)
        if f.dari:
            out["dari"] = f.dari.isoformat()
        if f.sampai:
            out["sampai"] = f.sampai.isoformat()
        if f.cari:
            out["cari"] = f.cari
        if self.metric != METRICS[0]:
            out["metrik"] = self.metric
        if self.basemap != "osm":
            out["peta"] = self.basemap
        if self.center is not None:
            out["pusat"] = f"{self.center[0]:.5f},{self.center[1]:.5f}"
        if self.zoom is not None:
            out["zoom"] = str(int(self.zoom))
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, str | list[str]]) -> MapView:
        """Decode query-string parameters; unknown or malformed values are ignored."""

        def one(key: str) -> str:
            value = params.get(key, "")
            if isinstance(value, list):
                value = value[-1] if value else ""
            return str(value).strip()

        def many(key: str, allowed: set[str] | None = None) -> tuple[str, ...]:
            items = [v.strip() for v in one(key).split(_LIST_SEP) if v.strip()]
            if allowed is not None:
                items = [v for v in items if v in allowed]
            return tuple(dict.fromkeys(items))

        def day(key: str) -> date | None:
            try:
                return date.fromisoformat(one(key)) if one(key) else None
            except ValueError:
                return None

        flt = RegisterFilter(
            sektor=many("sektor", set(SECTORS)),
            skala=many("skala", set(SIZE_CLASSES)),
            kecamatan=tuple(k for k in many("kecamatan") if _is_kode(k, 8)),
            kelurahan=tuple(k for k in many("kelurahan") if _is_kode(k, 13)),
            sentra=many("sentra"),
            dari=day("dari"),
            sampai=day("sampai"),
            cari=one("cari")[:100],
        )
        metric = one("metrik") if one("metrik") in METRICS else METRICS[0]
        basemap = one("peta") if one("peta") in {"osm", "light"} else "osm"
        center = None
        try:
            lat, lon = (float(v) for v in one("pusat").split(","))
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                center = (lat, lon)
        except ValueError:
            pass
        zoom = int(one("zoom")) if one("zoom").isdigit() and 1 <= int(one("zoom")) <= 19 else None
        return cls(filter=flt, metric=metric, basemap=basemap, center=center, zoom=zoom)

    def with_filter(self, **changes: object) -> MapView:
        """Return a copy with some filter fields changed."""
        return replace(self, filter=replace(self.filter, **changes))


def _is_kode(value: str, length: int) -> bool:
    return len(value) == length and value.startswith("35.73.")


def kelurahan_options(kelurahan: pd.DataFrame, *, kecamatan: tuple[str, ...] = ()) -> pd.DataFrame:
    """Kelurahan (kode, nama, kecamatan) offered once a kecamatan is chosen, sorted by name.

    Parameters
    ----------
    kelurahan
        The kelurahan layer (kode, nama, kode_kecamatan, kecamatan).
    kecamatan
        Chosen kecamatan kode; all kelurahan when empty.
    """
    rows = kelurahan if not kecamatan else kelurahan[kelurahan["kode_kecamatan"].isin(kecamatan)]
    return (
        pd.DataFrame(rows[["kode", "nama", "kecamatan"]])
        .sort_values(["nama", "kode"])
        .reset_index(drop=True)
    )
