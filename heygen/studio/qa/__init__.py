"""Checking a finished video against what it was meant to say, from its subtitles (SRT).

- ``check_script(script, srt_text, values=..., expected_seconds=..., accepted=..., said_as=...)``: a
  video made from a script (placeholders filled in) and the CSV values that were filled in;
  ``said_as`` the pronunciation respellings when the script given is the one as written.
- ``check_facts(prompt, srt_text)``: a Video Agent video against the names, numbers, dates and
  addresses of its prompt.
- ``check_translation(source_srt, translated_srt, names=...)``: a translation against its source's
  numbers, names and addresses.

- ``expected_seconds(script, speed=...)``: how long a script takes to say, for ``check_script``'s
  LENGTH rule (numbers counted as the words they are said with).

Each returns a ``Report`` (status, findings, side-by-side pairs; ``to_dict`` / ``from_dict`` for
the store). Findings are data (``Finding``: kind, expected, spoken, moment, cues); the UI words them.
Modules: ``words`` (text to tokens), ``numbers`` (number values), ``placeholders``, ``spoken``
(SRT to tokens with times), ``length``, ``align``, ``compare``, ``matching`` and ``names`` (facts and names
without an alignment), ``script``, ``facts``, ``translation``, ``report``, ``lexicon`` (word tables).
"""

from __future__ import annotations

from .facts import check_facts
from .length import expected_seconds
from .report import KINDS, STATUSES, Finding, Kind, Pair, Report, finding_key
from .script import LENGTH_TOLERANCE, check_script
from .translation import check_translation

__all__ = [
    "KINDS", "LENGTH_TOLERANCE", "STATUSES", "Finding", "Kind", "Pair", "Report", "check_facts", "check_script",
    "check_translation", "expected_seconds", "finding_key",
]
