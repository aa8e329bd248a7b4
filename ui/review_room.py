"""The review room: what a client sees through a review link (``?review=TOKEN``), and nothing else.

A browser session that opened a review link stays a review session: changing the address or its
parameters never reaches another page, the navigation, the account or another video. A browser
without the owner's or a team member's cookie (``ui.identity``) only ever gets review rooms, with or
without a token, wherever it connects from; so does everyone when $HEYGEN_STUDIO_REVIEW_ONLY is set
(a server started only to be shared). Videos play from ``/kept/…`` with the room's token, which
opens only the videos of that review.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

import streamlit as st

from heygen.studio import access, reviews
from heygen.studio.batch.store import BatchStateError
from heygen.studio.jobs import Job

from . import batch_common, connection, identity, kept_media
from .text import md

log = logging.getLogger("heygen.studio")

PARAM = "review"
_TOKEN = "_review_token"
_NAME = "review_name"
_VISITED = "_review_visited"
_DONE = "_review_done"
EXPIRED_TITLE = "This link has expired"
NO_LINK_TITLE = "Open the address you were given"
_WHO = "_review_who"
_PAGE_PATH = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HIDE_CHROME = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stToolbar"] { display: none; }
.block-container { max-width: 1100px; }
</style>
"""


def active(who: identity.Who) -> bool:
    """Whether this run belongs to a review session: a review link was opened in it, or the browser is
    neither the owner's nor a team member's (it then only ever gets review rooms)."""
    token = st.query_params.get(PARAM)
    if isinstance(token, str) and token:
        st.session_state[_TOKEN] = token  # a newer link replaces an older one; a removed one stays
    return _TOKEN in st.session_state or who.visitor


def run(who: identity.Who) -> None:
    """The whole app for a review session: one hidden page, whatever address was asked for."""
    st.session_state[_WHO] = who
    page = st.navigation([st.Page(_room, title="Review", icon=":material/rate_review:", url_path=_asked_path(),
                                  default=True)], position="hidden")
    st.markdown(_HIDE_CHROME, unsafe_allow_html=True)
    try:
        page.run()
    except Exception:  # the last safety net: a client never sees a traceback
        log.exception("The review room failed")
        st.error("Something went wrong while showing this review. Please reload the page.", icon=":material/error:")


def _store() -> reviews.ReviewStore:
    return reviews.ReviewStore(connection.job_store().db)


def _asked_path() -> str:
    """The page path the browser asked for, so that any address a visitor types shows the room itself
    (never Streamlit's "Page not found" box)."""
    path = urlsplit(st.context.url or "").path.strip("/")
    return path if _PAGE_PATH.fullmatch(path) else "review"


def _private() -> None:
    st.title(NO_LINK_TITLE)
    if st.query_params.get("signin") == "invalid":
        st.warning("That invite link is not valid any more. Ask the studio's owner for a new one.",
                   icon=":material/link_off:")
    if identity.sign_in_offered():
        email = identity.signed_in_email()
        if email:
            st.warning(f"You are signed in as {md(email)}, which is not on this studio's team list. Ask the "
                       "studio's owner to add it, or sign in with another account.", icon=":material/person_off:")
            if st.button("Sign out", key="signin_out"):
                st.logout()
        elif st.button("Sign in with your work account", type="primary", icon=":material/login:", key="signin_in"):
            st.login()
    st.markdown("This studio is private. **If it is yours**, open the address printed when the studio started "
                "(the line that begins with `Owner address:`; starting the studio again prints it again).  \n"
                "**If you were sent a review link**, open that link to see the videos shared with you.")


def _expired() -> None:
    st.title(EXPIRED_TITLE)
    st.markdown("Ask the person who sent it to you for a new link.")


def _room() -> None:
    token = st.session_state.get(_TOKEN)
    if not token:  # a browser without the owner's cookie and without a review link
        _private()
        return
    store = _store()
    review = store.by_token(token)
    if review is None or not review.is_open():
        _expired()
        return
    if st.session_state.get(_VISITED) != review.id:
        try:
            store.record_visit(review, visitor=st.context.cookies.get(access.VISITOR_COOKIE))
        except reviews.ReviewError:
            _expired()
            return
        st.session_state[_VISITED] = review.id
    st.title(md(review.title))
    closes = datetime.fromtimestamp(review.expires_at).strftime("%-d %B %Y")
    count = "1 video" if len(review.items) == 1 else f"{len(review.items)} videos"
    st.caption(f"{count} to review · this link works until {closes}")
    if review.message:
        st.markdown(md(review.message))
    member = st.session_state.get(_WHO)
    if isinstance(member, identity.Who) and member.name:
        st.caption(f"Deciding as **{md(member.name)}** (team member)")
    else:
        st.text_input("Your name", key=_NAME, placeholder="So the team knows who decided",
                      max_chars=reviews.MAX_NAME)
    jobs = connection.job_store()
    feedback = store.feedback(item.job_id for item in review.items)
    for position, item in enumerate(review.items):
        job = jobs.get(item.job_id)
        with st.container(border=True):
            _video(review, position, item, job, [e for e in feedback.get(item.job_id, [])
                                                  if e.review_id == review.id])


def _video(review: reviews.Review, position: int, item: reviews.Item, job: Job | None,
           events: list[reviews.Event]) -> None:
    st.subheader(md(item.title))
    if item.note:
        st.markdown(md(item.note))
    if job is None or job.account != review.account:
        st.info("This video is no longer available.", icon=":material/videocam_off:")
        return
    player, talk = st.columns([1.3, 1], gap="large")
    with player:
        local = kept_media.files(job)
        if "video" in local:
            st.video(kept_media.play_source(job, local["video"], review_token=st.session_state.get(_TOKEN)))
        elif job.video_url:
            st.video(job.video_url)
        else:
            st.info("This video cannot be played right now.", icon=":material/videocam_off:")
    with talk:
        _decision(review, position, item, events)


def _decision(review: reviews.Review, position: int, item: reviews.Item, events: list[reviews.Event]) -> None:
    decisions = [e for e in events if e.kind == "decision"]
    if decisions:
        last = decisions[-1]
        icon = ":material/check_circle:" if last.decision == "approved" else ":material/edit_note:"
        who = f" by {md(last.who)}" if last.who else ""
        st.markdown(f"{icon} **{reviews.DECISIONS.get(last.decision, '')}**{who}")
    if events:
        with st.expander(f"Comments and decisions ({len(events)})"):
            for event in events:
                st.markdown(event_line(event))
    done = st.session_state.pop(f"{_DONE}_{position}", None)
    if done:  # sent: an empty form (set, not removed, so the browser shows it), a second Send repeats nothing
        st.success(done, icon=":material/check:")
        st.session_state[f"review_decision_{position}"] = None
        st.session_state[f"review_comment_{position}"] = ""
        st.session_state[f"review_moment_{position}"] = ""
    with st.form(f"review_form_{position}", border=False):
        decision = st.radio("Your decision", list(reviews.DECISIONS), format_func=reviews.DECISIONS.get,
                            index=None, horizontal=True, key=f"review_decision_{position}")
        comment = st.text_area("Comment", key=f"review_comment_{position}", max_chars=reviews.MAX_COMMENT,
                               placeholder="What works, what should change (needed for Changes needed)")
        moment = st.text_input("At a moment of the video (optional)", key=f"review_moment_{position}",
                               placeholder="e.g. 0:42")
        sent = st.form_submit_button("Send", type="primary", icon=":material/send:")
    if sent:
        _send(review, position, item, decision, comment, moment)


def _send(review: reviews.Review, position: int, item: reviews.Item, decision: str | None, comment: str,
          moment_text: str) -> None:
    store = _store()
    member = st.session_state.get(_WHO)
    who = member.name if isinstance(member, identity.Who) and member.name else st.session_state.get(_NAME, "")
    job = connection.job_store().get(item.job_id)
    duration = job.duration if job is not None and job.account == review.account else None
    try:
        moment = reviews.parse_moment(moment_text, duration)
        if decision is None:
            store.comment(review, item.job_id, comment, moment=moment, who=who)
            message = "Your comment was sent."
        else:
            store.decide(review, item.job_id, decision, comment=comment, moment=moment, who=who,
                         on_sample_approved=_sample_approved)
            message = f"Sent: {reviews.DECISIONS[decision]}. Thank you."
    except reviews.ReviewError as exc:  # refused: the form keeps what the client typed
        st.error(refusal(exc), icon=":material/error:")
        return
    st.session_state[f"{_DONE}_{position}"] = message
    st.rerun()


def refusal(exc: reviews.ReviewError) -> str:
    """Why a decision or comment was not recorded, in plain words (Markdown, escaped)."""
    if isinstance(exc, reviews.TooManyMessages):
        return ("Many decisions and comments were sent through this link in the last minute, so this one was "
                "not recorded. Wait a minute, then press Send again: what you wrote is still here.")
    if isinstance(exc, reviews.CommentTooLong):
        return (f"The comment is too long ({exc.length:,} characters; at most {exc.limit:,}). Shorten it, then "
                "press Send again.")
    if isinstance(exc, reviews.MomentError):
        if exc.reason == "negative":
            return "A moment of the video cannot be negative: write it as minutes:seconds, e.g. 0:42."
        if exc.reason == "too_long":
            return (f"“{md(exc.text[:40])}” is more than 24 hours into the video: write it as minutes:seconds, "
                    "e.g. 0:42.")
        if exc.reason == "past_end":
            return (f"“{md(exc.text[:40])}” is past the end of the video, which is "
                    f"{reviews.moment_text(exc.duration) or 'shorter'} long: choose a moment within it.")
        return f"“{md(exc.text[:40])}” is not a moment of the video: write it as minutes:seconds, e.g. 0:42."
    return md(str(exc))


def _sample_approved(batch_id: str) -> None:
    """A client approved a batch's sample: the batch goes ahead, as if the studio's user had approved it."""
    batches = batch_common.store()
    try:
        batches.approve_sample(batch_id)
        batches.start(batch_id)
    except (BatchStateError, KeyError) as exc:  # already approved, changed, or deleted: the decision stands
        log.info("A client's approval did not change batch %s: %s", batch_id, exc)


def event_line(event: reviews.Event) -> str:
    """One decision or comment in one line of Markdown (every part the client wrote escaped)."""
    when = datetime.fromtimestamp(event.at).strftime("%-d %b, %H:%M")
    parts = [f"**{md(event.who) if event.who else 'Someone'}**"]
    if event.kind == "decision":
        parts.append(reviews.DECISIONS.get(event.decision, ""))
    moment = reviews.moment_text(event.moment)  # "" for a stored value that is not a moment
    if moment:
        parts.append(f"at {moment}")
    parts.append(when)
    line = " · ".join(parts)
    return f"{line}  \n{md(event.comment)}" if event.comment else line
