"""The shape of the code that the rules ask for, checked by reading the sources (nothing is run):

- no import inside a function to dodge an import cycle: none in heygen/, at most two in ui/ and pages/;
- no branch on a job's kind by its name (``job.kind == "agent"``, ``kind in ("lipsync", …)``) outside
  the kind registry (heygen/studio/kinds.py); the sandbox has its own meanings of "kind";
- no table keyed by job kind outside the registry, so a new kind is four files: its module, its
  registry entry, its form and its page;
- no ``st.rerun()`` in a fragment's body (or a function of its module it calls): the body also runs
  inline in full runs, where a rerun loses the click the run carries; ``ui.refresh.whole_page`` instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from heygen.studio import kinds

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("heygen", "ui", "pages")
# Objects other than jobs that have a "kind" of their own named like a job kind ("image", "avatar").
OTHER_KINDS = {"scene", "s", "self", "sniffed", "attachment"}


def sources(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def studio_sources() -> list[Path]:
    """The studio's sources but the registry itself, the sandbox (the other side of the wire, with its own
    meanings of "kind") and the API client."""
    others = (ROOT / "heygen" / "sandbox", ROOT / "heygen" / "api")
    return [p for p in sources(*PROJECT)
            if not any(p.is_relative_to(o) for o in others) and p != ROOT / "heygen" / "studio" / "kinds.py"]


def _where(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def function_level_imports(path: Path) -> list[str]:
    """Imports of the project's own modules made inside a function body, as "file:line: import"."""
    found: list[str] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, (ast.Import, ast.ImportFrom)) and _project(child):
                found.append(f"{_where(path)}:{child.lineno}: {ast.unparse(child)}")
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _project(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] in PROJECT
    return any(alias.name.split(".")[0] in PROJECT for alias in node.names)


def kind_branches(path: Path) -> list[str]:
    """Comparisons of a job's kind with a kind's name, as "file:line: comparison"."""
    names = set(kinds.KINDS)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if any(_a_kind(side) for side in sides) and any(_literals(side) & names for side in sides):
            found.append(f"{_where(path)}:{node.lineno}: {ast.unparse(node)}")
    return found


def _a_kind(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "kind":
        return not (isinstance(node.value, ast.Name) and node.value.id in OTHER_KINDS)
    return isinstance(node, ast.Name) and node.id in ("kind", "source_kind", "job_kind")


def _literals(node: ast.AST) -> set[str]:
    items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return {i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)}


def test_no_function_level_import_dodges_a_cycle_in_heygen():
    found = [hit for path in sources("heygen") for hit in function_level_imports(path)]
    assert found == [], "pass the dependency in instead:\n" + "\n".join(found)


def test_at_most_two_function_level_imports_in_the_ui():
    found = [hit for path in sources("ui", "pages") for hit in function_level_imports(path)]
    assert len(found) <= 2, "\n".join(found)


def test_the_counter_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from heygen.studio import kinds\n\n\ndef f():\n    from . import watch\n    import json\n"
                      "    from heygen.api import errors\n")
    assert function_level_imports(sample) == ["sample.py:5: from . import watch",
                                              "sample.py:7: from heygen.api import errors"]


def test_no_branch_on_a_job_kind_by_name_outside_the_registry():
    found = [hit for path in studio_sources() for hit in kind_branches(path)]
    assert found == [], "ask the kind (heygen.studio.kinds.of(job)) instead:\n" + "\n".join(found)


def test_the_branch_finder_sees_the_forms_a_branch_takes(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('if job.kind == "agent": pass\nif kind in ("lipsync", "translation"): pass\n'
                      'if scene.kind == "image": pass\nif job.kind == KIND: pass\n')
    hits = [line.split(": ", 1)[1] for line in kind_branches(sample)]
    assert hits == ["job.kind == 'agent'", "kind in ('lipsync', 'translation')"]


def kind_tables(path: Path) -> list[str]:
    """Tables keyed by job kind (a dict, set, tuple or list naming three kinds or more), as "file:line"."""
    names = set(kinds.KINDS)

    def named(nodes) -> set[str]:
        return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)} & names

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        keys = [k for k in node.keys if k is not None] if isinstance(node, ast.Dict) else \
            node.elts if isinstance(node, (ast.Set, ast.Tuple, ast.List)) else []
        if len(named(keys)) >= 3:
            found.append(f"{_where(path)}:{node.lineno}")
    return found


# Known tables keyed by kind that are still to move into the registry, each with its reason (none left).
KNOWN_TABLES: set[str] = set()


def test_no_table_keyed_by_kind_outside_the_registry():
    """A new kind is its module, its entry in heygen/studio/kinds.py, its form and its page (ui.nav finds
    the page in pages/, "Edit & retry" opens the page its ``editor`` names): no list of kinds in the store,
    the navigation, the status panel or the worker needs a line for it."""
    found = [hit for path in studio_sources() if _where(path) not in KNOWN_TABLES for hit in kind_tables(path)]
    assert found == [], "make it a field of heygen.studio.kinds.JobKind:\n" + "\n".join(found)


def test_the_table_finder_sees_the_tables_kinds_were_listed_in(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('KINDS = frozenset({"avatar", "agent", "lipsync"})\n'
                      'EDITOR_FOR_KIND = {"agent": 1, "scenes": 2, "template": 3}\n'
                      'SHAPES = {"avatar": 1, "image": 2}\n')
    assert sorted(kind_tables(sample)) == ["sample.py:1", "sample.py:2"]


def test_every_kind_a_module_names_is_in_the_registry():
    from heygen.studio import agent_launch, imports, lipsync, templates, translate

    for module in (agent_launch, imports, lipsync, templates, translate):
        assert module.KIND in kinds.KINDS and kinds.of(module.KIND).name == module.KIND


def test_the_studio_store_refuses_a_kind_the_registry_does_not_know(tmp_path):
    from heygen.studio.jobs import JobStore

    store = JobStore(tmp_path, kinds=kinds.KINDS)
    with pytest.raises(ValueError, match="kind must be one of"):
        store.create(account="sandbox", kind="podcast", title="No such kind", inputs={})
    assert store.create(account="sandbox", kind="template", title="Known", inputs={}).kind == "template"


def test_every_editor_and_section_a_kind_names_exists():
    from ui import nav, status_panel

    for kind in kinds.KINDS.values():
        assert nav.editor(kind.editor).name == kind.editor, kind.name
        assert all(view in status_panel.VIEWS for view in kind.views), kind.name
        assert all(section in status_panel.SECTIONS for section in kind.sections), kind.name


if __name__ == "__main__":  # the figures: python -m tests.test_structure [a checkout's root, default this one]
    import sys

    ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    for folders in (("heygen",), ("ui", "pages")):
        hits = [h for p in sources(*folders) for h in function_level_imports(p)]
        print(f"function-level imports of the project's modules in {'/'.join(folders)}: {len(hits)}")
    branches = [h for p in studio_sources() for h in kind_branches(p)]
    tables = [h for p in studio_sources() for h in kind_tables(p)]
    print(f"branches on a job kind's name outside the registry: {len(branches)}")
    print(f"tables keyed by job kind outside the registry: {len(tables)} {tables}")


def reruns_in_fragments(path: Path) -> list[str]:
    """``st.rerun()`` calls reachable from a function given to ``st.fragment`` in the same module (through
    the module's own functions it calls), as "file:line: fragment -> function". A rerun under
    ``if st.button(...)`` is left out: it follows the press that run carried."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}

    def st_call(node: ast.AST, name: str) -> bool:
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "st")

    def pressed(node: ast.AST) -> bool:
        return isinstance(node, ast.If) and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "button"
            for n in ast.walk(node.test))

    def walk(node: ast.AST):
        for child in ast.iter_child_nodes(node):
            yield child
            if pressed(child):
                yield from (n for part in child.orelse for n in [part, *walk(part)])
            else:
                yield from walk(child)

    fragments = {arg.id for node in ast.walk(tree) if st_call(node, "fragment")
                 for arg in node.args[:1] if isinstance(arg, ast.Name) and arg.id in functions}
    found = []
    for fragment in sorted(fragments):
        seen, todo = set(), [fragment]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for node in walk(functions[name]):
                if st_call(node, "rerun"):
                    found.append(f"{_where(path)}:{node.lineno}: {fragment} -> {name}")
                elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
                    todo.append(node.func.id)
    return found


def test_no_fragment_body_reruns_the_page_itself():
    found = [hit for path in sources("ui", "pages") for hit in reruns_in_fragments(path)]
    assert found == [], "call ui.refresh.whole_page() instead:\n" + "\n".join(found)


def test_the_rerun_finder_follows_a_fragment_into_the_functions_it_calls(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import streamlit as st\n\n\ndef _stop():\n    st.rerun()\n\n\ndef _live():\n    _stop()\n\n\n"
                      "def _other():\n    st.rerun()\n\n\ndef _pressed():\n    if st.button('Go'):\n        _other()\n\n\n"
                      "def page():\n    st.fragment(_live, run_every=2)()\n    st.fragment(_pressed)()\n")
    assert reruns_in_fragments(sample) == ["sample.py:5: _live -> _stop"]
