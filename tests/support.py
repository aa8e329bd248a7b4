"""Small helpers shared by several test folders."""

from __future__ import annotations


class Sleeps(list):
    """A stand-in for time.sleep that records the delays the client asked for."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
