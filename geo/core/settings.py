"""One place for paths, coordinate reference systems, thresholds and URLs.

Every other module reads its configuration from here, so a deployment changes one file (or a
few environment variables) and nothing else.

Environment variables
---------------------
DATABASE_URL
    Any SQLAlchemy URL. Default: the embedded SQLite file ``data/umkm.sqlite``.
PETA_UMKM_LANG
    Default UI language, ``id`` (Bahasa Indonesia) or ``en``.
PETA_UMKM_OFFLINE_ASSETS
    ``1`` (default) serves Leaflet and its plugins from the app's own static files (``static/``,
    vendored from npm), so maps work on city intranets without internet and citizens' browsers
    ask no third-party CDN; ``0`` loads them from CDNs.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "ASSET_BASE_URL",
    "BOUNDARIES_LICENSE_PATH",
    "BOUNDARIES_PATH",
    "BOUNDARIES_SOURCE_PATH",
    "CITY_KODE",
    "CLIENT_MAX_FAILURES",
    "CRS_METRIC",
    "CRS_STORAGE",
    "CURATED_EARLIER",
    "CURATED_NOW",
    "CURATED_TARGET",
    "DATA_DIR",
    "DEFAULT_DB_PATH",
    "DEFAULT_LANG",
    "DEMO_SEED",
    "KECAMATAN_NAMES",
    "KELURAHAN_ASSIGN_TOLERANCE_M",
    "LOGIN_LOCK_MINUTES",
    "LOGIN_MAX_FAILURES",
    "NAME_MATCH_MIN_SCORE",
    "OFFICES_PATH",
    "PASSWORD_MIN_LENGTH",
    "PASSWORD_MIN_SCORE",
    "PROJECT_ROOT",
    "PUBLIC_MIN_CELL",
    "SENTRA_PATH",
    "SESSION_IDLE_MINUTES",
    "SESSION_MAX_HOURS",
    "SOURCE_MAX_COLUMNS",
    "SPREADSHEET_MAX_CELLS",
    "SPREADSHEET_MAX_EXPANDED_BYTES",
    "SPREADSHEET_READER_MEMORY_BYTES",
    "SPREADSHEET_READER_TIMEOUT_S",
    "UPSTREAM_ATTRIBUTION",
    "UPSTREAM_COMMIT",
    "UPSTREAM_SHA256",
    "UPSTREAM_URL",
    "client_ip_header",
    "database_url",
    "offline_assets",
]

PROJECT_ROOT: Path = Path(__file__).resolve().parents[2]
DATA_DIR: Path = PROJECT_ROOT / "data"

# --- Coordinate reference systems -------------------------------------------------------
#: Storage and display: WGS 84 longitude/latitude.
CRS_STORAGE = "EPSG:4326"
#: Metric work (areas, distances, buffers): WGS 84 / UTM zone 49S, which covers Kota Malang.
CRS_METRIC = "EPSG:32749"

# --- Official boundaries (upstream: cahyadsn/wilayah_boundaries, MIT) ------------------------
CITY_KODE = "35.73"
UPSTREAM_COMMIT = "3c5a7960f4d227a38489094d84252bdbb3f978a5"
UPSTREAM_URL = (
    "https://raw.githubusercontent.com/cahyadsn/wilayah_boundaries/"
    f"{UPSTREAM_COMMIT}/db/kel/35/wilayah_boundaries_kel_35.73.sql"
)
UPSTREAM_SHA256 = "83e6db7591099c9b3019d21c90153affc22ada974b9214725ecb64de0a8adfa6"
UPSTREAM_ATTRIBUTION = "Batas wilayah: cahyadsn/wilayah_boundaries (MIT)"

#: The shipped, converted kelurahan layer (written by ``python -m geo boundaries build``).
BOUNDARIES_PATH: Path = DATA_DIR / "kelurahan_kota_malang.geojson"
#: Provenance of the shipped layer: source URL, commit, sha256.
BOUNDARIES_SOURCE_PATH: Path = DATA_DIR / "kelurahan_kota_malang.source.json"
#: The upstream MIT notice, shipped beside the converted layer.
BOUNDARIES_LICENSE_PATH: Path = DATA_DIR / "LICENSE.wilayah_boundaries"

#: Kecamatan of Kota Malang by kode (Kepmendagri No 300.2.2-2430 Tahun 2025).
KECAMATAN_NAMES: dict[str, str] = {
    "35.73.01": "Blimbing",
    "35.73.02": "Klojen",
    "35.73.03": "Kedungkandang",
    "35.73.04": "Sukun",
    "35.73.05": "Lowokwaru",
}

#: A point outside every kelurahan polygon but this close (metres, EPSG:32749) to one is
#: given the nearest. The upstream polygons are simplified: they leave ~200 slivers between
#: neighbours (0.07 km² in all, largest ~4,400 m²) whose every interior point lies within
#: 5.5 m of a polygon (largest inscribed circle, measured). 25 m closes every sliver with a
#: margin and forgives a GPS fix a few metres past the city edge, while a point 25 m or more
#: beyond the edge is reported as outside Kota Malang with its distance.
KELURAHAN_ASSIGN_TOLERANCE_M = 25.0

#: Minimum rapidfuzz ratio (0-100) for a misspelt kelurahan name to be accepted. Below it a
#: name is rejected rather than forced onto a near match ("Kademangan" is not "Kedungkandang").
NAME_MATCH_MIN_SCORE = 85.0

# --- Project data written by us --------------------------------------------------------------
SENTRA_PATH: Path = DATA_DIR / "sentra.csv"
OFFICES_PATH: Path = DATA_DIR / "kantor.csv"
DEFAULT_DB_PATH: Path = DATA_DIR / "umkm.sqlite"

# --- Program figures (Pemkot Malang news on the Sahabat UMKM program; see ../shared FACTS) ---
CURATED_EARLIER = 19_000
CURATED_NOW = 21_270
CURATED_TARGET = 30_000
DEMO_SEED = 35_73

DEFAULT_LANG = os.environ.get("PETA_UMKM_LANG", "id")

# --- Login and sessions (geo/services/auth.py) ----------------------------------------------------
#: Consecutive failed logins that lock an account for a while (a hard lock: only time or an
#: admin's "buka kunci" ends it). Higher than the per-client limit below, so one client guessing
#: is slowed long before it can lock an officer out.
LOGIN_MAX_FAILURES = 10
#: Failed logins from one client (IP address, across browser tabs and sessions) within
#: LOGIN_LOCK_MINUTES after which that client waits (OWASP: throttle before locking).
CLIENT_MAX_FAILURES = 3
#: Minimum zxcvbn score (0-4) of a new password: 3 = "safely unguessable" (NIST 800-63B asks
#: to refuse common and easily guessed passwords; zxcvbn checks its frequency lists).
PASSWORD_MIN_SCORE = 3
#: How long such a lock lasts, in minutes.
LOGIN_LOCK_MINUTES = 15
#: A signed-in session ends after this many minutes without any interaction ...
SESSION_IDLE_MINUTES = 30
#: ... and in any case this many hours after signing in.
SESSION_MAX_HOURS = 8
#: Minimum password length (NIST SP 800-63B: at least 8; long passphrases welcome).
PASSWORD_MIN_LENGTH = 10
#: Public aggregates: a count below this is shown as "<5" (small-cell suppression).
PUBLIC_MIN_CELL = 5

# --- Spreadsheet uploads (geo/ingest/readers.py) --------------------------------------------------
#: Largest sheet accepted, in cells of its used rectangle (rows x columns, first used cell to
#: last). 5 million cells hold a register of 100,000 rows x 50 columns; a workbook that claims
#: A1:XFD1048576 (17 billion cells) is refused before it is read.
SPREADSHEET_MAX_CELLS = 5_000_000
#: Largest total uncompressed size of an XLSX/ODS archive's members, in bytes (zip bombs).
SPREADSHEET_MAX_EXPANDED_BYTES = 512 * 1024 * 1024
#: Address-space limit of the child process that parses a spreadsheet, in bytes: an
#: allocation beyond it fails inside the child, never in the app's own process.
SPREADSHEET_READER_MEMORY_BYTES = 3 * 1024 * 1024 * 1024
#: Wall-clock limit of that child process, in seconds.
SPREADSHEET_READER_TIMEOUT_S = 300.0
#: Most columns a register file (CSV, spreadsheet, GeoJSON/GeoPackage attributes) may have in
#: its header row. The register has 16 columns and the city's spreadsheets a few dozen; a
#: header wider than this is refused with a clear message before the rows are read.
SOURCE_MAX_COLUMNS = 500


def database_url() -> str:
    """Return the store's SQLAlchemy URL: ``DATABASE_URL`` or the embedded SQLite file."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


#: URL prefix under which Streamlit serves ``static/`` (a link to ``geo/static``) when
#: ``server.enableStaticServing`` is on. Root-absolute because streamlit-folium runs the map in
#: an iframe under ``/component/...``; behind ``server.baseUrlPath = "x"`` use ``/x/app/static/``.
ASSET_BASE_URL = os.environ.get("PETA_UMKM_ASSET_BASE_URL", "/app/static/")


def client_ip_header() -> str | None:
    """Return the request header holding the client's IP behind a trusted proxy, or None.

    ``PETA_UMKM_CLIENT_IP_HEADER`` (e.g. ``X-Real-IP``); unset: the connection's own address.
    """
    return os.environ.get("PETA_UMKM_CLIENT_IP_HEADER") or None


def offline_assets() -> bool:
    """Return True when Leaflet assets must come from the app's static files, not CDNs."""
    return os.environ.get("PETA_UMKM_OFFLINE_ASSETS", "1").lower() in {"1", "true", "yes"}


#: Check-in at a plan stop ("Kunjungan saya"): a position farther than this from the stop, in
#: metres (WGS 84 geodesic distance), is allowed but marked on the visit.
CHECKIN_RADIUS_M = 300.0
#: A browser position whose reported accuracy (m, 95 % radius) is worse than this is flagged
#: as imprecise next to the distance.
CHECKIN_ACCURACY_WARN_M = 100.0
#: Visit photos: longest side after downscaling (px) and JPEG quality (1-95).
PHOTO_MAX_SIDE_PX = 1280
PHOTO_JPEG_QUALITY = 80
#: Largest upload accepted (bytes) and largest decoded image (pixels): a phone photo is about
#: 12-50 megapixels; anything larger is refused before it is decoded (decompression bombs).
PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTO_MAX_PIXELS = 60_000_000

#: Browser sessions (issue 17): the HttpOnly cookie that keeps a login across reloads and tabs.
SESSION_COOKIE_NAME = "peta_umkm_sesi"
#: A session's last-seen time is written at most this often (s); the idle limit is
#: :data:`SESSION_IDLE_MINUTES`, so a minute of imprecision is harmless.
SESSION_TOUCH_SECONDS = 60
#: Lifetime (s) of the single-use ticket a page exchanges for the cookie after a login.
SESSION_TICKET_SECONDS = 60
#: Demo accounts (``geo demo`` on a store holding only demo data): username -> role.
DEMO_ACCOUNTS: dict[str, str] = {
    "demo-admin": "admin",
    "demo-perencana": "perencana",
    "demo-pimpinan": "pimpinan",
    "demo-petugas": "petugas",
}


def session_secret_env() -> str | None:
    """Return ``PETA_UMKM_SESSION_SECRET`` (the cookie-signing secret), or None when unset.

    Unset, a random secret is generated once and kept in the store's ``meta`` table (never
    in backups). Set it (32+ random characters) when several app servers share one database
    and must not depend on the store for it.
    """
    value = os.environ.get("PETA_UMKM_SESSION_SECRET", "").strip()
    return value or None


#: Visit routing (geo/planning/routing.py): how the first routes are made before OR-Tools'
#: guided local search improves them, ``"ortools"`` (OR-Tools' own first solution) or
#: ``"vroom"`` (VROOM, pyvroom; bench/routing.py and docs/notes/routing.md compare them).
ROUTING_SOLVER = "vroom"


def routing_solver() -> str:
    """Return ``PETA_UMKM_ROUTING_SOLVER`` (``ortools`` or ``vroom``), or :data:`ROUTING_SOLVER`.

    Read at each call, so a deployment (or a test) can switch without a restart of the module.
    """
    return os.environ.get("PETA_UMKM_ROUTING_SOLVER", "").strip() or ROUTING_SOLVER
