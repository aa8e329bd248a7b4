"""Client reviews as the studio's user sees them: sharing videos as a review link, the links made so far
(revoke, summary as CSV), and each video's review state and comments on the Videos page.

The studio keeps only a fingerprint of a link's token, so a link is shown in full only in the browser
session that made it (kept in its session state); later, a review offers to make a new link instead,
which stops the old one."""

from __future__ import annotations

import time
from datetime import date, datetime, time as clock, timedelta
from urllib.parse import urlsplit

import streamlit as st

from heygen.studio import kinds, reviews
from heygen.studio.jobs import Job

from . import checks, connection, process
from .feedback import show_error
from .review_room import PARAM, event_line
from .text import md

DEFAULT_DAYS = 14
END_OF_DAY = clock(23, 59)  # a link's default time on its last day
MAX_DAYS = 365
_CREATED = "review_created"
_FRESH = "review_fresh_links"  # {review id: token} of the links made in this browser session
_SHOWN_LINKS = 20
_ONCE = ("Copy it now: the studio keeps only a fingerprint of it and cannot show it again once you reload or "
         "leave the studio (you can then make a new link).")
_SHOWN_WHEN_MADE = ("The link was shown when it was made; the studio keeps only a fingerprint of it. Lost it? "
                    "Make a new link: the old one stops working, decisions made stay.")


def store() -> reviews.ReviewStore:
    return reviews.ReviewStore(connection.job_store().db)


def public_base() -> str:
    """Where clients reach this studio: $HEYGEN_STUDIO_PUBLIC_URL, else the address this page was opened at."""
    configured = process.settings().public_url
    if configured:
        return configured
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "http://localhost:8501"


def link(token: str) -> str:
    """The address a client opens for the review link ``token``."""
    return f"{public_base()}/?{PARAM}={token}"


def _remember(review: reviews.Review) -> None:
    """Keep a just-made link's token for this browser session, the only place it is ever shown."""
    st.session_state.setdefault(_FRESH, {})[review.id] = review.token


def _fresh_token(review: reviews.Review) -> str | None:
    return (st.session_state.get(_FRESH) or {}).get(review.id)


def _link_or_new(review: reviews.Review, key: str) -> None:
    """An open review's link when this session made it, else the offer to make a new one."""
    token = _fresh_token(review)
    if token:
        st.code(link(token), language=None)
        st.caption(_ONCE)
        return
    st.caption(_SHOWN_WHEN_MADE)
    if st.button("Make a new link", key=key, icon=":material/add_link:",
                 help="A new link to the same videos; the old link stops working at once."):
        try:
            _remember(store().new_link(review.id))
        except reviews.ReviewError as exc:
            show_error({"message": str(exc)}, title="No new link was made")
            return
        st.rerun()


def version_of(job: Job | None) -> str:
    """Which version of a video this is, in words: its kind and when it was finished."""
    if job is None:
        return "no longer in the history"
    when = datetime.fromtimestamp(job.completed_at or job.created_at).strftime("%Y-%m-%d %H:%M")
    return f"{kinds.of(job).label}, finished {when}"


def share_form(conn: connection.Connection, shown: list) -> None:
    """Make a review link for the chosen videos (``present.Shown`` items: job, title, note)."""
    if not shown:
        st.caption("Choose videos first.")
        return
    default_title = shown[0].title if len(shown) == 1 else f"{len(shown)} videos for review"
    title = st.text_input("Title the client sees", value=default_title, key="review_title",
                          max_chars=reviews.MAX_TITLE)
    message = st.text_area("Message (optional)", key="review_message", max_chars=reviews.MAX_NOTE,
                           placeholder="Hi! Here are the videos we discussed. Tell us what to change.")
    today = date.today()
    st.caption("Anyone with the link can watch these videos and leave decisions until the day and time below, or "
               "until you revoke it. It opens nothing else of the studio.")
    flagged = checks.flagged([s.job for s in shown])
    anyway = True
    if flagged:
        titles = ", ".join(f"“{md(s.title)}”" for s in shown if s.job.id in flagged)
        st.warning(f"The check found things to look at in {titles}: the video may not say what it was meant to "
                   "say. Open it on the Videos page to see and fix them.", icon=":material/warning:")
        anyway = st.checkbox("Share anyway", key="review_share_anyway")
    # The day, the time and the button share one row: the calendar and the list of times open below the
    # fields (Enter in the date opens the calendar), never over the button.
    day_column, time_column, button_column = st.columns([4, 3, 5], vertical_alignment="bottom")
    until = day_column.date_input("Link works until", value=today + timedelta(days=DEFAULT_DAYS),
                                  min_value=today, max_value=today + timedelta(days=MAX_DAYS), key="review_until",
                                  format="DD/MM/YYYY")
    at = time_column.time_input("Time", value=END_OF_DAY, key="review_until_time", step=timedelta(minutes=30),
                                help="The link stops working at this time of this computer's clock.")
    if button_column.button("Create review link", type="primary", key="review_create", icon=":material/add_link:",
                            disabled=not anyway, width="stretch"):
        expires_at = datetime.combine(until, at).timestamp()
        try:
            review = store().create(conn.account, [reviews.Item(s.job.id, s.title, s.note) for s in shown],
                                    title=title, message=message, expires_at=expires_at)
        except reviews.ReviewError as exc:
            show_error({"message": str(exc)}, title="The link was not made")
        else:
            st.session_state[_CREATED] = review.id
            _remember(review)
    created = st.session_state.get(_CREATED)
    review = store().get(created) if created else None
    token = _fresh_token(review) if review is not None and review.account == conn.account else None
    if token:
        st.success("Review link ready. Copy it and send it to your client.", icon=":material/link:")
        st.code(link(token), language=None)
        st.caption(_ONCE)


def links_section(conn: connection.Connection) -> None:
    """The review links made so far: state, decisions, the link, revoke, and the summary as CSV."""
    made = store().list(conn.account)
    st.subheader("Review links")
    if not made:
        st.caption("None yet. Choose videos above and use “Share for review”.")
        return
    jobs = connection.job_store()
    now = time.time()
    for review in made[:_SHOWN_LINKS]:
        events = store().events(review.id)
        _link_card(review, events, jobs, now)
    if len(made) > _SHOWN_LINKS:
        st.caption(f"The newest {_SHOWN_LINKS} of {len(made)} links.")


def _state_text(review: reviews.Review, now: float) -> str:
    state = review.state(now)
    if state == "revoked":
        return ":material/link_off: Revoked"
    until = datetime.fromtimestamp(review.expires_at).strftime("%-d %b %Y, %H:%M")
    return f":material/link: Open until {until}" if state == "open" else f":material/schedule: Expired on {until}"


def _link_card(review: reviews.Review, events: list[reviews.Event], jobs, now: float) -> None:
    visitors = reviews.count_visitors(events)
    latest: dict[str, reviews.Event] = {}
    for event in events:
        if event.kind == "decision":
            latest[event.job_id] = event
    approved = sum(1 for e in latest.values() if e.decision == "approved")
    changes = sum(1 for e in latest.values() if e.decision == "changes")
    with st.container(border=True):
        head, actions = st.columns([3, 2])
        head.markdown(f"**{md(review.title)}**  \n{_state_text(review, now)} · {len(review.items)} video"
                      f"{'s' if len(review.items) != 1 else ''} · {visitors} visitor{'s' if visitors != 1 else ''}"
                      + (" · batch sample" if review.batch_id else ""))
        head.caption(f"{approved} approved · {changes} change{'s' if changes != 1 else ''} needed · "
                     f"{len(review.items) - approved - changes} waiting")
        summary = store().summary_csv(review, version_of=lambda job_id: version_of(jobs.get(job_id)))
        actions.download_button("Summary (CSV)", data=summary, file_name=f"review-{review.created_at:.0f}.csv",
                                mime="text/csv", key=f"review_csv_{review.id}", icon=":material/download:",
                                on_click="ignore", width="stretch")
        if review.is_open(now):
            if actions.button("Revoke link", key=f"review_revoke_{review.id}", icon=":material/link_off:",
                              width="stretch", help="The link stops working at once; decisions made stay."):
                store().revoke(review.id)
                st.rerun()
            _link_or_new(review, f"review_new_link_{review.id}")
        said = [e for e in events if e.kind in ("decision", "comment")]
        if said:
            titles = {item.job_id: item.title for item in review.items}
            with st.expander(f"Decisions and comments ({len(said)})"):
                for event in reversed(said):
                    st.markdown(f"{md(titles.get(event.job_id, ''))} — {event_line(event)}")


def states_of(jobs: list[Job]) -> list[str]:
    """The history's Review column: each video's latest decision, "In review" while a link is open, else ""."""
    ids = [j.id for j in jobs]
    latest = store().latest_decisions(ids)
    open_now = store().in_review(ids)
    words = []
    for job in jobs:
        event = latest.get(job.id)
        words.append(reviews.DECISIONS.get(event.decision, "") if event else
                     ("In review" if job.id in open_now else ""))
    return words


def job_section(job: Job) -> None:
    """On a finished video's panel: the client's decisions and comments on it."""
    said = store().feedback([job.id]).get(job.id, [])
    if not said:
        return
    latest = next((e for e in reversed(said) if e.kind == "decision"), None)
    with st.container(border=True):
        if latest is not None:
            icon = ":material/check_circle:" if latest.decision == "approved" else ":material/edit_note:"
            who = f" by {md(latest.who)}" if latest.who else ""
            st.markdown(f"{icon} **Client review: {reviews.DECISIONS.get(latest.decision, '')}**{who}")
        else:
            st.markdown("**Client review**")
        for event in reversed(said):
            st.markdown(event_line(event))


def batch_sample_section(conn: connection.Connection, batch, row, title: str) -> None:
    """Under a ready batch sample: send it for the client's approval, and what the client said so far.

    The client's approval starts the batch (ui/review_room.py); Changes needed shows their comment here.
    """
    sample_reviews = [r for r in store().for_batch(batch.id) if r.has(row.job_id)]
    current = next((r for r in sample_reviews if r.is_open()), None)
    if current is None:
        if st.button("Ask the client to approve", key="batch_client_review", icon=":material/share:",
                     width="stretch", help="Makes a review link for this sample; the client's approval "
                                           "renders the rest of the batch."):
            end_of_day = datetime.combine(date.today() + timedelta(days=DEFAULT_DAYS), datetime.max.time())
            try:
                made = store().create(conn.account, [reviews.Item(row.job_id, title)],
                                      title=f"{batch.name}: sample",
                                      message="This is one video of a personalised series. Approve it and the "
                                              "rest will be made the same way.",
                                      expires_at=end_of_day.timestamp(), batch_id=batch.id)
            except reviews.ReviewError as exc:
                show_error({"message": str(exc)}, title="The link was not made")
                return
            _remember(made)
            st.rerun()
        return
    said = [e for e in store().events(current.id) if e.kind in ("decision", "comment")]
    latest = next((e for e in reversed(said) if e.kind == "decision"), None)
    with st.container(border=True):
        if latest is not None and latest.decision == "changes":
            st.markdown(f":material/edit_note: **The client asked for changes**  \n{event_line(latest)}")
        else:
            st.markdown(":material/hourglass_top: **Waiting for the client's decision.** The batch starts "
                        "by itself when they approve the sample.")
        _link_or_new(current, "batch_client_new_link")
