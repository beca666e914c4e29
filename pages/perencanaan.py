"""Perencanaan Kunjungan: pick stops from the ranked flags, plan routes for officers, log visits.

The page composes: coverage and flags come from :mod:`geo.analysis.coverage`, stops from
:mod:`geo.planning.stops`, the routes from :func:`geo.planning.routing.solve` (run under
``st.status``), the map from :func:`geo.render.routemap.build_route_map`, exports from
:mod:`geo.planning.routing_export`, and the visit log from :mod:`geo.analysis.visits` (stored with
:meth:`geo.store.Store.add_visits`). The plan is kept in ``st.session_state`` so that downloads and
reruns never solve again. Saving a solved plan (date, title, route assignees) and the saved
plans (reopen with live stop status, assign, re-plan, cancel) are composed by
:mod:`pages._rencana` through :mod:`geo.services.plans`.
"""

from __future__ import annotations

import datetime
import hashlib
import json

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis import visits
from geo.analysis.coverage import coverage, flagged_kelurahan
from geo.analysis.filters import RegisterFilter
from geo.core import settings
from geo.core.escape import markdown_text as md
from geo.core.i18n import category_label, format_number
from geo.core.register import KEBUTUHAN, SECTORS
from geo.planning import routing, routing_export, stops
from geo.render.mapview import MapOptions
from geo.render.routemap import build_route_map, officer_color
from geo.services.visits import log_visit
from geo.wilayah.sentra import load_offices
from pages._common import (
    boundaries,
    current_lang,
    current_user,
    data_version,
    demo_banner,
    get_store,
    register_counts,
    register_for_role,
    require_page,
    store_table,
    tr,
)
from pages._rencana import save_section, saved_plans_section

require_page("perencanaan")
LANG = current_lang()
store = get_store()
URL = settings.database_url()
VERSION = data_version(store)
TODAY = datetime.date.today()
PLAN_KEY = "rute_plan"
EDITS_KEY = "rute_edits"
UMKM_PICK_KEY = "rute_umkm_ids"
FLASH_KEY = "rute_log_flash"
FORM_KEY = "rute_log_form"
MAX_UMKM_CHOICES = 200
PLACEHOLDER = tr("rute.pilih.placeholder")


# --- cached inputs ------------------------------------------------------------------------
@st.cache_data(show_spinner=False)
def _offices() -> gpd.GeoDataFrame:
    return load_offices()


@st.cache_data(show_spinner=False, ttl="10m", max_entries=4)
def _coverage(url: str, version: str, today: datetime.date) -> gpd.GeoDataFrame:
    # ``version`` changes with every write (a logged visit too): priorities use the latest visits.
    # UMKM per kelurahan are counted by the database (issue 16), not from the rows.
    sahabat = store_table("sahabat")
    counts = register_counts()
    return coverage(boundaries()[0], counts, sahabat, get_store().read_visits(), as_of=today)


def _minutes(value: datetime.time | None) -> int | None:
    return None if value is None else value.hour * 60 + value.minute


def _clock(minutes: int | None) -> datetime.time | None:
    if minutes is None or pd.isna(minutes):
        return None
    minutes = min(int(minutes), 23 * 60 + 59)
    return datetime.time(minutes // 60, minutes % 60)


kel = boundaries()[0]
offices = _offices()
sentra_all, sahabat = store_table("sentra"), store_table("sahabat")
visit_log = store.read_visits()
cov = _coverage(URL, VERSION, TODAY)
flagged = flagged_kelurahan(cov)
kel_names = dict(zip(cov["kode"].astype(str), cov["nama"].astype(str), strict=True))
sentra_names = dict(zip(sentra_all["id"].astype(str), sentra_all["nama"].astype(str), strict=True))

st.title(tr("rute.title"))
demo_banner(store)
st.caption(tr("rute.intro"))

tab_plan, tab_log, tab_saved = st.tabs(
    [tr("rute.tab.rencana"), tr("rute.tab.catatan"), tr("rencana.tab")]
)

# =============================================================================================
# Plan
# =============================================================================================
with tab_plan:
    st.subheader(tr("rute.prioritas.header"))
    if flagged.empty:
        st.info(tr("rute.prioritas.empty"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("rute.col.peringkat"): flagged["peringkat"].to_numpy(),
                    tr("rute.col.kelurahan"): flagged["nama"].to_numpy(),
                    tr("rute.col.kecamatan"): flagged["kecamatan"].to_numpy(),
                    tr("rute.col.umkm"): flagged["umkm_aktif"].to_numpy(),
                    tr("rute.col.sahabat"): flagged["sahabat_aktif"].to_numpy(),
                    tr("rute.col.alasan"): flagged["alasan"].to_numpy(),
                    tr("rute.col.prioritas"): flagged["prioritas"].to_numpy(),
                    tr("rute.col.kunjungan_terakhir"): flagged["kunjungan_terakhir"]
                    .dt.strftime("%d/%m/%Y")
                    .fillna(tr("rute.belum_pernah")),
                }
            ),
            hide_index=True,
            width="stretch",
            height=min(400, 38 + 35 * len(flagged)),
        )
        st.caption(tr("rute.prioritas.caption"))

    # --- stops ------------------------------------------------------------------------------
    st.subheader(tr("rute.pilih.header"))
    ranked = cov.sort_values("peringkat")
    rank_of = dict(zip(ranked["kode"].astype(str), ranked["peringkat"], strict=True))
    prio_of = dict(zip(ranked["kode"].astype(str), ranked["prioritas"], strict=True))
    flag_set = set(flagged["kode"].astype(str))

    def _kel_label(kode: str) -> str:
        mark = " ⚑" if kode in flag_set else ""
        prio = format_number(prio_of[kode], LANG, decimals=1)
        return f"#{rank_of[kode]} {kel_names[kode]} ({prio}){mark}"

    c1, c2 = st.columns(2)
    pick_kel = c1.multiselect(
        tr("rute.pilih.kelurahan"),
        list(ranked["kode"].astype(str)),
        placeholder=PLACEHOLDER,
        default=list(flagged["kode"].astype(str).head(5)),
        format_func=_kel_label,
        key="rute_kelurahan",
    )
    pick_sentra = c2.multiselect(
        tr("rute.pilih.sentra"),
        list(sentra_names),
        placeholder=PLACEHOLDER,
        format_func=sentra_names.__getitem__,
        key="rute_sentra",
    )
    register = register_for_role()
    with st.expander(tr("rute.pilih.umkm_header")):
        u1, u2, u3 = st.columns(3)
        umkm_kel = u1.selectbox(
            tr("rute.pilih.umkm_kelurahan"),
            ["", *sorted(kel_names, key=kel_names.__getitem__)],
            format_func=lambda k: kel_names.get(k, tr("rute.pilih.semua")),
            key="rute_umkm_kel",
        )
        umkm_sektor = u2.multiselect(
            tr("rute.pilih.umkm_sektor"),
            list(SECTORS),
            placeholder=PLACEHOLDER,
            format_func=lambda c: category_label("sektor", c, LANG),
            key="rute_umkm_sektor",
        )
        umkm_cari = u3.text_input(tr("rute.pilih.umkm_cari"), key="rute_umkm_cari")
        flt = RegisterFilter(
            sektor=tuple(umkm_sektor),
            kelurahan=(umkm_kel,) if umkm_kel else (),
            cari=umkm_cari.strip(),
        )
        matches = flt.apply(register[register["status"] == "aktif"]).sort_values("nama_usaha")
        chosen = [str(i) for i in st.session_state.get(UMKM_PICK_KEY, [])]
        options = list(dict.fromkeys([*chosen, *matches["id"].astype(str).head(MAX_UMKM_CHOICES)]))
        by_id = register.set_index(register["id"].astype(str))
        if len(matches) > MAX_UMKM_CHOICES:
            st.caption(
                tr(
                    "rute.pilih.umkm_batas",
                    batas=MAX_UMKM_CHOICES,
                    jumlah=format_number(len(matches), LANG),
                )
            )
        pick_umkm = st.multiselect(
            tr("rute.pilih.umkm"),
            options,
            placeholder=PLACEHOLDER,
            format_func=lambda u: (
                f"{by_id.at[u, 'nama_usaha']} · "
                + kel_names.get(str(by_id.at[u, "kode_kelurahan"]), "")
            ),
            key=UMKM_PICK_KEY,
        )

    candidates = stops.combine_stops(
        [
            stops.kelurahan_stops(cov.set_index("kode", drop=False).loc[pick_kel]),
            stops.sentra_stops(sentra_all[sentra_all["id"].isin(pick_sentra)]),
            stops.umkm_stops(register[register["id"].astype(str).isin(pick_umkm)]),
        ]
    )

    # --- parameters -------------------------------------------------------------------------
    st.subheader(tr("rute.param.header"))
    office_ids = list(offices["id"].astype(str))
    office_row = {str(r["id"]): r for _, r in offices.iterrows()}
    p1, p2, p3, p4, p5 = st.columns([3, 1, 1, 1, 1])
    depot_id = p1.selectbox(
        tr("rute.param.depot"),
        office_ids,
        format_func=lambda i: (
            f"{office_row[i]['nama']} "
            f"({tr('rute.col.presisi')}: "
            + tr(f"rute.presisi.{office_row[i]['presisi_lokasi']}")
            + ")"
        ),
        key="rute_depot",
    )
    depot = stops.depot_from_offices(offices, depot_id)
    n_officers = int(
        p2.number_input(tr("rute.param.petugas"), 1, 10, 2, step=1, key="rute_petugas")
    )
    start_t = p3.time_input(tr("rute.param.mulai"), datetime.time(8, 0), key="rute_mulai")
    end_t = p4.time_input(tr("rute.param.selesai"), datetime.time(15, 0), key="rute_selesai")
    per_stop = int(
        p5.number_input(
            tr("rute.param.menit"),
            5,
            240,
            routing.DEFAULT_MINUTES_PER_STOP,
            step=5,
            key="rute_menit",
        )
    )
    if depot.presisi_lokasi != "alamat":
        st.caption(
            tr("rute.param.presisi_warning", presisi=tr(f"rute.presisi.{depot.presisi_lokasi}"))
        )

    # --- stop table: windows and must-visit -------------------------------------------------
    edits: dict[str, dict[str, object]] = st.session_state.setdefault(EDITS_KEY, {})
    if candidates.empty:
        st.info(tr("rute.stops.empty"))
        edited_stops = candidates
    else:
        table = pd.DataFrame(
            {
                "id": candidates["id"],
                "nama": candidates["nama"],
                "jenis": [tr(f"rute.jenis.{j}") for j in candidates["jenis"]],
                "window_start": [_clock(edits.get(i, {}).get("ws")) for i in candidates["id"]],
                "window_end": [_clock(edits.get(i, {}).get("we")) for i in candidates["id"]],
                "must_visit": [bool(edits.get(i, {}).get("must", False)) for i in candidates["id"]],
            }
        )
        digest = hashlib.sha1("|".join(candidates["id"]).encode()).hexdigest()[:10]
        edited = st.data_editor(
            table,
            key=f"rute_editor_{digest}",
            hide_index=True,
            width="stretch",
            disabled=["id", "nama", "jenis"],
            column_order=["nama", "jenis", "window_start", "window_end", "must_visit"],
            column_config={
                "nama": st.column_config.TextColumn(tr("rute.col.nama")),
                "jenis": st.column_config.TextColumn(tr("rute.col.jenis")),
                "window_start": st.column_config.TimeColumn(
                    tr("rute.col.jendela_mulai"), format="HH:mm", step=300
                ),
                "window_end": st.column_config.TimeColumn(
                    tr("rute.col.jendela_selesai"), format="HH:mm", step=300
                ),
                "must_visit": st.column_config.CheckboxColumn(tr("rute.col.wajib")),
            },
        )
        st.caption(tr("rute.stops.help"))
        for row in edited.itertuples(index=False):
            edits[str(row.id)] = {
                "ws": _minutes(row.window_start) if pd.notna(row.window_start) else None,
                "we": _minutes(row.window_end) if pd.notna(row.window_end) else None,
                "must": bool(row.must_visit),
            }
        edited_stops = candidates.copy()
        edited_stops["window_start"] = pd.array(
            [edits[i]["ws"] for i in candidates["id"]], dtype="Int64"
        )
        edited_stops["window_end"] = pd.array(
            [edits[i]["we"] for i in candidates["id"]], dtype="Int64"
        )
        edited_stops["must_visit"] = [edits[i]["must"] for i in candidates["id"]]

    inputs = json.dumps(
        {
            "stops": edited_stops.astype(str).to_dict("list") if not edited_stops.empty else {},
            "depot": depot_id,
            "officers": n_officers,
            "start": str(start_t),
            "end": str(end_t),
            "per_stop": per_stop,
        },
        sort_keys=True,
    )
    solve_clicked = st.button(
        tr("rute.solve"), type="primary", disabled=edited_stops.empty, key="rute_solve"
    )
    if solve_clicked:
        start_min, end_min = _minutes(start_t), _minutes(end_t)
        with st.status(tr("rute.status.running"), expanded=True) as status:
            try:
                lat = [depot.lat, *edited_stops["lat"]]
                lon = [depot.lon, *edited_stops["lon"]]
                osrm = routing.osrm_url()
                st.write(tr("rute.status.matrix_osrm" if osrm else "rute.status.matrix"))
                matrix, failure = routing.travel_matrix_or_estimate(lat, lon, osrm_url=osrm)
                if failure:
                    st.warning(tr("rute.status.osrm_fail", error=md(failure)))
                limit = routing.default_time_limit(len(edited_stops))
                st.write(tr("rute.status.solving", detik=format_number(limit, LANG, decimals=1)))
                plan = routing.solve(
                    edited_stops,
                    depot,
                    officers=n_officers,
                    options=routing.SolveOptions(
                        start=start_min,
                        end=end_min,
                        minutes_per_stop=per_stop,
                        time_limit_s=limit,
                    ),
                    matrix=matrix,
                )
            except (routing.RoutingError, stops.StopError) as exc:
                status.update(label=tr("rute.status.error"), state="error")
                st.error(str(exc))
            else:
                st.session_state[PLAN_KEY] = {"plan": plan, "inputs": inputs}
                status.update(label=tr("rute.status.done"), state="complete", expanded=False)

    saved = st.session_state.get(PLAN_KEY)
    plan: routing.Plan | None = saved["plan"] if saved else None
    if plan is not None and saved["inputs"] != inputs:
        st.info(tr("rute.result.stale"))

    # --- map ------------------------------------------------------------------------------
    route_map = build_route_map(
        kelurahan=kel,
        depot=plan.depot if plan is not None else depot,
        plan=plan,
        stops=edited_stops,
        coverage=cov,
        options=MapOptions(offline=settings.offline_assets(), lang=LANG),
    )
    st_folium(route_map, key="rute_map", height=560, use_container_width=True, returned_objects=[])

    # --- results ----------------------------------------------------------------------------
    if plan is not None:
        message = tr(
            f"rute.result.{plan.status}",
            detik=format_number(plan.time_limit_s, LANG, decimals=1),
            jumlah=len(plan.dropped),
        )
        {"optimal": st.success, "heuristic": st.info, "infeasible": st.error}[plan.status](message)
        st.caption(
            tr(
                f"rute.travel.{plan.matrix_source}",
                faktor=format_number(routing.CIRCUITY_FACTOR, LANG, decimals=2),
                kecepatan=format_number(routing.AVERAGE_SPEED_KMH, LANG),
            )
        )
        st.subheader(tr("rute.result.header"))
        st.dataframe(
            pd.DataFrame(
                {
                    tr("rute.col.petugas"): plan.officers["petugas"],
                    tr("rute.col.kunjungan"): plan.officers["jumlah_kunjungan"],
                    tr("rute.col.berangkat"): plan.officers["berangkat"],
                    tr("rute.col.kembali"): plan.officers["kembali"],
                    tr("rute.col.total"): plan.officers["total_menit"].round(0).astype(int),
                    tr("rute.col.tempuh"): plan.officers["tempuh_menit"].round(0).astype(int),
                    tr("rute.col.jarak"): plan.officers["jarak_km"].round(1),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        if not plan.dropped.empty:
            st.subheader(tr("rute.dropped.header"))
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("rute.col.nama"): plan.dropped["nama"],
                        tr("rute.col.wajib"): plan.dropped["wajib"],
                        tr("rute.col.alasan_lepas"): plan.dropped["alasan"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
        demo = store.get_meta("dataset") == "demo"
        active = [o for o in range(1, plan.n_officers + 1) if not plan.route(o).empty]
        if active:
            st.subheader(tr("rute.export.header"))
            for tab, officer in zip(
                st.tabs([f"{tr('rute.petugas')} {o}" for o in active]), active, strict=True
            ):
                with tab:
                    route = plan.route(officer)
                    color = officer_color(officer)
                    st.markdown(
                        f'<span style="display:inline-block;width:14px;height:14px;'
                        f'background:{color};border-radius:3px;vertical-align:-2px"></span> '
                        + tr("rute.export.ringkas", petugas=officer, jumlah=len(route) - 2),
                        unsafe_allow_html=True,
                    )
                    st.dataframe(
                        pd.DataFrame(
                            {
                                tr("rute.col.no"): route["urutan"],
                                tr("rute.col.tiba"): route["tiba"],
                                tr("rute.col.mulai"): route["mulai"],
                                tr("rute.col.selesai"): route["selesai"],
                                tr("rute.col.nama"): route["nama"],
                                tr("rute.col.alamat"): route["alamat"],
                                tr("rute.col.jendela"): route["jendela"],
                                tr("rute.col.tempuh"): route["tempuh_menit"].round(0).astype(int),
                            }
                        ),
                        hide_index=True,
                        width="stretch",
                    )
                    d1, d2, d3 = st.columns(3)
                    d1.download_button(
                        tr("rute.export.gpx"),
                        routing_export.route_gpx(plan, officer, lang=LANG),
                        file_name=f"route_{officer}.gpx",
                        mime="application/gpx+xml",
                        key=f"rute_gpx_{officer}",
                    )
                    d2.download_button(
                        tr("rute.export.csv"),
                        routing_export.route_csv(plan, officer),
                        file_name=f"route_{officer}.csv",
                        mime="text/csv",
                        key=f"rute_csv_{officer}",
                    )
                    d3.download_button(
                        tr("rute.export.sheet"),
                        routing_export.visit_sheet_html(
                            plan, officer, lang=LANG, tanggal=TODAY, demo=demo
                        ),
                        file_name=f"lembar_kunjungan_{officer}.html",
                        mime="text/html",
                        key=f"rute_sheet_{officer}",
                    )
                    links = routing_export.route_links(plan, officer)
                    st.markdown(
                        tr("rute.export.links")
                        + " "
                        + " · ".join(
                            f"[{tr('rute.export.leg', nomor=k)}]({link})"
                            for k, link in enumerate(links, start=1)
                        )
                    )
        # --- save with a date and assignees (pages/_rencana.py) ---------------------------
        save_section(store, plan, user=current_user(), today=TODAY)

# =============================================================================================
# Saved plans: list, reopen with live stop status, assign, re-plan, cancel
# =============================================================================================
with tab_saved:
    saved_plans_section(store, user=current_user())

# =============================================================================================
# Visit log
# =============================================================================================
with tab_log:
    left, right = st.columns([3, 2])
    with left:
        st.subheader(tr("rute.log.header"))
        flash = st.session_state.pop(FLASH_KEY, None)
        if flash:
            st.success(flash)
        kind = st.radio(
            tr("rute.log.sasaran"),
            ["kelurahan", "sentra", "umkm"],
            format_func=lambda k: tr(f"rute.jenis.{k}"),
            horizontal=True,
            key="log_jenis",
        )
        all_kel = sorted(kel_names, key=kel_names.__getitem__)
        target_kel = target_sentra = target_umkm = None
        if kind == "kelurahan":
            target_kel = st.selectbox(
                tr("rute.col.kelurahan"), all_kel, format_func=kel_names.__getitem__, key="log_kel"
            )
        elif kind == "sentra":
            target_sentra = st.selectbox(
                tr("rute.jenis.sentra"),
                list(sentra_names),
                format_func=sentra_names.__getitem__,
                key="log_sentra",
            )
        else:
            where = st.selectbox(
                tr("rute.col.kelurahan"),
                all_kel,
                format_func=kel_names.__getitem__,
                key="log_umkm_kel",
            )
            in_kel = register[register["kode_kelurahan"] == where].sort_values("nama_usaha")
            target_umkm = st.selectbox(
                tr("rute.jenis.umkm"),
                list(in_kel["id"].astype(str)),
                format_func=lambda u: str(by_id.at[u, "nama_usaha"]),
                key="log_umkm",
            )
        roster = dict(zip(sahabat["id"].astype(str), sahabat["nama"].astype(str), strict=True))
        # A new form key after each saved visit gives an empty form; a refused one keeps
        # what was typed so nothing is lost.
        form_number = st.session_state.setdefault(FORM_KEY, 0)
        with st.form(f"log_form_{form_number}"):
            tanggal = st.date_input(
                tr("rute.log.tanggal"), TODAY, max_value=TODAY, format="DD/MM/YYYY"
            )
            officers_picked = st.multiselect(
                tr("rute.log.petugas"),
                list(roster),
                placeholder=PLACEHOLDER,
                format_func=lambda i: f"{roster[i]} ({i})",
            )
            others = st.text_input(
                tr("rute.log.petugas_lain"), help=tr("rute.log.petugas_lain_help")
            )
            needs = st.multiselect(
                tr("rute.log.kebutuhan"),
                list(KEBUTUHAN),
                placeholder=PLACEHOLDER,
                format_func=lambda c: tr(f"rute.kebutuhan.{c}"),
            )
            note = st.text_area(tr("rute.log.catatan"), max_chars=visits.MAX_NOTE_LENGTH)
            follow = st.date_input(
                tr("rute.log.tindak_lanjut"), value=None, min_value=None, format="DD/MM/YYYY"
            )
            submitted = st.form_submit_button(tr("rute.log.simpan"), type="primary")
        if submitted:
            petugas = [*officers_picked, *[s for s in others.split(",") if s.strip()]]
            try:
                row = visits.build_visit(
                    visits.VisitInput(
                        tanggal=tanggal,
                        petugas=petugas,
                        kode_kelurahan=target_kel,
                        sentra_id=target_sentra,
                        umkm_id=target_umkm,
                        kebutuhan=needs,
                        catatan=note,
                        tindak_lanjut=follow,
                    ),
                    today=TODAY,
                    kelurahan=kel,
                    sentra=sentra_all,
                    register=register,
                )
                visit_id = log_visit(store, row, user=current_user())
            except (visits.VisitError, ValueError) as exc:
                st.error(tr("rute.log.gagal", error=md(exc)))
            else:
                # Rerun so that the priorities above and the history use the new visit.
                st.session_state[FORM_KEY] = form_number + 1
                st.session_state[FLASH_KEY] = tr(
                    "rute.log.tersimpan",
                    id=visit_id,
                    kelurahan=kel_names[str(row["kode_kelurahan"].iloc[0])],
                )
                st.rerun()

    with right:
        st.subheader(tr("rute.log.riwayat_header"))
        by = st.radio(
            tr("rute.log.riwayat_per"),
            ["kelurahan", "sentra"],
            format_func=lambda k: tr(f"rute.jenis.{k}"),
            horizontal=True,
            key="hist_jenis",
        )
        if by == "kelurahan":
            hist_kel = st.selectbox(
                tr("rute.col.kelurahan"),
                all_kel,
                index=all_kel.index(target_kel) if target_kel in all_kel else 0,
                format_func=kel_names.__getitem__,
                key="hist_kel",
            )
            history = visits.visit_history(visit_log, kode_kelurahan=hist_kel)
            row = cov[cov["kode"] == hist_kel].iloc[0]
            st.caption(
                tr(
                    "rute.log.prioritas_kini",
                    peringkat=int(row["peringkat"]),
                    prioritas=format_number(row["prioritas"], LANG, decimals=1),
                )
            )
        else:
            hist_sentra = st.selectbox(
                tr("rute.jenis.sentra"),
                list(sentra_names),
                format_func=sentra_names.__getitem__,
                key="hist_sentra",
            )
            history = visits.visit_history(visit_log, sentra_id=hist_sentra)
        if history.empty:
            st.info(tr("rute.log.riwayat_kosong"))
        else:
            counts = visits.needs_counts(history)
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("rute.log.kebutuhan"): [tr(f"rute.kebutuhan.{c}") for c in counts.index],
                        tr("rute.log.jumlah"): counts.to_numpy(),
                    }
                ),
                hide_index=True,
                width="stretch",
            )

            def _target(r: pd.Series) -> str:
                if pd.notna(r["umkm_id"]) and str(r["umkm_id"]) in by_id.index:
                    return f"{tr('rute.jenis.umkm')}: {by_id.at[str(r['umkm_id']), 'nama_usaha']}"
                if pd.notna(r["sentra_id"]):
                    name = sentra_names.get(str(r["sentra_id"]), str(r["sentra_id"]))
                    return f"{tr('rute.jenis.sentra')}: {name}"
                return (
                    f"{tr('rute.jenis.kelurahan')}: {kel_names.get(str(r['kode_kelurahan']), '')}"
                )

            st.dataframe(
                pd.DataFrame(
                    {
                        tr("rute.log.tanggal"): history["tanggal"].dt.strftime("%d/%m/%Y"),
                        tr("rute.log.sasaran"): [_target(r) for _, r in history.iterrows()],
                        tr("rute.log.petugas"): [
                            ", ".join(roster.get(o, o) for o in visits.split_officers(v))
                            for v in history["petugas"]
                        ],
                        tr("rute.log.kebutuhan"): [
                            ", ".join(tr(f"rute.kebutuhan.{c}") for c in visits.parse_kebutuhan(v))
                            for v in history["kebutuhan"]
                        ],
                        tr("rute.log.catatan"): history["catatan"],
                        tr("rute.log.tindak_lanjut"): history["tindak_lanjut"]
                        .dt.strftime("%d/%m/%Y")
                        .fillna(""),
                    }
                ),
                hide_index=True,
                width="stretch",
            )
