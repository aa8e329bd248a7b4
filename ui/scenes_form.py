"""The Scenes page's storyboard editor, its drafts and its launch.

The storyboard (``heygen.studio.scenes.Storyboard``) lives in session state as a dict under
``scenes_board`` and is saved to its draft (``heygen.studio.scene_drafts``) on every run in which
it changed, so a reload or a restart finds it again. Each scene's widgets are keyed by the scene's
id (``scn_<id>_<field>``); the avatar and voice pickers use the prefix ``scn_<id>``. Every run first
copies the widgets' values into the storyboard, then checks it, then draws. Files are checked when
they are chosen and kept with the draft; nothing is uploaded before launch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from heygen.studio import launch, scenes
from heygen.studio.jobs import Job, JobStoreError
from heygen.studio.media import MediaError, inspect_audio, max_side_for, prepare_image
from heygen.studio.media.clips import inspect_clip
from heygen.studio.scene_drafts import FOLDER, DraftStore
from heygen.studio.scenes import SceneFile, Storyboard
from heygen.studio.scripting import format_duration

from . import connection, launch_form, listen, nav, pickers
from .catalogue import Catalogue
from .feedback import show_error
from .text import html_text, md

FORM = launch_form.LaunchForm(nav.SCENES)  # its session keys start with "scenes_"
MISSING = ("info", "The storyboard of that video could not be found; the last draft is open.")
BOARD = "scenes_board"
DRAFT_ID = "scenes_draft_id"
SAVED = "scenes_saved"  # the storyboard as last saved (a dict), to save only changes
PICK_DRAFT = "scenes_pick_draft"
TITLE, ASPECT, RESOLUTION, CAPTIONS = "scenes_title", "scenes_aspect", "scenes_resolution", "scenes_captions"
GEN = "scenes_gen"  # part of every value widget's key: bumped when another storyboard is opened
PROBLEM = "scenes_problem"  # an error from a button's action, shown on the next run
SPEECH_LABELS = {"script": "Script", "audio": "Your audio", "silent": "Silent"}
ASPECT_WORDS = {"16:9": "16:9 landscape", "9:16": "9:16 portrait", "4:5": "4:5", "5:4": "5:4", "1:1": "1:1 square",
                "auto": "Automatic"}
ADD_ICONS = {"avatar": ":material/person:", "photo": ":material/face:", "image": ":material/image:",
             "clip": ":material/movie:"}
UPLOAD_TYPES = {"image": ["jpg", "jpeg", "png", "webp"], "audio": ["mp3", "wav", "m4a"], "clip": ["mp4", "mov"]}


# -- drafts -------------------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _drafts(_db: Any, data_dir: str) -> DraftStore:
    return DraftStore(_db, Path(data_dir) / FOLDER)


def drafts() -> DraftStore:
    """The draft store, in the job database and the data folder."""
    store = connection.job_store()
    return _drafts(store.db, str(connection.settings().data_dir))


def board() -> Storyboard:
    return Storyboard.from_dict(st.session_state.get(BOARD))


def _put(new: Storyboard) -> None:
    st.session_state[BOARD] = new.to_dict()


def _forget_widgets() -> None:
    """New widgets for the storyboard about to open: they start from its values."""
    for key in list(st.session_state.keys()):
        if str(key).startswith("scn_"):
            del st.session_state[key]
    st.session_state[GEN] = int(st.session_state.get(GEN, 0)) + 1


def widget_key(name: str, scene_id: str | None = None) -> str:
    """The key of a value widget: a storyboard setting (``TITLE`` …) or a scene's field ("script" …).

    Widgets take their first value from the storyboard (never from keys set beforehand) and keep
    their own state afterwards; opening another storyboard gives every widget a new key.
    """
    gen = st.session_state.get(GEN, 0)
    return f"scn_{scene_id}_{name}_{gen}" if scene_id else f"{name}_{gen}"


def _open(draft_id: str, storyboard: Storyboard) -> None:
    _forget_widgets()
    st.session_state[DRAFT_ID] = draft_id
    _put(storyboard)
    st.session_state[SAVED] = storyboard.to_dict()
    st.session_state[PICK_DRAFT] = draft_id
    FORM.forget()


def start(conn: connection.Connection) -> None:
    """Open the storyboard: an Edit & retry's, the one open in this session, or the latest draft."""
    store = drafts()
    FORM.start(conn, lambda job: _fill(conn, store, job), accepts=_has_storyboard, missing=MISSING)
    draft_id = st.session_state.get(DRAFT_ID)
    draft = store.get(draft_id) if draft_id else None
    if draft is None:
        listed = store.list(conn.account)
        draft = listed[0] if listed else store.create(conn.account, Storyboard())
        _open(draft.id, draft.storyboard)
    st.session_state.setdefault(BOARD, draft.storyboard.to_dict())
    _init_widgets(board())


def _has_storyboard(job: Job) -> bool:
    return isinstance((job.inputs or {}).get("storyboard"), dict)


def _fill(conn: connection.Connection, store: DraftStore, job: Job) -> str:
    """Edit & retry: the job's storyboard opens as a new draft (with its files); the notice to show."""
    inputs = job.inputs
    storyboard = scenes.adopt_assets(Storyboard.from_dict(inputs["storyboard"]), inputs.get("spec") or {})
    draft = store.create(conn.account, storyboard, title=storyboard.title)
    source = inputs.get("draft_id")
    if isinstance(source, str) and store.get(source) is not None:
        store.copy_files(source, draft.id)
    _open(draft.id, storyboard)
    return "The storyboard of that video is open as a new draft: change what you need and generate again."


def _safely(action):
    """A button callback whose database or file trouble is shown on the page, never as a traceback."""
    import functools

    @functools.wraps(action)
    def run(*args, **kwargs):
        try:
            return action(*args, **kwargs)
        except (JobStoreError, OSError, KeyError) as exc:
            connection.log.warning("Scenes action %s failed: %s", action.__name__, type(exc).__name__)
            st.session_state[PROBLEM] = {"message": f"That did not work: {exc}", "hint": "Your storyboard is unchanged; "
                                         "try again in a moment."}

    return run


@_safely
def new_draft(account: str) -> None:
    draft = drafts().create(account, Storyboard())
    _open(draft.id, draft.storyboard)


@_safely
def duplicate_draft() -> None:
    _collect()
    drafts().save(st.session_state[DRAFT_ID], board())
    copy = drafts().duplicate(st.session_state[DRAFT_ID])
    _open(copy.id, copy.storyboard)
    FORM.notify("info", f"This is a copy: “{copy.title}”. The original draft is unchanged.")


@_safely
def delete_draft(account: str) -> None:
    drafts().delete(st.session_state[DRAFT_ID])
    st.session_state.pop(DRAFT_ID, None)
    listed = drafts().list(account)
    draft = listed[0] if listed else drafts().create(account, Storyboard())
    _open(draft.id, draft.storyboard)


@_safely
def switch_draft() -> None:
    wanted = st.session_state.get(PICK_DRAFT)
    if wanted and wanted != st.session_state.get(DRAFT_ID):
        _collect()
        drafts().save(st.session_state[DRAFT_ID], board())
        draft = drafts().get(wanted)
        if draft is not None:
            _open(draft.id, draft.storyboard)


def draft_choices(account: str) -> dict[str, str]:
    """Draft id -> its label, the one changed last first."""
    import time

    labels = {}
    for d in drafts().list(account):
        count = len(d.storyboard.scenes)
        age = time.strftime("%d %b %H:%M", time.localtime(d.updated_at))
        labels[d.id] = f"{d.title} · {count} scene{'s' if count != 1 else ''} · {age}"
    return labels


# -- widgets <-> storyboard ---------------------------------------------------------------------------


def _k(scene_id: str, name: str) -> str:
    return f"scn_{scene_id}_{name}"


def _init_widgets(current: Storyboard) -> None:
    state = st.session_state
    for s in current.scenes:
        state.setdefault(_k(s.id, "avatar_id"), s.avatar_id)
        state.setdefault(_k(s.id, "voice_id"), s.voice_id)
        state.setdefault(_k(s.id, "gen"), 0)


def _collect(catalogue: Catalogue | None = None) -> Storyboard:
    """Copy the widgets' values into the storyboard (and keep newly chosen files with the draft)."""
    state = st.session_state
    current = board()
    current.title = str(state.get(widget_key(TITLE), current.title) or "")
    current.aspect_ratio = state.get(widget_key(ASPECT)) or current.aspect_ratio
    current.resolution = state.get(widget_key(RESOLUTION)) or current.resolution
    current.captions = state.get(widget_key(CAPTIONS)) or current.captions
    for s in current.scenes:
        s.speech = state.get(widget_key("speech", s.id)) or s.speech
        if s.speech == "silent" and s.kind != "image":
            s.speech = "script"
        s.script = str(state.get(widget_key("script", s.id), s.script) or "")
        if widget_key("duration", s.id) in state:
            duration = state[widget_key("duration", s.id)]
            s.duration = float(duration) if isinstance(duration, (int, float)) and duration > 0 else None
        if widget_key("volume", s.id) in state:
            s.volume = max(0.0, min(1.0, float(state[widget_key("volume", s.id)]) / 100))
        s.mute = bool(state.get(widget_key("mute", s.id), s.mute))
        s.avatar_id = state.get(_k(s.id, "avatar_id"))
        s.voice_id = state.get(_k(s.id, "voice_id"))
        if catalogue is not None:
            look = catalogue.look(s.avatar_id)
            voice = catalogue.voice(s.voice_id)
            s.avatar_name = look.name if look else s.avatar_name if s.avatar_id else None
            s.voice_name = voice.name if voice else s.voice_name if s.voice_id else None
        for role in ("image", "audio", "clip"):
            _take_file(current, s, role)
    _put(current)
    return current


def _take_file(current: Storyboard, scene: scenes.Scene, role: str) -> None:
    """Check a file just chosen for ``scene`` and keep it with the draft (or record why not)."""
    state = st.session_state
    uploaded = state.get(_uploader_key(scene.id, role))
    seen_key = _k(scene.id, f"{role}_seen")
    if uploaded is None or state.get(seen_key) == uploaded.file_id:
        return
    state[seen_key] = uploaded.file_id
    data = uploaded.getvalue()
    name = uploaded.name
    try:
        if role == "image":
            prepared = prepare_image(data, name, max_side=max_side_for(current.resolution))
            file = SceneFile(name, mime_type=prepared.mime_type, width=prepared.width, height=prepared.height)
            data = prepared.data
        elif role == "audio":
            info = inspect_audio(data, name)
            file = SceneFile(name, mime_type=info.mime_type, seconds=info.duration_seconds)
        else:
            clip = inspect_clip(data, name)
            file = SceneFile(name, mime_type=clip.mime_type, seconds=clip.duration_seconds)
        file = drafts().keep_file(state[DRAFT_ID], data, file)
    except MediaError as exc:
        file = SceneFile(name, size=len(data), error=exc.message)
    except OSError as exc:
        file = SceneFile(name, size=len(data), error=f"the studio could not keep this file ({exc.strerror or exc}).")
    setattr(scene, "picture" if role == "image" else role, file)


def _uploader_key(scene_id: str, role: str) -> str:
    return _k(scene_id, f"{role}_file_{st.session_state.get(_k(scene_id, 'gen'), 0)}")


def collect(conn: connection.Connection, catalogue: Catalogue) -> Storyboard:
    """This run's storyboard, saved to its draft when it changed."""
    current = _collect(catalogue)
    data = current.to_dict()
    if data != st.session_state.get(SAVED):
        try:
            drafts().save(st.session_state[DRAFT_ID], current)
            st.session_state[SAVED] = data
        except JobStoreError as exc:
            show_error(exc, title="The draft could not be saved (your storyboard is still here)")
    return current


# -- scene actions (button callbacks) -------------------------------------------------------------------


def _act(action: str, scene_id: str | None = None, kind: str | None = None) -> None:
    current = _collect()
    if action == "add":
        added = current.add(kind)
        if current.scenes[:-1]:  # a new speaking scene starts with the voice used last
            voices = [s.voice_id for s in current.scenes[:-1] if s.voice_id]
            added.voice_id = voices[-1] if voices else None
    elif action == "duplicate":
        copy = current.duplicate(scene_id)
        for name in ("image", "audio", "clip"):
            st.session_state.pop(_k(copy.id, f"{name}_seen"), None)
    elif action == "delete":
        current.delete(scene_id)
        for key in [k for k in st.session_state.keys() if str(k).startswith(f"scn_{scene_id}_")]:
            del st.session_state[key]
    elif action in ("up", "down"):
        current.move(scene_id, -1 if action == "up" else 1)
    _put(current)
    _init_widgets(current)


def _forget_file(scene_id: str, role: str) -> None:
    current = _collect()
    scene = current.scenes[current.index_of(scene_id)]
    setattr(scene, "picture" if role == "image" else role, None)
    st.session_state[_k(scene_id, "gen")] = int(st.session_state.get(_k(scene_id, "gen"), 0)) + 1
    _put(current)


# -- drawing ----------------------------------------------------------------------------------------------


def show_notice() -> None:
    FORM.show_notice()
    problem = st.session_state.pop(PROBLEM, None)
    if problem:
        show_error(problem, title="The drafts could not be changed")


def settings_section(current: Storyboard) -> None:
    st.text_input("Title", value=current.title, key=widget_key(TITLE), placeholder="e.g. Product tour, March",
                  help="Left empty, the video is named after the first words of its first script.")
    c1, c2, c3 = st.columns(3)
    ratios, resolutions, captions = list(scenes.ASPECT_RATIOS), list(scenes.RESOLUTIONS), list(scenes.CAPTIONS)
    c1.selectbox("Aspect ratio", ratios, index=ratios.index(current.aspect_ratio), key=widget_key(ASPECT),
                 format_func=lambda v: ASPECT_WORDS.get(v, v))
    c2.selectbox("Resolution", resolutions, index=resolutions.index(current.resolution), key=widget_key(RESOLUTION),
                 format_func=lambda v: v.upper() if v == "4k" else v)
    c3.selectbox("Captions", captions, index=captions.index(current.captions), key=widget_key(CAPTIONS),
                 format_func=lambda v: scenes.CAPTIONS[v])


def _errors(messages: list[str]) -> None:
    for message in messages:
        st.markdown(f'<div class="hg-field-error">{html_text(message)}</div>', unsafe_allow_html=True)


def _file_row(current: Storyboard, scene: scenes.Scene, role: str, label: str) -> None:
    file = scene.picture if role == "image" else getattr(scene, role)
    if file is not None and not file.error:
        details = []
        if file.seconds:
            details.append(format_duration(file.seconds))
        if file.width:
            details.append(f"{file.width}×{file.height}")
        if file.asset_id:
            details.append("already on HeyGen")
        c1, c2 = st.columns([4, 1], vertical_alignment="center")
        c1.markdown(f":material/attach_file: **{md(file.name)}**" + (f" · {' · '.join(details)}" if details else ""))
        c2.button("Replace", key=_k(scene.id, f"{role}_forget"), on_click=_forget_file, args=(scene.id, role))
        return
    st.file_uploader(label, type=UPLOAD_TYPES[role], key=_uploader_key(scene.id, role))


def _speech(conn: connection.Connection, catalogue: Catalogue, scene: scenes.Scene, look: Any) -> None:
    options = ["script", "audio", "silent"] if scene.kind == "image" else ["script", "audio"]
    st.segmented_control("Speech", options, default=scene.speech, key=widget_key("speech", scene.id), required=True,
                         format_func=lambda v: SPEECH_LABELS[v], label_visibility="collapsed")
    if scene.speech == "silent":
        st.number_input("Seconds on screen", min_value=0.0, max_value=3600.0, step=1.0,
                        value=float(scene.duration or 0.0), key=widget_key("duration", scene.id),
                        help=f"At most {scenes.MAX_STILL_SECONDS} seconds.")
    elif scene.speech == "audio":
        _file_row(board(), scene, "audio", "Audio (MP3, WAV or M4A)")
    else:
        st.text_area("Script", value=scene.script, key=widget_key("script", scene.id), height=110,
                     placeholder="What is said in this scene…")
        voice = pickers.voice_picker(catalogue, key_prefix=f"scn_{scene.id}", avatar=look,
                                     speech_ids=_speech_ids(conn))
        listen_button(conn, scene, voice)


def _speech_ids(conn: connection.Connection) -> frozenset[str] | None:
    """The voices Listen can speak (marked ♪ in the voice picker), as the Studio marks them."""
    return listen.speech_voice_ids(conn)


def listen_button(conn: connection.Connection, scene: scenes.Scene, voice: Any) -> None:
    """The one place a scene's script gets its Listen button (ui.listen)."""
    if scene.script.strip():
        listen.button(conn, key=_k(scene.id, "listen"), voice=voice, text=scene.script, speed=scene.speed)


def scene_card(conn: connection.Connection, catalogue: Catalogue, current: Storyboard, number: int,
               scene: scenes.Scene, problems: list[str], show: bool) -> None:
    """One scene: its kind and length, its tools, its fields, and its problems."""
    with st.container(border=True, key=f"scene_card_{scene.id}"):
        head, tools = st.columns([3, 2], vertical_alignment="center")
        seconds = scenes.scene_seconds(scene)
        length = f"about {format_duration(seconds)}" if seconds else "length not known yet"
        head.markdown(f"**Scene {number} · {scene.label}** &nbsp; <span style='color:#6b6880'>{length}</span>",
                      unsafe_allow_html=True)
        t1, t2, t3, t4 = tools.columns(4)
        last = len(current.scenes)
        t1.button("", key=_k(scene.id, "up"), icon=":material/arrow_upward:", help="Move up", disabled=number == 1,
                  on_click=_act, args=("up", scene.id))
        t2.button("", key=_k(scene.id, "down"), icon=":material/arrow_downward:", help="Move down",
                  disabled=number == last, on_click=_act, args=("down", scene.id))
        t3.button("", key=_k(scene.id, "dup"), icon=":material/content_copy:", help="Duplicate",
                  on_click=_act, args=("duplicate", scene.id))
        t4.button("", key=_k(scene.id, "del"), icon=":material/delete:", help="Delete",
                  on_click=_act, args=("delete", scene.id))
        if show:
            _errors(problems)
        else:  # a refused file is said at once
            _errors([f"{f.name}: {f.error}" for f in (scene.picture, scene.audio, scene.clip) if f is not None and f.error])
        _errors(_heygen_says(number))
        look = None
        if scene.kind == "avatar":
            look = catalogue.look(scene.avatar_id)
            if look is not None:
                st.markdown(f":material/person: **{md(look.name)}**")
            with st.expander("Choose the avatar" if look is None else "Change the avatar", expanded=look is None):
                pickers.avatar_gallery(catalogue, key_prefix=f"scn_{scene.id}", page_size=8, height="content")
            _speech(conn, catalogue, scene, look)
        elif scene.kind == "photo":
            _file_row(current, scene, "image", "Photo of one person, face to the camera (JPEG, PNG or WebP)")
            _speech(conn, catalogue, scene, None)
        elif scene.kind == "image":
            _file_row(current, scene, "image", "Image (JPEG, PNG or WebP)")
            _speech(conn, catalogue, scene, None)
        else:
            _file_row(current, scene, "clip", "Clip (MP4 or MOV)")
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            c1.slider("Volume", 0, 100, value=int(round(float(scene.volume) * 100)), key=widget_key("volume", scene.id),
                      format="%d %%", disabled=scene.mute)
            c2.toggle("Mute", value=bool(scene.mute), key=widget_key("mute", scene.id))


def _heygen_says(number: int) -> list[str]:
    """HeyGen's refusal of the last launch, when it names this scene (its param is ``scenes[i]...``)."""
    error = FORM.error or {}
    param = str(error.get("param") or "")
    if param.startswith(f"scenes[{number - 1}]"):
        return [f"HeyGen: {error.get('heygen_message') or error.get('message')}"]
    return []


def storyboard_section(conn: connection.Connection, catalogue: Catalogue, current: Storyboard,
                       found: dict[str, list[str]]) -> None:
    show = FORM.showing_errors
    if show:
        _errors(found.get(scenes.BOARD, []))
    if not current.scenes:
        st.info("The storyboard is empty. Add a first scene below.", icon=":material/view_carousel:")
    for number, scene in enumerate(current.scenes, start=1):
        scene_card(conn, catalogue, current, number, scene, found.get(scene.id, []), show)
    st.markdown("**Add a scene**")
    columns = st.columns(len(scenes.KINDS))
    for column, (kind, label) in zip(columns, scenes.KINDS.items()):
        column.button(label, key=f"scenes_add_{kind}", icon=ADD_ICONS[kind], width="stretch",
                      on_click=_act, args=("add",), kwargs={"kind": kind},
                      disabled=len(current.scenes) >= scenes.MAX_SCENES)
    total = scenes.total_seconds(current)
    unknown = sum(1 for s in current.scenes if scenes.scene_seconds(s) is None)
    note = f" ({unknown} scene{'s' if unknown != 1 else ''} of unknown length not counted)" if unknown else ""
    st.markdown(f"**Total: about {format_duration(total)}** · {len(current.scenes)} of {scenes.MAX_SCENES} scenes{note}")


# -- launch -------------------------------------------------------------------------------------------------


def summary_lines(current: Storyboard) -> list[tuple[str, str]]:
    lines = [("Title", scenes.video_title(current) or "Untitled video")]
    for number, scene in enumerate(current.scenes, start=1):
        seconds = scenes.scene_seconds(scene)
        what = scene.label
        if scene.kind == "avatar" and scene.avatar_name:
            what += f": {scene.avatar_name}"
        if scene.speech == "silent" and scene.kind == "image":
            what += ", silent"
        elif scene.kind != "clip":
            what += ", your audio" if scene.speech == "audio" else (f", voice {scene.voice_name}" if scene.voice_name else "")
        elif scene.mute:
            what += ", muted"
        lines.append((f"Scene {number}", f"{what} · {format_duration(seconds) if seconds else '?'}"))
    lines.append(("Format", " · ".join([ASPECT_WORDS.get(current.aspect_ratio, current.aspect_ratio),
                                        current.resolution, scenes.CAPTIONS[current.captions]])))
    lines.append(("Length", f"about {format_duration(scenes.total_seconds(current))}"))
    return lines


def launch_section(conn: connection.Connection, current: Storyboard, found: dict[str, list[str]]) -> None:
    preview, _ = scenes.build(current)
    problems = scenes.flat_problems(current, found)
    FORM.settle(problems)
    FORM.panel(
        summary=summary_lines(current), body=preview.to_body(), problems=problems,
        button="Generate video", icon=":material/movie:", kept="Your storyboard is saved as a draft.",
        run=lambda: _run_launch(conn, current),
        footnote="The video renders as a whole: if any scene fails, HeyGen makes no video.",
    )


def _run_launch(conn: connection.Connection, current: Storyboard) -> None:
    draft_id = st.session_state[DRAFT_ID]
    try:
        # the draft's files are sent from disk block by block, never held in memory whole
        spec, uploads = scenes.build(current, read=lambda f: drafts().file_path(draft_id, f))
    except FileNotFoundError as exc:
        FORM.fail({"message": f"The file {exc} of this draft is no longer in the data folder.",
                   "hint": "Choose the file again in its scene."})

    def create(store: Any) -> Any:
        extras = {"scenes": 1, "storyboard": current.to_dict(), "draft_id": draft_id,
                  "estimated_seconds": round(scenes.total_seconds(current), 1)}
        return launch.create_job(store, account=conn.account, spec=spec, extra=extras)

    FORM.run(conn, launch_form.Launch(
        signature=scenes.signature(spec, uploads), create=create, payload=uploads,
        after=_keep_assets, after_failure=_keep_assets,
    ))


def _keep_assets(job: Any) -> None:
    """Files a launch uploaded are reused by asset id from now on (not uploaded again)."""
    if job is None:
        return
    fresh = connection.job_store().get(job.id) or job
    adopted = scenes.adopt_assets(board(), fresh.inputs.spec or {})
    _put(adopted)
    try:
        drafts().save(st.session_state[DRAFT_ID], adopted)
        st.session_state[SAVED] = adopted.to_dict()
    except JobStoreError:
        pass  # the next run saves it
