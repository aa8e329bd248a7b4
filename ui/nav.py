"""Every page of the studio, found once in pages/, and the typed requests one page makes of another:
"open this job" and "prefill that form from this job".

A page declares its place in the navigation with a ``PAGE = {...}`` literal (title, icon, order, and the
session-key prefix of the launch form it holds), read here without running the page; a new page needs no
line here. "Edit & retry" opens the page a job's kind names (``JobKind.editor``, a page's file name).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageInfo:
    """One page: its file (relative to the entry point), title and icon."""

    path: str
    title: str
    icon: str
    form: str | None = None  # the session-key prefix of the launch form it holds, if any
    order: int = 100  # its place in the navigation
    default: bool = False  # the page the app opens on

    @property
    def name(self) -> str:
        """The page's file name without ``.py`` (what a kind's ``editor`` names)."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".py")

    @property
    def url_path(self) -> str:
        """The page's address below the app's root ("" for the default page)."""
        return "" if self.default else self.name


def _declared(path: Path) -> PageInfo | None:
    """The page a file in pages/ declares with its ``PAGE`` literal (None: not a page of the navigation)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PAGE" for t in node.targets):
            return PageInfo(f"pages/{path.name}", **ast.literal_eval(node.value))
    return None


# In the order the navigation shows them.
ALL = sorted((p for p in map(_declared, sorted(PAGES_DIR.glob("*.py"))) if p is not None), key=lambda p: p.order)
_BY_NAME = {p.name: p for p in ALL}


def page(name: str) -> PageInfo:
    """The page whose file is pages/<name>.py."""
    return _BY_NAME[name]


DEFAULT = next(p for p in ALL if p.default)
STUDIO = page("studio")
SCENES = page("scenes")
AGENT = page("agent")
VIDEOS = page("videos")
PRESENT = page("present")
BATCH = page("batch")
SETTINGS = page("settings")


def editor(name: str | None) -> PageInfo:
    """The page whose form edits a job, by the name its kind gives (``JobKind.editor``); the Studio if unknown."""
    return _BY_NAME.get(name or "", STUDIO)


_SELECTED_JOB = "selected_job"
JOB_PARAM = "job"  # the Videos page's query parameter: the job its status panel shows


def pages() -> list:
    """The ``st.Page`` objects for ``st.navigation``."""
    return [st.Page(p.path, title=p.title, icon=p.icon, default=p.default) for p in ALL]


def link(page: PageInfo, label: str, icon: str | None = None) -> None:
    """A link to ``page``."""
    st.page_link(page.path, label=label, icon=icon)


def go(page: PageInfo) -> None:
    """Switch to ``page`` now (ends this run)."""
    st.switch_page(page.path)


def open_job(job_id: str) -> None:
    """Open the Videos page on one job's status panel (ends this run)."""
    st.session_state[_SELECTED_JOB] = job_id
    st.switch_page(VIDEOS.path)


def select_job(job_id: str) -> None:
    """Make ``job_id`` the job the Videos page shows (without leaving the page)."""
    st.session_state[_SELECTED_JOB] = job_id


def selected_job() -> str | None:
    """The job the Videos page should show: one just opened, or the one in the address."""
    return st.session_state.get(_SELECTED_JOB) or st.query_params.get(JOB_PARAM)


def forget_selected_job() -> None:
    """Back to the list on the Videos page."""
    st.session_state.pop(_SELECTED_JOB, None)
    st.query_params.pop(JOB_PARAM, None)


def prefill_key(page: PageInfo) -> str:
    """The session key holding the job id that should fill ``page``'s form on its next run."""
    if page.form is None:
        raise ValueError(f"{page.title} has no launch form")
    return f"{page.form}_prefill"


def edit_job(job_id: str, editor_name: str | None) -> None:
    """Open the page that edits the job (its kind's ``editor``), its form filled from that job (ends this run)."""
    target = editor(editor_name)
    st.session_state[prefill_key(target)] = job_id
    st.switch_page(target.path)


def take_prefill(page: PageInfo) -> str | None:
    """The job id waiting to fill ``page``'s form, removed so it fills it only once."""
    return st.session_state.pop(prefill_key(page), None)
