"""Kunjungan saya: the signed-in officer's route of the day on a phone (issue 17).

One column for a 390 px wide screen: the route's stops in order (planned time, address,
distance from the officer, one-tap directions), a small map, the location button, then the
visit at the chosen stop (check-in distance, the visit form of the visit log, one photo) and
"tidak bertemu" with a reason. Reads only the officer's own stops and the businesses on them
(``Store.read_officer_stops``, ``Store.read_umkm_for_officer``), never the register; writes go
through :mod:`geo.services.visits` and :mod:`geo.services.plans`.

A weak connection: the form's idempotency key is made when the form is first drawn and kept in
``st.session_state`` (per stop) until the visit is stored, so a submit repeated after a
dropped connection returns the stored visit instead of storing it twice; the typed values stay
in the form while the page reconnects.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pandas as pd

from pages._common import (
    boundaries,
    current_lang,
    current_role,
    current_user,
    data_version,
    demo_banner,
    get_store,
    report_failure,
    require_page,
    store_table,
    tr,
)

require_page("kunjungan_saya")
import streamlit as st  # noqa: E402

from geo.analysis import visits  # noqa: E402
from geo.analysis.checkin import Position, check_in, distance_label, distance_m  # noqa: E402
from geo.core.escape import markdown_text as md  # noqa: E402
from geo.core.register import KEBUTUHAN  # noqa: E402
from geo.ingest.photo import PhotoError, prepare_photo  # noqa: E402
from geo.planning.directions import directions_links  # noqa: E402
from geo.render.officer_map import build_officer_map  # noqa: E402
from geo.services import plans  # noqa: E402
from geo.services.visits import FieldVisit, FieldVisitError, log_field_visit  # noqa: E402
from pages._geolokasi import geolocation, position_age_s  # noqa: E402

LANG = current_lang()
USER = current_user()
ROLE = current_role()
TODAY = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
#: Session-state keys: idempotency keys per stop, form numbers per stop, the flash message.
KUNCI_KEY = "kunjungan_kunci"
FORM_KEY = "kunjungan_form_no"
FLASH_KEY = "kunjungan_flash"
STATUS_BADGE = {"belum": "gray", "selesai": "green", "tidak_bertemu": "orange"}

store = get_store()
demo_banner(store)
st.title(tr("nav.kunjungan_saya"))

# A form whose submit was stored while its answer was lost (dropped connection): its key is
# still held here, the visit is in the store. Say so once and let the key go.
pending: dict[int, str] = st.session_state.get(KUNCI_KEY, {})
for _henti, _kunci in list(pending.items()):
    if (stored_id := store.visit_id_for_key(_kunci)) is not None:
        pending.pop(_henti)
        st.session_state[FLASH_KEY] = tr("kunjungan.sudah_tersimpan", id=stored_id)

flash = st.session_state.pop(FLASH_KEY, None)
if flash:
    st.success(flash, icon=":material/check_circle:")


def _other_day() -> None:
    """Draw the day picker (at the page's end: the officer's day is almost always today)."""
    with st.expander(tr("kunjungan.tanggal_lain"), icon=":material/calendar_month:"):
        st.date_input(tr("kunjungan.tanggal"), TODAY, format="DD/MM/YYYY", key="kj_tanggal")


tanggal = st.session_state.get("kj_tanggal") or TODAY
all_stops = store.read_officer_stops(USER, tanggal=tanggal)
if all_stops.empty:
    st.info(tr("kunjungan.kosong", tanggal=f"{tanggal:%d/%m/%Y}"), icon=":material/event_busy:")
    _other_day()
    st.stop()

routes = all_stops.drop_duplicates("rute_id")[["rute_id", "judul", "nomor"]]
route_labels = {
    int(r.rute_id): tr("kunjungan.rute_label", judul=str(r.judul), nomor=int(r.nomor))
    for r in routes.itertuples(index=False)
}
rute_id = next(iter(route_labels))
if len(route_labels) > 1:
    rute_id = st.selectbox(
        tr("kunjungan.rute"), list(route_labels), format_func=route_labels.__getitem__
    )
else:
    st.caption(f"{md(route_labels[rute_id])} · {tanggal:%d/%m/%Y}")
stops = all_stops[all_stops["rute_id"] == rute_id].sort_values("urutan").reset_index(drop=True)

position = geolocation(
    texts={
        "label": tr("kunjungan.lokasi.tombol"),
        "waiting": tr("kunjungan.lokasi.menunggu"),
        "denied": tr("kunjungan.lokasi.ditolak"),
        "unavailable": tr("kunjungan.lokasi.gagal"),
        "unsupported": tr("kunjungan.lokasi.tidak_didukung"),
    }
)
if position is None:
    st.caption(tr("kunjungan.lokasi.belum"))
else:
    akurasi = distance_label(position.akurasi_m or 0.0, LANG)
    age = position_age_s()
    old = age is not None and age >= 60
    st.caption(
        tr("kunjungan.lokasi.ada", akurasi=akurasi)
        + (" · " + tr("kunjungan.lokasi.umur", menit=int(age // 60)) if old else "")
    )

done = int((stops["status"] != "belum").sum())
st.progress(done / len(stops), text=tr("kunjungan.kemajuan", selesai=done, jumlah=len(stops)))


@st.cache_data(show_spinner=False, max_entries=32)
def _map_html(
    records: tuple[tuple[int, int, str, float, float, str, str, str], ...],
    here: tuple[float, float, float | None] | None,
    selected: int | None,
    lang: str,
    version: str,
) -> str:
    """Return the officer map HTML: the same string for the same inputs (no re-render).

    ``version`` (the data version) is only part of the cache key: the boundaries may change.
    """
    columns = ["henti_id", "urutan", "nama", "lat", "lon", "status", "rencana_tiba"]
    frame = pd.DataFrame(records, columns=[*columns, "kode_kelurahan"])
    pos = None if here is None else Position(lat=here[0], lon=here[1], akurasi_m=here[2])
    m = build_officer_map(
        frame,
        position=pos,
        selected=selected,
        kelurahan=boundaries()[0],
        lang=lang,
        height_px=200,
    )
    return m.get_root().render()


# --- The visit at a stop: chosen first, so the map can ring it --------------------------------
open_stops = stops[stops["status"] == "belum"]
choices = [int(h) for h in stops["henti_id"]]
default = int(open_stops["henti_id"].iloc[0]) if not open_stops.empty else choices[0]
by_id = stops.set_index(stops["henti_id"].astype(int))
selected = int(st.session_state.get("kj_henti", default))
if selected not in choices:
    selected = default

records = tuple(
    (
        int(r.henti_id),
        int(r.urutan),
        "" if pd.isna(r.nama) else str(r.nama),
        float(r.lat),
        float(r.lon),
        str(r.status),
        "" if pd.isna(r.rencana_tiba) else str(r.rencana_tiba),
        "" if pd.isna(r.kode_kelurahan) else str(r.kode_kelurahan),
    )
    for r in stops.itertuples(index=False)
)
here = None if position is None else (position.lat, position.lon, position.akurasi_m)
st.iframe(_map_html(records, here, selected, LANG, data_version(store)), height=210)

officer_umkm = store.read_umkm_for_officer(USER)
umkm_by_id = officer_umkm.set_index(officer_umkm["id"].astype(str))
kel_names = dict(zip(boundaries()[0]["kode"], boundaries()[0]["nama"], strict=True))


def _phone_link(phone: object) -> str:
    """Return a ``tel:`` link for a phone number (digits and +), or the plain text."""
    text = "" if phone is None or phone is pd.NA else str(phone)
    digits = re.sub(r"[^0-9+]", "", text)
    return f"[{md(text)}](tel:{digits})" if digits else md(text)


def _stop_card(stop: pd.Series) -> None:
    """One stop: number, planned time, name, status, address, distance, directions."""
    status = str(stop["status"])
    with st.container(border=True, key=f"kj_stop_{int(stop['henti_id'])}"):
        tiba = "" if pd.isna(stop["rencana_tiba"]) else f"{stop['rencana_tiba']} · "
        badge = f":{STATUS_BADGE.get(status, 'gray')}-badge[{tr(f'kunjungan.status.{status}')}]"
        st.markdown(f"**{int(stop['urutan'])}. {md(stop['nama'])}** {badge}")
        kind = tr(f"kunjungan.jenis.{stop['jenis']}")
        kel = kel_names.get(str(stop["kode_kelurahan"]), "")
        line = f"{tiba}{kind} · {md(kel)}"
        if position is not None:
            jarak = distance_m(position.lat, position.lon, float(stop["lat"]), float(stop["lon"]))
            line += " · " + tr("kunjungan.jarak", jarak=distance_label(jarak, LANG))
        st.caption(line)
        objek = str(stop["objek_id"])
        if stop["jenis"] == "umkm" and objek in umkm_by_id.index:
            biz = umkm_by_id.loc[objek]
            if not pd.isna(biz["alamat"]):
                st.caption(f"{tr('kunjungan.alamat')}: {md(biz['alamat'])}")
        if status == "tidak_bertemu" and not pd.isna(stop["alasan"]):
            st.caption(tr("kunjungan.alasan", alasan=md(stop["alasan"])))
        links = directions_links(
            float(stop["lat"]),
            float(stop["lon"]),
            origin=None if position is None else (position.lat, position.lon),
        )
        with st.container(horizontal=True):
            st.link_button(
                tr("kunjungan.arah"), links.google, icon=":material/directions:", type="secondary"
            )
            st.link_button(tr("kunjungan.arah_osm"), links.osm, icon=":material/map:")


st.subheader(tr("kunjungan.daftar"))
for _, stop in stops.iterrows():
    _stop_card(stop)

# --- Log the visit -----------------------------------------------------------------------------
st.subheader(tr("kunjungan.catat"))
if open_stops.empty:
    st.success(tr("kunjungan.semua_selesai"), icon=":material/task_alt:")
    _other_day()
    st.stop()

open_ids = [int(h) for h in open_stops["henti_id"]]
if selected not in open_ids:
    selected = open_ids[0]
henti_id = st.selectbox(
    tr("kunjungan.pilih_henti"),
    open_ids,
    index=open_ids.index(selected),
    format_func=lambda h: f"{int(by_id.at[h, 'urutan'])}. {by_id.at[h, 'nama']}",
    key="kj_henti",
)
stop = by_id.loc[henti_id]
objek = str(stop["objek_id"])
if stop["jenis"] == "umkm" and objek in umkm_by_id.index:
    biz = umkm_by_id.loc[objek]
    rows = [
        (tr("kunjungan.pemilik"), md(biz["pemilik"]) if not pd.isna(biz["pemilik"]) else ""),
        (tr("kunjungan.telepon"), _phone_link(biz["telepon"])),
    ]
    st.markdown("  \n".join(f"{k}: {v}" for k, v in rows if v))

checked = None
if position is None:
    st.warning(tr("kunjungan.checkin.tanpa_lokasi"), icon=":material/location_off:")
else:
    checked = check_in(position, stop_lat=float(stop["lat"]), stop_lon=float(stop["lon"]))
    text = {
        "jarak": distance_label(checked.jarak_m, LANG),
        "radius": distance_label(checked.radius_m, LANG),
    }
    if checked.di_luar_radius:
        st.warning(tr("kunjungan.checkin.luar", **text), icon=":material/wrong_location:")
    else:
        st.success(tr("kunjungan.checkin.dalam", **text), icon=":material/where_to_vote:")
    if checked.akurasi_rendah:
        st.caption(
            tr(
                "kunjungan.checkin.akurasi_rendah",
                akurasi=distance_label(checked.akurasi_m or 0.0, LANG),
            )
        )

# The key of this stop's form: made when the form is first drawn, kept until stored.
keys: dict[int, str] = st.session_state.setdefault(KUNCI_KEY, {})
kunci = keys.setdefault(henti_id, uuid.uuid4().hex)
numbers: dict[int, int] = st.session_state.setdefault(FORM_KEY, {})
number = numbers.setdefault(henti_id, 0)
with st.form(f"kj_form_{henti_id}_{number}"):
    needs = st.multiselect(
        tr("kunjungan.form.kebutuhan"),
        list(KEBUTUHAN),
        placeholder=tr("kunjungan.form.pilih"),
        format_func=lambda c: tr(f"rute.kebutuhan.{c}"),
    )
    note = st.text_area(tr("kunjungan.form.catatan"), max_chars=visits.MAX_NOTE_LENGTH)
    follow = st.date_input(
        tr("kunjungan.form.tindak_lanjut"), value=None, min_value=TODAY, format="DD/MM/YYYY"
    )
    upload = st.file_uploader(
        tr("kunjungan.form.foto"),
        type=["jpg", "jpeg", "png", "webp"],
        help=tr("kunjungan.form.foto_help"),
    )
    submitted = st.form_submit_button(tr("kunjungan.form.simpan"), type="primary", width="stretch")

if submitted:
    target = {"umkm": "umkm_id", "sentra": "sentra_id", "kelurahan": "kode_kelurahan"}
    try:
        photo = None if upload is None else prepare_photo(upload.getvalue())
        row = visits.build_visit(
            visits.VisitInput(
                tanggal=TODAY,
                petugas=[USER],
                kebutuhan=needs,
                catatan=note,
                tindak_lanjut=follow,
                **{target[str(stop["jenis"])]: objek},
            ),
            today=TODAY,
            kelurahan=boundaries()[0],
            sentra=store_table("sentra"),
            register=officer_umkm,
        )
        saved = log_field_visit(
            store,
            FieldVisit(visit=row, kunci=kunci, henti_id=henti_id, check_in=checked, photo=photo),
            user=USER,
            peran=ROLE,
        )
    except PhotoError as exc:
        st.error(tr("kunjungan.foto_gagal", error=md(exc)))
    except (visits.VisitError, FieldVisitError, ValueError) as exc:
        st.error(tr("kunjungan.gagal", error=md(exc)))
    except Exception as exc:  # a failure the officer cannot fix: a reference, no traceback
        ref = report_failure(exc, "log field visit")
        st.error(tr("kunjungan.gagal", error=f"ref {ref}"))
    else:
        keys.pop(henti_id, None)
        numbers[henti_id] = number + 1
        st.session_state.pop("kj_henti", None)
        st.session_state[FLASH_KEY] = tr(
            "kunjungan.tersimpan" if saved.baru else "kunjungan.sudah_tersimpan", id=saved.id
        )
        st.rerun()

with st.expander(tr("kunjungan.tidak_bertemu.judul"), icon=":material/person_off:"):
    with st.form(f"kj_absen_{henti_id}"):
        alasan = st.text_input(tr("kunjungan.tidak_bertemu.alasan"), max_chars=200)
        absent = st.form_submit_button(tr("kunjungan.tidak_bertemu.simpan"), width="stretch")
    if absent:
        try:
            plans.mark_stop(store, henti_id, "tidak_bertemu", alasan=alasan, user=USER, peran=ROLE)
        except ValueError as exc:
            st.error(tr("kunjungan.gagal", error=md(exc)))
        else:
            st.session_state.pop("kj_henti", None)
            st.session_state[FLASH_KEY] = tr(
                "kunjungan.tidak_bertemu.tersimpan", nomor=int(stop["urutan"])
            )
            st.rerun()

_other_day()
