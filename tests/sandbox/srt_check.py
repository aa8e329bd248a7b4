"""Reading the sandbox's SRT subtitles in tests: cues, the words they say, and their timing rules."""

from __future__ import annotations

import re

import requests

CUE = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.+?)\n(?:\n|$)", re.S)
WORDS_PER_SECOND = 2.5


def cues(text: str) -> list[tuple[float, float, str]]:
    """(start, end, text) of every cue; the file must hold nothing else and be numbered from 1."""
    found = []
    for number, match in enumerate(CUE.finditer(text), 1):
        g = [int(x) for x in match.groups()[:9]]
        assert g[0] == number, text
        found.append((g[1] * 3600 + g[2] * 60 + g[3] + g[4] / 1000, g[5] * 3600 + g[6] * 60 + g[7] + g[8] / 1000,
                      match.group(10)))
    assert found and text.count("-->") == len(found), text
    return found


def words(script: str) -> list[str]:
    """The spoken words of a script (markup left out)."""
    return re.sub(r"<[^>]+>", " ", script).split()


def said(text: str) -> list[str]:
    """Every word the subtitles say, in order."""
    return [w for _, _, line in cues(text) for w in line.split()]


def check_timing(text: str, duration: float, pace: float = 1.0) -> list:
    """Cues of a few words, in order, not overlapping, inside the video, at about 2.5 words a second (÷ pace);
    a number or an address takes longer than one word (as long as its words), at most ten words."""
    found = cues(text)
    last_end = 0.0
    for start, end, line in found:
        assert 1 <= len(line.split()) <= 7, line
        assert last_end - 1e-9 <= start < end <= duration + 1e-9, (start, end, duration)
        words = line.split()
        longer = sum(1 for w in words if re.search(r"\d|\w[@./]\w", w))
        spoken = len(words) / WORDS_PER_SECOND * pace
        if not longer:
            assert abs((end - start) - spoken) <= 0.002 + 0.05 * spoken, (line, start, end)
        else:
            assert spoken * 0.95 <= end - start <= (len(words) + 9 * longer) / WORDS_PER_SECOND * pace, (line, start, end)
        last_end = end
    return found


def fetch(url: str) -> str:
    """The text behind a subtitle link."""
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/x-subrip")
    return answer.text
