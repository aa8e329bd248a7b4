"""The "Prompt to video" page's inputs, checks and launch (HeyGen's Video Agent).

Every input lives in session state under an ``agent_*`` key, so a rerun, a failed launch or a trip
to another page keeps it (attached files excepted: Streamlit forgets an uploader's files when its
page is left). Each run, ``collect`` turns that state into a ``Draft`` (the AgentSpec, the checked
attachments, display extras and the problems by field) before the launch runs.

Launch and Edit & retry go through the shared ``launch_form.LaunchForm`` (``FORM``): the job
(``agent_launch.create_job``) is recorded once and sent once; after a failure, Generate with unchanged
inputs retries the same job (same key, finished uploads skipped); changed inputs make a new job.
Edit & retry fills the form from a job's inputs (``_fill``); files already on HeyGen are offered
again by asset id.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from heygen.studio import agent_launch
from heygen.studio.agent_launch import AgentRequestError, Attachment
from heygen.api.agents import FILES_MAX, PROMPT_MAX, AgentSpec, StyleItem
from heygen.api.avatars import AvatarLook
from heygen.api.errors import HeyGenError
from heygen.studio.jobs import Job
from heygen.studio.media import MediaError
from heygen.api.voices import Voice

from . import catalogue, connection, launch_form, nav, pickers
from .catalogue import Catalogue
from .feedback import show_error
from .text import html_text, md

P = "agent"  # key prefix of the shared pickers on this page

PROMPT, TITLE = "agent_prompt", "agent_title"
ORIENTATION = "agent_orientation"
MODE, BRAND_KIT = "agent_mode", "agent_brand_kit"
BRAND_KITS = "agent_brand_kits"  # {"account", "kits": [BrandKit]} or {"account", "error"} once loaded on demand
STYLE_ID, STYLE_TAG = "agent_style_id", "agent_style_tag"
AVATAR_MODE, VOICE_MODE = "agent_avatar_mode", "agent_voice_mode"
EXAMPLES_KEY = "agent_examples"
UPLOAD_GEN = "agent_upload_gen"  # bumped to empty the file uploader (Edit & retry)
CHECKED = "agent_checked"  # uploaded file id -> {"attachment"} or {"error"}: each file is checked once
REUSE = "agent_reuse"  # file records of an earlier job that are already on HeyGen
SAVED = "agent_saved"  # widget values carried over a visit to another page
SHOW_LOOK = "agent_show_look"  # after a prefill: turn the gallery to the chosen look
STYLES_FAILED = "agent_styles_failed"

AUTO = "auto"
ORIENTATION_LABELS = {AUTO: ":material/auto_awesome: Auto", "landscape": ":material/crop_landscape: 16:9",
                      "portrait": ":material/crop_portrait: 9:16"}
ORIENTATION_WORDS = {AUTO: "HeyGen decides", "landscape": "Landscape (16:9)",
                     "portrait": "Portrait (9:16)"}
HEYGEN_CHOOSES = ":material/auto_awesome: HeyGen chooses"
ONE_SHOT, CHAT = "generate", "chat"
MODE_CHOICES = {ONE_SHOT: ":material/bolt: One shot", CHAT: ":material/forum: Chat"}
MODE_WORDS = {ONE_SHOT: "One shot: the agent makes the video on its own",
              CHAT: "Chat: the agent may ask questions, and you can ask for changes"}
MODE_LABELS = {"avatar": {AUTO: HEYGEN_CHOOSES, "pick": ":material/person: I'll choose"},
               "voice": {AUTO: HEYGEN_CHOOSES, "pick": ":material/record_voice_over: I'll choose"}}
KIND_ICONS = {"image": ":material/image:", "pdf": ":material/picture_as_pdf:", "video": ":material/movie:",
              "audio": ":material/music_note:"}
KIND_WORDS = {"image": "image", "pdf": "PDF", "video": "clip", "audio": "audio"}
STYLE_CACHE_SECONDS = 3600
ALL_TAGS = "All styles"
# HeyGen's "param" in a 400 answer -> the field on this page.
PARAM_FIELDS = {"prompt": "prompt", "avatar_id": "avatar", "voice_id": "voice", "style_id": "style",
                "orientation": "orientation", "files": "files"}
FORM = launch_form.LaunchForm(nav.AGENT, param_fields=PARAM_FIELDS)
EXAMPLES = {
    "Product intro": "A 45-second product intro for our new running shoe, the Stride X, for Instagram. Upbeat and "
                     "energetic. Show it in action, highlight the featherweight foam sole and the recycled upper, "
                     "and end with “Available now at stride.example”.",
    "How-to explainer": "A 60-second explainer for new customers: how to set up our smart thermostat in three "
                        "steps (mount it, connect it to Wi-Fi, pick a schedule in the app). Friendly and clear, "
                        "no jargon.",
    "Team update": "A 30-second internal update on our third quarter: revenue up 18%, two new markets opened, and "
                   "a warm thank-you to the support team. Professional but personal.",
}

DEFAULTS: dict[str, Any] = {
    PROMPT: "", TITLE: "", ORIENTATION: AUTO, MODE: ONE_SHOT, STYLE_TAG: ALL_TAGS, AVATAR_MODE: AUTO, VOICE_MODE: AUTO,
    UPLOAD_GEN: 0,
}



@dataclass
class Draft:
    """What the form currently describes, ready to check and launch."""

    spec: AgentSpec
    title: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, why)
    reused: list[dict[str, Any]] = field(default_factory=list)
    look: AvatarLook | None = None
    voice: Voice | None = None
    style: StyleItem | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    signature: str = ""

    @property
    def file_count(self) -> int:
        return len(self.attachments) + len(self.reused)

    @property
    def shown_title(self) -> str:
        return self.title or agent_launch.agent_title(self.spec.prompt)


def uploader_key() -> str:
    return f"agent_files_{st.session_state.get(UPLOAD_GEN, 0)}"


def _widget_keys() -> list[str]:
    return [PROMPT, TITLE, ORIENTATION, MODE, BRAND_KIT, STYLE_TAG, AVATAR_MODE, VOICE_MODE, *pickers.widget_keys(P)]


# -- start of every run ---------------------------------------------------------------------------


def start(conn: connection.Connection) -> None:
    """Defaults, widget values kept from another page, and an Edit & retry prefill."""
    pickers.restore_widget_state(_widget_keys(), store_key=SAVED)
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(CHECKED, {})
    st.session_state.setdefault(REUSE, [])
    FORM.start(conn, _fill)


def _fill(job: Job) -> str:
    """Fill the form from a stored agent job's inputs (Edit & retry); the notice to show."""
    state = st.session_state
    inputs = job.inputs or {}
    spec = AgentSpec.from_dict(inputs.get("spec") or {})
    state[CHECKED] = {}
    state[UPLOAD_GEN] = int(state.get(UPLOAD_GEN, 0)) + 1
    state[PROMPT] = (spec.prompt or "")[:PROMPT_MAX]  # what the prompt box can hold (see the notice below)
    state[TITLE] = job.title if inputs.get("title_set") else ""
    state[ORIENTATION] = spec.orientation if spec.orientation in ORIENTATION_LABELS else AUTO
    state[STYLE_ID] = spec.style_id
    state[MODE] = CHAT if spec.mode == CHAT else ONE_SHOT
    state[BRAND_KIT] = spec.brand_kit_id
    if spec.avatar_id:
        state[AVATAR_MODE] = "pick"
        state[f"{P}_avatar_id"] = spec.avatar_id
        state[SHOW_LOOK] = spec.avatar_id
    else:
        state[AVATAR_MODE] = AUTO
    if spec.voice_id:
        state[VOICE_MODE] = "pick"
        pickers.select_voice(P, spec.voice_id, manual=True)
    else:
        state[VOICE_MODE] = AUTO
    records = [r for r in inputs.get("files") or [] if isinstance(r, dict)]
    reuse = [dict(r) for r in records if r.get("asset_id")]
    reuse += [{"asset_id": a, "name": "file", "kind": None, "detail": "already on HeyGen"} for a in spec.file_asset_ids]
    state[REUSE] = reuse
    lost = [r.get("name") or "a file" for r in records if not r.get("asset_id")]
    message = launch_form.settings_loaded(job)
    if len(spec.prompt or "") > PROMPT_MAX:
        message += (f" Its prompt had {len(spec.prompt):,} characters and was cut to the first {PROMPT_MAX:,};"
                    " check its end.")
    if lost:
        names = ", ".join(f"“{md(n)}”" for n in lost)
        message += f" Attach {names} again: {'it was' if len(lost) == 1 else 'they were'} never uploaded."
    return message


# -- styles -----------------------------------------------------------------------------------------


@st.cache_data(ttl=STYLE_CACHE_SECONDS, max_entries=16, show_spinner="Loading Video Agent styles…")
def _cached_styles(account: str, base_url: str, _client: Any) -> tuple[StyleItem, ...]:
    return tuple(_client.video_agents.styles())


def refresh_lists() -> None:
    """Forget the cached styles, avatars and voices (fetched again on the next run)."""
    _cached_styles.clear()
    st.session_state.pop(STYLES_FAILED, None)
    catalogue.refresh()


def _forget_styles_failure() -> None:
    st.session_state.pop(STYLES_FAILED, None)


def load_styles(conn: connection.Connection) -> tuple[StyleItem, ...] | None:
    """Every Video Agent style for this account (cached for an hour), or None after a failure.

    A failure is remembered for this browser session, so reruns do not ask HeyGen again until the
    user presses "Try again".
    """
    failed = st.session_state.get(STYLES_FAILED)
    if failed and failed.get("account") == conn.account:
        return None
    try:
        return _cached_styles(conn.account, conn.base_url, conn.client)
    except HeyGenError as exc:
        st.session_state[STYLES_FAILED] = {"account": conn.account, "error": exc.to_dict()}
        return None


# -- brand kits (loaded when the user asks) -----------------------------------------------------------


def _loaded_kits() -> list[Any] | None:
    loaded = st.session_state.get(BRAND_KITS) or {}
    return loaded.get("kits")


def _load_brand_kits(conn: connection.Connection) -> None:
    """Button callback: ask HeyGen for the workspace's brand kits (a user action, never a rerun)."""
    try:
        kits = conn.client.brand_kits.list()
    except HeyGenError as exc:
        st.session_state[BRAND_KITS] = {"account": conn.account, "error": exc.to_dict()}
    else:
        st.session_state[BRAND_KITS] = {"account": conn.account, "kits": kits}


def mode_section(conn: connection.Connection, draft: Draft) -> None:
    """One shot or chat, and an optional brand kit (its list is loaded on demand)."""
    st.segmented_control("Mode", list(MODE_CHOICES), key=MODE, required=True, format_func=MODE_CHOICES.get,
                         width="stretch", help="One shot: the agent makes the video on its own. Chat: it may ask "
                                               "you questions first, and you can ask for changes to the video.")
    st.caption(MODE_WORDS[CHAT if draft.spec.mode == CHAT else ONE_SHOT] + ".")
    loaded = st.session_state.get(BRAND_KITS)
    if loaded and loaded.get("account") != conn.account:
        loaded = None
    chosen = st.session_state.get(BRAND_KIT)
    if loaded is None:
        if chosen:
            st.caption(f"Brand kit: {md(draft.extras.get('brand_kit_name') or chosen)}")
        st.button("Choose a brand kit…", key="agent_load_kits", icon=":material/palette:", on_click=_load_brand_kits,
                  args=(conn,), help="Loads your workspace's brand kits (colors, fonts and logo) from HeyGen.")
        return
    if "error" in loaded:
        show_error(loaded["error"], title="The brand kits could not be loaded")
        st.button("Try again", key="agent_reload_kits", on_click=_load_brand_kits, args=(conn,))
        return
    kits = loaded["kits"]
    if not kits:
        st.info("Your workspace has no brand kits yet. Create one on HeyGen (colors, fonts and logo) to use it here.",
                icon=":material/palette:")
        if chosen:
            st.session_state[BRAND_KIT] = None
        return
    names = {k.brand_kit_id: k.name for k in kits}
    options = [None, *names]
    if chosen and chosen not in names:
        st.session_state[BRAND_KIT] = None
    st.selectbox("Brand kit", options, key=BRAND_KIT, format_func=lambda k: "No brand kit" if k is None else names[k],
                 help="Applies your brand's colors, fonts and logo to the video.")
    kit = next((k for k in kits if k.brand_kit_id == st.session_state.get(BRAND_KIT)), None)
    if kit is not None and kit.colors:
        swatches = "".join(f"<span style='display:inline-block;width:1rem;height:1rem;border-radius:3px;"
                           f"margin-right:4px;background:{html_text(c)}'></span>" for c in kit.colors[:8]
                           if isinstance(c, str) and c.startswith("#") and len(c) <= 9 and c[1:].isalnum())
        st.markdown(swatches, unsafe_allow_html=True)


# -- files ------------------------------------------------------------------------------------------


def _checked(uploaded: Any) -> dict[str, Any]:
    """The check result of one uploaded file, computed once per file."""
    cache = st.session_state.setdefault(CHECKED, {})
    file_id = getattr(uploaded, "file_id", None) or f"{uploaded.name}:{uploaded.size}"
    entry = cache.get(file_id)
    if entry is None:
        try:
            entry = {"attachment": agent_launch.check_attachment(uploaded.getvalue(), uploaded.name)}
        except MediaError as exc:
            entry = {"error": str(exc)}
        cache[file_id] = entry
    return entry


def _uploaded_files() -> list[Any]:
    value = st.session_state.get(uploader_key())
    if not value:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _forget_reused(index: int) -> None:
    reuse = list(st.session_state.get(REUSE) or [])
    if 0 <= index < len(reuse):
        reuse.pop(index)
    st.session_state[REUSE] = reuse


# -- the draft ---------------------------------------------------------------------------------------


def needs_catalogue() -> bool:
    """Whether the avatar and voice lists are needed this run (the user chose to pick one)."""
    state = st.session_state
    return state.get(AVATAR_MODE) == "pick" or state.get(VOICE_MODE) == "pick"


def collect(styles: tuple[StyleItem, ...] | None, cat: Catalogue | None) -> Draft:
    """The form's current state as a Draft (nothing is sent)."""
    draft = _begin()
    own: dict[str, str] = {}
    _brand_kit(draft)
    _style(draft, styles, own)
    if st.session_state.get(AVATAR_MODE) == "pick":
        _avatar(draft, cat, own)
    if st.session_state.get(VOICE_MODE) == "pick":
        _voice(draft, cat, own)
    _files(draft, own)
    # Our own, more specific messages win over the generic checks.
    draft.errors = {**agent_launch.check_spec(draft.spec, pending_files=draft.file_count), **own}
    draft.signature = _signature(draft)
    pickers.save_widget_state(_widget_keys(), store_key=SAVED)
    return draft


def _begin() -> Draft:
    """A draft of the prompt, orientation, title and mode."""
    state = st.session_state
    orientation = state.get(ORIENTATION) or AUTO
    spec = AgentSpec(prompt=state.get(PROMPT) or "", orientation=None if orientation == AUTO else orientation)
    draft = Draft(spec=spec, title=(state.get(TITLE) or "").strip(), extras={})
    if state.get(MODE) == CHAT:
        spec.mode = CHAT
    return draft


def _brand_kit(draft: Draft) -> None:
    """The chosen brand kit, named when the kits are loaded."""
    kit_id = st.session_state.get(BRAND_KIT)
    if kit_id:
        draft.spec.brand_kit_id = kit_id
        kit = next((k for k in _loaded_kits() or () if k.brand_kit_id == kit_id), None)
        if kit is not None:
            draft.extras["brand_kit_name"] = kit.name


def _style(draft: Draft, styles: tuple[StyleItem, ...] | None, own: dict[str, str]) -> None:
    """The chosen style, when still offered."""
    style_id = st.session_state.get(STYLE_ID)
    if style_id:
        draft.spec.style_id = style_id
        if styles is not None:
            draft.style = next((s for s in styles if s.style_id == style_id), None)
            if draft.style is None:
                own["style"] = "The style chosen earlier is no longer offered; choose another or none."
        if draft.style is not None:
            draft.extras["style_name"] = draft.style.name


def _avatar(draft: Draft, cat: Catalogue | None, own: dict[str, str]) -> None:
    """The avatar the user picked, when listed and ready."""
    look_id = pickers.chosen_avatar_id(P)
    draft.look = cat.look(look_id) if cat is not None else None
    if cat is None:
        own["avatar"] = "The avatar list could not be loaded; let HeyGen choose, or try again."
    elif draft.look is None:
        own["avatar"] = ("The avatar chosen earlier is no longer available; pick another one." if look_id
                         else "Pick an avatar below, or let HeyGen choose.")
    elif not draft.look.ready:
        own["avatar"] = f"“{draft.look.name}” is still being prepared by HeyGen; pick another avatar."
    else:
        draft.spec.avatar_id = draft.look.id
        draft.extras.update(avatar_name=draft.look.name)


def _voice(draft: Draft, cat: Catalogue | None, own: dict[str, str]) -> None:
    """The voice the user picked, when listed."""
    voice_id = pickers.chosen_voice_id(P)
    draft.voice = cat.voice(voice_id) if cat is not None else None
    if cat is None:
        own["voice"] = "The voice list could not be loaded; let HeyGen choose, or try again."
    elif draft.voice is None:
        own["voice"] = ("The voice chosen earlier is no longer available; choose another one." if voice_id
                        else "Choose a voice below, or let HeyGen choose.")
    else:
        draft.spec.voice_id = draft.voice.voice_id
        draft.extras.update(voice_name=draft.voice.name)


def _files(draft: Draft, own: dict[str, str]) -> None:
    """The files already on HeyGen and the attached files: the checked ones attached, the others refused."""
    draft.reused = [dict(r) for r in st.session_state.get(REUSE) or []]
    seen: dict[str, str] = {}
    for uploaded in _uploaded_files():
        entry = _checked(uploaded)
        if "error" in entry:
            draft.refused.append((uploaded.name, entry["error"]))
            continue
        attachment: Attachment = entry["attachment"]
        if attachment.digest in seen:
            draft.refused.append((uploaded.name, f"This is the same file as “{seen[attachment.digest]}”, which is "
                                                 "already attached."))
            continue
        seen[attachment.digest] = uploaded.name
        draft.attachments.append(attachment)
    if len(draft.refused) == 1:
        own["files"] = "One attached file cannot be used; remove it (×) or attach a different file."
    elif draft.refused:
        own["files"] = (f"{len(draft.refused)} attached files cannot be used; remove them (×) or attach "
                        "different files.")


def _signature(draft: Draft) -> str:
    payload = {
        "spec": draft.spec.to_dict(),
        "title": draft.title,
        "files": [a.digest for a in draft.attachments],
        "reused": [r.get("asset_id") for r in draft.reused],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def settle(draft: Draft) -> None:
    """A launch requested with problems in the form does not start: the messages show instead."""
    FORM.settle(draft.errors, draft.signature)


def field_error(draft: Draft, name: str) -> None:
    """The message for one field, under it (after a launch attempt, or from HeyGen's answer)."""
    FORM.field_error(name, draft.errors)


def show_notice() -> None:
    FORM.show_notice()


# -- sections -----------------------------------------------------------------------------------------


def _use_example() -> None:
    chosen = st.session_state.get(EXAMPLES_KEY)
    if chosen in EXAMPLES:
        st.session_state[PROMPT] = EXAMPLES[chosen]
    st.session_state[EXAMPLES_KEY] = None


def prompt_section(draft: Draft) -> None:
    """The prompt with its counter, example prompts and the title."""
    st.text_area(
        "Describe your video", key=PROMPT, height=200, max_chars=PROMPT_MAX,
        placeholder="e.g. A 45-second product intro for our new running shoe, upbeat, for Instagram. "
                    "Say who it is for, what to show, how long and the tone.",
        help="Video Agent writes the script, chooses scenes and casts the video from this description.",
    )
    prompt = draft.spec.prompt.strip()
    chars, words = len(prompt), len(prompt.split())
    over = " ag-over" if chars > PROMPT_MAX else ""
    st.markdown(f'<div class="ag-counter{over}">{chars:,} / {PROMPT_MAX:,} characters · {words:,} '
                f'word{"s" if words != 1 else ""}</div>', unsafe_allow_html=True)
    field_error(draft, "prompt")
    if not prompt:
        st.pills("Need a starting point?", list(EXAMPLES), key=EXAMPLES_KEY, on_change=_use_example)
    st.text_input("Title in your history (optional)", key=TITLE, placeholder=agent_launch.agent_title(prompt),
                  help="Only for this studio's history; HeyGen names the video itself.")


def files_section(draft: Draft) -> None:
    """The file uploader and one line per file: what it is, or why it cannot be used."""
    st.file_uploader(
        "Attach files (optional)", key=uploader_key(), accept_multiple_files=True, max_upload_size=32,
        help=f"Up to {FILES_MAX} files: brochures (PDF), product photos or logos (JPEG, PNG, WebP), clips (MP4, "
             "WebM) or audio (MP3, WAV), each at most 32 MB. Each file is checked here before anything is sent.",
    )
    if not draft.attachments and not draft.refused and not draft.reused:
        st.caption("Video Agent can use your brochures, product photos, logos, clips and audio as material.")
        return
    with st.container(border=True, key="agent_file_list"):
        for index, record in enumerate(draft.reused):
            left, right = st.columns([5, 1], vertical_alignment="center")
            icon = KIND_ICONS.get(record.get("kind") or "", ":material/attach_file:")
            left.markdown(f"{icon} **{md(record.get('name') or 'file')}** · "
                          f"<span class='ag-file-meta'>{md(record.get('detail') or '')} · already on HeyGen</span>",
                          unsafe_allow_html=True)
            right.button("Remove", key=f"agent_forget_file_{index}", on_click=_forget_reused, args=(index,),
                         type="tertiary", icon=":material/close:")
        for attachment in draft.attachments:
            left, right = st.columns([5, 1], vertical_alignment="center")
            notes = f" · {md(attachment.notes[0])}" if attachment.notes and attachment.notes[0].startswith(
                "Converted") else ""
            left.markdown(f"{KIND_ICONS[attachment.kind]} **{md(attachment.name)}** · "
                          f"<span class='ag-file-meta'>{md(attachment.detail)}{notes}</span>",
                          unsafe_allow_html=True)
            if attachment.kind == "image":
                right.image(attachment.data, width=56)
            else:
                right.markdown("<span class='ag-file-meta'>:material/check_circle: Ready</span>",
                               unsafe_allow_html=True)
        for name, why in draft.refused:
            st.markdown(f":material/block: **{md(name)}** — <span class='ag-file-bad'>{md(why)}</span>",
                        unsafe_allow_html=True)
        total = draft.file_count
        colour = ":red" if total > FILES_MAX else ""
        st.caption(f"{colour}[{total} of {FILES_MAX} files]" if colour else f"{total} of {FILES_MAX} files")
    field_error(draft, "files")


def _pick_style(style_id: str | None) -> None:
    st.session_state[STYLE_ID] = style_id


def _style_card(style: StyleItem | None, chosen: str | None, index: int) -> None:
    selected = (style.style_id if style else None) == chosen
    key = "agent_style_sel" if selected else f"agent_style_card_{index}"
    with st.container(border=True, key=key):
        if style is None:
            picture = '<div class="ag-none">✦</div>'
            name, meta = "No style", "HeyGen decides"
        else:
            picture = (f'<img src="{html_text(style.thumbnail_url)}" alt="{html_text(style.name)}" loading="lazy"/>'
                       if style.thumbnail_url else '<div class="ag-none">✦</div>')
            if style.aspect_ratio:
                picture += f'<span class="ag-aspect">{html_text(style.aspect_ratio)}</span>'
            name, meta = style.name, " · ".join(t.replace("-", " ") for t in style.tags[:2])
        st.markdown(f'<div class="ag-style-thumb">{picture}</div><div class="ag-style-name" title="{html_text(name)}">'
                    f'{html_text(name)}</div><div class="ag-style-meta">{html_text(meta) or "&nbsp;"}</div>',
                    unsafe_allow_html=True, width="stretch")
        style_id = style.style_id if style else None
        st.button("✓ Selected" if selected else "Select", key=f"agent_style_pick_{style_id or 'none'}",
                  type="primary" if selected else "secondary", width="stretch", on_click=_pick_style,
                  args=(style_id,))


def style_section(draft: Draft, styles: tuple[StyleItem, ...] | None) -> None:
    """Tag filter and a grid of style cards with their thumbnails; "No style" comes first."""
    failed = st.session_state.get(STYLES_FAILED)
    if styles is None:
        if failed:
            show_error(failed["error"], title="The Video Agent styles could not be loaded")
        st.caption("You can still generate without a style.")
        st.button("Try again", key="agent_styles_retry", on_click=_forget_styles_failure)
        return
    tags = sorted({tag for s in styles for tag in s.tags})
    st.pills("Filter styles", [ALL_TAGS, *tags], key=STYLE_TAG, label_visibility="collapsed", required=True,
             format_func=lambda t: t if t == ALL_TAGS else md(t.replace("-", " ").capitalize()), wrap=True)
    tag = st.session_state.get(STYLE_TAG) or ALL_TAGS
    shown = [s for s in styles if tag == ALL_TAGS or tag in s.tags]
    chosen = st.session_state.get(STYLE_ID)
    grid = st.grid(4, min_column_width=118, gap="small")
    cards: list[StyleItem | None] = [None, *shown]
    for index, style in enumerate(cards):
        with grid:
            _style_card(style, chosen, index)
    if draft.style is not None:
        ratio = draft.style.aspect_ratio
        note = f" It is made for {md(ratio)} videos." if ratio else ""
        st.caption(f"Style: **{md(draft.style.name)}**.{note}")
    field_error(draft, "style")


def presenter_section(draft: Draft, cat: Catalogue | None) -> None:
    """Avatar and voice: HeyGen chooses unless the user opens the shared pickers."""
    a, v = st.columns(2)
    a.segmented_control("Avatar", list(MODE_LABELS["avatar"]), key=AVATAR_MODE, required=True,
                        format_func=MODE_LABELS["avatar"].get)
    v.segmented_control("Voice", list(MODE_LABELS["voice"]), key=VOICE_MODE, required=True,
                        format_func=MODE_LABELS["voice"].get)
    state = st.session_state
    if not needs_catalogue():
        st.caption("Video Agent casts a presenter and a voice that suit your prompt.")
        return
    if cat is None:
        field_error(draft, "avatar")
        field_error(draft, "voice")
        return
    if state.get(AVATAR_MODE) == "pick":
        look_id = state.pop(SHOW_LOOK, None)
        if look_id:
            pickers.show_look_in_gallery(cat, P, look_id)
        with st.container(border=True, key="agent_avatar_box"):
            st.markdown("**Avatar**")
            if draft.look is not None:
                pickers.avatar_preview(draft.look, private=cat.is_private(draft.look),
                                       voice=cat.voice(draft.look.default_voice_id))
            field_error(draft, "avatar")
            pickers.avatar_gallery(cat, key_prefix=P, page_size=12, columns=4, height="content")
    if state.get(VOICE_MODE) == "pick":
        with st.container(border=True, key="agent_voice_box"):
            st.markdown("**Voice**")
            pickers.voice_picker(cat, key_prefix=P, avatar=draft.look)
            field_error(draft, "voice")


def orientation_section(draft: Draft) -> None:
    st.segmented_control("Orientation", list(ORIENTATION_LABELS), key=ORIENTATION, required=True,
                         format_func=ORIENTATION_LABELS.get, width="stretch",
                         help="Auto lets HeyGen decide from your prompt and style; 16:9 is landscape, 9:16 portrait.")
    field_error(draft, "orientation")


def summary_lines(draft: Draft) -> list[tuple[str, str]]:
    """(label, text) pairs describing what will be sent."""
    prompt = draft.spec.prompt.strip()
    about = f"{len(prompt):,} characters · {len(prompt.split()):,} words" if prompt else "— not written yet"
    lines = [("Prompt", about)]
    if draft.file_count:
        kinds: dict[str, int] = {}
        for kind in [a.kind for a in draft.attachments] + [r.get("kind") or "file" for r in draft.reused]:
            kinds[kind] = kinds.get(kind, 0) + 1
        parts = [f"{n} {KIND_WORDS.get(k, 'file')}{'s' if n > 1 and k != 'audio' else ''}" for k, n in kinds.items()]
        lines.append(("Files", ", ".join(parts)))
    else:
        lines.append(("Files", "none"))
    if draft.style is not None:
        lines.append(("Style", draft.style.name))
    else:
        lines.append(("Style", "chosen style" if draft.spec.style_id else "HeyGen decides"))
    lines.append(("Orientation", ORIENTATION_WORDS.get(draft.spec.orientation or AUTO, "")))
    lines.append(("Mode", "Chat" if draft.spec.mode == CHAT else "One shot"))
    if draft.spec.brand_kit_id:
        lines.append(("Brand kit", draft.extras.get("brand_kit_name") or "chosen kit"))
    state = st.session_state
    if state.get(AVATAR_MODE) == "pick":
        lines.append(("Avatar", draft.look.name if draft.look else "— pick one"))
    else:
        lines.append(("Avatar", "HeyGen chooses"))
    if state.get(VOICE_MODE) == "pick":
        lines.append(("Voice", draft.voice.name if draft.voice else "— choose one"))
    else:
        lines.append(("Voice", "HeyGen chooses"))
    lines.append(("Title", draft.shown_title))
    return lines


def request_body(draft: Draft) -> dict[str, Any]:
    """The POST /v3/video-agents body as it will be sent, with placeholders for files not uploaded yet."""
    ids = [r.get("asset_id") for r in draft.reused]
    ids += [f"(“{a.name}” is uploaded when you press Generate)" for a in draft.attachments]
    spec = AgentSpec(**{**draft.spec.to_dict(), "file_asset_ids": ids})
    return spec.to_body()


def launch_section(conn: connection.Connection, draft: Draft) -> None:
    """The summary, the Generate button and, while launching, the progress."""
    FORM.panel(
        summary=summary_lines(draft), body=request_body(draft), problems=draft.errors,
        button="Generate with Video Agent", icon=":material/auto_awesome:",
        kept="Your prompt and files are all still here.", run=lambda: _run_launch(conn, draft),
        footnote="Video Agent renders often take 10–30 minutes. You can leave this page meanwhile.",
    )


def _run_launch(conn: connection.Connection, draft: Draft) -> None:
    def create(store: Any) -> Any:
        return agent_launch.create_job(store, account=conn.account, spec=draft.spec, attachments=draft.attachments,
                                       reused=draft.reused, title=draft.title or None, extra=draft.extras)

    def not_sent(job: Any) -> bool:
        return job.video_id is None and agent_launch.session_of(job) is None

    FORM.run(conn, launch_form.Launch(
        signature=draft.signature, create=create, payload=list(draft.attachments),
        sending="Sending your prompt to HeyGen…", what="the prompt",
        sent=lambda job: not not_sent(job), reusable=not_sent, after=_keep_uploaded_files,
        errors={AgentRequestError: lambda exc: {"message": str(exc), "param": next(iter(exc.problems), None)}},
    ))


def _keep_uploaded_files(job: Any) -> None:
    """After a launch, its files are offered again by asset id (never uploaded twice)."""
    state = st.session_state
    state[REUSE] = [dict(r) for r in (job.inputs or {}).get("files") or [] if r.get("asset_id")]
    state[CHECKED] = {}
    state[UPLOAD_GEN] = int(state.get(UPLOAD_GEN, 0)) + 1
