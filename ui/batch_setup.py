"""Steps 1–3 of a new batch: the contacts file, the template, and the check of every row.

Nothing is spent here. The last button stores the batch and sends its sample row; from then on
the batch panel (ui.batch_panel) takes over. Every input is kept for the browser session, so
coming back from another page (or from a discarded sample) finds the form as it was left.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from pathlib import PurePath
from typing import Any

import pandas as pd
import streamlit as st

from heygen.studio.batch import (
    AVATAR_COLUMN, BACKGROUND_COLUMN, MAX_ROWS, VOICE_COLUMN, Batch, BatchCheck, BatchInputError, BatchRow,
    BatchTemplate, check_rows, keep_known, match_voice, pieces, read_csv,
)
from heygen.studio.batch.csvfile import MAX_BYTES as MAX_CSV_BYTES, check_size, utf8_size
from heygen.studio.batch.media import IMAGE_EXTENSIONS, asset_ids, asset_kinds
from heygen.studio.batch.pronounce import MAX_CHARS as MAX_PRONOUNCE_CHARS
from heygen.studio.scripting import estimated_seconds, format_duration
from heygen.api.avatars import AvatarLook
from heygen.api.videos import ASPECT_RATIOS, CAPTIONS, FITS, RESOLUTIONS
from heygen.studio.formats import suggested_aspect, supports_avatar_v, supports_transparent

from . import batch_common as common
from . import batch_from_template
from . import catalogue, connection, listen, pickers
from .catalogue import Catalogue
from .feedback import show_error
from .text import md

P = common.P
CSV = "batch_csv"  # {"name", "data" (bytes), "origin", "file_id"} or {"error"}: the rows being set up
PARSED = "batch_parsed"  # memo: {"digest", "df" | "error"}
CHECKED = "batch_checked"  # memo: {"signature", "checks", "table", "titles"}
CREATED = "batch_created"  # {"signature", "batch_id"} of the last batch made from this form
MODE, UPLOADER, PASTE = "batch_input_mode", "batch_csv_file", "batch_paste"
SCRIPT, TITLE, INSERT_INTO = "batch_script", "batch_title", "batch_insert_into"
RESOLUTION, ASPECT, BG_MODE, BG_COLOUR = "batch_resolution", "batch_aspect", "batch_bg_mode", "batch_bg_colour"
SPEED, PITCH = "batch_speed", "batch_pitch"
CAPTIONS_KEY, FIT, TRANSPARENT, AVATAR_V = "batch_captions", "batch_fit", "batch_transparent", "batch_avatar_v"
ASPECT_MANUAL = "batch_aspect_manual"  # the user chose the ratio: it no longer follows the chosen look
PREVIEW_ROW, NAME, CONCURRENCY, SAMPLE_ROW = "batch_preview_row", "batch_name", "batch_concurrency", "batch_sample_row"
ONLY_PROBLEMS = "batch_only_problems"
# The pronunciation list: PRONOUNCE_BASE is the table the editor was drawn with, PRONOUNCE_EDITOR its edits
# (while it is on the page), PRONOUNCE the list as it stands, kept when the page is left.
PRONOUNCE, PRONOUNCE_BASE, PRONOUNCE_EDITOR = "batch_pronounce", "batch_pronounce_base", "batch_pronounce_editor"
PRONOUNCE_COLUMNS = ("Written", "Spoken")
MAX_BYTES = 20 * 1024 * 1024  # the browser's own cap on the upload; above MAX_CSV_BYTES we refuse it ourselves

DEFAULTS: dict[str, Any] = {
    MODE: "upload", PASTE: "", SCRIPT: "", TITLE: "", INSERT_INTO: "script", RESOLUTION: "1080p", ASPECT: "16:9",
    BG_MODE: "none", BG_COLOUR: "#f4f3fb", SPEED: 1.0, PITCH: 0, NAME: "", CONCURRENCY: common.DEFAULT_CONCURRENCY,
    ONLY_PROBLEMS: False, CAPTIONS_KEY: "off", FIT: "auto", TRANSPARENT: False, AVATAR_V: False, ASPECT_MANUAL: False,
}
MODES = {"upload": ":material/upload_file: Upload a file", "paste": ":material/content_paste: Paste text"}
ASPECT_LABELS = {"16:9": ":material/crop_landscape: 16:9", "9:16": ":material/crop_portrait: 9:16",
                 "1:1": ":material/crop_square: 1:1", "4:5": "4:5", "5:4": "5:4", "auto": "Auto"}
CAPTION_LABELS = {"off": "Off", "sidecar": "Subtitle file (SRT)", "burned": "Burned in"}
FIT_LABELS = {"auto": "Auto", "cover": "Cover: fill the frame", "contain": "Contain: show it whole"}
RESOLUTION_LABELS = {"720p": "720p", "1080p": "1080p", "4k": "4K"}
BG_MODES = {"none": "Avatar's own", "colour": "Colour"}
SCRIPT_PLACEHOLDER = "Hi {{first_name|there}}! I recorded this for everyone at {{company}} …"
_MARK_OPEN, _MARK_CLOSE, _MARK_EMPTY = "\ue000", "\ue001", "\ue002"  # inserted values in the preview
_MARK_DEFAULT_OPEN, _MARK_DEFAULT_CLOSE = "\ue003", "\ue004"  # a default said for an empty cell


def render_setup(conn: connection.Connection) -> None:
    """Steps 1 to 3 of a new batch, and the button that stores it and renders the sample."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    df = _contacts_step()
    if df is None:
        catalogue.warm(conn)  # step 2 needs the lists: they load while the contacts are chosen
        _later(2, "Write the template", "after the contacts are in")
        _later(3, "Check every row", "before anything is spent")
        return
    cat = template = None
    with st.container(border=True, key="batch_step_template"):
        common.step_header(2, "Write the template", note="one script, personalised for every row")
        batch_from_template.source_choice()
        cat = catalogue_or_none(conn)
        if cat is not None and batch_from_template.chosen():
            template = batch_from_template.step(conn, df)
        elif cat is not None:
            _template_step(conn, df, cat)
            template = current_template()
    if cat is None or template is None:
        _later(3, "Check every row", "before anything is spent")
        return
    with st.container(border=True, key="batch_step_check"):
        common.step_header(3, "Check every row", note="nothing is spent until you press the button below")
        _check_step(conn, df, template, cat)


def catalogue_or_none(conn: connection.Connection) -> Catalogue | None:
    cat = catalogue.load(conn, key="batch_catalogue")
    if cat is not None:
        for note in cat.notes:
            st.warning(md(note), icon=":material/warning:")
    return cat


def _later(number: int, title: str, note: str) -> None:
    with st.container(border=True):
        common.step_header(number, title, status="later", note=note)


# -- 1 · contacts ---------------------------------------------------------------------------------


def _contacts_step() -> pd.DataFrame | None:
    with st.container(border=True, key="batch_step_contacts"):
        loaded = st.session_state.get(CSV)
        df = _parsed(loaded)
        common.step_header(1, "Upload your contacts", status="done" if df is not None else "current",
                           note=f"a CSV file, up to {MAX_ROWS:,} rows and {MAX_CSV_BYTES // 1_048_576} MB")
        st.segmented_control("How to add the contacts", list(MODES), key=MODE, required=True,
                             format_func=MODES.get, label_visibility="collapsed", persist_state="session")
        if st.session_state.get(MODE) == "paste":
            st.text_area("CSV text", key=PASTE, height=160, persist_state="session",
                         placeholder="first_name,company,email\nAna,Northwind Bakery,ana@example.com")
            st.button("Use this text", key="batch_use_paste", on_click=_use_paste, icon=":material/check:")
        else:
            upload = st.file_uploader(
                "CSV file", key=UPLOADER, on_change=_upload_changed, max_upload_size=MAX_BYTES // 1_048_576,
                help="UTF-8 text (with or without BOM), comma- or semicolon-separated, first line = column names. "
                     "In a spreadsheet: “Save as” → “CSV UTF-8”.",
            )
            if upload is not None and (loaded or {}).get("file_id") != upload.file_id:
                _take_upload(upload)
                loaded = st.session_state.get(CSV)
                df = _parsed(loaded)
        if loaded is None:
            st.caption("The first line holds the column names; every other line is one contact. "
                       "Use the column names as {{placeholders}} in the script.")
            return None
        if loaded.get("origin") != "upload" or st.session_state.get(MODE) == "paste":
            using, clear = st.columns([4, 1], vertical_alignment="center")
            using.caption(f"Using: **{md(loaded.get('name') or 'pasted text')}**")
            clear.button("Clear", key="batch_clear_contacts", type="tertiary", icon=":material/close:",
                         on_click=forget_contacts, width="stretch")
        error = loaded.get("error") or (st.session_state.get(PARSED) or {}).get("error")
        if error:
            show_error(BatchInputError(error), title="This file cannot be used")
            return None
        _contacts_table(df)
        return df


def _upload_changed() -> None:
    upload = st.session_state.get(UPLOADER)
    if upload is None:
        if (st.session_state.get(CSV) or {}).get("origin") == "upload":
            st.session_state.pop(CSV, None)
        return
    _take_upload(upload)


def _take_upload(upload: Any) -> None:
    try:
        check_size(upload.size)  # before the file's bytes are read at all
    except BatchInputError as exc:
        st.session_state[CSV] = {"name": upload.name, "origin": "upload", "file_id": upload.file_id, "error": str(exc)}
        return
    _set_contacts(upload.getvalue(), name=upload.name, origin="upload", file_id=upload.file_id)


def _use_paste() -> None:
    text = st.session_state.get(PASTE) or ""
    try:
        check_size(utf8_size(text), pasted=True)  # the text stays in its box, to be shortened
    except BatchInputError as exc:
        st.session_state[CSV] = {"name": "pasted text", "origin": "paste", "error": str(exc)}
        return
    _set_contacts(text, name="pasted text", origin="paste")


def _set_contacts(data: bytes | str, *, name: str, origin: str, file_id: str | None = None) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    st.session_state[CSV] = {"name": name, "data": raw, "origin": origin, "file_id": file_id}
    stem = PurePath(name).stem if origin == "upload" else ""
    st.session_state[NAME] = stem.replace("_", " ").replace("-", " ").strip()[:80] if stem else ""
    st.session_state.pop(PREVIEW_ROW, None)
    st.session_state.pop(SAMPLE_ROW, None)


def _parsed(loaded: dict | None) -> pd.DataFrame | None:
    """The contacts as a table (read once per file), or None (nothing yet, or refused)."""
    if not loaded or "data" not in loaded:
        return None
    digest = hashlib.sha256(loaded["data"]).hexdigest()
    memo = st.session_state.get(PARSED)
    if not memo or memo.get("digest") != digest:
        try:
            memo = {"digest": digest, "df": read_csv(loaded["data"])}
        except BatchInputError as exc:
            memo = {"digest": digest, "error": str(exc)}
        st.session_state[PARSED] = memo
    return memo.get("df")


def contacts_digest() -> str | None:
    memo = st.session_state.get(PARSED)
    return memo.get("digest") if memo and "df" in memo else None


def _contacts_table(df: pd.DataFrame) -> None:
    shown = df.copy()
    shown.index = pd.RangeIndex(1, len(df) + 1, name="Row")
    st.dataframe(shown, height=min(38 + 35 * len(df), 320), key="batch_contacts_table")
    columns = ", ".join(str(c) for c in df.columns)
    st.caption(f"**{len(df):,} row{'s' if len(df) != 1 else ''}** · {len(df.columns)} "
               f"column{'s' if len(df.columns) != 1 else ''}: {md(columns)}")


# -- 2 · template ---------------------------------------------------------------------------------


def current_template() -> BatchTemplate:
    """The template the form describes now."""
    state = st.session_state
    speed = float(state.get(SPEED, 1.0))
    pitch = float(state.get(PITCH, 0))
    return BatchTemplate(
        script=state.get(SCRIPT) or "",
        title=state.get(TITLE) or "",
        avatar_id=pickers.chosen_avatar_id(P) or None,
        voice_id=pickers.chosen_voice_id(P) or None,
        resolution=state.get(RESOLUTION) or None,
        aspect_ratio=state.get(ASPECT) or None,
        background_color=state.get(BG_COLOUR) if state.get(BG_MODE) == "colour" else None,
        speed=None if abs(speed - 1.0) < 1e-9 else round(speed, 2),
        pitch=None if pitch == 0 else pitch,
        captions=state.get(CAPTIONS_KEY) if state.get(CAPTIONS_KEY) in CAPTIONS else None,
        fit=state.get(FIT) if state.get(FIT) in FITS else None,
        output_format="webm" if state.get(TRANSPARENT) else None,
        engine="avatar_v" if state.get(AVATAR_V) else None,
        pronunciations=pronunciation_rows(),
    )


def pronunciation_rows() -> list[list[str]]:
    """The pronunciation list as the page shows it now ([written, spoken] lines, possibly half filled in)."""
    state = st.session_state
    edits = state.get(PRONOUNCE_EDITOR)
    if not isinstance(edits, dict):
        return [list(line) for line in state.get(PRONOUNCE) or []]
    lines = [dict(zip(PRONOUNCE_COLUMNS, line)) for line in state.get(PRONOUNCE_BASE) or []]
    for index, change in (edits.get("edited_rows") or {}).items():
        if 0 <= int(index) < len(lines) and isinstance(change, dict):
            lines[int(index)].update(change)
    lines += [dict(added) for added in edits.get("added_rows") or [] if isinstance(added, dict)]
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    kept = [line for i, line in enumerate(lines) if i not in deleted]
    return [[_plain(line.get(c)) for c in PRONOUNCE_COLUMNS] for line in kept
            if any(_plain(line.get(c)) for c in PRONOUNCE_COLUMNS)]


def _plain(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def _insert(column: str) -> None:
    target = TITLE if st.session_state.get(INSERT_INTO) == "title" else SCRIPT
    text = st.session_state.get(target) or ""
    token = "{{" + column + "}}"
    joiner = "" if not text or text.endswith((" ", "\n", "(", "“", '"')) else " "
    st.session_state[target] = f"{text}{joiner}{token}"


def _template_step(conn: connection.Connection, df: pd.DataFrame, cat: Catalogue) -> None:
    columns = [str(c) for c in df.columns]
    left, right = st.columns([1.1, 1], gap="large")
    with left:
        st.text_area("Script", key=SCRIPT, height=190, placeholder=SCRIPT_PLACEHOLDER, persist_state="session",
                     help="Write {{column}} where a value from the file goes, e.g. {{first_name}}.")
        head, into = st.columns([1.6, 1], vertical_alignment="center")
        head.caption("Click a column to add it at the end of the script or the title. "
                     f"Write {md('{{first_name|there}}')} to say “there” where a row's cell is empty, or "
                     f"{md('{{first_name|}}')} to say nothing there.")
        into.segmented_control("Insert into", ["script", "title"], key=INSERT_INTO, required=True,
                               format_func=str.capitalize, label_visibility="collapsed", persist_state="session")
        with st.container(horizontal=True, gap="small", key="batch_chips"):
            for index, column in enumerate(columns):
                st.button(md("{{" + column + "}}"), key=f"batch_insert_{index}", on_click=_insert,
                          args=(column,), help=f"Add {md('{{' + column + '}}')} to the {st.session_state.get(INSERT_INTO)}")
        st.text_input("Video title", key=TITLE, persist_state="session",
                      placeholder="e.g. For {{first_name}} at {{company}}",
                      help="Each video's title in your HeyGen library; placeholders work here too.")
        _pronunciation_editor()
        _preview(conn, df, cat)
    with right:
        _overrides_note(columns)
        tab_avatar, tab_voice, tab_options = st.tabs(["Avatar", "Voice", "Options"])
        with tab_avatar:
            look = cat.look(pickers.chosen_avatar_id(P))
            if look is not None:
                with st.container(border=True, key="batch_chosen_avatar"):
                    pickers.avatar_preview(look, private=cat.is_private(look), voice=cat.voice(look.default_voice_id))
            pickers.avatar_gallery(cat, key_prefix=P, columns=3, height=520)
        with tab_voice:
            look = cat.look(pickers.chosen_avatar_id(P))
            pickers.voice_picker(cat, key_prefix=P, avatar=look, speech_ids=listen.speech_voice_ids(conn))
        with tab_options:
            _options(cat.look(pickers.chosen_avatar_id(P)), AVATAR_COLUMN in columns)


def _overrides_note(columns: list[str]) -> None:
    notes = []
    if AVATAR_COLUMN in columns:
        notes.append(f"an **{AVATAR_COLUMN}** column: a filled-in cell there (an avatar look id) replaces the avatar "
                     "chosen here for that row")
    if VOICE_COLUMN in columns:
        notes.append(f"a **{VOICE_COLUMN}** column: a filled-in cell there (a voice id, or a voice's name) replaces "
                     "the voice chosen here for that row")
    if BACKGROUND_COLUMN in columns:
        pictures = ", ".join(IMAGE_EXTENSIONS)
        notes.append(f"a **{BACKGROUND_COLUMN}** column: a filled-in cell there (a link to a picture ending in "
                     f"{pictures}, or the asset id of a picture uploaded to HeyGen) replaces the background chosen "
                     "here for that row")
    if notes:
        st.info("Your file has " + "; and ".join(notes) + ".", icon=":material/alt_route:")


def _pronunciation_editor() -> None:
    """The pronunciation list: a written word, and how it is said in the script sent to HeyGen."""
    state = st.session_state
    if PRONOUNCE_EDITOR not in state:  # drawn afresh (first time, or back from another page)
        state[PRONOUNCE_BASE] = [list(line) for line in state.get(PRONOUNCE) or []]
    table = pd.DataFrame(state.get(PRONOUNCE_BASE) or [], columns=list(PRONOUNCE_COLUMNS), dtype=str)
    # A fixed label: a label that changed while the table is being edited would close the expander.
    with st.expander("Pronunciations", icon=":material/record_voice_over:"):
        st.caption("How a name or word is said, e.g. Siobhan → shi-VAWN. The avatar says the spoken form; titles, "
                   "the results and the subtitle check keep the word as written. Whole words only, capitals as "
                   "written.")
        st.data_editor(table, key=PRONOUNCE_EDITOR, num_rows="dynamic", hide_index=True, width="stretch",
                       column_config={
                           "Written": st.column_config.TextColumn("Written", max_chars=MAX_PRONOUNCE_CHARS,
                                                                  help="The word as it appears in the script or "
                                                                       "in the file, e.g. Siobhan"),
                           "Spoken": st.column_config.TextColumn("Said as", max_chars=MAX_PRONOUNCE_CHARS,
                                                                 help="How to say it, e.g. shi-VAWN"),
                       })
        state[PRONOUNCE] = pronunciation_rows()
        problems = [p for p in current_template().problems([]) if p.startswith(("Pronunciation", "The pronunciation"))]
        for problem in problems:
            st.warning(md(problem), icon=":material/record_voice_over:")


def _aspect_chosen() -> None:
    st.session_state[ASPECT_MANUAL] = True


def _now(key: str) -> Any:
    """A widget's current value, or its default: given to the widget as well as kept in the session, so
    a widget drawn while its value is missing from the session never falls to its first option or
    minimum (see ui/studio_form.py)."""
    return st.session_state.get(key, DEFAULTS[key])


def _options(look: AvatarLook | None, rows_choose_avatar: bool) -> None:
    state = st.session_state
    suggestion = suggested_aspect(look)
    if suggestion and not state.get(ASPECT_MANUAL) and state.get(ASPECT) != suggestion:
        state[ASPECT] = suggestion  # follows the chosen look until a ratio is picked by hand
    st.segmented_control("Aspect ratio", list(ASPECT_RATIOS), key=ASPECT, required=True, default=_now(ASPECT),
                         on_change=_aspect_chosen,
                         format_func=ASPECT_LABELS.get, persist_state="session")
    if suggestion:
        st.caption(f"{suggestion} fits the chosen look." if state.get(ASPECT) != suggestion
                   else f"{suggestion}: it fits the chosen look.")
    st.segmented_control("Resolution", list(RESOLUTIONS), key=RESOLUTION, required=True, default=_now(RESOLUTION),
                         format_func=RESOLUTION_LABELS.get, persist_state="session")
    st.segmented_control("Fit", ["auto", *FITS], key=FIT, required=True, format_func=FIT_LABELS.get,
                         persist_state="session",
                         help="Cover fills the frame and may crop the edges; Contain shows the whole picture and may "
                              "leave background around it; Auto lets HeyGen choose.")
    st.caption("1080p and 4K depend on your HeyGen plan (free plans render 720p).")
    st.segmented_control("Captions", list(CAPTION_LABELS), key=CAPTIONS_KEY, required=True,
                         format_func=CAPTION_LABELS.get, persist_state="session",
                         help="A subtitle file (SRT) comes with every video; Burned in also writes the captions "
                              "into the picture.")
    _look_options(look, rows_choose_avatar)
    c1, c2 = st.columns(2)
    c1.segmented_control("Background", list(BG_MODES), key=BG_MODE, required=True, default=_now(BG_MODE),
                         format_func=BG_MODES.get,
                         persist_state="session")
    if st.session_state.get(BG_MODE) == "colour":
        c2.color_picker("Background colour", key=BG_COLOUR, value=_now(BG_COLOUR), persist_state="session")
    c1, c2 = st.columns(2)
    c1.slider("Voice speed", 0.5, 1.5, value=_now(SPEED), step=0.05, key=SPEED, format="%.2f×",
              persist_state="session")
    c2.slider("Voice pitch", -50, 50, value=_now(PITCH), step=1, key=PITCH, persist_state="session")


def _look_options(look: AvatarLook | None, rows_choose_avatar: bool) -> None:
    """Transparent webm and Avatar V: offered when the avatar chosen for every row supports them."""
    state = st.session_state
    why = ("some rows choose their own avatar" if rows_choose_avatar
           else "no avatar is chosen yet" if look is None else None)
    for key, label, supported, what in (
        (TRANSPARENT, "Transparent background (WebM)", supports_transparent(look), "A transparent background"),
        (AVATAR_V, "Use Avatar V", supports_avatar_v(look), "Avatar V"),
    ):
        if why is None and supported:
            st.toggle(label, key=key, persist_state="session")
        else:
            state[key] = False
            st.caption(f"{what} is not offered: {why or f'“{md(look.name)}” does not support it'}.")


def _preview(conn: connection.Connection, df: pd.DataFrame, cat: Catalogue) -> None:
    count = len(df)
    options = list(range(1, count + 1))
    if st.session_state.get(PREVIEW_ROW) not in options:
        st.session_state[PREVIEW_ROW] = 1
    box = st.container(border=True, key="batch_preview_box")
    head, pick = box.columns([1.6, 1], vertical_alignment="center")
    head.markdown("**Preview**")
    pick.selectbox("Preview row", options, key=PREVIEW_ROW, format_func=lambda n: f"Row {n}",
                   label_visibility="collapsed")
    number = int(st.session_state.get(PREVIEW_ROW) or 1)
    row = df.iloc[number - 1].to_dict()
    template = current_template()
    problems = [p for p in template.problems([str(c) for c in df.columns]) if "placeholder" in p or "uses {{" in p]
    with box:
        if not template.script.strip():
            st.caption("The first row's script appears here as you write.")
            return
        if problems:
            for problem in problems:
                st.warning(md(problem), icon=":material/data_object:")
            return
        parts = pieces(template.script, row)
        title = template.title_for(row, number)
        text = template.text_for(row)
        body = (md(_marked(parts).strip()).replace(_MARK_OPEN, "**").replace(_MARK_CLOSE, "**")
                .replace(_MARK_DEFAULT_OPEN, ":violet[").replace(_MARK_DEFAULT_CLOSE, "]")
                .replace(_MARK_EMPTY, ":orange[*(empty)*]"))
        st.markdown(f"**{md(title)}**  \n{body}")
        if text.spoken != text.written:
            st.caption(f"Said as: {md(text.spoken)}")
        seconds = estimated_seconds(text.spoken, speed=template.speed)
        defaults = " · defaults in violet" if any(p.defaulted and p.text for p in parts) else ""
        st.caption(f"{len(text.spoken):,} characters · about {format_duration(seconds)} spoken · values from row "
                   f"{number} in bold{defaults}")
        background = template.background_for(row)
        if background is not None:
            st.caption(f"Background from the “{BACKGROUND_COLUMN}” column: {md(background.value)}")
        cell = str(row.get(VOICE_COLUMN) or "").strip()
        voice_id = match_voice(cell, cat.voices).voice_id if cell else template.voice_id
        voice = cat.voice(voice_id) if voice_id else None
        if voice is None and cell:
            st.caption(f"Row {number} names a voice that is not in the voice list (or that several voices are "
                       "called), so it cannot be heard here.")
        else:
            listen.button(conn, key="batch_listen", voice=voice, text=text.spoken, speed=template.speed)


def _marked(parts: list) -> str:
    """The script with the row's values, defaults and empty cells marked for the preview."""
    out = []
    for part in parts:
        if part.column is None:
            out.append(part.text)
        elif part.defaulted:
            out.append(f"{_MARK_DEFAULT_OPEN}{part.text}{_MARK_DEFAULT_CLOSE}" if part.text else "")
        elif part.empty:
            out.append(_MARK_EMPTY)
        else:
            out.append(f"{_MARK_OPEN}{part.text}{_MARK_CLOSE}")
    return "".join(out)


# -- 3 · check ------------------------------------------------------------------------------------


def _signature(template: BatchTemplate, cat: Catalogue, assets: dict[str, str | None] | None) -> str:
    return json.dumps([contacts_digest(), template.to_dict(), cat.fetched_at, assets], sort_keys=True, default=str)


@st.cache_data(ttl=300, show_spinner=False)
def _asset_kinds(account: str, ids: tuple[str, ...], _conn: connection.Connection) -> dict[str, str | None]:
    return asset_kinds(_conn.client, ids)


def background_assets(conn: connection.Connection, df: pd.DataFrame) -> dict[str, str | None] | None:
    """What HeyGen says the uploaded files named in the background column are (None: the file names none)."""
    if BACKGROUND_COLUMN not in df.columns:
        return None
    ids = asset_ids(df[BACKGROUND_COLUMN])
    return _asset_kinds(conn.account, tuple(ids), conn) if ids else None


def checked(df: pd.DataFrame, template: BatchTemplate, cat: Catalogue,
            assets: dict[str, str | None] | None = None) -> tuple[BatchCheck, pd.DataFrame]:
    """check_rows for the current file and template (kept until either changes) and its table.

    ``assets``: background_assets for the file. While the template itself has problems no row is
    ready; the table then still shows each row's own problems, checked against the template
    without its unknown placeholders.
    """
    signature = _signature(template, cat, assets)
    memo = st.session_state.get(CHECKED)
    if not memo or memo["signature"] != signature:
        known = {"known_avatars": {look.id: look.ready for look in cat.looks},
                 "known_voices": {v.voice_id: v for v in cat.voices}, "known_assets": assets}
        checks = check_rows(df, template, **known)
        shown, per_row = template, checks
        if checks.problems:
            shown = _known_placeholders_only(template, [str(c) for c in df.columns])
            per_row = check_rows(df, shown, **known)
        records = df.to_dict("records")
        table = common.check_table(shown, ((c.row, records[c.row - 1], c.problems) for c in per_row.rows),
                                   blocked=bool(checks.problems))
        memo = {"signature": signature, "checks": checks, "table": table}
        st.session_state[CHECKED] = memo
    return memo["checks"], memo["table"]


def _known_placeholders_only(template: BatchTemplate, columns: list[str]) -> BatchTemplate:
    return replace(template, script=keep_known(template.script, columns), title=keep_known(template.title, columns))


def _check_step(conn: connection.Connection, df: pd.DataFrame, template: BatchTemplate, cat: Catalogue) -> None:
    checks, table = checked(df, template, cat, background_assets(conn, df))
    unfinished = not template.script.strip() and not template.avatar_id
    if unfinished:
        st.info("Write the script and choose the avatar and voice in step 2; every row is checked here as you go.",
                icon=":material/arrow_upward:")
    elif checks.problems:
        show_error({"message": "The template needs attention before the rows can be checked:\n"
                               + "\n".join(f"• {p}" for p in checks.problems)},
                   title="Not ready yet")
    ready = checks.ready_rows
    total = len(checks.rows)
    seconds = table.loc[table["Est. seconds"].notna(), "Est. seconds"].sum() if ready else 0
    money, note = common.balance(conn)
    m1, m2, m3 = st.columns(3)
    m1.metric("Ready rows", f"{len(ready):,} of {total:,}")
    m2.metric("Spoken, all ready rows", f"{seconds / 60:,.1f} min", help="About 150 words a minute, at the chosen "
                                                                          "voice speed.")
    m3.metric("Account balance", md(money), help=md(note) if note else None)
    if note:
        m3.caption(md(note))
    problem_rows = len(checks.row_problems())
    if problem_rows and not checks.problems:
        st.warning(f"{problem_rows:,} row{'s have' if problem_rows != 1 else ' has'} problems and will be skipped; "
                   "fix them in the file and upload it again, or go ahead without them.", icon=":material/report:")
    shown = table
    if problem_rows and st.toggle("Only rows with problems", key=ONLY_PROBLEMS, persist_state="session"):
        shown = table[table["Check"].str.startswith(common.PROBLEM_MARK)]
    st.dataframe(shown, hide_index=True, column_config=common.CHECK_COLUMNS, key="batch_check_table",
                 height=min(38 + 35 * max(len(shown), 1), 360), placeholder="—")
    if problem_rows:
        _problem_list(table)
    _start_controls(conn, df, template, checks, table)


def _problem_list(table: pd.DataFrame, limit: int = 50) -> None:
    """The rows with problems, in full sentences (the table cuts long text)."""
    bad = table[table["Check"].str.startswith(common.PROBLEM_MARK)]
    with st.expander(f"What is wrong, row by row ({len(bad):,})", icon=":material/report:"):
        lines = [f"- **Row {row}:** {md(check[len(common.PROBLEM_MARK):])}"
                 for row, check in zip(bad["Row"].head(limit), bad["Check"].head(limit))]
        if len(bad) > limit:
            lines.append(f"- … and {len(bad) - limit:,} more rows (switch on “Only rows with problems”).")
        st.markdown("\n".join(lines))


def _start_controls(conn: connection.Connection, df: pd.DataFrame, template: BatchTemplate, checks: BatchCheck,
                    table: pd.DataFrame) -> None:
    ready = checks.ready_rows
    st.divider()
    c1, c2, c3 = st.columns([1.4, 1, 1.4])
    c1.text_input("Batch name", key=NAME, placeholder="e.g. Spring outreach", persist_state="session")
    c2.number_input("Renders at once", min_value=1, max_value=common.MAX_CONCURRENCY, step=1, key=CONCURRENCY,
                    persist_state="session",
                    help="How many videos HeyGen renders for this batch at the same time (your plan may allow "
                         "fewer; the studio waits when HeyGen says so).")
    if ready and st.session_state.get(SAMPLE_ROW) not in ready:
        st.session_state[SAMPLE_ROW] = ready[0]
    records = df.to_dict("records") if ready else []
    c3.selectbox("Sample row", ready or [None], key=SAMPLE_ROW if ready else "batch_sample_none", disabled=not ready,
                 format_func=lambda n: "—" if n is None else common.row_label(n, template.title_for(records[n - 1], n)),
                 help="This row is rendered alone first, so you can watch it before the rest is sent.")
    st.caption("The sample is the only video made until you approve it. Then the other ready rows are sent, "
               f"at most {int(st.session_state.get(CONCURRENCY) or 1)} at a time.")
    sample = st.session_state.get(SAMPLE_ROW) if ready else None
    label = f"Render the sample (row {sample})" if sample else "Render the sample"
    if st.button(label, key="batch_start_sample", type="primary", disabled=not checks.ok, icon=":material/play_arrow:"):
        _create(conn, df, template, checks, int(sample))


def _create(conn: connection.Connection, df: pd.DataFrame, template: BatchTemplate, checks: BatchCheck,
            sample: int) -> None:
    store = common.store()
    signature = json.dumps([contacts_digest(), template.to_dict()], sort_keys=True, default=str)
    previous = st.session_state.get(CREATED)
    if previous and previous["signature"] == signature:
        # a second click on the same form: the batch it made is still there, open it again
        existing = store.get(previous["batch_id"])
        if existing is not None and existing.state in ("draft", "sampling"):
            common.open_batch(existing.id)
            st.rerun()
    try:
        batch = store.create(conn.account, df, template, checks=checks,
                             concurrency=int(st.session_state.get(CONCURRENCY) or common.DEFAULT_CONCURRENCY),
                             name=(st.session_state.get(NAME) or "").strip() or "Untitled batch")
        store.start_sample(batch.id, sample)
    except (ValueError, LookupError) as exc:
        show_error(exc, title="The batch could not be started")
        return
    st.session_state[CREATED] = {"signature": signature, "batch_id": batch.id}
    # The next batch starts from a new file; the template stays as a starting point.
    forget_contacts()
    common.open_batch(batch.id)
    st.rerun()


def forget_contacts() -> None:
    for key in (CSV, PARSED, CHECKED):
        st.session_state.pop(key, None)


# -- back from a stored batch -------------------------------------------------------------------


def prefill_from(batch: Batch, rows: list[BatchRow]) -> None:
    """Put a stored batch's contacts and template back into the form (call from a callback)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(batch.columns)
    for row in rows:
        writer.writerow([row.data.get(c, "") for c in batch.columns])
    st.session_state[CSV] = {"name": batch.name or "earlier batch", "data": out.getvalue().encode("utf-8"),
                             "origin": "batch", "file_id": None}
    t = batch.template
    state = st.session_state
    state[SCRIPT], state[TITLE] = t.script or "", t.title or ""
    state[RESOLUTION] = t.resolution if t.resolution in RESOLUTIONS else DEFAULTS[RESOLUTION]
    state[ASPECT] = t.aspect_ratio if t.aspect_ratio in ASPECT_RATIOS else DEFAULTS[ASPECT]
    state[BG_MODE] = "colour" if t.background_color else "none"
    if t.background_color:
        state[BG_COLOUR] = t.background_color
    state[SPEED] = float(t.speed) if t.speed is not None else 1.0
    state[PITCH] = round(t.pitch) if t.pitch is not None else 0
    state[ASPECT_MANUAL] = True
    state[CAPTIONS_KEY] = t.captions if t.captions in CAPTIONS else "off"
    state[FIT] = t.fit if t.fit in FITS else "auto"
    state[TRANSPARENT] = t.output_format == "webm"
    state[AVATAR_V] = t.engine == "avatar_v"
    state[NAME] = batch.name
    state[CONCURRENCY] = min(max(batch.concurrency, 1), common.MAX_CONCURRENCY)
    state[PRONOUNCE] = [[p.written, p.spoken] for p in t.pronunciations]
    state.pop(PRONOUNCE_EDITOR, None)
    pickers.select_avatar(P, t.avatar_id)
    pickers.select_voice(P, t.voice_id, manual=True)
    state.pop(CREATED, None)
