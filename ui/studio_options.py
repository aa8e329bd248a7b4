"""The Studio's options: title, aspect ratio, resolution, fit, captions, background, and what the chosen look
allows (a transparent WebM, Avatar V, photo expressiveness and motion). ``output_options`` puts them in the
draft's spec; the aspect ratio follows the speaker's picture until the user chooses one.
"""

from __future__ import annotations

import streamlit as st

from heygen.api.videos import ASPECT_RATIOS, CAPTIONS, EXPRESSIVENESS, FITS, RESOLUTIONS
from heygen.studio.formats import suggested_aspect, supports_avatar_v, supports_transparent

from .studio_files import background_section
from .studio_inputs import (
    ASPECT, ASPECT_MANUAL, AVATAR_V, BG_COLOUR, BG_MODE, CAPTIONS_KEY, EXPRESSIVENESS_KEY, FIT, MOTION, REMOVE_BG,
    RESOLUTION, TITLE, TRANSPARENT, Draft, field_error, now,
)
from .text import md

BG_MODES = {"none": "None", "colour": "Colour", "image": "Image"}
ASPECT_LABELS = {"16:9": ":material/crop_landscape: 16:9", "9:16": ":material/crop_portrait: 9:16",
                 "1:1": ":material/crop_square: 1:1", "4:5": "4:5", "5:4": "5:4", "auto": "Auto"}
ASPECT_WORDS = {"16:9": "16:9 landscape", "9:16": "9:16 portrait", "1:1": "1:1 square", "4:5": "4:5 portrait",
                "5:4": "5:4 landscape", "auto": "aspect of the picture"}
CAPTION_LABELS = {"off": "Off", "sidecar": "Subtitle file (SRT)", "burned": "Burned in"}
FIT_LABELS = {"auto": "Auto", "cover": "Cover: fill the frame", "contain": "Contain: show it whole"}
RESOLUTION_LABELS = {"720p": "720p", "1080p": "1080p", "4k": "4K"}


def output_options(draft: Draft) -> None:
    """Captions, fit, transparent webm and Avatar V; the ratio follows the speaker's picture until chosen."""
    state, spec = st.session_state, draft.spec
    captions = state.get(CAPTIONS_KEY)
    spec.captions = captions if captions in CAPTIONS else None
    fit = state.get(FIT)
    spec.fit = fit if fit in FITS else None
    avatar = draft.source == "avatar"
    spec.output_format = "webm" if avatar and state.get(TRANSPARENT) else None
    spec.engine = "avatar_v" if avatar and state.get(AVATAR_V) else None
    if avatar:
        draft.suggested_aspect = suggested_aspect(draft.look)
    elif draft.photo is not None:
        draft.suggested_aspect = suggested_aspect(size=(draft.photo.width, draft.photo.height))
    if draft.suggested_aspect and not state.get(ASPECT_MANUAL) and state.get(ASPECT) != draft.suggested_aspect:
        state[ASPECT] = spec.aspect_ratio = draft.suggested_aspect


def _aspect_chosen() -> None:
    st.session_state[ASPECT_MANUAL] = True


def _use_aspect(ratio: str) -> None:
    st.session_state[ASPECT] = ratio
    st.session_state[ASPECT_MANUAL] = False


def fallback_title(draft: Draft) -> str:
    if draft.source == "photo":
        return "Photo video"
    return f"{draft.look.name} video" if draft.look else "Untitled video"


def options_section(draft: Draft) -> None:
    """Title, format, background and the photo-only options."""
    state = st.session_state
    st.text_input("Title", key=TITLE, placeholder=fallback_title(draft),
                  help="Filled in from the first words of the script; change it freely.")
    field_error(draft, "title")
    c1, c2 = st.columns(2)
    st.segmented_control("Aspect ratio", list(ASPECT_RATIOS), key=ASPECT, required=True, default=now(ASPECT),
                         format_func=ASPECT_LABELS.get, on_change=_aspect_chosen,
                         help="Auto keeps the shape of the avatar's video or of your photo.")
    suggestion = draft.suggested_aspect
    if suggestion and state.get(ASPECT) != suggestion:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(f"{ASPECT_WORDS[suggestion].capitalize()} fits the chosen "
                     f"{'photo' if draft.source == 'photo' else 'look'}.")
        right.button(f"Use {suggestion}", key="studio_use_suggested_aspect", on_click=_use_aspect, args=(suggestion,),
                     width="stretch")
    elif suggestion:
        st.caption(f"{ASPECT_WORDS[suggestion].capitalize()}: it fits the chosen "
                   f"{'photo' if draft.source == 'photo' else 'look'}.")
    field_error(draft, "aspect_ratio")
    st.segmented_control("Resolution", list(RESOLUTIONS), key=RESOLUTION, required=True, default=now(RESOLUTION),
                         format_func=RESOLUTION_LABELS.get)
    st.segmented_control("Fit", ["auto", *FITS], key=FIT, required=True, default=now(FIT), format_func=FIT_LABELS.get,
                         help="Cover fills the frame and may crop the edges; Contain shows the whole picture and may "
                              "leave background around it; Auto lets HeyGen choose.")
    st.caption("1080p and 4K depend on your HeyGen plan (free plans render 720p).")
    field_error(draft, "resolution")
    field_error(draft, "fit")
    st.segmented_control("Captions", list(CAPTION_LABELS), key=CAPTIONS_KEY, required=True, default=now(CAPTIONS_KEY),
                         format_func=CAPTION_LABELS.get,
                         help="A subtitle file (SRT) comes with the video; Burned in also writes the captions "
                              "into the picture.")
    field_error(draft, "captions")

    st.segmented_control("Background", list(BG_MODES), key=BG_MODE, required=True, default=now(BG_MODE),
                         format_func=BG_MODES.get)
    mode = state.get(BG_MODE)
    if mode == "colour":
        st.color_picker("Background colour", key=BG_COLOUR, value=now(BG_COLOUR))
    elif mode == "image":
        background_section(draft)
    field_error(draft, "background")
    st.toggle("Remove the avatar's own background", key=REMOVE_BG,
              help="Video avatars must have been trained with background removal for this to work.")
    _look_options(draft)

    if draft.is_photo:
        c1, c2 = st.columns([1, 2])
        c1.selectbox("Expressiveness", ["default", *EXPRESSIVENESS], key=EXPRESSIVENESS_KEY,
                     format_func=lambda v: "Default (low)" if v == "default" else v.capitalize())
        c2.text_input("Motion prompt", key=MOTION, placeholder="e.g. nods gently and smiles while talking")
        field_error(draft, "expressiveness")
        field_error(draft, "motion_prompt")
    else:
        st.caption("Expressiveness and a motion prompt are available for photo avatars and your own photos.")


def _look_options(draft: Draft) -> None:
    """Transparent webm and Avatar V, offered only where the chosen look supports them."""
    state, look = st.session_state, draft.look
    if draft.source != "avatar" or look is None:
        if draft.source == "photo":
            st.caption("A transparent background and Avatar V are available with avatars, not with your own photo.")
        return
    if supports_transparent(look) or state.get(TRANSPARENT):
        st.toggle("Transparent background (WebM)", key=TRANSPARENT,
                  help="A WebM video with no background, to lay over your own footage. No background is sent.")
        field_error(draft, "output_format")
    else:
        st.caption(f"A transparent background is not available for “{md(look.name)}”.")
    if supports_avatar_v(look) or state.get(AVATAR_V):
        st.toggle("Use Avatar V", key=AVATAR_V, help="HeyGen's newer engine, for looks that list it. "
                                                     "Avatar IV is used otherwise.")
        field_error(draft, "engine")
    else:
        st.caption(f"Avatar V is not available for “{md(look.name)}”; it renders with Avatar IV.")
