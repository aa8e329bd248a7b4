"""The review room: what a client sees through a review link (``?review=TOKEN``), and nothing else.

A browser session that opened a review link stays a review session: changing the address or its
parameters never reaches another page, the navigation, the account or another video. A visitor
from another computer (or one arriving through a proxy) only ever gets review rooms, with or
without a token, and so does everyone when $HEYGEN_STUDIO_REVIEW_ONLY is set (a second server
started only to be shared). The studio itself is for this computer's own browser.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from datetime import datetime

import streamlit as st

from heygen.studio import reviews
from heygen.studio.jobs import Job

from . import connection, kept_media
from .text import md

log = logging.getLogger("heygen.studio")

PARAM = "review"
REVIEW_ONLY_ENV = "HEYGEN_STUDIO_REVIEW_ONLY"
_TOKEN = "_review_token"
_NAME = "review_name"
_VISITED = "_review_visited"
_DONE = "_review_done"
EXPIRED_TITLE = "This link has expired"
NO_LINK_TITLE = "Open the review link you were sent"
_PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-Ip")
_HIDE_CHROME = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stToolbar"] { display: none; }
.block-container { max-width: 1100px; }
</style>
"""


def local_visitor(address: object, headers) -> bool:
    """True for a browser on this computer: loopback, no proxy in between (no address at all: the app
    runs in-process, as in tests)."""
    if not isinstance(address, str) or not address:
        return True
    if any(headers.get(name) for name in _PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def active() -> bool:
    """Whether this run belongs to a review session (a review link was opened, or the visitor is remote)."""
    token = st.query_params.get(PARAM)
    if isinstance(token, str) and token:
        st.session_state[_TOKEN] = token  # a newer link replaces an older one; a removed one stays
    if os.environ.get(REVIEW_ONLY_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
        return True  # a server that only serves review rooms (e.g. the one a tunnel points at)
    return _TOKEN in st.session_state or not local_visitor(st.context.ip_address, st.context.headers)


def run() -> None:
    """The whole app for a review session: one hidden page, whatever address was asked for."""
    page = st.navigation([st.Page(_room, title="Review", icon=":material/rate_review:", url_path="review",
                                  default=True)], position="hidden")
    st.markdown(_HIDE_CHROME, unsafe_allow_html=True)
    try:
        page.run()
    except Exception:  # the last safety net: a client never sees a traceback
        log.exception("The review room failed")
        st.error("Something went wrong while showing this review. Please reload the page.", icon=":material/error:")


def _store() -> reviews.ReviewStore:
    return reviews.ReviewStore(connection.job_store().db)


def _expired() -> None:
    st.title(EXPIRED_TITLE)
    st.markdown("Ask the person who sent it to you for a new link.")


def _room() -> None:
    token = st.session_state.get(_TOKEN)
    if not token:  # a visitor from elsewhere without a review link
        st.title(NO_LINK_TITLE)
        st.markdown("This studio only shows videos through the review link you were sent.")
        return
    store = _store()
    review = store.by_token(token)
    if review is None or not review.is_open():
        _expired()
        return
    if st.session_state.get(_VISITED) != review.id:
        try:
            store.record_visit(review)
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
            st.video(str(local["video"]))
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
    who = st.session_state.get(_NAME, "")
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
    from heygen.studio.batch.store import BatchStateError

    from . import batch_common

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
