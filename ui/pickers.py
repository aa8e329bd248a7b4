"""The avatar gallery and the voice picker, reusable on any page under its own key prefix.

State (all under ``key_prefix``): ``{p}_avatar_id`` is the chosen look, ``{p}_voice_id`` the
chosen voice. Picking an avatar preselects its default voice unless the user has picked a voice
by hand (``{p}_voice_manual``). Filters, search and paging work on the cached catalogue only;
while it is still loading they work on what has arrived and say so, and a chosen look or voice
that has not arrived yet stays chosen.
Preview images and clips are loaded by the browser straight from their URLs.
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from heygen.api.avatars import AvatarLook
from heygen.api.voices import Voice

from .catalogue import ORIENTATIONS, TYPE_LABELS, Catalogue, filter_looks, filter_voices, languages, page_of
from .text import html_text, md

__all__ = [
    "PAGE_SIZE", "avatar_gallery", "avatar_preview", "voice_picker", "voice_card", "select_avatar",
    "select_voice", "chosen_avatar_id", "chosen_voice_id", "show_look_in_gallery",
    "widget_keys", "restore_widget_state", "save_widget_state",
]

PAGE_SIZE = 24
GRID_COLUMNS = 4
GALLERY_HEIGHT = 700
OWNER_LABELS = {"library": "HeyGen library", "mine": "My avatars"}
ANY = "any"  # the "no filter" choice of every filter
GENDER_LABELS = {ANY: "Any gender", "female": "Female", "male": "Male"}
SPEAKS = "♪"  # marks the voices Listen works with
BADGE_CLASS = {"studio_avatar": "hg-studio", "digital_twin": "hg-video", "photo_avatar": "hg-photo"}
SHORT_TYPE = {"studio_avatar": "Studio", "digital_twin": "Digital twin", "photo_avatar": "Photo"}



def widget_keys(key_prefix: str) -> list[str]:
    """The keys of the filter widgets under ``key_prefix`` (to carry over with ``keep_widget_state``)."""
    p = key_prefix
    return [f"{p}_av_owner", f"{p}_av_search", f"{p}_av_gender", f"{p}_av_type", f"{p}_av_orientation",
            f"{p}_vo_search", f"{p}_vo_language", f"{p}_vo_gender"]


def restore_widget_state(keys: list[str], *, store_key: str) -> None:
    """Put back widget values saved by ``save_widget_state`` that Streamlit dropped.

    Streamlit forgets the state of widgets that were not drawn in a run, so a visit to another
    page would empty the form; call this before the widgets are drawn.
    """
    saved = st.session_state.get(store_key) or {}
    for key in keys:
        if key not in st.session_state and key in saved:
            st.session_state[key] = saved[key]


def save_widget_state(keys: list[str], *, store_key: str) -> None:
    """Remember the current values of ``keys`` (in a key Streamlit never drops)."""
    st.session_state[store_key] = {key: st.session_state[key] for key in keys if key in st.session_state}


def chosen_avatar_id(key_prefix: str) -> str | None:
    return st.session_state.get(f"{key_prefix}_avatar_id")


def chosen_voice_id(key_prefix: str) -> str | None:
    return st.session_state.get(f"{key_prefix}_voice_id")


def select_avatar(key_prefix: str, look_id: str | None, *, default_voice_id: str | None = None) -> None:
    """Choose a look; its default voice becomes the voice unless one was picked by hand."""
    st.session_state[f"{key_prefix}_avatar_id"] = look_id
    if default_voice_id and not st.session_state.get(f"{key_prefix}_voice_manual"):
        st.session_state[f"{key_prefix}_voice_id"] = default_voice_id


def select_voice(key_prefix: str, voice_id: str | None, *, manual: bool = True) -> None:
    """Choose a voice; ``manual`` keeps it when another avatar is picked later."""
    st.session_state[f"{key_prefix}_voice_id"] = voice_id
    st.session_state[f"{key_prefix}_voice_manual"] = manual


def _initials(name: str) -> str:
    parts = [p for p in name.split() if p[:1].isalnum()]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def _badges(look: AvatarLook, private: bool) -> str:
    items = [f'<span class="hg-badge {BADGE_CLASS.get(look.avatar_type, "")}">'
             f'{html_text(SHORT_TYPE.get(look.avatar_type, look.avatar_type or "Avatar"))}</span>']
    if look.gender:
        items.append(f'<span class="hg-badge">{html_text(look.gender.capitalize())}</span>')
    if private:
        items.append('<span class="hg-badge hg-mine">Mine</span>')
    return "".join(items)


def _not_ready_words(look: AvatarLook) -> str:
    status = (look.status or "").casefold()
    if status == "failed":
        return "Failed"
    if "consent" in status:
        return "Awaiting consent"
    return "Training…"


def _not_ready_help(look: AvatarLook) -> str:
    if look.error is not None and look.error.message:
        return f"HeyGen could not prepare this avatar: {md(look.error.message)}"
    return "This avatar is still being prepared by HeyGen."


def _card_html(look: AvatarLook) -> str:
    """One gallery card: picture, name, type and gender (the view already says whose it is)."""
    name = look.name or "Unnamed avatar"
    dim = "" if look.ready else " hg-dim"
    ribbon = "" if look.ready else f'<span class="hg-ribbon">{html_text(_not_ready_words(look))}</span>'
    if look.preview_image_url:
        picture = f'<img src="{html_text(look.preview_image_url)}" alt="{html_text(name)}" loading="lazy"/>'
    else:
        picture = f'<div class="hg-initials">{html_text(_initials(name))}</div>'
    return (
        f'<div class="hg-card"><div class="hg-thumb{dim}">{picture}{ribbon}</div>'
        f'<div class="hg-name" title="{html_text(name)}">{html_text(name)}</div>'
        f'<div class="hg-meta">{_badges(look, False)}</div></div>'
    )


def _filtered(key_prefix: str) -> bool:
    p = key_prefix
    return bool((st.session_state.get(f"{p}_av_search") or "").strip()) or any(
        st.session_state.get(k) not in (None, ANY) for k in (f"{p}_av_gender", f"{p}_av_type", f"{p}_av_orientation"))


def _filter_value(value: str | None) -> str | None:
    return None if value in (None, ANY) else value


def _reset_page(key_prefix: str) -> None:
    st.session_state[f"{key_prefix}_av_page"] = 1


def _move_page(key_prefix: str, step: int) -> None:
    st.session_state[f"{key_prefix}_av_page"] = max(1, int(st.session_state.get(f"{key_prefix}_av_page", 1)) + step)


def _pick(key_prefix: str, look_id: str, ready: bool, default_voice_id: str | None) -> None:
    if ready:
        select_avatar(key_prefix, look_id, default_voice_id=default_voice_id)


def _gallery_defaults(key_prefix: str) -> None:
    p = key_prefix
    for key, value in ((f"{p}_av_owner", "library"), (f"{p}_av_search", ""), (f"{p}_av_gender", ANY),
                       (f"{p}_av_type", ANY), (f"{p}_av_orientation", ANY), (f"{p}_av_page", 1)):
        st.session_state.setdefault(key, value)


def show_look_in_gallery(catalogue: Catalogue, key_prefix: str, look_id: str, page_size: int = PAGE_SIZE) -> None:
    """Clear the filters and turn to the page that holds ``look_id`` (e.g. after a prefill)."""
    p = key_prefix
    look = catalogue.look(look_id)
    if look is None:
        return
    owner = "mine" if catalogue.is_private(look) else "library"
    st.session_state.update({f"{p}_av_owner": owner, f"{p}_av_search": "", f"{p}_av_gender": ANY,
                             f"{p}_av_type": ANY, f"{p}_av_orientation": ANY})
    shown = filter_looks(catalogue, ownership="private" if owner == "mine" else "public")
    index = next((i for i, item in enumerate(shown) if item.id == look_id), 0)
    st.session_state[f"{p}_av_page"] = index // page_size + 1


def avatar_gallery(
    catalogue: Catalogue,
    *,
    key_prefix: str,
    page_size: int = PAGE_SIZE,
    columns: int = GRID_COLUMNS,
    height: int | None = GALLERY_HEIGHT,
) -> AvatarLook | None:
    """Filters, search and a paged grid of avatar cards; returns the chosen look (or None).

    Looks still training are shown dimmed and cannot be picked. While ``catalogue`` is still
    loading, the grid shows what has arrived (later looks are appended) and says so.
    """
    p = key_prefix
    _gallery_defaults(p)
    mine_count = len(catalogue.private_look_ids)
    genders = sorted({(look.gender or "").casefold() for look in catalogue.looks} - {""})
    gender_options = [ANY, *genders]
    type_options = [ANY, *TYPE_LABELS]

    st.segmented_control(
        "Avatars", ["library", "mine"], key=f"{p}_av_owner", required=True, label_visibility="collapsed",
        format_func=lambda v: f"{OWNER_LABELS[v]} ({mine_count})" if v == "mine" else OWNER_LABELS[v],
        on_change=_reset_page, args=(p,),
    )
    st.text_input(
        "Search avatars", key=f"{p}_av_search", placeholder="Search avatars by name",
        label_visibility="collapsed", on_change=_reset_page, args=(p,),
    )
    c1, c2, c3 = st.columns(3)
    c1.selectbox("Gender", gender_options, key=f"{p}_av_gender", on_change=_reset_page, args=(p,),
                 format_func=lambda v: GENDER_LABELS.get(v) or str(v).capitalize())
    c2.selectbox("Avatar type", type_options, key=f"{p}_av_type", on_change=_reset_page, args=(p,),
                 format_func=lambda v: "Any type" if v == ANY else TYPE_LABELS.get(v, v))
    c3.selectbox("Orientation", [ANY, *ORIENTATIONS], key=f"{p}_av_orientation", on_change=_reset_page,
                 args=(p,), format_func=lambda v: "Any orientation" if v == ANY else v.capitalize())

    owner = st.session_state.get(f"{p}_av_owner") or "library"
    shown = filter_looks(
        catalogue,
        search=st.session_state.get(f"{p}_av_search", ""),
        gender=_filter_value(st.session_state.get(f"{p}_av_gender")),
        avatar_type=_filter_value(st.session_state.get(f"{p}_av_type")),
        orientation=_filter_value(st.session_state.get(f"{p}_av_orientation")),
        ownership="private" if owner == "mine" else "public",
    )
    items, page, pages = page_of(shown, st.session_state.get(f"{p}_av_page", 1), page_size)
    st.session_state[f"{p}_av_page"] = page
    chosen = chosen_avatar_id(p)
    loading = not catalogue.looks_complete
    with st.container(key=f"{p}_av_loading_note"):  # always drawn, so the grid keeps its place
        if loading and _filtered(p):
            st.caption("Still loading: the search and filters look at the avatars listed so far.")

    with st.container(height=height, border=False, key=f"{p}_av_grid_box"):
        if not items:
            if owner == "mine" and not mine_count:
                st.info("You have no avatars of your own yet. Create one in your HeyGen account, "
                        "or pick one from the HeyGen library.", icon=":material/person_off:")
            elif loading:
                st.info("No avatars listed so far match these filters. The list is still loading, so "
                        "more may appear in a moment.", icon=":material/hourglass_top:")
            else:
                st.info("No avatars match these filters. Clear the search or choose “Any” in the filters.",
                        icon=":material/search_off:")
        else:
            grid = st.grid(columns, min_column_width=130, gap="small")
            for look in items:
                selected = look.id == chosen
                # One key per look whether chosen or not: the card is updated in place when it is chosen (a
                # key that changed with the choice would make a new card, the old one shown beside it until
                # the run ends). The chosen card's frame comes from its primary button (CSS above).
                with grid, st.container(border=True, key=f"{p}_av_card_{look.id}"):
                    # Until the browser has st.html's code, the slot keeps the card's height (ui.styles).
                    st.html(_card_html(look))
                    if not look.ready:
                        label = "Not ready yet"
                    else:
                        label = "✓ Selected" if selected else "Select"
                    # A voice not listed yet may still arrive; the voice picker says if it does not.
                    voice_known = catalogue.voice(look.default_voice_id) is not None or not catalogue.voices_complete
                    st.button(
                        label, key=f"{p}_av_pick_{look.id}", width="stretch",
                        type="primary" if selected else "secondary", disabled=not look.ready,
                        on_click=_pick, args=(p, look.id, look.ready, look.default_voice_id if voice_known else None),
                        help=None if look.ready else _not_ready_help(look),
                    )

    nav_prev, nav_text, nav_next = st.columns([1, 2, 1], vertical_alignment="center")
    nav_prev.button("← Previous", key=f"{p}_av_prev", disabled=page <= 1, on_click=_move_page, args=(p, -1),
                    width="stretch")
    noun = "avatar" if len(shown) == 1 else "avatars"
    so_far = " so far, still loading" if loading else ""
    nav_text.markdown(
        f"<div style='text-align:center;color:#6b6880;font-size:0.9rem'>Page {page} of {pages} · "
        f"{len(shown):,} {noun}{so_far}</div>", unsafe_allow_html=True,
    )
    nav_next.button("Next →", key=f"{p}_av_next", disabled=page >= pages, on_click=_move_page, args=(p, 1),
                    width="stretch")
    return catalogue.look(chosen)


def avatar_preview(look: AvatarLook, *, private: bool = False, voice: Voice | None = None) -> None:
    """The chosen look: its preview clip (or picture) beside its name, badges and own voice."""
    media, about = st.columns([1.35, 1], gap="medium", vertical_alignment="center")
    with media:
        if look.preview_video_url:
            st.video(look.preview_video_url, loop=True, muted=True)
        elif look.preview_image_url:
            st.markdown(
                f'<div class="hg-thumb" style="height:230px"><img src="{html_text(look.preview_image_url)}" '
                f'alt="{html_text(look.name)}" style="object-fit:contain"/></div>', unsafe_allow_html=True, width="stretch",
            )
        else:
            st.markdown(f'<div class="hg-thumb" style="height:230px"><div class="hg-initials">'
                        f'{html_text(_initials(look.name or "?"))}</div></div>', unsafe_allow_html=True, width="stretch")
    with about:
        st.caption("Chosen avatar")
        st.markdown(
            f'<div class="hg-name" style="font-size:1.1rem;margin-top:0">{html_text(look.name or "Unnamed avatar")}</div>'
            f'<div class="hg-meta" style="margin-bottom:0.6rem">{_badges(look, private)}</div>',
            unsafe_allow_html=True,
        )
        if look.preferred_orientation:
            st.caption(f"Made for {md(look.preferred_orientation)} videos")
        if voice is not None:
            st.caption(f"Own voice: {md(voice.name)}")
        if not look.preview_video_url:
            st.caption("No preview clip for this avatar.")


# -- voices ------------------------------------------------------------------------------------


def _voice_label(voice: Voice, speaks: bool = False) -> str:
    bits = [f"{SPEAKS} {voice.name or voice.voice_id}" if speaks else voice.name or voice.voice_id]
    if voice.language:
        bits.append(voice.language)
    if voice.gender:
        bits.append(voice.gender.capitalize())
    label = " · ".join(bits)
    return f"{label} · cloned" if voice.type == "private" else label


def _voice_chosen_from_list(key_prefix: str) -> None:
    value = st.session_state.get(f"{key_prefix}_vo_choice")
    if value:
        select_voice(key_prefix, value, manual=True)


def _use_avatar_voice(key_prefix: str, voice_id: str) -> None:
    select_voice(key_prefix, voice_id, manual=False)


def voice_card(voice: Voice, *, speaks: bool = False) -> None:
    """Name, language, badges and the preview clip of one voice (``speaks``: Listen works with it)."""
    badges = []
    if speaks:
        badges.append(f'<span class="hg-badge hg-ok">{SPEAKS} Listen before rendering</span>')
    if voice.type == "private":
        badges.append('<span class="hg-badge hg-mine">Cloned</span>')
    if voice.support_pause:
        badges.append('<span class="hg-badge hg-ok">Supports pauses</span>')
    else:
        badges.append('<span class="hg-badge hg-wait">No pauses</span>')
    meta = " · ".join(x for x in (voice.language, (voice.gender or "").capitalize()) if x)
    st.markdown(
        f'<div class="hg-voice-name">{html_text(voice.name or voice.voice_id)}</div>'
        f'<div style="color:#6b6880;font-size:0.85rem">{html_text(meta)}</div>'
        f'<div class="hg-meta" style="margin-bottom:0.4rem">{"".join(badges)}</div>',
        unsafe_allow_html=True,
    )
    if voice.preview_audio_url:
        st.audio(voice.preview_audio_url)
    else:
        st.caption("This voice has no preview clip.")


def voice_picker(catalogue: Catalogue, *, key_prefix: str, avatar: AvatarLook | None = None,
                 speech_ids: Collection[str] | None = None) -> Voice | None:
    """Language, gender and name filters, a voice list and the chosen voice's preview; returns the voice.

    ``speech_ids``: the voices HeyGen can speak without a render (marked with ``SPEAKS``).
    """
    p = key_prefix
    for key, value in ((f"{p}_vo_search", ""), (f"{p}_vo_language", ANY), (f"{p}_vo_gender", ANY)):
        st.session_state.setdefault(key, value)
    voices = catalogue.voices
    langs = languages(voices)
    genders = sorted({(v.gender or "").casefold() for v in voices} - {""})

    st.text_input("Search voices", key=f"{p}_vo_search", placeholder="Search voices by name",
                  label_visibility="collapsed")
    c2, c3 = st.columns(2)
    c2.selectbox("Language", [ANY, *langs], key=f"{p}_vo_language",
                 format_func=lambda v: "Any language" if v == ANY else v)
    c3.selectbox("Gender", [ANY, *genders], key=f"{p}_vo_gender",
                 format_func=lambda v: GENDER_LABELS.get(v) or str(v).capitalize())
    shown = filter_voices(
        voices,
        search=st.session_state.get(f"{p}_vo_search", ""),
        language=_filter_value(st.session_state.get(f"{p}_vo_language")),
        gender=_filter_value(st.session_state.get(f"{p}_vo_gender")),
    )
    options = [v.voice_id for v in shown]
    chosen_id = chosen_voice_id(p)
    # The list shows the chosen voice when the filters include it, and nothing otherwise.
    st.session_state[f"{p}_vo_choice"] = chosen_id if chosen_id in options else None
    speaking = speech_ids or ()
    labels = {v.voice_id: _voice_label(v, v.voice_id in speaking) for v in shown}
    so_far = " so far, still loading" if not catalogue.voices_complete else ""
    # index=None: a list that reports no choice (a browser whose page was redrawn under it) means no choice,
    # not the list's first voice, which would replace the chosen one by hand.
    st.selectbox(
        f"Voice ({len(options):,} match{'es' if len(options) != 1 else ''}{so_far})", options, key=f"{p}_vo_choice",
        index=None, format_func=lambda vid: labels.get(vid, vid), on_change=_voice_chosen_from_list, args=(p,),
        placeholder="Choose a voice" if options else "No voice matches these filters",
    )
    chosen = catalogue.voice(chosen_id)
    if chosen is not None:
        with st.container(border=True, key=f"{p}_voice_card"):
            voice_card(chosen, speaks=chosen.voice_id in speaking)
            default = catalogue.voice(avatar.default_voice_id) if avatar is not None else None
            if default is not None and default.voice_id != chosen.voice_id:
                st.button(
                    f"Use {md(avatar.name)}'s own voice ({md(default.name)})", key=f"{p}_vo_use_default", type="tertiary",
                    on_click=_use_avatar_voice, args=(p, default.voice_id),
                )
    elif chosen_id and not catalogue.voices_complete:
        st.info("The chosen voice has not been listed yet; it will show here once it has.",
                icon=":material/hourglass_top:")
    elif chosen_id:
        st.warning("The voice chosen earlier is no longer available; choose another.", icon=":material/mic_off:")
    return chosen
