"""Benchmark: the subtitle check (heygen.studio.qa.check_script) on the generated corpus.

The corpus (bench/qa_corpus/corpus.jsonl, made by bench/qa_corpus/generate.py with fixed seeds) holds
(script, SRT) pairs in two splits: "dev", used while tuning the checker, and "heldout", only
reported. About half the pairs are clean; the others carry exactly one mistake each.

Printed, per split: recall per mistake (a pair counts as caught when the report has an open finding
of that kind about that mistake: the expected name, number, sentence or placeholder, or a LENGTH
finding), the share of mistaken pairs with findings of other kinds as well, and the false-finding
rate (clean pairs with any open finding, and by kind). Then the time to check a batch of --rows rows
(median of --rounds rounds, one process), against the goals: recall >= 0.95 for names, numbers and
placeholders, >= 0.9 for missing sentences, false findings <= 2 %, 1,000 rows <= 2 s.

    .venv/bin/python bench/bench_qa.py [--rows 1000] [--rounds 3] [--show-misses N] [--regenerate]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent / "qa_corpus"))

import generate  # noqa: E402  (bench/qa_corpus/generate.py)

from heygen.studio.inspection import expected_length  # noqa: E402
from heygen.studio.qa import Kind, Report, check_script  # noqa: E402
from heygen.studio.qa.script import length_finding  # noqa: E402
from heygen.studio.qa.words import _tokenize, fold  # noqa: E402

CORPUS = Path(__file__).resolve().parent / "qa_corpus" / "corpus.jsonl"
GOALS = {"name": 0.95, "number": 0.95, "placeholder": 0.95, "missing_sentence": 0.90, "length": 0.95}
KIND_OF = {"name": Kind.NAME, "number": Kind.NUMBER, "placeholder": Kind.PLACEHOLDER,
           "missing_sentence": Kind.MISSING_SENTENCE, "length": Kind.LENGTH}


def load() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def check(row: dict, naive: bool = False) -> Report:
    """The report on one row, its length expected as the worker computes it (inspection.expected_length) or, with
    ``naive``, as heygen.studio.scripting.estimated_seconds does by written words (kept in the corpus)."""
    expected = row["expected_seconds"] if naive else expected_length(row["script"], None)
    return check_script(row["script"], row["srt"], values=row["values"], expected_seconds=expected)


def _loose(text: str | None) -> str:
    return "".join(ch for ch in fold(text or "") if ch.isalnum())


def caught(row: dict, report: Report) -> bool:
    """Whether the report has an open finding about the pair's mistake."""
    error = row["error"]
    kind = KIND_OF[error["kind"]]
    for f in report.open:
        if f.kind != kind:
            continue
        if kind == Kind.LENGTH:
            return True
        expected = _loose(error["expected"])
        got = _loose(f.expected)
        if kind == Kind.MISSING_SENTENCE:
            if got and (got in expected or expected in got):
                return True
            continue
        if got and (expected in got or got in expected):
            return True
    return False


def evaluate(rows: list[dict], show_misses: int) -> dict:
    by_kind: dict[str, list[bool]] = {k: [] for k in GOALS}
    other: Counter = Counter()
    clean = 0
    clean_flagged = 0
    naive_length = 0
    false_kinds: Counter = Counter()
    misses: list[tuple[dict, Report]] = []
    false_rows: list[tuple[dict, Report]] = []
    for row in rows:
        report = check(row)
        if row["error"] is None:
            clean += 1
            naive_length += bool(length_finding(report.spoken_seconds, row["expected_seconds"]))
            if report.open:
                clean_flagged += 1
                false_kinds.update({f.kind.value for f in report.open})
                false_rows.append((row, report))
            continue
        kind = row["error"]["kind"]
        hit = caught(row, report)
        by_kind[kind].append(hit)
        if not hit:
            misses.append((row, report))
        if {f.kind for f in report.open} - {KIND_OF[kind]}:
            other[kind] += 1
    for row, report in (misses + false_rows)[:show_misses]:
        print("-" * 100)
        print(row["id"], row["error"])
        print("SCRIPT:", row["script"])
        print("SRT:", " | ".join(c.split("\n", 2)[-1].replace("\n", " ") for c in row["srt"].strip().split("\n\n")))
        for f in report.findings:
            print("   ", f.kind.value, repr(f.expected), "->", repr(f.spoken), f.moment, f.cues)
    return {"recall": {k: (sum(v), len(v)) for k, v in by_kind.items()}, "other": other,
            "clean": (clean_flagged, clean), "false_kinds": false_kinds, "naive_length": naive_length}


def timing(rows: list[dict], n: int, rounds: int) -> tuple[float, float]:
    """Median wall and CPU seconds to check ``n`` rows (the corpus repeated as needed), each
    round on a fresh cache, so every row's text is read for the first time."""
    batch = [rows[k % len(rows)] for k in range(n)]
    walls, cpus = [], []
    for _ in range(rounds):
        _tokenize.cache_clear()
        wall, cpu = time.perf_counter(), time.process_time()
        for row in batch:
            check(row)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000, help="rows in the timed batch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--show-misses", type=int, default=0, help="print this many missed or falsely flagged pairs")
    parser.add_argument("--split", choices=["dev", "heldout", "both"], default="both")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the corpus from its seeds first")
    args = parser.parse_args(argv)
    if args.regenerate or not CORPUS.exists():
        generate.main([])
    rows = load()
    splits = ["dev", "heldout"] if args.split == "both" else [args.split]
    results = {s: evaluate([r for r in rows if r["split"] == s], args.show_misses) for s in splits}
    print()
    header = f"{'':28s}" + "".join(f"{s:>18s}" for s in splits) + f"{'goal':>10s}"
    print(header)
    print("-" * len(header))
    for kind, goal in GOALS.items():
        cells = []
        for s in splits:
            hit, total = results[s]["recall"][kind]
            cells.append(f"{hit / total if total else 0:.3f} ({hit}/{total})")
        print(f"{'recall ' + kind:28s}" + "".join(f"{c:>18s}" for c in cells) + f"{'>= ' + format(goal, '.2f'):>10s}")
    cells = []
    for s in splits:
        flagged, total = results[s]["clean"]
        cells.append(f"{flagged / total if total else 0:.3f} ({flagged}/{total})")
    print(f"{'false findings (clean)':28s}" + "".join(f"{c:>18s}" for c in cells) + f"{'<= 0.02':>10s}")
    for s in splits:
        kinds = ", ".join(f"{k} {n}" for k, n in results[s]["false_kinds"].most_common()) or "none"
        others = sum(results[s]["other"].values())
        mistaken = sum(t for _, t in results[s]["recall"].values())
        print(f"  {s}: false findings by kind: {kinds}; mistaken pairs with other findings too: {others}/{mistaken}")
        print(f"  {s}: clean pairs with a LENGTH finding had the length been expected by "
              f"scripting.estimated_seconds instead of inspection.expected_length: {results[s]['naive_length']}/"
              f"{results[s]['clean'][1]}")
    wall, cpu = timing(rows, args.rows, args.rounds)
    goal = "<= 2.00 s" if args.rows == 1000 else ""
    print(f"{'time, ' + str(args.rows) + ' rows (wall)':28s}{wall:>16.2f} s ({wall / args.rows * 1000:.2f} ms a row)"
          f"{goal:>10s}")
    print(f"{'time, ' + str(args.rows) + ' rows (CPU)':28s}{cpu:>16.2f} s (load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores)")
    print()
    print("Reproduce: .venv/bin/python bench/qa_corpus/generate.py && .venv/bin/python bench/bench_qa.py")


if __name__ == "__main__":
    main()
