"""What one batch row says: the script as written, the script as sent, and the values filled in.

A row's job keeps them in its inputs, next to ``spec`` and ``batch``::

    inputs["script"]          the script as sent (pronunciations applied; the same as spec["script"])
    inputs["written_script"]  the script as written: placeholders filled in, before pronunciations
    inputs["values"]          {column: value} for each column whose placeholder said something in the script

``stored_text(inputs)`` reads them back; for a job made before they were kept (or any other job
with a script) the written script is the script sent and there are no values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["RowText", "stored_text"]


@dataclass(frozen=True)
class RowText:
    """``written``: the script with the row's values (or defaults) filled in; ``spoken``: the same
    after the batch's pronunciations, as sent to HeyGen; ``values``: column → the value filled in
    (trimmed; a placeholder that said nothing is left out; the first value when a column is used twice)."""

    written: str
    spoken: str
    values: dict[str, str] = field(default_factory=dict)

    def to_inputs(self) -> dict[str, Any]:
        """The job inputs that keep this text (``script``, ``written_script``, ``values``)."""
        return {"script": self.spoken, "written_script": self.written, "values": dict(self.values)}


def stored_text(inputs: Mapping[str, Any] | None) -> RowText | None:
    """The text a job's inputs keep (see the module's note); None when they hold no script at all."""
    inputs = inputs if isinstance(inputs, Mapping) else {}
    spec = inputs.get("spec") if isinstance(inputs.get("spec"), Mapping) else {}
    spoken = inputs.get("script") if isinstance(inputs.get("script"), str) else spec.get("script")
    if not isinstance(spoken, str):
        return None
    written = inputs.get("written_script")
    values = inputs.get("values")
    return RowText(
        written=written if isinstance(written, str) else spoken,
        spoken=spoken,
        values={str(k): str(v) for k, v in values.items()} if isinstance(values, Mapping) else {},
    )
