"""Helpers shared by the pages: UI language, the store, and the cached register.

Streamlit only; every figure a page shows is computed in ``geo/``.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import geopandas as gpd
import streamlit as st

from geo import settings
from geo.i18n import chart_locale, normalize_lang, t
from geo.register import strip_personal
from geo.store import Store

__all__ = [
    "LANG_KEY",
    "clear_data_caches",
    "current_lang",
    "data_version",
    "get_store",
    "localized_chart",
    "public_register",
    "tr",
]

#: Session-state key of the UI language (set by the selector in ``app.py``).
LANG_KEY = "lang"

#: Store meta keys whose values identify the data set; a change invalidates the caches.
_VERSION_META_KEYS = ("dataset", "seed", "data_version")


def current_lang() -> str:
    """Return the session's UI language code (``settings.DEFAULT_LANG`` until chosen)."""
    return normalize_lang(st.session_state.get(LANG_KEY, settings.DEFAULT_LANG))


def tr(key: str, **fmt: Any) -> str:
    """Translate a message key into the session's language (see :func:`geo.i18n.t`)."""
    return t(key, current_lang(), **fmt)


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store:
    return Store(url)


def get_store() -> Store:
    """Return the process-wide store for the current ``DATABASE_URL``."""
    return _store_for(settings.database_url())


def data_version(store: Store) -> str:
    """Return a cache key that changes when the store's data set is replaced or grows.

    Built from a few ``meta`` values and the UMKM count (cheap queries, run on every page
    load). An edit that keeps the count and the meta unchanged shows up when the cached
    register expires (see :func:`public_register`) or after :func:`clear_data_caches`.
    """
    meta = "|".join(store.get_meta(key) or "" for key in _VERSION_META_KEYS)
    return f"{meta}|{store.count_umkm()}"


@st.cache_data(show_spinner=False, ttl="10m", max_entries=4)
def _public_register(url: str, version: str) -> gpd.GeoDataFrame:
    # ``version`` is only part of the cache key.
    return strip_personal(_store_for(url).read_umkm())


def public_register() -> gpd.GeoDataFrame:
    """Return the UMKM register without personal fields, cached per data version.

    The cache key is the database URL and :func:`data_version`; entries also expire after
    ten minutes, so any write by another process shows up by then.
    """
    return _public_register(settings.database_url(), data_version(get_store()))


def clear_data_caches() -> None:
    """Forget cached data after this app wrote to the store."""
    _public_register.clear()


def localized_chart(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Give an Altair chart the session language's number and date formats."""
    return chart.configure(locale=chart_locale(current_lang()))
