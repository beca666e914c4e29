"""Roles and which pages each role may open.

Roles: ``publik`` (default, no login), ``perencana`` (planner), ``pimpinan`` (leadership),
``admin`` (data and users) and ``petugas`` (Sahabat UMKM and field officers: only the routes
assigned to them, on "Kunjungan saya"). A page not listed for a role is not shown to it in the
navigation, and a page script refuses to render for a role that may not open it (see
:func:`can_open`), so typing a page's URL does not get around the menu.
"""

from __future__ import annotations

__all__ = [
    "HOME_PAGE",
    "PAGE_ACCESS",
    "PERSONAL_DATA_ROLES",
    "ROLES",
    "can_open",
    "home_page",
    "pages_for",
    "sees_personal",
]

ROLES: tuple[str, ...] = ("publik", "perencana", "pimpinan", "admin", "petugas")

_OFFICERS = frozenset({"perencana", "pimpinan", "admin"})

#: Page id (the script's stem under pages/) -> roles that may open it.
PAGE_ACCESS: dict[str, frozenset[str]] = {
    "beranda": frozenset(ROLES),
    "peta": _OFFICERS,
    "dasbor": frozenset({"pimpinan", "admin"}),
    "perencanaan": frozenset({"perencana", "admin"}),
    "klaster": _OFFICERS,
    "sentra_publik": frozenset(ROLES),
    "data": frozenset({"perencana", "admin"}),
    "admin": frozenset({"admin"}),
    # Routes assigned to the signed-in account; planners and admins may drive routes too.
    "kunjungan_saya": frozenset({"petugas", "perencana", "admin"}),
    "masuk": frozenset({"publik"}),
}


#: Roles that may see an UMKM's personal fields (pemilik, telepon, alamat): the planners and
#: admins who visit and serve the businesses. Leadership works with aggregates.
PERSONAL_DATA_ROLES: frozenset[str] = frozenset({"perencana", "admin"})


def sees_personal(role: str) -> bool:
    """Return True when ``role`` may see personal fields of individual UMKM."""
    return role in PERSONAL_DATA_ROLES


def pages_for(role: str) -> list[str]:
    """Return the page ids a role may open, in navigation order."""
    return [page for page, roles in PAGE_ACCESS.items() if role in roles]


#: The page a role lands on when it signs in or opens the app's root, where it is not the first
#: page of its menu: a field officer opens the app to drive today's route.
HOME_PAGE: dict[str, str] = {"petugas": "kunjungan_saya"}


def home_page(role: str) -> str:
    """Return the page ``role`` lands on: :data:`HOME_PAGE`, else the first page it may open."""
    return HOME_PAGE.get(role) or pages_for(role)[0]


def can_open(role: str, page: str) -> bool:
    """Return True when ``role`` may open ``page`` (unknown pages and roles: False)."""
    return role in PAGE_ACCESS.get(page, frozenset())
