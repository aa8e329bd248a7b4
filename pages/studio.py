"""Studio: choose who speaks and what they say, set the options, and launch the render."""

import streamlit as st

from ui import catalogue, connection, pickers, shell
from ui import studio_form as form

# Read by ui.nav, not run: this page's place in the navigation.
PAGE = {"title": "Studio", "icon": ":material/movie_edit:", "order": 10, "form": "studio", "default": True}

shell.require(__file__)
conn = connection.require()

head, tools = st.columns([5, 1], vertical_alignment="bottom")
head.title("Studio")
head.caption("Pick who speaks and what they say, check the summary, then generate your video.")
tools.button("Refresh lists", key="studio_refresh", on_click=catalogue.refresh, width="stretch",
             icon=":material/refresh:",
             help="Fetch the avatar and voice lists from HeyGen again (they are kept for an hour).")

cat = catalogue.load(conn, partial=True, first_screen=pickers.PAGE_SIZE)
if cat is None:
    st.stop()
catalogue.follow(conn, cat)

form.start(conn, cat)
draft = form.collect(cat)
form.settle(draft)
form.show_notice()

left, right = st.columns([1.12, 1], gap="large")

with left:
    st.subheader("1 · Who speaks")
    tab_avatar, tab_photo = st.tabs([form.SOURCE_AVATAR, form.SOURCE_PHOTO], key=form.SOURCE_TAB, on_change="rerun")
    with tab_avatar:
        look = cat.look(pickers.chosen_avatar_id(form.P))
        if look is not None:
            with st.container(border=True, key="studio_chosen_avatar"):
                pickers.avatar_preview(look, private=cat.is_private(look), voice=cat.voice(look.default_voice_id))
        elif pickers.chosen_avatar_id(form.P) and not cat.looks_complete:
            st.info("The chosen avatar has not been listed yet; it will show here in a moment.",
                    icon=":material/hourglass_top:")
        else:
            st.info("Pick an avatar below — or animate your own photo in the next tab.",
                    icon=":material/arrow_downward:")
        if draft.source == "avatar":
            form.field_error(draft, "speaker")
        pickers.avatar_gallery(cat, key_prefix=form.P)
    with tab_photo:
        form.photo_section(draft)

with right:
    st.subheader("2 · What it says")
    tab_script, tab_audio = st.tabs([form.SPEECH_SCRIPT, form.SPEECH_AUDIO], key=form.SPEECH_TAB, on_change="rerun")
    with tab_script:
        form.script_section(draft, cat, conn)
    with tab_audio:
        form.audio_section(draft)

    st.subheader("3 · Options")
    option_fields = {"title", "aspect_ratio", "resolution", "background", "remove_background", "expressiveness",
                     "motion_prompt", "captions", "fit", "output_format", "engine"}
    open_options = bool(form.FORM.showing_errors and option_fields & set(draft.errors))
    with st.expander("Title, format and background", expanded=open_options, icon=":material/tune:"):
        form.options_section(draft)

    form.launch_section(conn, draft)
