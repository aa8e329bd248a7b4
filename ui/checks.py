"""What the check of a finished video found, as the pages show it: a badge, each finding in a sentence
with "play from here", the script beside what was said, and the fixes (accept as correct, re-voice the
sentence, render again). The check itself runs in the worker (heygen.studio.inspection).
"""

from __future__ import annotations

import html
import time

import streamlit as st

from heygen.api import errors
from heygen.studio import fixes, inspection, kinds, lipsync, qa
from heygen.studio.errors import NotSendable
from heygen.studio.jobs import Job

from . import connection, kept_media, nav, refresh
from .feedback import failure_record, show_error
from .text import md

_PLAY = "check_play_from_{}"
WAIT_SECONDS = 600  # how long after a render finishes its panel follows the check (the worker is quick)
AWAIT_EVERY = 1.5
_NOTICE = "check_notice_{}"
_SERIOUS = {qa.Kind.NAME, qa.Kind.VALUE, qa.Kind.NUMBER, qa.Kind.PLACEHOLDER}
_WHAT = {"number": "number", "ordinal": "number", "price": "price", "percent": "percentage", "date": "date",
         "time": "time", "phone": "phone number", "url": "web address", "email": "e-mail address"}


def store() -> inspection.CheckStore:
    return inspection.CheckStore(connection.job_store().db)


def badge(check: inspection.Check | None) -> str:
    """The check's state in a few words ("" before the video was checked)."""
    if check is None:
        return ""
    if check.status == "ok":
        return "✓ Checked"
    if check.status == "findings":
        return f"⚠ {check.open_findings} finding" + ("" if check.open_findings == 1 else "s")
    return "No subtitles" if check.status == "no_subtitles" else "Subtitles unreadable"


def summary_text(check: inspection.Check | None) -> str:
    """The badge and the first open finding, in plain text (for a table cell)."""
    text = badge(check)
    if check is not None and check.report is not None and check.report.open:
        first = check.report.open[0]
        at = f" at {moment_text(first.moment)}" if first.moment is not None else ""
        text += ": " + describe(first, plain=True) + at
    return text


def badges(jobs: list[Job]) -> list[str]:
    """The badge of each job, for a table."""
    found = store().summaries(j.id for j in jobs)
    return [badge(found.get(j.id)) for j in jobs]


def flagged(jobs: list[Job]) -> set[str]:
    """The ids of the jobs whose check has findings still open."""
    found = store().summaries(j.id for j in jobs)
    return {job_id for job_id, check in found.items() if check.status == "findings"}


def warn_open_findings(jobs: list[Job], titles: list[str]) -> None:
    """A warning naming the chosen videos whose check has open findings (for the owner, before showing them)."""
    open_ = flagged(jobs)
    named = [f"“{md(title)}”" for job, title in zip(jobs, titles) if job.id in open_]
    if named:
        st.warning(f"The check found things to look at in {', '.join(named)}: "
                   "the video may not say what it was meant to say.", icon=":material/warning:")


def row_checks(rows) -> dict[int, inspection.Check]:
    """The check of each batch row's video (or of its newest fix), by row number."""
    return store().for_rows({r.row: r.job_id for r in rows if r.job_id}, reports=True)


def compact(job_id: str, completed_at: float | None) -> None:
    """A short account of one video's check (a batch's sample): the badge and what was found."""
    check = store().get(job_id)
    if check is None:
        if completed_at is not None and time.time() - completed_at < WAIT_SECONDS:
            st.fragment(_await_check, run_every=AWAIT_EVERY)(job_id)
        return
    if check.status == "ok":
        st.markdown("**✓ Checked:** it says what it was meant to say.")
        return
    if check.report is None or not check.report.open:
        st.caption(badge(check))
        return
    st.markdown(f"**{badge(check)}** — look before you approve:")
    for finding in check.report.open:
        at = f" (at {moment_text(finding.moment)})" if finding.moment is not None else ""
        st.markdown(f"- {describe(finding)}{at}")
    st.button("See and fix it on the Videos page", key=f"check_open_{job_id}", icon=":material/open_in_new:",
              on_click=nav.select_job, args=(job_id,), type="tertiary")


def moment_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def describe(finding: qa.Finding, *, plain: bool = False) -> str:
    """A finding in one sentence: Markdown (the words from the video and the script escaped), or plain text."""
    esc = (lambda text: text or "") if plain else (lambda text: md(text or ""))
    b = "" if plain else "**"
    expected, spoken = esc(finding.expected), esc(finding.spoken)
    if finding.kind in (qa.Kind.NAME, qa.Kind.VALUE):
        what = "The name" if finding.kind == qa.Kind.NAME else "The value"
        column = f" (column {esc(finding.column)})" if finding.column else ""
        if finding.spoken:
            return f"{what} {b}{expected}{b}{column} was said as {b}{spoken}{b}."
        return f"{what} {b}{expected}{b}{column} is never said."
    if finding.kind == qa.Kind.NUMBER:
        what = _WHAT.get(finding.fact or "", "number")
        if finding.spoken:
            return f"The {what} {b}{expected}{b} was said as {b}{spoken}{b}."
        return f"The {what} {b}{expected}{b} is never said."
    if finding.kind == qa.Kind.PLACEHOLDER:
        return f"A placeholder was left in: {b}{expected or spoken}{b}."
    if finding.kind == qa.Kind.MISSING_SENTENCE:
        return f"This sentence was not said: “{expected}”"
    if finding.kind == qa.Kind.EXTRA_SENTENCE:
        return f"Words that are not in the script were said: “{spoken}”"
    if finding.kind == qa.Kind.LENGTH:
        return (f"The video speaks for {float(finding.spoken or 0):.0f} s; a script like this takes about "
                f"{float(finding.expected or 0):.0f} s.")
    return expected or spoken


def play_from(job_id: str) -> int:
    """Where the job's player should start (a finding's moment the user asked to see), in whole seconds."""
    return int(st.session_state.get(_PLAY.format(job_id), 0))


def section(conn: connection.Connection, job: Job) -> None:
    """The check of a finished video on its panel: nothing before it was checked."""
    check = store().get(job.id)
    if check is None:
        if kinds.of(job).meant(job) is not None:
            recent = time.time() - (job.completed_at or job.updated_at) < WAIT_SECONDS
            if recent:  # the worker checks it right after keeping its files: follow until it has
                st.fragment(_await_check, run_every=AWAIT_EVERY)(job.id)
            else:
                st.caption("Not checked yet: the studio checks what a video says once its files are kept.")
        return
    _links(job)
    notice = st.session_state.pop(_NOTICE.format(job.id), None)
    if notice:
        st.success(notice, icon=":material/check:")
    if check.status == "ok":
        st.markdown("**✓ Checked:** the video says what it was meant to say.")
    elif check.status in ("no_subtitles", "unreadable"):
        st.caption("HeyGen gave no subtitles for this video, so what it says could not be checked."
                   if check.status == "no_subtitles" else "This video's subtitles could not be read, so what it "
                   "says could not be checked.")
    report = check.report
    if report is None:
        return
    if report.open:
        st.markdown(f"**⚠ {badge(check)[2:]}** — the video may not say what it was meant to say:")
        for number, finding in enumerate(report.open):
            _finding(conn, job, report, number, finding)
    accepted = [f for f in report.findings if f.accepted]
    if accepted:
        st.caption("Accepted as correct: " + "; ".join(describe(f) for f in accepted))
    if report.pairs:
        with st.expander("Script and what was said, side by side"):
            st.html(side_by_side(report))


def _links(job: Job) -> None:
    """Which video this one fixes, and the fixes made of it."""
    jobs = connection.job_store()
    if job.redo_of:
        original = jobs.get(job.redo_of)
        if original is not None:
            st.caption(f"Made to fix “{md(original.title)}”.")
            st.button("Open the video it fixes", key=f"check_open_original_{job.id}", icon=":material/history:",
                      type="tertiary", on_click=nav.select_job, args=(original.id,))
    for newer in filter(None, (jobs.get(job_id) for job_id in store().fixes_of(job.id))):
        st.caption(f"A fix of this video was made: “{md(newer.title)}” ({badge(store().get(newer.id)) or 'not checked yet'}).")
        st.button("Open the fix", key=f"check_open_fix_{newer.id}", icon=":material/auto_fix_high:", type="tertiary",
                  on_click=nav.select_job, args=(newer.id,))


def _await_check(job_id: str) -> None:
    """One look at the store while the worker checks the video: a full rerun once the check is there."""
    if store().get(job_id) is not None:
        refresh.whole_page()
        return
    st.caption("Checking what the video says against its script…")


def _finding(conn: connection.Connection, job: Job, report: qa.Report, number: int, finding: qa.Finding) -> None:
    with st.container(border=True, key=f"check_finding_{job.id}_{number}"):
        at = f" · at {moment_text(finding.moment)}" if finding.moment is not None else ""
        st.markdown(describe(finding) + at)
        cols = st.columns([1, 1.1, 1.1, 1.6])
        if finding.moment is not None:
            cols[0].button("Play from here", key=f"check_play_{job.id}_{number}", icon=":material/play_arrow:",
                           on_click=_play, args=(job.id, finding.moment))
        if job.batch_id:
            cols[1].button("Correct for this batch", key=f"check_ok_batch_{job.id}_{number}",
                           on_click=_accept, args=(job, job.batch_id, finding),
                           help="The batch says it this way on purpose: no video of this batch is flagged for it.")
        cols[2].button("Correct everywhere", key=f"check_ok_all_{job.id}_{number}", on_click=_accept,
                       args=(job, inspection.EVERYWHERE, finding),
                       help="Said this way on purpose: no video is flagged for it (Settings lists these).")
        if finding.kind in _SERIOUS and finding.moment is not None and report.mode == inspection.SCRIPT \
                and kinds.of(job).fixable:
            cols[3].button("Replace that sentence's audio", key=f"check_fix_{job.id}_{number}", type="primary",
                           icon=":material/record_voice_over:", on_click=_revoice, args=(conn, job.id, finding))
    if number == len(report.open) - 1 and kinds.of(job).fixable:
        st.button("Render the whole video again", key=f"check_rerender_{job.id}", icon=":material/replay:",
                  on_click=_rerender, args=(conn, job.id),
                  help="A new render of the same script and settings, linked to this one; it is checked too.")


def side_by_side(report: qa.Report) -> str:
    """The alignment as a two-column HTML table, differences highlighted (all words escaped)."""
    rows = []
    for pair in report.pairs:
        left, right = html.escape(" ".join(pair.script)), html.escape(" ".join(pair.spoken))
        if pair.op != "equal":
            left = f"<mark>{left}</mark>" if left else "<i>(nothing)</i>"
            right = f"<mark>{right}</mark>" if right else "<i>(nothing said)</i>"
        moment = html.escape(moment_text(pair.moment))
        rows.append(f"<tr><td class='t'>{moment}</td><td>{left}</td><td>{right}</td></tr>")
    return ("<style>.qa-side{width:100%;border-collapse:collapse;font-size:.92rem}.qa-side td{vertical-align:top;"
            "padding:2px 8px;border-bottom:1px solid #eee}.qa-side mark{background:#ffe08a}.qa-side .t{color:#888;"
            "white-space:nowrap}</style><table class='qa-side'><tr><th></th><th>Script</th><th>Said in the video"
            "</th></tr>" + "".join(rows) + "</table>")


def _play(job_id: str, moment: float) -> None:
    st.session_state[_PLAY.format(job_id)] = int(moment)


def _accept(job: Job, scope: str, finding: qa.Finding) -> None:
    checks = store()
    checks.accept(scope, finding.kind.value, finding.expected, finding.spoken)
    affected = connection.job_store().list(job.account, batch_id=job.batch_id) if job.batch_id else [job]
    for each in affected:
        checks.apply_accepted(each)
    st.session_state[_NOTICE.format(job.id)] = "Noted: that finding counts as correct from now on."


def _send_fix(conn: connection.Connection, made: Job) -> None:
    store_ = connection.job_store()
    try:
        kinds.of(made).send(conn.client, store_, made)
    except (errors.HeyGenError, NotSendable, lipsync.LipsyncRequestError) as exc:
        st.session_state[f"check_fix_error_{made.redo_of}"] = failure_record(exc)
        return
    nav.select_job(made.id)


def _revoice(conn: connection.Connection, job_id: str, finding: qa.Finding) -> None:
    store_ = connection.job_store()
    job = store_.get(job_id)
    srt_text = _kept_srt(job)
    if job is None or srt_text is None:
        return
    try:
        fix = fixes.sentence_fix(job, srt_text, finding.moment or 0.0, finding.expected)
        made = fixes.revoice_sentence(store_, job, fix, account=conn.account)
    except (fixes.FixError, lipsync.LipsyncRequestError) as exc:
        st.session_state[f"check_fix_error_{job_id}"] = {"message": _fix_problem(exc)}
        return
    _send_fix(conn, made)


def _rerender(conn: connection.Connection, job_id: str) -> None:
    store_ = connection.job_store()
    job = store_.get(job_id)
    if job is None:
        return
    try:
        made = fixes.rerender(store_, job, account=conn.account)
    except fixes.FixError as exc:
        st.session_state[f"check_fix_error_{job_id}"] = {"message": _fix_problem(exc)}
        return
    _send_fix(conn, made)


def fix_error(job: Job) -> None:
    """Show why the last fix of this job could not be made or sent (once)."""
    problem = st.session_state.pop(f"check_fix_error_{job.id}", None)
    if problem:
        show_error(problem, title="The fix could not be made")


def _fix_problem(exc: Exception) -> str:
    reason = getattr(exc, "reason", None)
    return {"no_script": "This video has no script to say again.",
            "no_voice": "This video was not spoken by one of HeyGen's voices, so its sentence cannot be re-voiced.",
            "no_sentence": "The sentence could not be found in the video's subtitles; render the whole video again.",
            "not_a_video": "Only avatar and photo videos can be rendered again from here."}.get(reason, str(exc))


def _kept_srt(job: Job | None) -> str | None:
    if job is None:
        return None
    path = kept_media.files(job).get("subtitles")
    return path.read_text(encoding="utf-8", errors="replace") if path is not None else None


def settings_section() -> None:
    """The findings accepted as correct, each with Forget."""
    checks = store()
    accepted = checks.accepted()
    st.subheader("Findings accepted as correct")
    if not accepted:
        st.caption("None yet. When a video's check flags something said that way on purpose (\"twelve ninety-nine\" "
                   "for $1,299, a nickname), mark it correct on the video's panel, for its batch or everywhere.")
        return
    for item in accepted:
        finding = qa.Finding(qa.Kind(item.kind), item.expected or None, item.spoken or None)
        where = "everywhere" if item.scope == inspection.EVERYWHERE else "in one batch"
        left, right = st.columns([5, 1])
        left.markdown(f"{describe(finding)} · {where}")
        right.button("Forget", key=f"check_forget_{item.id}", on_click=checks.forget, args=(item.id,))
