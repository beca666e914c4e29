"""Log a visit: the visit row, its audit entry and a new data version, in one transaction.

The row is built and validated by :func:`geo.analysis.visits.build_visit` (the visit form of
Perencanaan Kunjungan and of "Kunjungan saya"); this module only writes it. The kelurahan's
priority uses the visit at the next run of any page, because the pages' caches key on the data
version.

:func:`log_field_visit` is the officer's visit at a plan stop ("Kunjungan saya"): idempotent
by the form's key (a submit repeated after a dropped connection returns the stored visit and
writes nothing), with the check-in position and distance, the optional photo, and the stop
marked ``selesai``, all in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo.analysis.checkin import CheckIn
from geo.core import audit
from geo.core.register import VISIT_COLUMNS
from geo.ingest.photo import Photo
from geo.store import Store

__all__ = ["FieldVisit", "FieldVisitError", "SavedVisit", "log_field_visit", "log_visit"]

# An idempotency key: what :func:`uuid.uuid4` (hex or with dashes) and similar ids look like.
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
# The target column of a visit for each kind of plan stop.
_STOP_TARGET = {"umkm": "umkm_id", "sentra": "sentra_id", "kelurahan": "kode_kelurahan"}
# Roles that may close any stop (planners driving a route themselves).
_PLANNER_ROLES = frozenset({"perencana", "admin"})


def log_visit(store: Store, visit: pd.DataFrame, *, user: str) -> str:
    """Store one visit, audited, and bump the data version.

    Parameters
    ----------
    store
        The store.
    visit
        One row with the columns of :data:`geo.core.register.VISIT_COLUMNS`, as from
        :func:`geo.analysis.visits.build_visit`.
    user
        Who logs the visit, for the audit log.

    Returns
    -------
    str
        The visit's id.

    Raises
    ------
    ValueError
        Not exactly one row, or columns missing; nothing is stored.
    geo.store.StoreError
        The store refused the row (e.g. its id exists); nothing is stored.
    """
    if len(visit) != 1:
        raise ValueError(f"satu kunjungan per penyimpanan, bukan {len(visit)}")
    missing = [c for c in VISIT_COLUMNS if c not in visit.columns]
    if missing:
        raise ValueError(f"kolom kunjungan tidak lengkap: {', '.join(missing)}")
    visit_id = str(visit["id"].iloc[0])
    with store.unit_of_work():
        store.add_visits(visit)
        audit.record(
            store, user, audit.VISIT_ADD, visit_id, f"kelurahan {visit['kode_kelurahan'].iloc[0]}"
        )
        store.bump_data_version(f"kunjungan {visit_id}")
    return visit_id


class FieldVisitError(ValueError):
    """A field visit the service refuses; nothing is stored. The message is Indonesian."""


@dataclass(frozen=True, kw_only=True)
class FieldVisit:
    """A visit submitted from "Kunjungan saya".

    Attributes
    ----------
    visit
        One row from :func:`geo.analysis.visits.build_visit`.
    kunci
        The idempotency key the form was drawn with (8-64 letters, digits, ``-``, ``_``).
    henti_id
        The plan stop the visit closes, or None for a visit outside a plan.
    check_in
        The check-in at the stop (:func:`geo.analysis.checkin.check_in`), or None when the
        browser gave no position.
    photo
        The prepared photo (:func:`geo.ingest.photo.prepare_photo`), or None.
    """

    visit: pd.DataFrame
    kunci: str
    henti_id: int | None = None
    check_in: CheckIn | None = None
    photo: Photo | None = None


@dataclass(frozen=True)
class SavedVisit:
    """What :func:`log_field_visit` did.

    Attributes
    ----------
    id
        The visit's id.
    baru
        True when this call stored it; False when the key was already stored (nothing
        written).
    """

    id: str
    baru: bool


def log_field_visit(store: Store, field: FieldVisit, *, user: str, peran: str) -> SavedVisit:
    """Store an officer's visit at a plan stop, exactly once per key.

    In one :meth:`~geo.store.Store.unit_of_work` (serialised on the key, so two submits of the
    same form never both pass): when a visit with ``field.kunci`` is stored already, its id is
    returned and nothing is written. Otherwise the stop is checked (it exists, its plan is
    active, it is on a route assigned to ``user`` unless ``peran`` is a planner's, it is not
    closed by another visit, and the visit is to the stop's own target), then the visit row
    with the key and check-in columns, the photo (``kunjungan_foto``), the stop marked
    ``selesai`` with the visit's id, the audit entry and a new data version are written.

    Parameters
    ----------
    store
        The store.
    field
        The submitted visit.
    user
        The signed-in username (the stop's assignee for a ``petugas``), for the audit log.
    peran
        The user's role; ``perencana`` and ``admin`` may close any stop.

    Returns
    -------
    SavedVisit
        The visit's id, and whether this call stored it.

    Raises
    ------
    FieldVisitError
        Bad key, unknown or cancelled stop, a stop of another officer, a stop already closed,
        or a visit to something else than the stop. Nothing is stored.
    ValueError
        The visit row is not one row with the visit columns.
    geo.store.StoreError
        The store refused a write; nothing is stored.
    """
    visit = field.visit
    if len(visit) != 1:
        raise ValueError(f"satu kunjungan per penyimpanan, bukan {len(visit)}")
    missing = [c for c in VISIT_COLUMNS if c not in visit.columns]
    if missing:
        raise ValueError(f"kolom kunjungan tidak lengkap: {', '.join(missing)}")
    if not isinstance(field.kunci, str) or not _KEY.fullmatch(field.kunci):
        raise FieldVisitError("kunci formulir tidak sah; muat ulang halaman")
    with store.unit_of_work():
        store.serialise("kunjungan.kunci")
        existing = store.visit_id_for_key(field.kunci)
        if existing is not None:
            return SavedVisit(existing, False)
        if field.henti_id is not None:
            _check_stop(store, field, int(field.henti_id), user=user, peran=peran)
        row = _field_row(field)
        visit_id = str(row["id"].iloc[0])
        store.add_visits(row)
        if field.photo is not None:
            store.write_visit_photo(
                visit_id,
                mime=field.photo.mime,
                lebar=field.photo.lebar,
                tinggi=field.photo.tinggi,
                data=field.photo.data,
            )
        if field.henti_id is not None:
            store.set_stop_status(int(field.henti_id), "selesai", kunjungan_id=visit_id)
        audit.record(store, user, audit.VISIT_ADD, visit_id, _details(field, row))
        store.bump_data_version(f"kunjungan {visit_id}")
    return SavedVisit(visit_id, True)


def _check_stop(store: Store, field: FieldVisit, henti_id: int, *, user: str, peran: str) -> None:
    """Refuse a stop that is unknown, cancelled, someone else's, closed, or not the target."""
    stop = store.read_stop(henti_id)
    if stop is None:
        raise FieldVisitError(f"perhentian {henti_id} tidak ada")
    if str(stop.get("status_rencana")) != "aktif":
        raise FieldVisitError("rencana perhentian ini sudah dibatalkan")
    if peran not in _PLANNER_ROLES and stop.get("petugas") != user:
        raise FieldVisitError("perhentian ini bukan pada rute Anda")
    closed_by = stop.get("kunjungan_id")
    if stop.get("status") == "selesai" and closed_by:
        raise FieldVisitError(f"perhentian ini sudah selesai (kunjungan {closed_by})")
    column = _STOP_TARGET.get(str(stop.get("jenis")))
    value = field.visit[column].iloc[0] if column else None
    if column is None or pd.isna(value) or str(value) != str(stop.get("objek_id")):
        raise FieldVisitError("kunjungan ini bukan ke sasaran perhentian")


def _field_row(field: FieldVisit) -> pd.DataFrame:
    """Return the visit row with the key, the stop and the check-in columns filled in."""
    row = field.visit.loc[:, list(VISIT_COLUMNS)].copy()
    ci = field.check_in
    row["kunci"] = pd.array([field.kunci], dtype="string")
    row["henti_id"] = pd.array([field.henti_id], dtype="Int64")
    for name in ("lat", "lon", "akurasi_m", "jarak_m"):
        value = getattr(ci, name) if ci is not None else None
        row[name] = pd.array([value], dtype="Float64").astype("float64")
    row["di_luar_radius"] = pd.array([ci.di_luar_radius if ci else None], dtype="boolean")
    return row


def _details(field: FieldVisit, row: pd.DataFrame) -> str:
    """Return the audit details: kelurahan, stop, distance (m) and whether outside the radius."""
    parts = [f"kelurahan {row['kode_kelurahan'].iloc[0]}"]
    if field.henti_id is not None:
        parts.append(f"henti {field.henti_id}")
    ci = field.check_in
    if ci is not None:
        parts.append(f"jarak {ci.jarak_m:.0f} m")
        if ci.di_luar_radius:
            parts.append(f"di luar radius {ci.radius_m:.0f} m")
    if field.photo is not None:
        parts.append("foto")
    return ", ".join(parts)
