"""The visit log: validated visit records, and the history per kelurahan and per sentra.

A visit (:data:`geo.core.register.VISIT_COLUMNS`) records who went where and when, which of the
Sahabat UMKM program's support areas the business or sentra needs (:data:`KEBUTUHAN`), notes,
and an optional follow-up date. :func:`build_visit` turns a filled-in form
(:class:`VisitInput`) into one row, checking every field against the boundaries, the sentra
list and the register; the page then stores it with :meth:`geo.store.Store.add_visits` (one
transaction). Form values are read in the one vocabulary of :mod:`geo.core.rows`: empty
text (only spaces) counts as not given, and dates may be given as dates or as text
:func:`geo.core.rows.parse_date` reads (``27/11/2026``, ``2026-11-27``, ``27 Nov 2026``).

Every visit gets the ``kode_kelurahan`` of what was visited (a sentra's or a business's own
kelurahan when only those are given), so :func:`geo.analysis.coverage.coverage` counts it as the
kelurahan's latest visit and the visit priority drops at once.

Several officers on one visit are stored in ``petugas`` joined by :data:`OFFICER_SEPARATOR`.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from geo.core.register import KEBUTUHAN, VISIT_COLUMNS
from geo.core.rows import choices_text, is_blank, optional_text, parse_date

__all__ = [
    "MAX_NOTE_LENGTH",
    "OFFICER_SEPARATOR",
    "VisitError",
    "VisitInput",
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
    if is_blank(value):
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = {text for s in items if (text := optional_text(s)) is not None}
    unknown = sorted(codes - set(KEBUTUHAN))
    if unknown:
        raise VisitError(
            "kebutuhan",
            f"kode tidak dikenal: {choices_text(unknown)} (pilihan: {choices_text(KEBUTUHAN)})",
        )
    return [c for c in KEBUTUHAN if c in codes]


@dataclass(frozen=True, kw_only=True)
class VisitInput:
    """A filled-in visit form, as the officer typed it; :func:`build_visit` checks it.

    Attributes
    ----------
    tanggal
        Day of the visit: a date, or text :func:`geo.core.rows.parse_date` reads
        (``"27/11/2026"``, ``"2026-11-27"``); None when not filled in.
    petugas
        The officers who went (names or Sahabat UMKM ids), a list or text joined by ``;``.
    kode_kelurahan, sentra_id, umkm_id
        What was visited: at least one. Empty text counts as not given.
    kebutuhan
        Support-area codes found (:data:`KEBUTUHAN`); may be empty.
    catatan
        Free-text notes.
    tindak_lanjut
        Follow-up date (a date or text, as ``tanggal``); None or empty for none.
    """

    tanggal: datetime.date | str | None
    petugas: Sequence[str] | str = ()
    kode_kelurahan: str | None = None
    sentra_id: str | None = None
    umkm_id: str | None = None
    kebutuhan: Iterable[str] = ()
    catatan: str = ""
    tindak_lanjut: datetime.date | str | None = None


def build_visit(
    form: VisitInput,
    *,
    today: datetime.date,
    kelurahan: pd.DataFrame,
    sentra: pd.DataFrame | None = None,
    register: pd.DataFrame | None = None,
    visit_id: str | None = None,
) -> pd.DataFrame:
    """Check a filled-in visit form and return it as one visit row.

    The fields are checked in form order and the first problem is raised: ``tanggal`` (given,
    a date, not after ``today``), ``petugas`` (at least one), the target (at least one of
    kelurahan, sentra and business; a sentra or business fills in its own kelurahan, and a
    business its sentra; a stated kelurahan or sentra that contradicts it is refused; the
    kelurahan must be one of ``kelurahan``), ``kebutuhan`` (known codes), ``catatan`` (at most
    :data:`MAX_NOTE_LENGTH` characters) and ``tindak_lanjut`` (a date, not before
    ``tanggal``).

    Parameters
    ----------
    form
        The form as typed.
    today
        Today's date (the caller's clock, so the function stays pure).
    kelurahan
        The kelurahan layer or any table with a ``kode`` column (valid kode); any CRS.
    sentra
        Sentra table (``id``, ``kode_kelurahan``), needed with ``form.sentra_id``.
    register
        Register rows (``id``, ``kode_kelurahan``, ``sentra_id``), needed with
        ``form.umkm_id``.
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
    tanggal = _visit_date(form.tanggal, today=today)
    officers = split_officers(form.petugas)
    if not officers:
        raise VisitError("petugas", "isi minimal satu petugas")
    kode, sid, uid = _targets(form, kelurahan=kelurahan, sentra=sentra, register=register)
    needs = parse_kebutuhan(list(form.kebutuhan))
    note = _note(form.catatan)
    follow = _follow_up(form.tindak_lanjut, tanggal=tanggal)
    row = {
        "id": visit_id or new_visit_id(tanggal),
        "tanggal": pd.Timestamp(tanggal),
        "petugas": OFFICER_SEPARATOR.join(officers),
        "kode_kelurahan": kode,
        "sentra_id": sid,
        "umkm_id": uid,
        "kebutuhan": ",".join(needs) if needs else None,
        "catatan": note or None,
        "tindak_lanjut": pd.Timestamp(follow) if follow else pd.NaT,
    }
    out = pd.DataFrame({c: [row[c]] for c in VISIT_COLUMNS})
    return out.astype(VISIT_COLUMNS)


def _visit_date(value: object, *, today: datetime.date) -> datetime.date:
    """Read the day of the visit: given, a date (:func:`~geo.core.rows.parse_date`), not future."""
    if is_blank(value):
        raise VisitError("tanggal", "tanggal kunjungan wajib diisi")
    tanggal = parse_date(value)
    if tanggal is None:
        raise VisitError("tanggal", f"{value!r} bukan tanggal (tulis DD/MM/YYYY)")
    if tanggal > today:
        raise VisitError(
            "tanggal", f"tanggal kunjungan {tanggal:%d/%m/%Y} sesudah hari ini ({today:%d/%m/%Y})"
        )
    return tanggal


def _follow_up(value: object, *, tanggal: datetime.date) -> datetime.date | None:
    """Read the follow-up date, None when empty; not before the visit."""
    if is_blank(value):
        return None
    follow = parse_date(value)
    if follow is None:
        raise VisitError("tindak_lanjut", f"{value!r} bukan tanggal (tulis DD/MM/YYYY)")
    if follow < tanggal:
        raise VisitError(
            "tindak_lanjut",
            f"tanggal tindak lanjut {follow:%d/%m/%Y} sebelum tanggal kunjungan",
        )
    return follow


def _note(catatan: str | None) -> str:
    """Return the stripped note, at most :data:`MAX_NOTE_LENGTH` characters."""
    note = optional_text(catatan) or ""
    if len(note) > MAX_NOTE_LENGTH:
        raise VisitError(
            "catatan", f"catatan {len(note):,} karakter; paling banyak {MAX_NOTE_LENGTH:,}"
        )
    return note


def _targets(
    form: VisitInput,
    *,
    kelurahan: pd.DataFrame,
    sentra: pd.DataFrame | None,
    register: pd.DataFrame | None,
) -> tuple[str, str | None, str | None]:
    """Return (kode_kelurahan, sentra_id, umkm_id) of the visit, checked and filled in."""
    kode = optional_text(form.kode_kelurahan)
    sid = optional_text(form.sentra_id)
    uid = optional_text(form.umkm_id)
    if kode is None and sid is None and uid is None:
        raise VisitError("sasaran", "pilih kelurahan, sentra, atau UMKM yang dikunjungi")
    if uid is not None:
        kode, sid = _business_target(uid, kode=kode, sid=sid, register=register)
    if sid is not None:
        kode = _sentra_kelurahan(sid, kode=kode, sentra=sentra)
    if kode is None or kode not in set(kelurahan["kode"].astype(str)):
        raise VisitError("kode_kelurahan", f"{kode!r} bukan kode kelurahan Kota Malang")
    return kode, sid, uid


def _business_target(
    uid: str, *, kode: str | None, sid: str | None, register: pd.DataFrame | None
) -> tuple[str | None, str | None]:
    """Return the business's own kelurahan and sentra; refuse a stated one that differs."""
    if register is None or "id" not in register:
        raise VisitError("umkm_id", "register UMKM tidak tersedia untuk memeriksa id")
    rows = register[register["id"].astype(str) == uid]
    if rows.empty:
        raise VisitError("umkm_id", f"UMKM {uid!r} tidak ada di register")
    own_kode = optional_text(rows["kode_kelurahan"].iloc[0])
    own_sentra = optional_text(rows["sentra_id"].iloc[0]) if "sentra_id" in rows else None
    if own_kode is not None:
        if kode is not None and kode != own_kode:
            raise VisitError(
                "kode_kelurahan", f"UMKM {uid} berada di kelurahan {own_kode}, bukan {kode}"
            )
        kode = own_kode
    if own_sentra is None:
        if sid is not None:
            raise VisitError("sentra_id", f"UMKM {uid} bukan anggota sentra {sid}")
        return kode, None
    if sid is not None and sid != own_sentra:
        raise VisitError("sentra_id", f"UMKM {uid} anggota sentra {own_sentra}, bukan {sid}")
    return kode, own_sentra


def _sentra_kelurahan(sid: str, *, kode: str | None, sentra: pd.DataFrame | None) -> str:
    """Return the sentra's own kelurahan; refuse a stated one that differs."""
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
    return own_kode


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
