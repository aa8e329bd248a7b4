"""The Webhooks section of Settings (the owner's only): whether HeyGen's events reach this studio, and
rotating the endpoint's signing secret. The secret itself is never shown."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from heygen.api.errors import HeyGenError
from heygen.studio import webhooks as hooks

from . import identity, process
from .feedback import show_error
from .text import md

_NOTICE = "webhooks_notice"


def _when(moment: float | None) -> str:
    return datetime.fromtimestamp(moment).strftime("%-d %B %Y, %H:%M") if moment else "never"


def settings_section() -> None:
    """Drawn for the owner when the studio receives webhooks (a public address and a key in the environment)."""
    if not identity.remembered().owner:
        return
    found = process.webhooks()
    if found is None:
        return
    st.subheader("Webhooks")
    reg = found.store.get(found.account)  # the database only: a rerun never asks HeyGen
    if reg is None:
        st.info("The studio is registering its webhook endpoint with HeyGen; until then renders are polled as usual.",
                icon=":material/hourglass_top:")
        return
    st.markdown(f"HeyGen sends finished and failed renders to {md(reg.url)} (endpoint {md(reg.endpoint_id)}).")
    if reg.healthy(datetime.now().timestamp(), process.settings().webhook_poll_seconds):
        st.caption(f"Events arrive as they happen; the studio checks renders itself only every "
                   f"{process.settings().webhook_poll_seconds:.0f} s as a safety net. Last read of HeyGen's feed of "
                   f"events: {_when(reg.caught_up_to)}.")
    elif reg.missed_at is not None:
        st.warning(f"HeyGen's feed had events this studio never received ({_when(reg.missed_at)}); renders are "
                   "checked as usual for a while.", icon=":material/warning:")
    else:
        st.warning(f"HeyGen's feed of events has not been read since {_when(reg.caught_up_to)}; renders are checked "
                   "as usual until it is.", icon=":material/warning:")
    if st.button("Rotate the signing secret", icon=":material/key:",
                 help="HeyGen makes a new secret and stops signing with the old one. Deliveries signed with the old "
                      f"one are still accepted for {hooks.ROTATION_GRACE_SECONDS:.0f} s."):
        try:
            found.rotate()
        except HeyGenError as exc:
            show_error(exc, title="HeyGen did not rotate the secret")
        except LookupError:
            st.error("No webhook endpoint is registered yet; try again in a moment.", icon=":material/error:")
        else:
            st.session_state[_NOTICE] = "The signing secret was rotated; new deliveries are checked with the new one."
            st.rerun()
    notice = st.session_state.pop(_NOTICE, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
