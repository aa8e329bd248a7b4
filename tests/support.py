"""Small helpers shared by several test folders."""

from __future__ import annotations

import re


class Sleeps(list):
    """A stand-in for time.sleep that records the delays the client asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def shown(markdown: str) -> str:
    """Markdown as the reader sees it, as far as backslash escapes go (ui.text.md escapes every name)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")
