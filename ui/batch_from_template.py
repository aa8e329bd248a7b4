"""Step 2 of a new batch when it is made from a HeyGen template instead of a script: choose the template,
then give each of its variables a CSV column, a fixed value, or its default. The result is a batch
template that step 3 checks row by row like any other (heygen.studio.batch.from_template)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from heygen.studio import templates
from heygen.studio.batch import BatchTemplate
from heygen.studio.batch import from_template

from . import connection, template_form

SOURCE = "batch_source"
SOURCES = {"script": ":material/edit_note: Write a script", "template": ":material/dashboard_customize: "
                                                                         "Use a HeyGen template"}
CHOSEN = "batch_tpl_chosen"
TITLE = "batch_tpl_title"
DEFAULT, FIXED = "\u0000default", "\u0000fixed"


def source_choice() -> None:
    """Script or HeyGen template."""
    st.session_state.setdefault(SOURCE, "script")
    st.segmented_control("Each video is made from", list(SOURCES), key=SOURCE, required=True,
                         format_func=SOURCES.get, persist_state="session")


def chosen() -> bool:
    """Whether the batch is being made from a HeyGen template."""
    return st.session_state.get(SOURCE) == "template"


def _key(template_id: str, name: str) -> str:
    return f"batch_tpl_{template_id}_{name}"


def step(conn: connection.Connection, df: pd.DataFrame) -> BatchTemplate | None:
    """The template picker and one source per variable; the batch template, or None until a template is chosen."""
    template = template_form.picker(conn, key=CHOSEN)
    if template is None:
        return None
    columns = [str(c) for c in df.columns]
    st.caption("Give each variable a column of your file (one value per row), a fixed value for every row, or "
               "leave the template's default.")
    mapping = {}
    for name, variable in template.variables.items():
        key = _key(template.id, name)
        st.session_state.setdefault(key, name if name in columns else DEFAULT)
        default = templates.default_of(template, name)
        labels = {DEFAULT: f"The template's default ({default[:40]})" if default else "The template's default (none)",
                  FIXED: "A fixed value for every row", **{c: f"Column “{c}”" for c in columns}}
        if st.session_state[key] not in labels:
            st.session_state[key] = DEFAULT
        source, fixed = st.columns([1, 1])
        source.selectbox(f"{name} · {template_form.KIND_WORDS.get(variable.type, variable.type)}", list(labels),
                         key=key, format_func=labels.get)
        choice = st.session_state[key]
        if choice == FIXED:
            fixed.text_input(f"Value of {name} for every row", key=key + "_value")
            mapping[name] = {from_template.VALUE: str(st.session_state.get(key + "_value") or "")}
        elif choice != DEFAULT:
            mapping[name] = {from_template.COLUMN: choice}
    st.session_state.setdefault(TITLE, template.name)
    st.text_input("Video title", key=TITLE, help="Each video's title in your HeyGen library; write {{column}} for a "
                                                 "row's value, e.g. For {{first_name}}.")
    built = from_template.batch_template(template, mapping, title=str(st.session_state.get(TITLE) or ""))
    with st.expander("What each video says", icon=":material/description:"):
        st.text(built.script)
    return built
