"""Every page of the studio, named once, and the typed requests one page makes of another:
"open this job" and "prefill that form from this job"."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageInfo:
    """One page: its file (relative to the entry point), title and icon."""

    path: str
    title: str
    icon: str
    form: str | None = None  # the session-key prefix of the launch form it holds, if any

    @property
    def url_path(self) -> str:
        """The page's address below the app's root ("" for the default page)."""
        return "" if self is DEFAULT else self.path.rsplit("/", 1)[-1].removesuffix(".py")


STUDIO = PageInfo("pages/studio.py", "Studio", ":material/movie_edit:", form="studio")
SCENES = PageInfo("pages/scenes.py", "Scenes", ":material/view_carousel:", form="scenes")
AGENT = PageInfo("pages/agent.py", "Prompt to video", ":material/auto_awesome:", form="agent")
VIDEOS = PageInfo("pages/videos.py", "Videos", ":material/video_library:")
PRESENT = PageInfo("pages/present.py", "Present", ":material/slideshow:")
BATCH = PageInfo("pages/batch.py", "Batch", ":material/contacts:")
TEMPLATES = PageInfo("pages/templates.py", "Templates", ":material/dashboard_customize:", form="tplf")
SETTINGS = PageInfo("pages/settings.py", "Settings", ":material/settings:")

ALL = [STUDIO, SCENES, AGENT, TEMPLATES, VIDEOS, PRESENT, BATCH, SETTINGS]  # in the order the navigation shows them
DEFAULT = STUDIO

# Which page edits a job of each kind (Edit & retry); kinds not named here open in the Studio.
EDITOR_FOR_KIND: dict[str, PageInfo] = {"agent": AGENT, "scenes": SCENES, "template": TEMPLATES}

_SELECTED_JOB = "selected_job"
JOB_PARAM = "job"  # the Videos page's query parameter: the job its status panel shows


def pages() -> list:
    """The ``st.Page`` objects for ``st.navigation``."""
    return [st.Page(p.path, title=p.title, icon=p.icon, default=p is DEFAULT) for p in ALL]


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


def edit_job(job_id: str, kind: str) -> None:
    """Open the page that edits a job of ``kind``, its form filled from that job (ends this run)."""
    page = EDITOR_FOR_KIND.get(kind, STUDIO)
    st.session_state[prefill_key(page)] = job_id
    st.switch_page(page.path)


def take_prefill(page: PageInfo) -> str | None:
    """The job id waiting to fill ``page``'s form, removed so it fills it only once."""
    return st.session_state.pop(prefill_key(page), None)
