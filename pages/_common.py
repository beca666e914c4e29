"""Helpers shared by the pages: UI language, the store, and the cached register.

Streamlit only; every figure a page shows is computed in ``geo/``.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any, Literal

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import wilayah
from geo.core import settings
from geo.core.access import can_open, sees_personal
from geo.core.i18n import category_label, chart_locale, normalize_lang, t
from geo.core.register import SECTORS, SIZE_CLASSES, strip_personal
from geo.store import Store

__all__ = [
    "LANG_KEY",
    "ROLE_KEY",
    "USER_KEY",
    "boundaries",
    "clear_data_caches",
    "current_lang",
    "current_role",
    "current_user",
    "data_version",
    "demo_banner",
    "get_store",
    "localized_chart",
    "public_register",
    "register_counts",
    "register_for_role",
    "report_failure",
    "require_page",
    "sector_size_filters",
    "selected_register",
    "store_table",
    "tr",
]

_LOG = logging.getLogger("peta_umkm")

#: Session-state key of the UI language (set by the selector in ``app.py``).
LANG_KEY = "lang"
#: Session-state key of the signed-in user's role (``publik`` when nobody is signed in).
ROLE_KEY = "role"
#: Session-state key of the signed-in username (absent when nobody is signed in).
USER_KEY = "user"


def current_lang() -> str:
    """Return the session's UI language code (``settings.DEFAULT_LANG`` until chosen)."""
    return normalize_lang(st.session_state.get(LANG_KEY, settings.DEFAULT_LANG))


def current_role() -> str:
    """Return the session's role (:data:`geo.core.access.ROLES`); ``publik`` without a login."""
    return str(st.session_state.get(ROLE_KEY, "publik"))


def current_user() -> str:
    """Return the signed-in username for the audit log (``"anonim"`` when nobody is)."""
    return str(st.session_state.get(USER_KEY) or "anonim")


def require_page(page: str) -> None:
    """Stop rendering unless the session's role may open ``page`` (a refused page shows why).

    The account is checked first: a session whose account was disabled or changed ends here.
    """
    from pages._auth import check_account  # lazily: pages._auth imports this module

    check_account()
    if not can_open(current_role(), page):
        st.error(tr("access.refused"))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=4)
def _boundaries(url: str, version: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    # ``version`` is only part of the cache key.
    kel = _store_for(url).kelurahan_layer()
    return kel, wilayah.kecamatan(kel)


def boundaries() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return the kelurahan and the kecamatan dissolved from them (EPSG:4326).

    The store's active layer (``python -m geo boundaries use``), else the shipped one; cached
    per database and data version, so a new active layer shows at every page's next run.
    ``attrs["atribusi"]`` of the kelurahan holds the source label the maps show.
    """
    return _boundaries(settings.database_url(), data_version(get_store()))


@st.cache_data(show_spinner=False, ttl="10m", max_entries=16)
def _store_table(url: str, version: str, name: str) -> pd.DataFrame:
    # ``version`` is only part of the cache key.
    return getattr(_store_for(url), f"read_{name}")()


def store_table(name: Literal["sentra", "sahabat", "visits", "size_history"]) -> pd.DataFrame:
    """Return one store table (``Store.read_<name>``), cached per database and data version."""
    return _store_table(settings.database_url(), data_version(get_store()), name)


def sector_size_filters(prefix: str) -> tuple[list[str], list[str]]:
    """Draw the sektor and skala multiselects (keys ``<prefix>_sektor``, ``<prefix>_skala``).

    Returns
    -------
    tuple of list
        The chosen sector codes and size classes (empty = all).
    """
    lang = current_lang()
    sektor = st.multiselect(
        tr("filter.sektor"),
        list(SECTORS),
        key=f"{prefix}_sektor",
        placeholder=tr("filter.semua"),
        format_func=lambda c: category_label("sektor", c, lang),
    )
    skala = st.multiselect(
        tr("filter.skala"),
        list(SIZE_CLASSES),
        key=f"{prefix}_skala",
        placeholder=tr("filter.semua"),
        format_func=lambda c: category_label("skala", c, lang),
    )
    return sektor, skala


def demo_banner(store: Store | None = None) -> None:
    """Show the "Data contoh" banner when the store holds the demo data set (every page)."""
    store = store or get_store()
    if store.get_meta("dataset") == "demo":
        st.warning(tr("beranda.demo_banner"), icon=":material/science:")


def tr(key: str, **fmt: Any) -> str:
    """Translate a message key into the session's language (see :func:`geo.core.i18n.t`)."""
    return t(key, current_lang(), **fmt)


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store:
    return Store(url)


def get_store() -> Store:
    """Return the process-wide store for the current ``DATABASE_URL``."""
    return _store_for(settings.database_url())


def data_version(store: Store) -> str:
    """Return the cache key of stored data: ``meta.data_version``, bumped by every service.

    One cheap query per run. Every write goes through :mod:`geo.services`, which bumps the
    version in the write's own transaction, so a promoted sentra, a logged visit or an import
    is visible at the next run of any page, in every app process.
    """
    return store.get_meta("data_version") or "awal"


@st.cache_resource(show_spinner=False, ttl="10m", max_entries=4)
def _public_register(url: str, version: str) -> gpd.GeoDataFrame:
    # ``version`` is only part of the cache key.
    return strip_personal(_store_for(url).read_umkm())


@st.cache_resource(show_spinner=False, ttl="10m", max_entries=2)
def _full_register(url: str, version: str) -> gpd.GeoDataFrame:
    # ``version`` is only part of the cache key.
    return _store_for(url).read_umkm()


def register_for_role() -> gpd.GeoDataFrame:
    """Return the register as the session's role may see it (personal fields only if allowed).

    Like every register frame here, one frame shared by all sessions (``st.cache_resource``):
    read-only by contract, select into new frames (pandas copy-on-write keeps them apart).

    Roles of :data:`geo.core.access.PERSONAL_DATA_ROLES` get the full register; every other role
    gets :func:`public_register`, from which :func:`geo.core.register.strip_personal` removed them.
    """
    if sees_personal(current_role()):
        return _full_register(settings.database_url(), data_version(get_store()))
    return public_register()


def public_register() -> gpd.GeoDataFrame:
    """Return the UMKM register without personal fields, cached per data version.

    The cache key is the database URL and :func:`data_version`; entries also expire after
    ten minutes, so any write by another process shows up by then.
    """
    return _public_register(settings.database_url(), data_version(get_store()))


@st.cache_data(show_spinner=False, ttl="10m", max_entries=32)
def _register_counts(
    url: str,
    version: str,
    selection: Any,
    by: tuple[str, ...],
    status: tuple[str, ...] | None,
    cuts: tuple[Any, ...],
) -> pd.DataFrame:
    # ``version`` is only part of the cache key.
    return _store_for(url).umkm_counts(selection, by=by, status=status, tanggal_cuts=cuts)


def register_counts(
    selection: Any = None,
    *,
    by: tuple[str, ...] = ("kode_kelurahan", "sektor", "skala", "status"),
    status: tuple[str, ...] | None = None,
    tanggal_cuts: tuple[Any, ...] = (),
) -> pd.DataFrame:
    """Return the register given as counts (``Store.umkm_counts``), computed by the database.

    No row and no personal field leaves the database, only counts per kelurahan, sector,
    size, status (as ``by`` asks); cached per database, data version and arguments.
    ``selection`` is a ``geo.analysis.filters.RegisterFilter`` (None: every UMKM).
    """
    return _register_counts(
        settings.database_url(),
        data_version(get_store()),
        selection,
        tuple(by),
        None if status is None else tuple(status),
        tuple(tanggal_cuts),
    )


@st.cache_resource(show_spinner=False, ttl="10m", max_entries=16)
def _selected_register(
    url: str, version: str, selection: Any, status: tuple[str, ...] | None, personal: bool
) -> gpd.GeoDataFrame:
    # ``version`` is only part of the cache key. A resource, not data: every session shares
    # this one frame instead of unpickling its own copy (about 1 GB per session at 1,000,000
    # rows, issue 16), so callers must not change it (they filter into new frames).
    return _store_for(url).read_umkm_selected(selection, status=status, personal=personal)


def selected_register(
    selection: Any = None,
    *,
    status: tuple[str, ...] | None = None,
    personal: bool | None = None,
) -> gpd.GeoDataFrame:
    """Return only the UMKM of a filter, with the map's columns (``Store.read_umkm_selected``).

    The database filters: the session holds the rows of its filter, never the whole register.
    Personal fields are read only when ``personal`` (default: the session's role may see
    them, :func:`geo.core.access.sees_personal`) is true and the role allows it. Cached per
    database, data version, filter, status and ``personal``; one frame shared by every
    session, read-only by contract (select into a new frame, never assign into it).
    """
    allowed = sees_personal(current_role())
    wanted = allowed if personal is None else personal and allowed
    return _selected_register(
        settings.database_url(),
        data_version(get_store()),
        selection,
        None if status is None else tuple(status),
        wanted,
    )


def clear_data_caches() -> None:
    """Forget cached data after this app wrote to the store."""
    _public_register.clear()
    _full_register.clear()
    _register_counts.clear()
    _selected_register.clear()


def report_failure(exc: BaseException, what: str) -> str:
    """Log an unexpected failure with a reference and show the visitor only that reference.

    Nobody sees a traceback or a server path: the full exception goes to the server log under
    a short random reference, which the page shows so that an admin can find it.

    Parameters
    ----------
    exc
        The exception.
    what
        What was being done, for the log (English).

    Returns
    -------
    str
        The reference shown and logged.
    """
    ref = uuid.uuid4().hex[:8]
    _LOG.error("%s failed (ref %s)", what, ref, exc_info=exc)
    return ref


def localized_chart(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Give an Altair chart the session language's number and date formats."""
    return chart.configure(locale=chart_locale(current_lang()))


def _leave_pages_folder_mode() -> None:
    """Make a fresh server run app.py even when its first visitor opens a sub-path.

    Because this folder is called ``pages/``, Streamlit starts in its old multipage mode: until
    some session has called ``st.navigation``, a request for e.g. ``/sentra_publik`` runs that
    script directly, without app.py (no role check, no language selector, and a menu listing
    every file here). A page imports this module first, so switching the mode off here and
    rerunning serves that first visitor through app.py like everyone else.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


_leave_pages_folder_mode()
