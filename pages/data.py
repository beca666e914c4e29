"""Data: import registers (mapping, preview, report, commit), import history with undo, export.

The page composes: files are read by :mod:`geo.ingest.readers`, checked by
:func:`geo.ingest.importer.plan_import`, stored by :func:`geo.services.imports.commit_import` and
undone by :func:`geo.services.imports.undo_import`; exports come from :mod:`geo.ingest.export`.
Nothing is stored before the user presses the save button.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from pages._common import require_page

require_page("data")

from geo import wilayah  # noqa: E402 - only after the role check
from geo.analysis.filters import RegisterFilter, kelurahan_options  # noqa: E402
from geo.core.access import sees_personal  # noqa: E402
from geo.core.escape import markdown_text as md  # noqa: E402
from geo.core.i18n import format_number  # noqa: E402
from geo.core.register import SECTORS, SIZE_CLASSES  # noqa: E402
from geo.core.settings import KECAMATAN_NAMES  # noqa: E402
from geo.ingest import importer  # noqa: E402
from geo.ingest.export import EXPORT_FORMATS, export_bytes, export_name  # noqa: E402
from geo.ingest.headers import FIELDS, guess_mapping, mapping_to_json  # noqa: E402
from geo.ingest.readers import FORMATS, SourceError, SourceTable, read_source  # noqa: E402
from geo.ingest.stages import SIZE_CLASSES_ASSUMABLE  # noqa: E402
from geo.services import boundaries as boundaries_service  # noqa: E402
from geo.services import imports  # noqa: E402
from geo.wilayah import citylayer, compare  # noqa: E402
from geo.wilayah.citylayer import attribution  # noqa: E402
from pages._common import (  # noqa: E402
    boundaries,
    clear_data_caches,
    current_lang,
    current_role,
    current_user,
    demo_banner,
    get_store,
    tr,
)

LANG = current_lang()
store = get_store()
demo_banner(store)
st.title(tr("data.title"))
st.caption(tr("data.intro"))

_PLAN = "data_plan"
_PLAN_KEY = "data_plan_key"
_RESULT = "data_result"
_LAYER_KEY = "data_batas_layer"
_EXPORT = "data_export"
_REPORTS = "data_reports"
_PREVIEW_ROWS = 1_000
_STATUS_COLOURS = {"ok": "#e6f4ea", "peringatan": "#fef3c7", "galat": "#fde2e1"}


def n(value: float) -> str:
    """Format a count in the session's language."""
    return format_number(value, LANG)


@st.cache_data(show_spinner=False, max_entries=4)
def _read(data: bytes, name: str, sheet: str | None) -> SourceTable:
    return read_source(data, name=name, sheet=sheet)


@st.cache_data(show_spinner=False)
def _kelurahan() -> pd.DataFrame:
    kel = wilayah.kelurahan()
    return pd.DataFrame(kel.drop(columns="geometry"))


tab_import, tab_batches, tab_export, tab_batas = st.tabs(
    [tr("data.tab_import"), tr("data.tab_batches"), tr("data.tab_export"), tr("data.tab_batas")]
)

# --- Import -----------------------------------------------------------------------------------
with tab_import:
    if _RESULT in st.session_state:
        st.success(st.session_state.pop(_RESULT), icon=":material/task_alt:")
    upload = st.file_uploader(
        tr("data.upload"),
        type=sorted({suffix.lstrip(".") for suffix in FORMATS}),
        help=tr("data.upload_help"),
        key="data_upload",
    )
    source = None
    if upload is not None:
        data = upload.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        try:
            source = _read(data, upload.name, None)
            if len(source.sheets) > 1:
                sheet = st.selectbox(tr("data.sheet"), source.sheets, key=f"data_sheet_{digest}")
                if sheet != source.sheet:
                    source = _read(data, upload.name, sheet)
        except SourceError as exc:
            st.error(tr("data.unreadable", reason=md(exc.reason)))
            source = None

    if source is not None:
        detail = ""
        if source.format == "csv":
            delimiter = {"\t": "tab"}.get(source.delimiter or "", source.delimiter or "")
            detail = tr("data.file_csv_detail", encoding=source.encoding, delimiter=delimiter)
        st.caption(
            tr("data.file_info", rows=n(len(source.cells)), header=source.header_row, detail=detail)
        )

        st.subheader(tr("data.mapping_header"))
        st.caption(tr("data.mapping_help"))
        labels = {code: (f.label_id if LANG == "id" else f.label_en) for code, f in FIELDS.items()}
        ignore = tr("data.ignore")
        by_label = {label: code for code, label in labels.items()}
        guessed = guess_mapping(source.headers, cells=source.cells)
        samples = [
            ", ".join(source.cells[h].dropna().astype(str).head(3).str.slice(0, 24))
            for h in source.headers
        ]
        editor = pd.DataFrame(
            {
                "kolom": source.headers,
                "contoh": samples,
                "tujuan": [labels[guessed[h]] if guessed[h] else ignore for h in source.headers],
            }
        )
        edited = st.data_editor(
            editor,
            hide_index=True,
            width="stretch",
            disabled=["kolom", "contoh"],
            key=f"data_mapping_{source.sha256}_{source.sheet}",
            column_config={
                "kolom": st.column_config.TextColumn(tr("data.col_source")),
                "contoh": st.column_config.TextColumn(tr("data.col_sample")),
                "tujuan": st.column_config.SelectboxColumn(
                    tr("data.col_target"), options=[ignore, *labels.values()], required=True
                ),
            },
        )
        mapping = {
            str(h): by_label.get(str(t))
            for h, t in zip(edited["kolom"], edited["tujuan"], strict=True)
        }
        st.download_button(  # the same JSON as `python -m geo import --mapping FILE.json`
            tr("data.mapping_download"),
            data=mapping_to_json(mapping),
            file_name="pemetaan-kolom.json",
            mime="application/json",
            key="data_mapping_json",
        )
        place_missing = st.checkbox(tr("data.place_missing"), key="data_place_missing")
        skala_default = st.selectbox(
            tr("data.skala_default"),
            [None, *SIZE_CLASSES_ASSUMABLE],
            format_func=lambda v: tr("data.skala_default_none") if v is None else v,
            key="data_skala_default",
        )
        plan_key = (
            source.sha256,
            source.sheet,
            tuple(sorted(mapping.items())),
            place_missing,
            skala_default,
        )

        if st.button(tr("data.check"), type="primary", key="data_check"):
            with st.status(tr("data.checking", name=md(source.name)), expanded=True) as status:
                bar = st.progress(0.0)

                def progress(fraction: float, message: str) -> None:
                    """Move the progress bar (fraction 0-1) and say what is being done."""
                    bar.progress(min(max(fraction, 0.0), 1.0), text=message)

                plan = importer.plan_import(
                    source,
                    mapping=mapping,
                    options=importer.PlanOptions(
                        place_missing=place_missing, skala_default=skala_default
                    ),
                    register=store.read_umkm(presisi_lokasi=True),
                    sentra_ids=set(store.read_sentra()["id"]),
                    kel=boundaries()[0],  # the active layer (the city's, once it is in use)
                    progress=progress,
                )
                bar.progress(1.0)
                status.update(label=tr("data.checked"), state="complete", expanded=False)
            st.session_state[_PLAN] = plan
            st.session_state[_PLAN_KEY] = plan_key

        plan = st.session_state.get(_PLAN)
        if plan is not None and plan.source.sha256 == source.sha256:
            if st.session_state.get(_PLAN_KEY) != plan_key:
                st.info(tr("data.stale"), icon=":material/refresh:")
            for problem in plan.mapping_problems:
                st.error(tr("data.mapping_problem", problem=md(problem)))
            for note in plan.notes:
                st.info(md(note), icon=":material/info:")

            st.subheader(tr("data.preview_header"))
            summary = plan.summary()
            cols = st.columns(7)
            for col, (key, label) in zip(
                cols,
                [
                    ("baris", "data.metric_rows"),
                    ("ok", "data.metric_ok"),
                    ("peringatan", "data.metric_warning"),
                    ("galat", "data.metric_error"),
                    ("impor", "data.metric_import"),
                    ("perbarui", "data.metric_update"),
                    ("lewati", "data.metric_skip"),
                ],
                strict=True,
            ):
                col.metric(tr(label), n(summary[key]))

            shown_status = st.multiselect(
                tr("data.filter_status"),
                options=list(importer.STATUSES),
                default=[s for s in ("galat", "peringatan") if summary[s]] or ["ok"],
                format_func=lambda s: tr(f"data.status.{s}"),
                key="data_status_filter",
            )
            report = plan.report()
            report["sektor"] = plan.rows["sektor"].to_numpy()
            report["skala"] = plan.rows["skala"].to_numpy()
            chosen = report[report["status"].isin(shown_status)]
            columns = ["baris", "status", "tindakan", "nama_usaha", "pesan", "kelurahan"]
            preview = chosen.head(_PREVIEW_ROWS)[[*columns, "sektor", "skala"]]
            colours = preview["status"].map(_STATUS_COLOURS)
            preview = preview.astype(object).where(preview.notna(), "")
            preview["status"] = preview["status"].map(lambda s: tr(f"data.status.{s}"))
            preview["tindakan"] = preview["tindakan"].map(lambda a: tr(f"data.action.{a}"))
            styled = preview.style.apply(
                lambda col: [f"background-color: {c}" for c in colours], subset=["status"]
            )
            st.container(key="data_preview").dataframe(
                styled,
                hide_index=True,
                width="stretch",
                height=min(420, 38 + 35 * max(len(preview), 1)),
                column_config={
                    "baris": st.column_config.NumberColumn(tr("data.col_row"), format="%d"),
                    "status": tr("data.col_status"),
                    "tindakan": tr("data.col_action"),
                    "nama_usaha": tr("data.col_name"),
                    "pesan": st.column_config.TextColumn(tr("data.col_message"), width="large"),
                    "kelurahan": tr("data.col_kelurahan"),
                    "sektor": tr("data.col_sector"),
                    "skala": tr("data.col_size"),
                },
            )
            st.caption(tr("data.preview_caption", shown=n(len(preview)), total=n(len(chosen))))

            changes: dict[int, str] = {}
            duplicates = plan.rows[
                plan.rows["pilihan"].str.contains("/")
                & plan.rows["status_baris"].ne("galat")
                & (plan.rows["baris_sama"].notna() | plan.rows["id_sama"].notna())
            ]
            if len(duplicates):
                st.markdown(f"**{tr('data.duplicates_header')}**")
                st.caption(tr("data.duplicates_help"))
                same = (
                    duplicates["id_sama"]
                    .astype("string")
                    .fillna(
                        duplicates["baris_sama"]
                        .map(lambda r: tr("data.duplicate_row", row=int(r)), na_action="ignore")
                        .astype("string")
                    )
                )
                action_label = {a: tr(f"data.action.{a}") for a in importer.ACTIONS}
                action_code = {label: a for a, label in action_label.items()}
                dup_table = pd.DataFrame(
                    {
                        "baris": duplicates["baris"].to_numpy(),
                        "nama_usaha": duplicates["nama_usaha"].to_numpy(),
                        "sama": same.to_numpy(),
                        "pilihan": [
                            ", ".join(action_label[a] for a in str(c).split("/"))
                            for c in duplicates["pilihan"]
                        ],
                        "tindakan": duplicates["tindakan"].map(action_label).to_numpy(),
                    }
                )
                decided = st.data_editor(
                    dup_table,
                    hide_index=True,
                    width="stretch",
                    disabled=["baris", "nama_usaha", "sama", "pilihan"],
                    key=f"data_duplicates_{plan.source.sha256}",
                    column_config={
                        "baris": st.column_config.NumberColumn(tr("data.col_row"), format="%d"),
                        "nama_usaha": tr("data.col_name"),
                        "sama": tr("data.col_duplicate_of"),
                        "pilihan": tr("data.col_choices"),
                        "tindakan": st.column_config.SelectboxColumn(
                            tr("data.col_action"),
                            options=list(action_label.values()),
                            required=True,
                        ),
                    },
                )
                changes = {
                    int(b): action_code[str(a)]
                    for b, a, old in zip(
                        decided["baris"], decided["tindakan"], dup_table["tindakan"], strict=True
                    )
                    if a != old
                }
                if changes:
                    try:
                        plan = plan.with_actions(changes)
                    except ValueError as exc:
                        st.error(tr("data.action_refused", reason=str(exc)))
                    summary = plan.summary()

            # The reports are built once per plan and choice of actions, not on every rerun.
            report_key = (plan_key, tuple(sorted(changes.items())))
            reports = st.session_state.get(_REPORTS)
            if reports is None or reports[0] != report_key:
                reports = (report_key, importer.report_csv(plan), importer.report_xlsx(plan))
                st.session_state[_REPORTS] = reports
            left, right = st.columns(2)
            stem = plan.source.name.rsplit(".", 1)[0]
            left.download_button(
                tr("data.report_csv"),
                data=reports[1],
                file_name=f"laporan_{stem}.csv",
                mime="text/csv",
                key="data_report_csv",
            )
            right.download_button(
                tr("data.report_xlsx"),
                data=reports[2],
                file_name=f"laporan_{stem}.xlsx",
                mime=EXPORT_FORMATS["xlsx"][1],
                key="data_report_xlsx",
            )

            st.subheader(tr("data.commit_header"))
            nothing = not (summary["impor"] or summary["perbarui"]) or bool(plan.mapping_problems)
            stale = st.session_state.get(_PLAN_KEY) != plan_key
            if nothing:
                st.info(tr("data.nothing_to_commit"))
            if st.button(
                tr("data.commit", add=n(summary["impor"]), update=n(summary["perbarui"])),
                type="primary",
                disabled=nothing or stale,
                help=tr("data.commit_help"),
                key="data_commit",
            ):
                with st.status(tr("data.committing", name=md(plan.source.name))) as status:
                    bar = st.progress(0.0)

                    def progress(fraction: float, message: str) -> None:
                        """Move the progress bar (fraction 0-1) and say what is being done."""
                        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

                    try:
                        result = imports.commit_import(
                            store, plan, user=current_user(), progress=progress
                        )
                    except ValueError as exc:
                        status.update(state="error")
                        st.error(tr("data.commit_failed", reason=str(exc)))
                    else:
                        clear_data_caches()
                        st.session_state.pop(_PLAN, None)
                        st.session_state[_RESULT] = tr(
                            "data.committed",
                            batch=result.batch_id,
                            add=n(result.ditambah),
                            update=n(result.diperbarui),
                            skip=n(result.dilewati),
                        )
                        st.rerun()

# --- Import history and undo ------------------------------------------------------------------
with tab_batches:
    batches = store.read_import_batches()
    if batches.empty:
        st.info(tr("data.batches_empty"))
    else:
        changes = store.read_import_changes()
        table = batches.merge(changes, how="left", left_on="id", right_on="batch_id")
        table = table.sort_values("id", ascending=False)
        st.container(key="data_batches").dataframe(
            table[
                [
                    "id",
                    "nama_file",
                    "dibuat",
                    "jumlah_baris",
                    "jumlah_umkm",
                    "ditambah",
                    "diperbarui",
                    "sha256",
                ]
            ],
            hide_index=True,
            width="stretch",
            column_config={
                "id": st.column_config.NumberColumn(tr("data.col_batch"), format="#%d"),
                "nama_file": tr("data.col_file"),
                "dibuat": st.column_config.DatetimeColumn(tr("data.col_created")),
                "jumlah_baris": tr("data.col_file_rows"),
                "jumlah_umkm": tr("data.col_in_store"),
                "ditambah": tr("data.col_added"),
                "diperbarui": tr("data.col_updated"),
                "sha256": tr("data.col_sha"),
            },
        )
        st.subheader(tr("data.undo_header"))
        batch_id = st.selectbox(
            tr("data.undo_select"),
            table["id"].tolist(),
            format_func=lambda b: f"#{b} {table.loc[table['id'] == b, 'nama_file'].iloc[0]}",
            key="data_undo_batch",
        )
        confirmed = st.checkbox(tr("data.undo_confirm"), key="data_undo_confirm")
        if st.button(
            tr("data.undo", batch=batch_id), disabled=not confirmed, key="data_undo", type="primary"
        ):
            try:
                deleted, restored = imports.undo_import(store, int(batch_id), user=current_user())
            except ValueError as exc:
                st.error(tr("data.undo_failed", reason=str(exc)))
            else:
                clear_data_caches()
                st.success(
                    tr("data.undone", batch=batch_id, deleted=n(deleted), restored=n(restored))
                )

# --- Export -----------------------------------------------------------------------------------
with tab_export:
    st.caption(tr("data.export_intro"))
    kel = _kelurahan()
    c1, c2, c3 = st.columns(3)
    sektor = c1.multiselect(
        tr("data.filter_sector"),
        list(SECTORS),
        format_func=lambda c: SECTORS[c].label_id if LANG == "id" else SECTORS[c].label_en,
        key="data_export_sektor",
    )
    skala = c2.multiselect(tr("data.filter_size"), list(SIZE_CLASSES), key="data_export_skala")
    kecamatan = c3.multiselect(
        tr("data.filter_kecamatan"),
        list(KECAMATAN_NAMES),
        format_func=KECAMATAN_NAMES.__getitem__,
        key="data_export_kecamatan",
    )
    options = kelurahan_options(kel, kecamatan=tuple(kecamatan))
    names = dict(zip(options["kode"], options["nama"], strict=True))
    c4, c5 = st.columns(2)
    kelurahan = c4.multiselect(
        tr("data.filter_kelurahan"),
        list(names),
        format_func=names.__getitem__,
        key="data_export_kel",
    )
    cari = c5.text_input(tr("data.filter_search"), key="data_export_cari")
    flt = RegisterFilter(
        sektor=tuple(sektor),
        skala=tuple(skala),
        kecamatan=tuple(kecamatan),
        kelurahan=tuple(kelurahan),
        cari=cari,
    )
    role = current_role()
    may_see_personal = sees_personal(role)
    c6, c7 = st.columns(2)
    fmt = c6.radio(
        tr("data.export_format"),
        list(EXPORT_FORMATS),
        format_func={"csv": "CSV", "xlsx": "XLSX", "geojson": "GeoJSON", "gpkg": "GeoPackage"}.get,
        horizontal=True,
        key="data_export_format",
    )
    personal = False
    if may_see_personal:
        personal = c7.checkbox(tr("data.export_personal"), key="data_export_personal")
        if personal:
            c7.caption(tr("data.export_personal_note"))
    else:
        c7.caption(tr("data.export_no_personal"))
    export_key = (flt, fmt, personal)
    if st.button(tr("data.export_prepare"), key="data_export_prepare"):
        name = export_name(fmt)
        with st.spinner(tr("data.export_preparing", name=name)):
            register = flt.apply(store.read_umkm(presisi_lokasi=True))
            content = export_bytes(register, fmt=fmt, role=role if personal else "publik")
        st.session_state[_EXPORT] = (export_key, name, content, len(register))
    prepared = st.session_state.get(_EXPORT)
    if prepared is not None and prepared[0] == export_key:
        _, name, content, count = prepared
        st.caption(tr("data.export_count", count=n(count)))
        st.download_button(
            tr("data.export_download", name=name),
            data=content,
            file_name=name,
            mime=EXPORT_FORMATS[fmt][1],
            type="primary",
            key="data_export_download",
        )


# --- Batas wilayah: the city's layer (admin), misplaced sentra (officers) ------------------------
def _check_layer(upload: object) -> None:
    """Validate an uploaded layer and keep the plan (report only, nothing changes)."""
    suffix = Path(str(upload.name)).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"batas{suffix}"
        path.write_bytes(upload.getvalue())
        try:
            city = citylayer.read_city_layer(path)
        except citylayer.CityLayerError as exc:
            st.error(md(str(exc).replace(str(path), str(upload.name))))
            return
    # The comparison reads the register and computes coverage twice: once per check, not on
    # every rerun of the tab (ticking the confirmation reruns the page).
    plan = boundaries_service.plan_layer(store, city) if city.ok else None
    st.session_state[_LAYER_KEY] = (upload.name, city, plan)


def _layer_section() -> None:
    st.caption(tr("data.batas_active", label=md(attribution(boundaries()[0]))))
    upload = st.file_uploader(
        tr("data.batas_upload"), type=["geojson", "json", "gpkg"], key="data_batas_file"
    )
    label = st.text_input(tr("data.batas_label"), key="data_batas_label")
    if upload is not None and st.button(tr("data.batas_check"), key="data_batas_check"):
        with st.spinner(tr("data.batas_checking")):
            _check_layer(upload)
    name, city, plan = st.session_state.get(_LAYER_KEY, (None, None, None))
    if city is None or upload is None or name != upload.name:
        return
    st.write(md(city.columns.describe()))
    for warning in city.warnings:
        st.warning(md(warning))
    if plan is None:
        for problem in city.problems:
            st.error(md(problem))
        return
    st.code("\n".join(plan.lines()), language=None)
    st.dataframe(
        compare.report_table(plan.comparison),
        hide_index=True,
        width="stretch",
        column_config={  # display only: the CSV report keeps full precision
            "luas_sebelum_km2": st.column_config.NumberColumn(format="%.3f"),
            "luas_sesudah_km2": st.column_config.NumberColumn(format="%.3f"),
            "perubahan_persen": st.column_config.NumberColumn(format="%.2f"),
            "iou": st.column_config.NumberColumn(format="%.3f"),
        },
    )
    confirmed = st.checkbox(tr("data.batas_confirm"), key="data_batas_confirm")
    if st.button(tr("data.batas_use"), disabled=not confirmed, type="primary"):
        source = label.strip() or f"Batas wilayah: {upload.name}"
        try:
            done = boundaries_service.use_layer(
                store, city, source_label=source, user=current_user()
            )
        except ValueError as exc:
            st.error(md(exc))
            return
        st.session_state.pop(_LAYER_KEY, None)
        clear_data_caches()
        st.success(tr("data.batas_done", n=n(len(done.changes))))


with tab_batas:
    st.subheader(tr("data.batas_sentra_header"))
    flagged = boundaries_service.sentra_flags(store)
    if flagged.empty:
        st.caption(tr("data.batas_sentra_none"))
    else:
        st.dataframe(flagged, hide_index=True, width="stretch")
    if current_role() == "admin":
        st.subheader(tr("data.batas_header"))
        _layer_section()
        if st.button(tr("data.batas_reset"), key="data_batas_reset"):
            try:
                boundaries_service.reset_layer(store, user=current_user())
            except ValueError as exc:
                st.error(md(exc))
            else:
                clear_data_caches()
                st.rerun()
