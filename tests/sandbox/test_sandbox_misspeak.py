"""Sandbox: videos that say the wrong thing on purpose — each mistake changes exactly what it says, rules pick
the nth create or a script's text, the Video Agent's videos too, translations only when asked, and the
control endpoint /_sandbox/misspeak does what Sandbox.misspeak does."""

import pytest

from heygen.sandbox.media import script_duration
from tests.sandbox.srt_check import check_timing, cues, fetch, said, words

SCRIPT = ("Hi John, welcome to Acme Cloud. Our webinar is on 14 March and seats cost $1,299. "
          "John will host it himself. Reply to book a seat!")


@pytest.fixture(autouse=True)
def instant(sandbox):
    sandbox.configure(render_seconds=0)


def make(api, script=SCRIPT, **fields):
    """A finished avatar video: its details."""
    created = api.create_video(script=script, **fields)
    assert created.status_code == 200, created.text
    data = api.get(f"/v3/videos/{created.json()['data']['video_id']}").json()["data"]
    assert data["status"] == "completed"
    return data


def spoken(data) -> list:
    return said(fetch(data["subtitle_url"]))


@pytest.mark.parametrize("mistake, script_said", [
    ({"swap": ("John", "Jon")}, SCRIPT.replace("John", "Jon")),
    ({"swap": "John"}, SCRIPT.replace("John", "Jon")),  # a misspelling made up
    ({"swap": True}, SCRIPT.replace("John", "Jon")),  # the first name in the script
    ({"swap": ("Acme", "Acne")}, SCRIPT.replace("Acme", "Acne")),
    ({"change_number": ("14", "15")}, SCRIPT.replace("14 March", "15 March")),
    ({"change_number": ("$1,299", "$1,399")}, SCRIPT.replace("$1,299", "$1,399")),
    ({"change_number": "$1,299"}, SCRIPT.replace("$1,299", "$1,300")),
    ({"change_number": True}, SCRIPT.replace("14 March", "15 March")),  # the first number
    ({"placeholder": "{{name}}"}, SCRIPT.replace("John", "{{name}}")),
    ({"placeholder": ("Acme Cloud", "{{company}}")}, SCRIPT.replace("Acme Cloud", "{{company}}")),
])
def test_each_word_mistake_changes_exactly_those_words_and_not_the_length(sandbox, api, mistake, script_said):
    rule = sandbox.misspeak(**mistake)
    data = make(api)
    assert spoken(data) == words(script_said) != words(SCRIPT)
    assert data["duration"] == script_duration(SCRIPT)
    check_timing(fetch(data["subtitle_url"]), data["duration"])
    (applied,) = sandbox.misspeak_rules()[0]["applied"]
    assert applied["id"] == data["id"] and applied["changes"][0]["count"] >= 1
    assert rule["used"] == 0 and sandbox.misspeak_rules()[0]["used"] == 1


@pytest.mark.parametrize("number, gone", [(2, "Our webinar is on 14 March and seats cost $1,299."),
                                          (-1, "Reply to book a seat!"), (True, "Reply to book a seat!")])
def test_a_dropped_sentence_is_not_said_and_the_video_is_that_much_shorter(sandbox, api, number, gone):
    sandbox.misspeak(drop_sentence=number)
    data = make(api)
    kept = SCRIPT.replace(gone, "")
    assert spoken(data) == words(kept)
    assert data["duration"] == pytest.approx(script_duration(SCRIPT) - len(words(gone)) / 2.5, abs=0.01)
    check_timing(fetch(data["subtitle_url"]), data["duration"])


def test_a_stretched_video_lasts_longer_and_says_the_same_words_slowly(sandbox, api):
    sandbox.misspeak(stretch=1.6)
    data = make(api)
    assert data["duration"] == pytest.approx(script_duration(SCRIPT) * 1.6, abs=0.01)
    srt = fetch(data["subtitle_url"])
    assert said(srt) == words(SCRIPT)
    check_timing(srt, data["duration"], pace=1.6)
    assert cues(srt)[-1][1] > script_duration(SCRIPT)


def test_mistakes_combine_in_one_rule(sandbox, api):
    sandbox.misspeak(swap=("John", "Jon"), change_number=("14", "41"), stretch=2)
    data = make(api)
    assert spoken(data) == words(SCRIPT.replace("John", "Jon").replace("14", "41"))
    assert data["duration"] == pytest.approx(2 * script_duration(SCRIPT), abs=0.01)


def test_nth_create_after_the_rule_is_the_one_that_misspeaks(sandbox, api):
    make(api, "Hi John, this is row zero.")  # before the rule: not counted
    sandbox.misspeak(nth=3, swap=("John", "Jon"))
    first = make(api, "Hi John, this is row 1.", headers={"Idempotency-Key": "row-1"})
    assert api.create_video(script="Hi John, this is row 1.", headers={"Idempotency-Key": "row-1"}).json()[
        "data"]["video_id"] == first["id"]  # a replay is not a create
    assert api.create_video(script="").status_code == 400  # nor is a refused one
    rows = [first] + [make(api, f"Hi John, this is row {n}.") for n in (2, 3, 4)]
    assert [" ".join(spoken(row)) for row in rows] == [
        "Hi John, this is row 1.", "Hi John, this is row 2.", "Hi Jon, this is row 3.", "Hi John, this is row 4."]


def test_a_script_substring_picks_the_video_and_times_counts_them(sandbox, api):
    sandbox.misspeak(match="priya", change_number=True)  # case-insensitive; once by default
    sandbox.misspeak(match="Omar", swap=True, times=None)  # every one
    scripts = ["Hello Priya, your order 118 shipped.", "Hello Omar, your order 120 shipped.",
               "Hello Priya, your order 121 shipped.", "Hello Omar, your order 122 shipped."]
    said_now = [" ".join(spoken(make(api, script))) for script in scripts]
    assert said_now == ["Hello Priya, your order 119 shipped.", "Hello Omer, your order 120 shipped.",
                        "Hello Priya, your order 121 shipped.", "Hello Omer, your order 122 shipped."]


def test_a_title_substring_picks_the_video_too(sandbox, api):
    sandbox.misspeak(match="row 2", swap=("John", "Jon"))
    assert " ".join(spoken(make(api, "Hi John.", title="Batch row 1"))) == "Hi John."
    assert " ".join(spoken(make(api, "Hi John.", title="Batch row 2"))) == "Hi Jon."


def test_the_video_agent_video_can_misspeak_a_date_from_its_prompt(sandbox, api):
    sandbox.misspeak(kind="agent", change_number=("14", "15"))
    ordinary = make(api, "The webinar is on 14 March.")  # not an agent video: as it was sent
    assert "14" in spoken(ordinary)
    prompt = "Invite everyone to our webinar on 14 March."
    video_id = api.post("/v3/video-agents", json={"prompt": prompt}).json()["data"]["video_id"]
    agent = api.get(f"/v3/videos/{video_id}").json()["data"]
    assert spoken(agent) == words(prompt.replace("14", "15"))


def test_a_lipsync_misspeaks_only_when_a_rule_covers_it(sandbox, api):
    source = make(api, "Plain source video.")
    voice = api.voice(engine="starfish")
    speech = api.post("/v3/voices/speech", json={"text": "Ask Sarah about the 30 day trial.",
                                                  "voice_id": voice["voice_id"]}).json()["data"]
    body = {"video": {"type": "url", "url": source["video_url"]}, "audio": {"type": "url", "url": speech["audio_url"]}}
    sandbox.misspeak(kind="video", swap=True)  # videos only: the lip-sync is as sent
    sandbox.misspeak(kind="lipsync", swap=True, drop_sentence=True, stretch=1.5)
    lipsync_id = api.post("/v3/lipsyncs", json=body).json()["data"]["lipsync_id"]
    data = api.get(f"/v3/lipsyncs/{lipsync_id}").json()["data"]
    assert said(fetch(data["caption_url"])) == "Ask Sara about the 30 day trial.".split()  # one sentence: kept
    assert data["duration"] == pytest.approx(source["duration"] * 1.5, abs=0.01)
    assert sandbox.misspeak_rules()[0]["used"] == 0


def test_a_translation_says_its_source_and_misspeaks_only_when_a_rule_names_translations(sandbox, api):
    sandbox.misspeak(times=None, swap=("Acme", "Acne"))  # every video from now on, not translations
    source = make(api)
    body = {"video": {"type": "url", "url": source["video_url"]}, "output_languages": ["French (France)"],
            "enable_caption": True}

    def translated():
        (item,) = api.post("/v3/video-translations", json=body).json()["data"]["video_translation_ids"]
        return api.get(f"/v3/video-translations/{item}").json()["data"]

    plain = translated()
    plain_srt = fetch(plain["srt_caption_url"])
    source_lines = [text for _, _, text in cues(fetch(source["subtitle_url"]))]
    assert [text for _, _, text in cues(plain_srt)] == [f"[French (France)] {line}" for line in source_lines]
    assert "Acne Cloud" in plain_srt  # it translates what the source says, its mistakes included
    sandbox.misspeak(kind="translation", swap=("John", "Jean"), drop_sentence=1, stretch=1.5)
    changed = translated()
    changed_srt = fetch(changed["srt_caption_url"])
    assert "Jean" in changed_srt and "John" not in changed_srt and "Hi " not in changed_srt
    assert changed["duration"] == pytest.approx(plain["duration"] * 1.5, abs=0.01)
    assert cues(changed_srt)[-1][1] <= changed["duration"]
    assert fetch(translated()["srt_caption_url"]) == plain_srt  # the translation rule was used once


def test_an_existing_video_can_be_made_to_misspeak_by_id(sandbox, api):
    data = make(api)
    rule = sandbox.misspeak(video_id=data["id"], placeholder="{{first_name}}")
    assert rule["applied"][0]["id"] == data["id"] and rule["kind"] == "video"
    assert spoken(data) == words(SCRIPT.replace("John", "{{first_name}}"))


def test_the_control_endpoint(sandbox, api):
    url = "/_sandbox/misspeak"
    added = api.control("POST", url, json={"nth": 2, "match": "John", "swap": ["John", "Jon"],
                                           "change_number": ["$1,299", "$1,399"]})
    assert added.status_code == 200, added.text
    rule = added.json()["data"]
    assert rule["swap"] == ["John", "Jon"] and rule["times"] == 1 and rule["applied"] == []
    make(api, "No names here.")
    first, second = make(api), make(api)
    assert spoken(first) == words(SCRIPT)
    assert spoken(second) == words(SCRIPT.replace("John", "Jon").replace("$1,299", "$1,399"))
    (listed,) = api.control("GET", url).json()["data"]
    assert listed["seen"] == 2 and listed["used"] == 1 and listed["applied"][0]["id"] == second["id"]
    by_id = api.control("POST", url, json={"video_id": first["id"], "stretch": 1.6})
    assert by_id.status_code == 200
    assert api.get(f"/v3/videos/{first['id']}").json()["data"]["duration"] == pytest.approx(
        script_duration(SCRIPT) * 1.6, abs=0.01)
    for wrong, words_in_message in [({"nth": 1}, "say what goes wrong"), ({"swap": "x", "colour": 1}, "colour"),
                                    ({"nth": 0, "swap": True}, "nth"), ({"stretch": 1}, "stretch"),
                                    ({"swap": ["a", "a"]}, "same"), ({"kind": "podcast", "swap": True}, "kind"),
                                    ({"video_id": first["id"], "nth": 1, "swap": True}, "video_id")]:
        refused = api.control("POST", url, json=wrong)
        assert refused.status_code == 400 and words_in_message in refused.json()["error"]["message"], wrong
    assert api.control("POST", url, json={"video_id": "v_nothing", "swap": True}).status_code == 404
    assert api.control("POST", url, data="[]").status_code == 400
    assert api.control("DELETE", url).json()["data"] == [] and sandbox.misspeak_rules() == []
    assert spoken(make(api)) == words(SCRIPT)


def test_reset_forgets_the_rules(sandbox, api):
    sandbox.misspeak(times=None, swap=True)
    sandbox.reset()
    sandbox.configure(render_seconds=0)
    assert sandbox.misspeak_rules() == [] and spoken(make(api)) == words(SCRIPT)
