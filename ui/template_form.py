"""Filling a HeyGen template by hand (the Templates page), and the template picker the Batch page shares.

The account's templates are listed, and a template's variables fetched, only when the user asks
(Load templates, or choosing one); what arrived is kept in the session, so a rerun never asks HeyGen.
Each variable gets one input by its type: words for text, a link or a file for image, video and
audio, an avatar for a character and a voice for a voice. Empty inputs keep the template's defaults.
Generate goes through the shared launch form: recorded once, sent once, then the status panel.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from heygen.api.errors import HeyGenError
from heygen.api.templates import Template
from heygen.studio import templates
from heygen.studio.catalogue import Catalogue
from heygen.studio.jobs import Job

from . import connection, launch_form, nav
from .feedback import show_error
from .text import md

P = "tplf"
LIST, DETAILS, CHOSEN, TITLE = "tpl_list", "tpl_details", "tpl_chosen", "tplf_title"
FETCH_ERROR = "tpl_fetch_error"
FORM = launch_form.LaunchForm(nav.page("templates"), param_fields={})
KIND_WORDS = {"text": "Text", "image": "Image", "video": "Video clip", "audio": "Audio", "character": "Avatar",
              "voice": "Voice"}
MEDIA_FILES = {"image": ["png", "jpg", "jpeg"], "video": ["mp4", "mov", "webm"], "audio": ["mp3", "wav", "m4a"]}


# -- the picker (Templates and Batch) -----------------------------------------------------------


def _load_list(conn: connection.Connection) -> None:
    try:
        st.session_state[LIST] = [(t.id, t.name) for t in conn.client.templates.list()]
        st.session_state.pop(FETCH_ERROR, None)
    except HeyGenError as exc:
        st.session_state[FETCH_ERROR] = exc.to_dict()


def _load_details(conn: connection.Connection, key: str) -> None:
    template_id = st.session_state.get(key)
    details = st.session_state.setdefault(DETAILS, {})
    if not template_id or template_id in details:
        return
    try:
        details[template_id] = conn.client.templates.get(template_id)
        st.session_state.pop(FETCH_ERROR, None)
    except HeyGenError as exc:
        st.session_state[FETCH_ERROR] = exc.to_dict()


def picker(conn: connection.Connection, *, key: str = CHOSEN) -> Template | None:
    """Load templates (on request), choose one (its variables fetched once); the chosen template or None."""
    listed = st.session_state.get(LIST)
    load, choose = st.columns([1, 3], vertical_alignment="bottom")
    load.button("Load templates" if listed is None else "Refresh templates", key=f"{key}_load",
                on_click=_load_list, args=(conn,), icon=":material/refresh:", width="stretch",
                help="Ask HeyGen for the templates of your account (made in HeyGen's editor).")
    error = st.session_state.get(FETCH_ERROR)
    if error:
        show_error(error, title="The templates could not be fetched")
    if listed is None:
        choose.caption("Press Load templates to list the templates of your HeyGen account.")
        return None
    if not listed:
        choose.info("Your account has no templates with variables yet. Make one in HeyGen's editor.")
        return None
    names = dict(listed)
    if st.session_state.get(key) not in names:
        st.session_state[key] = None
    # index=None: a list that reports no choice means none, never the first template (see pickers.voice_picker)
    choose.selectbox("Template", list(names), key=key, index=None, format_func=lambda tid: names.get(tid, tid),
                     placeholder="Choose a template", on_change=_load_details, args=(conn, key))
    chosen = st.session_state.get(key)
    return (st.session_state.get(DETAILS) or {}).get(chosen) if chosen else None


def needs_catalogue(template: Template | None) -> bool:
    """Whether the template has an avatar or voice variable (the page then loads the avatar and voice lists)."""
    return template is not None and any(v.type in ("character", "voice") for v in template.variables.values())


def problem_words(problem: templates.Problem, *, where: str = "") -> str:
    """One sentence for one variable's problem (``where``: e.g. " in row 3, column first_name")."""
    name = f"“{problem.variable}”{where}"
    if problem.code == templates.MISSING:
        return f"{name} has no default in the template: give it a value."
    if problem.code == templates.TOO_LONG:
        return (f"{name} is {len(problem.given):,} characters; a text variable takes at most "
                f"{templates.TEXT_MAX:,}. Shorten it by {len(problem.given) - templates.TEXT_MAX:,}.")
    if problem.code == templates.NOT_URL:
        return (f"{name} needs a link to the {KIND_WORDS[problem.kind].lower()} starting with https:// "
                f"(got “{problem.given.strip()[:60]}”).")
    if problem.code == templates.UNKNOWN_LOOK:
        return f"{name} names an avatar look your account does not have ({problem.given.strip()[:60]})."
    return f"{name} names a voice your account does not have ({problem.given.strip()[:60]})."


# -- the form (Templates page) ------------------------------------------------------------------


def _key(template: Template, name: str) -> str:
    return f"{P}_{template.id}_{name}"


@dataclass
class Draft:
    """What the form holds now: a value per variable, the chosen files, the title and the problems."""

    template: Template
    values: dict[str, str]
    files: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def signature(self) -> str:
        files = {n: hashlib.sha256(f.getvalue()).hexdigest() for n, f in self.files.items()}
        raw = json.dumps([self.template.id, self.values, files, self.title], sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()


def start(conn: connection.Connection) -> None:
    """The launch's defaults, and Edit & retry: the form filled from a template job (its template fetched on
    that click)."""
    FORM.start(conn, lambda job: _fill(conn, job), missing=None)


def _fill(conn: connection.Connection, job: Job) -> None:
    details = templates.details_of(job)
    st.session_state[CHOSEN] = details.get("template_id")
    _load_details(conn, CHOSEN)
    template = (st.session_state.get(DETAILS) or {}).get(details.get("template_id"))
    if template is None:
        return
    st.session_state[TITLE] = job.title
    for name, sent in (details.get("variables") or {}).items():
        if name in template.variables and name not in (details.get("files") or ()):
            props = sent.get("properties") or {}
            st.session_state[_key(template, name)] = str(props.get("content") or props.get("url") or
                                                          props.get("character_id") or props.get("voice_id") or "")


def collect(template: Template, cat: Catalogue | None) -> Draft:
    """The form's values as they are, checked."""
    state = st.session_state
    values = {n: str(state.get(_key(template, n)) or "") for n in template.variables}
    files = {n: state.get(_key(template, n) + "_file") for n, v in template.variables.items()
             if v.type in MEDIA_FILES and state.get(_key(template, n) + "_file") is not None}
    looks = {look.id for look in cat.looks} if cat is not None and cat.looks_complete else None
    voices = {v.voice_id for v in cat.voices} if cat is not None and cat.voices_complete else None
    found = templates.problems(template, values, files=set(files), looks=looks, voices=voices)
    title = str(state.get(TITLE) or "").strip()
    return Draft(template, values, files, title, {p.variable: problem_words(p) for p in found})


def variables_section(draft: Draft, cat: Catalogue | None) -> None:
    """One input per variable, by type, with its problem under it."""
    template = draft.template
    for name, variable in template.variables.items():
        key = _key(template, name)
        default = templates.default_of(template, name)
        label = f"{name} · {KIND_WORDS.get(variable.type, variable.type)}"
        hint = f"Empty: the template's default ({default[:80]})." if default else "The template has no default: required."
        if variable.type == "text":
            st.text_area(label, key=key, placeholder=default or "Required", help=hint, height=80)
        elif variable.type in MEDIA_FILES:
            link, upload = st.columns(2)
            link.text_input(label, key=key, placeholder=default or "https://…", help=hint + " Or upload a file.")
            upload.file_uploader(f"…or upload the {KIND_WORDS[variable.type].lower()}", key=key + "_file",
                                 type=MEDIA_FILES[variable.type])
        elif variable.type == "character":
            looks = {look.id: look.name for look in (cat.looks if cat is not None else ())}
            st.selectbox(label, ["", *looks], key=key, help=hint,
                         format_func=lambda lid: looks.get(lid, lid) if lid else "The template's avatar")
        elif variable.type == "voice":
            voices = {v.voice_id: f"{v.name} · {v.language}" for v in (cat.voices if cat is not None else ())}
            st.selectbox(label, ["", *voices], key=key, help=hint,
                         format_func=lambda vid: voices.get(vid, vid) if vid else "The template's voice")
        FORM.field_error(name, draft.problems)


def launch_section(conn: connection.Connection, draft: Draft) -> None:
    """The title, the summary, the problems and Generate (through the shared launch form)."""
    st.text_input("Title", key=TITLE, placeholder=draft.template.name, max_chars=200)
    FORM.settle(draft.problems, draft.signature)
    filled = {n: v for n, v in draft.values.items() if v.strip()}
    summary = [("Template", draft.template.name), ("Variables set", f"{len(filled) + len(draft.files)} of "
                                                                    f"{len(draft.template.variables)}"),
               ("Says", templates.filled_script(draft.template, draft.values)[:300])]
    body = {"variables": {n: {"type": draft.template.variables[n].type, "properties": "…"} for n in filled}}
    FORM.panel(summary=summary, body=body, problems=draft.problems, button="Generate video",
               icon=":material/movie:", kept="Every value is kept.", run=lambda: _run(conn, draft))


def _run(conn: connection.Connection, draft: Draft) -> None:
    chosen = [templates.TemplateFile(n, f.getvalue(), f.name, f.type or "application/octet-stream")
              for n, f in draft.files.items()]

    def create(store: Any) -> Any:
        return templates.create_job(store, account=conn.account, template=draft.template, values=draft.values,
                                    title=draft.title or draft.template.name, files=set(draft.files))

    FORM.run(conn, launch_form.Launch(signature=draft.signature, create=create, payload=chosen,
                                      sending="Sending the template to HeyGen…", what="the template"))


def show_notice() -> None:
    FORM.show_notice()


def intro(template: Template) -> None:
    """What the chosen template says, scene by scene, with its variables marked."""
    count = len(template.scenes)
    with st.expander(f"{md(template.name)}: {count} scene{'' if count == 1 else 's'}", icon=":material/description:"):
        for scene in template.scenes:
            st.text(scene.script or "(no script)")
