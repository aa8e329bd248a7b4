"""The report: status, accepted findings, order, and its JSON form for the store."""

from __future__ import annotations

import json
import subprocess
import sys

from heygen.studio.qa import Finding, Kind, Report, check_script, finding_key
from tests.qa.subtitles import srt_of

SCRIPT = "Hi John. The plan costs $1,299. Visit heygen.com."
WRONG = srt_of("Hi Jon.", "The plan costs $1,399.", "Visit heygen dot com.")


def test_no_subtitles_and_unreadable_subtitles():
    for missing in (None, "", "   \n"):
        report = check_script(SCRIPT, missing)
        assert report.status == "no_subtitles" and report.findings == () and report.pairs == ()
    assert check_script("Hi {{name}}.", None).findings[0].kind == Kind.PLACEHOLDER
    assert check_script(SCRIPT, "this is not an srt file").status == "unreadable"


def test_accepted_findings_are_marked_and_not_open():
    report = check_script(SCRIPT, WRONG, values={"first_name": "John"})
    assert report.status == "findings" and len(report.open) == 2
    name = report.findings[0]
    assert name.key == ("name", "John", "Jon") == finding_key(Kind.NAME, "John", "Jon")
    accepted = check_script(SCRIPT, WRONG, values={"first_name": "John"}, accepted={name.key})
    assert accepted.findings[0].accepted and [f.kind for f in accepted.open] == [Kind.NUMBER]
    everything = check_script(SCRIPT, WRONG, values={"first_name": "John"},
                              accepted=[["name", "John", "Jon"], ("number", "$1,299", "$1,399")])
    assert everything.status == "ok" and everything.open == () and len(everything.findings) == 2
    assert report.accept([name]).open == accepted.open


def test_json_round_trip():
    report = check_script(SCRIPT, WRONG, values={"first_name": "John"}, expected_seconds=3.0)
    data = json.loads(json.dumps(report.to_dict()))
    again = Report.from_dict(data)
    assert again == report
    assert data["findings"][0] == {"kind": "name", "expected": "John", "spoken": "Jon", "moment": 0.0, "cues": [1, 1],
                                   "fact": None, "column": "first_name", "accepted": False}
    assert Finding.from_dict(data["findings"][0]).kind is Kind.NAME


def test_findings_are_ordered_most_serious_first_then_by_moment():
    script = "Dear {{name}}, the plan costs $1,299 and starts on 14 March. Hi John."
    srt = srt_of("Dear {{name}}, the plan costs $1,399", "and starts on 15 March.", "Hi Jon.")
    report = check_script(script, srt, values={"first_name": "John"}, expected_seconds=60)
    kinds = [f.kind for f in report.findings]
    assert kinds == [Kind.NAME, Kind.NUMBER, Kind.NUMBER, Kind.PLACEHOLDER, Kind.LENGTH]
    moments = [f.moment for f in report.findings if f.kind == Kind.NUMBER]
    assert moments == sorted(moments)


def test_the_package_does_not_import_streamlit():
    code = "import sys, heygen.studio.qa; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
