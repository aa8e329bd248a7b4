"""The Team section of Settings (the owner's only): personal invite links for team members, and revoking them.

A member opens their link once; the studio then knows them by a cookie, shows them the whole studio
and records their name on the jobs they launch and the review decisions they make. The link's token is
kept only as a fingerprint, so it is shown once, when it is made.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

import streamlit as st

from heygen.studio import access

from . import identity, process, reviews_panel
from .text import md

_FRESH = "team_fresh_invite"  # (member id, link) made in this session, shown until the page is left


def invite_link(token: str) -> str:
    return f"{reviews_panel.public_base()}/?{urlencode({access.INVITE_PARAM: token})}"


def settings_section() -> None:
    """Invite a member, see who is invited, revoke an invite (drawn for the owner only)."""
    if not identity.remembered().owner:
        return
    st.subheader("Team members")
    st.caption("Give each person who works in this studio their own invite link. They open it once; the studio "
               "then recognises their browser, and records their name on the videos they make and the decisions "
               "they send. Anyone else only ever sees the review links you share.")
    members = process.members()
    with st.form("team_invite_form", clear_on_submit=True):
        name = st.text_input("Name", key="team_invite_name", max_chars=access.MAX_MEMBER_NAME,
                             placeholder="e.g. Dana from the sales team")
        made = st.form_submit_button("Make an invite link", icon=":material/person_add:")
    if made:
        try:
            member, token = members.invite(name)
        except access.AccessError:
            st.error(f"Give the member a name (at most {access.MAX_MEMBER_NAME} characters).",
                     icon=":material/error:")
        else:
            st.session_state[_FRESH] = (member.id, invite_link(token))
    fresh = st.session_state.get(_FRESH)
    listed = members.list()
    if not listed:
        st.caption("No one is invited yet.")
    for member in listed:
        with st.container(border=True, key=f"team_member_{member.id}"):
            since = datetime.fromtimestamp(member.created_at).strftime("%-d %B %Y")
            state = "invited" if member.active else "revoked"
            st.markdown(f"**{md(member.name)}** · {state} {since}")
            if fresh and fresh[0] == member.id:
                st.code(fresh[1], language=None)
                st.caption("Send this link to them now: the studio keeps only a fingerprint of it and cannot show "
                           "it again.")
            if member.active:
                st.button("Revoke", key=f"team_revoke_{member.id}", icon=":material/person_remove:",
                          on_click=members.revoke, args=(member.id,),
                          help="Their browser loses access to the studio at its next click.")
