"""Finished videos that say the wrong thing on purpose, so a subtitle check has something to catch.

By default a video says exactly its script (see ``subtitles``). A misspeak rule picks videos as they
are created and changes what they say (their SRT) and, for some mistakes, their length:

  which videos  ``nth``: the nth create after the rule was added (1 = the next one); ``match``: only
                creates whose title or script contains this text (case-insensitive; with ``nth``:
                the nth such create); ``kind``: "video" (POST /v3/videos, multi-scene included),
                "agent" (Video Agent videos, chat drafts included) or "lipsync" (None: any of the
                three), or "translation" (translations are changed only when asked by name);
                ``times``: how many videos in all (default 1; None: every one from then on);
                ``video_id``: one video, lip-sync or translation that already exists, changed at once.
  what is said  ``swap``: a name said wrongly: ("John", "Jon"), "John" (a misspelling is made up)
                or True (the script's first name: a capitalised word that does not start a sentence);
                ``change_number``: ("14", "15"), "14" (its last digits plus one: "$1,299" -> "$1,300")
                or True (the first number); ``drop_sentence``: N (1 = the first, -1 = the last; True:
                the last) is not said, and a video timed by its script is that much shorter;
                ``placeholder``: "{{company}}" said in place of the first name, or ("Acme",
                "{{company}}") in place of that text; ``stretch``: the video lasts that many times as
                long (1.6: 60 % longer), its speech slowed to match.

Every occurrence of a swapped name or changed number is changed. A rule records what it did to
each video in ``applied`` (a mistake that found nothing to change says ``count: 0``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import subtitles

KINDS = ("video", "agent", "lipsync", "translation")
MISTAKES = ("swap", "change_number", "drop_sentence", "placeholder", "stretch")
SPEC_KEYS = {"nth", "match", "kind", "video_id", "times", *MISTAKES}

_WORD = re.compile(r"\b[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?\b")
_NUMBER = re.compile(r"(?<![\w.,$€£])[$€£]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:%|st|nd|rd|th)?(?!\w|[.,]\d)")
_INITIAL = re.compile(r"(^|[.!?:][\"'”’)\]]*\s+|\n\s*)$")
NOT_NAMES = frozenset(
    "I January February March April May June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday".split())
_VOWEL_SWAP = {"a": "e", "e": "a", "i": "y", "o": "a", "u": "o", "y": "i"}


@dataclass
class Rule:
    """Which videos to change and how; ``seen`` counts the creates it matched, ``used`` the videos it changed."""

    id: int
    nth: int | None = None
    match: str | None = None
    kind: str | None = None
    video_id: str | None = None
    times: int | None = 1
    swap: tuple | None = None  # (said, heard); None in either place: found / made up
    change_number: tuple | None = None
    drop_sentence: int | None = None
    placeholder: tuple | None = None  # (text it replaces or None: the first name, placeholder)
    stretch: float | None = None
    seen: int = 0
    used: int = 0
    applied: list = field(default_factory=list)

    @property
    def spent(self) -> bool:
        return self.video_id is not None or (self.times is not None and self.used >= self.times)

    def as_dict(self) -> dict:
        """JSON form."""
        return {"id": self.id, "nth": self.nth, "match": self.match, "kind": self.kind, "video_id": self.video_id,
                "times": self.times, "swap": _listed(self.swap), "change_number": _listed(self.change_number),
                "drop_sentence": self.drop_sentence, "placeholder": _listed(self.placeholder), "stretch": self.stretch,
                "seen": self.seen, "used": self.used, "applied": [dict(a) for a in self.applied]}


def _listed(pair: tuple | None) -> list | None:
    return list(pair) if pair is not None else None


# ---------------------------------------------------------------- checking a rule


def _whole(value, name, minimum=1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}")
    return value


def _text(value, name) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = f"{value:g}" if isinstance(value, float) else str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be non-empty text")
    return value


def _pair(value, name, *, auto_first: bool) -> tuple:
    """(said, instead) from True, "said" or ["said", "instead"]."""
    if value is True:
        return (None, None)
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"{name} takes [what the script says, what the video says instead]")
        said, instead = _text(value[0], name), _text(value[1], name)
        if said == instead:
            raise ValueError(f"{name}: the two texts are the same, so nothing would change")
        return (said, instead)
    if auto_first:  # placeholder: a bare text is what is said instead
        return (None, _text(value, name))
    return (_text(value, name), None)


def make_rule(rule_id: int, spec: dict) -> Rule:
    """A Rule from a dict of options; ValueError names the first bad one."""
    unknown = set(spec) - SPEC_KEYS
    if unknown:
        raise ValueError(f"unknown misspeak option(s): {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(sorted(SPEC_KEYS))}")
    spec = {k: v for k, v in spec.items() if v is not None or k == "times"}
    if not any(name in spec for name in MISTAKES):
        raise ValueError(f"say what goes wrong: one or more of {', '.join(MISTAKES)}")
    rule = Rule(rule_id)
    if "video_id" in spec:
        if {"nth", "match", "kind"} & set(spec):
            raise ValueError("video_id names one video; leave out nth, match and kind")
        rule.video_id = _text(spec["video_id"], "video_id")
    if "nth" in spec:
        rule.nth = _whole(spec["nth"], "nth")
    if "match" in spec:
        rule.match = _text(spec["match"], "match")
    if "kind" in spec:
        if spec["kind"] not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)} (or null: video, agent or lipsync)")
        rule.kind = spec["kind"]
    if "times" in spec:
        rule.times = None if spec["times"] is None else _whole(spec["times"], "times")
    if "swap" in spec:
        rule.swap = _pair(spec["swap"], "swap", auto_first=False)
    if "change_number" in spec:
        rule.change_number = _pair(spec["change_number"], "change_number", auto_first=False)
        for number in rule.change_number:
            if number is not None and not re.search(r"\d", number):
                raise ValueError("change_number: each number must contain a digit")
    if "drop_sentence" in spec:
        value = spec["drop_sentence"]
        value = -1 if value is True else value
        if isinstance(value, bool) or not isinstance(value, int) or value == 0:
            raise ValueError("drop_sentence must be a sentence number (1 = the first, -1 = the last) or true")
        rule.drop_sentence = value
    if "placeholder" in spec:
        if spec["placeholder"] is True:
            raise ValueError("placeholder must be the text said instead, e.g. \"{{company}}\"")
        rule.placeholder = _pair(spec["placeholder"], "placeholder", auto_first=True)
    if "stretch" in spec:
        value = spec["stretch"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.1 <= value <= 10 or value == 1:
            raise ValueError("stretch must be a factor from 0.1 to 10 other than 1 (1.6: 60 % longer)")
        rule.stretch = float(value)
    return rule


# ---------------------------------------------------------------- changing the words


def first_name(texts: list) -> str | None:
    """The first capitalised word that does not start a sentence (months and weekdays aside)."""
    for text in texts:
        for found in _WORD.finditer(text or ""):
            if found.group() not in NOT_NAMES and not _INITIAL.search(text[:found.start()]):
                return found.group()
    return None


def misspell(name: str) -> str:
    """A plausible misspelling: John -> Jon, Anna -> Ana, Maria -> Marie."""
    lower = name.lower()
    at = lower.find("h", 1)
    if at > 0:
        return name[:at] + name[at + 1:]
    for i in range(1, len(name)):
        if lower[i] == lower[i - 1]:
            return name[:i] + name[i + 1:]
    for i in range(len(name) - 1, 0, -1):
        if lower[i] in _VOWEL_SWAP:
            return name[:i] + _VOWEL_SWAP[lower[i]] + name[i + 1:]
    return name + "e"


def bump(number: str) -> str:
    """A number plus one in its last place: 14 -> 15, $1,299 -> $1,300, 3.5% -> 3.6%, 21st -> 22nd."""
    found = re.fullmatch(r"(\D*?)(\d[\d,]*)(?:\.(\d+))?(.*)", number)
    if found is None:
        return number + "1"
    prefix, whole, fraction, suffix = found.groups()
    places = len(fraction or "")
    whole, fraction_part = divmod(int(whole.replace(",", "")) * 10 ** places + int(fraction or 0) + 1, 10 ** places)
    digits = f"{whole:,}" if "," in found.group(2) else str(whole).zfill(len(found.group(2)))
    if places:
        digits += "." + str(fraction_part).zfill(places)
    if suffix in ("st", "nd", "rd", "th"):
        suffix = "th" if 10 <= whole % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(whole % 10, "th")
    return prefix + digits + suffix


def _replace(texts: list, pattern: str, instead: str) -> tuple[list, int]:
    count, out = 0, []
    for text in texts:
        if text is None:
            out.append(None)
            continue
        new, n = re.subn(pattern, lambda _m: instead, text)
        out.append(new)
        count += n
    return out, count


def _word_pattern(word: str) -> str:
    return r"(?<!\w)" + re.escape(word) + r"(?!\w)"


def _number_pattern(number: str) -> str:
    return r"(?<![\w.,])" + re.escape(number) + r"(?!\w|[.,]\d)"


def _sentences(text: str) -> list:
    """A text as lines of sentences, each a list of tokens (words and markup)."""
    lines = []
    for line in text.split("\n"):
        sentences, current = [], []
        for token in subtitles.tokens(line):
            current.append(token)
            if subtitles.ends_sentence(token):
                sentences.append(current)
                current = []
        if current:
            sentences.append(current)
        lines.append(sentences)
    return lines


def _spoken(tokens: list) -> int:
    return sum(1 for t in tokens if not t.startswith("<"))


def _drop(texts: list, number: int) -> tuple[list, list, dict]:
    """Texts without their ``number``th sentence (counted over all texts), words lost per text, a note."""
    places = []
    parsed = [None if t is None else _sentences(t) for t in texts]
    for i, lines in enumerate(parsed):
        for j, sentences in enumerate(lines or []):
            places += [(i, j, k) for k, tokens in enumerate(sentences) if _spoken(tokens)]
    lost = [0] * len(texts)
    note = {"mistake": "drop_sentence", "sentence": number, "count": 0}
    if len(places) < 2 or not -len(places) <= number <= len(places):
        note["why"] = f"the script has {len(places)} sentence(s)"
        return list(texts), lost, note
    i, j, k = places[number - 1 if number > 0 else number]
    tokens = parsed[i][j].pop(k)
    lost[i] = _spoken(tokens)
    note.update(count=1, text=" ".join(tokens))
    out = list(texts)
    out[i] = "\n".join(" ".join(" ".join(s) for s in sentences) for sentences in parsed[i])
    return out, lost, note


def change_texts(texts: list, rule: Rule) -> tuple[list, list, list]:
    """The texts as the rule has them said: (texts, words dropped per text, notes of what changed)."""
    notes, lost = [], [0] * len(texts)
    if rule.placeholder is not None:
        target, instead = rule.placeholder
        target = target or first_name(texts)
        count = 0
        if target:
            texts, count = _replace(texts, _word_pattern(target), instead)
        notes.append({"mistake": "placeholder", "from": target, "to": instead, "count": count})
    if rule.swap is not None:
        said, instead = rule.swap
        said = said or first_name(texts)
        count = 0
        if said:
            instead = instead or misspell(said)
            texts, count = _replace(texts, _word_pattern(said), instead)
        notes.append({"mistake": "swap", "from": said, "to": instead, "count": count})
    if rule.change_number is not None:
        said, instead = rule.change_number
        if said is None:
            found = next((m.group() for t in texts for m in _NUMBER.finditer(t or "")), None)
            said = found
        count = 0
        if said:
            instead = instead or bump(said)
            texts, count = _replace(texts, _number_pattern(said), instead)
        notes.append({"mistake": "change_number", "from": said, "to": instead, "count": count})
    if rule.drop_sentence is not None:
        texts, lost, note = _drop(texts, rule.drop_sentence)
        notes.append(note)
    return texts, lost, notes


# ---------------------------------------------------------------- applying rules


def _haystack(item, kind: str) -> str:
    if kind == "translation":
        return "\n".join((item.title or "", item.language, item.srt))
    return "\n".join((item.title or "", getattr(item, "script", None) or ""))


def _change_speech(item, rule: Rule, *, shrinks: bool) -> list:
    """Change a video's or lip-sync's speech (and length) in place; the notes."""
    speech = item.speech or subtitles.speech_of(getattr(item, "script", None), item.duration)
    texts, lost, notes = change_texts([s.text for s in speech], rule)
    changed = []
    for segment, text, words in zip(speech, texts, lost):
        seconds = segment.seconds
        if words and shrinks:
            seconds = max(1.0, seconds - words * segment.pace / subtitles.WORDS_PER_SECOND)
        changed.append(replace(segment, text=text, seconds=seconds))
    if shrinks and any(lost):
        item.duration = subtitles.total_seconds(changed)
    if rule.stretch is not None:
        before = item.duration
        changed = subtitles.stretched(changed, rule.stretch)
        item.duration = round(before * rule.stretch, 2)
        notes.append({"mistake": "stretch", "factor": rule.stretch, "from": before, "to": item.duration})
    item.speech = changed
    return notes


def _change_srt(item, rule: Rule) -> list:
    """Change a translation's subtitles (and length) in place; the notes."""
    found = subtitles.read_srt(item.srt)
    if found is None:
        return [{"mistake": "any", "count": 0, "why": "its subtitles cannot be read"}]
    texts, _lost, notes = change_texts([c.text for c in found], rule)
    kept = [replace(c, text=t) for c, t in zip(found, texts) if subtitles.spoken_words(t)]
    if rule.stretch is not None:
        before = item.duration
        kept = [replace(c, start_ms=round(c.start_ms * rule.stretch), end_ms=round(c.end_ms * rule.stretch))
                for c in kept]
        item.duration = round(before * rule.stretch, 2)
        notes.append({"mistake": "stretch", "factor": rule.stretch, "from": before, "to": item.duration})
    item.srt = subtitles.write_srt(kept)
    return notes


def _apply(rule: Rule, item, kind: str) -> None:
    notes = _change_srt(item, rule) if kind == "translation" else _change_speech(item, rule, shrinks=kind != "lipsync")
    item.mistakes = list(getattr(item, "mistakes", None) or []) + notes
    rule.used += 1
    rule.applied.append({"id": item.id, "kind": kind, "changes": notes})


def _covers(rule: Rule, kind: str) -> bool:
    """Whether a rule picks creates of this kind (translations only when named)."""
    return kind != "translation" if rule.kind is None else rule.kind == kind


def on_create(state, item, kind: str) -> None:
    """Apply the rules that pick a video, lip-sync or translation being created (state lock held)."""
    haystack = None
    for rule in state.misspeak_rules:
        if rule.spent or not _covers(rule, kind):
            continue
        if rule.match is not None:
            haystack = _haystack(item, kind) if haystack is None else haystack
            if rule.match.lower() not in haystack.lower():
                continue
        rule.seen += 1
        if rule.nth is not None and rule.seen < rule.nth:
            continue
        _apply(rule, item, kind)


def _existing(state, item_id: str, find_translation):
    if item_id in state.videos and not state.videos[item_id].deleted:
        video = state.videos[item_id]
        return video, "agent" if video.kind == "agent" else "video"
    if item_id in state.lipsyncs and not state.lipsyncs[item_id].deleted:
        return state.lipsyncs[item_id], "lipsync"
    found = find_translation(item_id)
    if found is not None:
        return found, "translation"
    raise KeyError(item_id)


def add(state, find_translation=lambda translation_id: None, **spec) -> dict:
    """Register a rule (a ``video_id`` rule changes that video at once; KeyError when there is none).
    ``find_translation(id)`` is the sandbox's translation of that id, or None."""
    with state.lock:
        rule = make_rule(state.misspeak_seq + 1, spec)
        if rule.video_id is not None:
            item, kind = _existing(state, rule.video_id, find_translation)
            rule.kind = kind
            _apply(rule, item, kind)
        state.misspeak_seq += 1
        state.misspeak_rules.append(rule)
        return rule.as_dict()


def listing(state) -> list:
    """Every rule added since the last clear or reset, with what it changed."""
    with state.lock:
        return [rule.as_dict() for rule in state.misspeak_rules]


def clear(state) -> None:
    """Forget the rules (videos already changed stay as they are)."""
    with state.lock:
        state.misspeak_rules.clear()
