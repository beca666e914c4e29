"""The visit log: validated visit records, and the history per kelurahan and per sentra.

A visit (:data:`geo.core.register.VISIT_COLUMNS`) records who went where and when, which of the
Sahabat UMKM program's support areas the business or sentra needs (:data:`KEBUTUHAN`), notes,
and an optional follow-up date. :func:`build_visit` turns a filled-in form into one row,
checking every field against the boundaries, the sentra list and the register; the page then
stores it with :meth:`geo.store.Store.add_visits` (one transaction).

Every visit gets the ``kode_kelurahan`` of what was visited (a sentra's or a business's own
kelurahan when only those are given), so :func:`geo.analysis.coverage.coverage` counts it as the
kelurahan's latest visit and the visit priority drops at once.

Several officers on one visit are stored in ``petugas`` joined by :data:`OFFICER_SEPARATOR`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from geo.core.register import KEBUTUHAN, VISIT_COLUMNS

__all__ = [
    "MAX_NOTE_LENGTH",
    "OFFICER_SEPARATOR",
    "VisitError",
    "build_visit",
    "needs_counts",
    "new_visit_id",
    "parse_kebutuhan",
    "split_officers",
    "visit_history",
]

#: Joins several officers of one visit in the ``petugas`` column.
OFFICER_SEPARATOR = "; "
#: Longest note accepted, in characters (a page of text).
MAX_NOTE_LENGTH = 4_000


class VisitError(ValueError):
    """A visit form cannot be saved; ``field`` names the form field at fault.

    Parameters
    ----------
    field
        ``tanggal``, ``petugas``, ``sasaran``, ``kode_kelurahan``, ``sentra_id``, ``umkm_id``,
        ``kebutuhan``, ``catatan`` or ``tindak_lanjut``.
    message
        What is wrong, in Bahasa Indonesia.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def new_visit_id(tanggal: datetime.date) -> str:
    """Return a new visit id, ``KJ-YYYYMMDD-xxxxxxxx`` (8 random hex digits)."""
    return f"KJ-{tanggal:%Y%m%d}-{uuid.uuid4().hex[:8]}"


def split_officers(value: str | Sequence[str] | None) -> list[str]:
    """Return the officers of a form value or stored ``petugas``, stripped, in order, unique.

    Examples
    --------
    >>> split_officers("SU-001; Budi ;SU-001")
    ['SU-001', 'Budi']
    """
    if value is None:
        return []
    items = value.split(OFFICER_SEPARATOR.strip()) if isinstance(value, str) else list(value)
    return list(dict.fromkeys(s.strip() for s in items if s and s.strip()))


def parse_kebutuhan(value: str | Iterable[str] | None) -> list[str]:
    """Return the support-area codes of a stored ``kebutuhan`` (comma-separated) or a list.

    Codes come back in :data:`KEBUTUHAN` order, without repeats; unknown codes raise
    :class:`VisitError`.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = {s.strip() for s in items if s and s.strip()}
    unknown = sorted(codes - set(KEBUTUHAN))
    if unknown:
        raise VisitError(
            "kebutuhan",
            f"kode tidak dikenal: {', '.join(unknown)} (pilihan: {', '.join(KEBUTUHAN)})",
        )
    return [c for c in KEBUTUHAN if c in codes]


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, str) and not value.strip())


def build_visit(
    *,
    tanggal: datetime.date,
    petugas: Sequence[str],
    today: datetime.date,
    kelurahan: pd.DataFrame,
    kode_kelurahan: str | None = None,
    sentra_id: str | None = None,
    umkm_id: str | None = None,
    kebutuhan: Iterable[str] = (),
    catatan: str = "",
    tindak_lanjut: datetime.date | None = None,
    sentra: pd.DataFrame | None = None,
    register: pd.DataFrame | None = None,
    visit_id: str | None = None,
) -> pd.DataFrame:
    """Check a filled-in visit form and return it as one visit row.

    Parameters
    ----------
    tanggal
        Day of the visit; not after ``today``.
    petugas
        The officers who went (names or Sahabat UMKM ids), at least one.
    today
        Today's date (the caller's clock, so the function stays pure).
    kelurahan
        The kelurahan layer or any table with a ``kode`` column (valid kode).
    kode_kelurahan, sentra_id, umkm_id
        What was visited: at least one. A sentra or business fills in its own kelurahan (and
        a business its sentra); a stated kelurahan or sentra that contradicts it is refused.
    kebutuhan
        Support-area codes found (:data:`KEBUTUHAN`); may be empty.
    catatan
        Notes, at most :data:`MAX_NOTE_LENGTH` characters.
    tindak_lanjut
        Follow-up date, not before ``tanggal``; None for none.
    sentra
        Sentra table (``id``, ``kode_kelurahan``), needed with ``sentra_id``.
    register
        Register rows (``id``, ``kode_kelurahan``, ``sentra_id``), needed with ``umkm_id``.
    visit_id
        The row's id; :func:`new_visit_id` by default.

    Returns
    -------
    pandas.DataFrame
        One row with the columns and dtypes of :data:`geo.core.register.VISIT_COLUMNS`;
        ``kebutuhan`` as comma-separated codes in :data:`KEBUTUHAN` order, ``petugas``
        joined by :data:`OFFICER_SEPARATOR`, empty text as missing.

    Raises
    ------
    VisitError
        The first problem found, with the field it concerns.
    """
    if not isinstance(tanggal, datetime.date):
        raise VisitError("tanggal", "tanggal kunjungan wajib diisi")
    if isinstance(tanggal, datetime.datetime):
        tanggal = tanggal.date()
    if tanggal > today:
        raise VisitError(
            "tanggal", f"tanggal kunjungan {tanggal:%d/%m/%Y} sesudah hari ini ({today:%d/%m/%Y})"
        )
    officers = split_officers(petugas)
    if not officers:
        raise VisitError("petugas", "isi minimal satu petugas")
    if _blank(kode_kelurahan) and _blank(sentra_id) and _blank(umkm_id):
        raise VisitError("sasaran", "pilih kelurahan, sentra, atau UMKM yang dikunjungi")
    kode = None if _blank(kode_kelurahan) else str(kode_kelurahan).strip()
    sid = None if _blank(sentra_id) else str(sentra_id).strip()
    uid = None if _blank(umkm_id) else str(umkm_id).strip()

    if uid is not None:
        if register is None or "id" not in register:
            raise VisitError("umkm_id", "register UMKM tidak tersedia untuk memeriksa id")
        rows = register[register["id"].astype(str) == uid]
        if rows.empty:
            raise VisitError("umkm_id", f"UMKM {uid!r} tidak ada di register")
        own_kode = rows["kode_kelurahan"].iloc[0]
        own_sentra = rows["sentra_id"].iloc[0] if "sentra_id" in rows else None
        if not _blank(own_kode):
            if kode is not None and kode != own_kode:
                raise VisitError(
                    "kode_kelurahan", f"UMKM {uid} berada di kelurahan {own_kode}, bukan {kode}"
                )
            kode = str(own_kode)
        if not _blank(own_sentra):
            if sid is not None and sid != own_sentra:
                raise VisitError(
                    "sentra_id", f"UMKM {uid} anggota sentra {own_sentra}, bukan {sid}"
                )
            sid = str(own_sentra)
        elif sid is not None:
            raise VisitError("sentra_id", f"UMKM {uid} bukan anggota sentra {sid}")
    if sid is not None:
        if sentra is None or "id" not in sentra:
            raise VisitError("sentra_id", "daftar sentra tidak tersedia untuk memeriksa id")
        rows = sentra[sentra["id"].astype(str) == sid]
        if rows.empty:
            raise VisitError("sentra_id", f"sentra {sid!r} tidak dikenal")
        own_kode = str(rows["kode_kelurahan"].iloc[0])
        if kode is not None and kode != own_kode:
            raise VisitError(
                "kode_kelurahan", f"sentra {sid} berada di kelurahan {own_kode}, bukan {kode}"
            )
        kode = own_kode
    if kode is None or kode not in set(kelurahan["kode"].astype(str)):
        raise VisitError("kode_kelurahan", f"{kode!r} bukan kode kelurahan Kota Malang")

    needs = parse_kebutuhan(list(kebutuhan))
    note = (catatan or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise VisitError(
            "catatan", f"catatan {len(note):,} karakter; paling banyak {MAX_NOTE_LENGTH:,}"
        )
    if tindak_lanjut is not None and tindak_lanjut < tanggal:
        raise VisitError(
            "tindak_lanjut",
            f"tanggal tindak lanjut {tindak_lanjut:%d/%m/%Y} sebelum tanggal kunjungan",
        )
    row = {
        "id": visit_id or new_visit_id(tanggal),
        "tanggal": pd.Timestamp(tanggal),
        "petugas": OFFICER_SEPARATOR.join(officers),
        "kode_kelurahan": kode,
        "sentra_id": sid,
        "umkm_id": uid,
        "kebutuhan": ",".join(needs) if needs else None,
        "catatan": note or None,
        "tindak_lanjut": pd.Timestamp(tindak_lanjut) if tindak_lanjut else pd.NaT,
    }
    out = pd.DataFrame({c: [row[c]] for c in VISIT_COLUMNS})
    return out.astype(VISIT_COLUMNS)


def visit_history(
    visits: pd.DataFrame,
    *,
    kode_kelurahan: str | None = None,
    sentra_id: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Return the visits to one kelurahan or one sentra, newest first.

    Parameters
    ----------
    visits
        The visit log (:data:`geo.core.register.VISIT_COLUMNS`).
    kode_kelurahan
        Visits whose ``kode_kelurahan`` is this kode: to the kelurahan itself and to the
        sentra and businesses in it.
    sentra_id
        Visits to this sentra (and to its member businesses, as recorded).
    limit
        At most this many rows.

    Returns
    -------
    pandas.DataFrame
        The matching rows, same columns, sorted by ``tanggal`` then ``id`` descending.

    Raises
    ------
    ValueError
        Neither or both of ``kode_kelurahan`` and ``sentra_id`` given.
    """
    if (kode_kelurahan is None) == (sentra_id is None):
        raise ValueError("give exactly one of kode_kelurahan and sentra_id")
    if kode_kelurahan is not None:
        mask = visits["kode_kelurahan"].astype("string") == kode_kelurahan
    else:
        mask = visits["sentra_id"].astype("string") == sentra_id
    rows = visits[mask.fillna(False).to_numpy(dtype=bool)]
    rows = rows.sort_values(["tanggal", "id"], ascending=False, kind="mergesort")
    if limit is not None:
        rows = rows.head(limit)
    return rows.reset_index(drop=True)


def needs_counts(visits: pd.DataFrame) -> pd.Series:
    """Count how often each support area was found in ``visits``.

    Returns
    -------
    pandas.Series
        Index :data:`KEBUTUHAN` codes (all seven, in order), values int64 counts.
    """
    counts = dict.fromkeys(KEBUTUHAN, 0)
    for value in visits["kebutuhan"].dropna():
        for code in str(value).split(","):
            code = code.strip()
            if code in counts:
                counts[code] += 1
    return pd.Series(counts, dtype="int64", name="jumlah")
