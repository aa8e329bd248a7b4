"""The Present page in AppTest, against a sandbox: choose finished videos, show them side by side or one
at a time with nothing of the studio around them, and share them as a review link."""

from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from heygen.studio.reviews import Item, ReviewStore
from tests.reviews.conftest import APP
from tests.support import shown


def present_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/present.py").run()
    assert not at.exception
    return at


def everything(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.subheader] + [e.value for e in at.info]
    parts += [e.value for e in at.caption] + [e.value for e in at.title]
    return shown("\n".join(str(p) for p in parts))


def pick(at: AppTest, *jobs) -> AppTest:
    at.multiselect(key="present_jobs").set_value([j.id for j in jobs]).run()
    assert not at.exception
    return at


def test_three_variants_side_by_side_show_videos_titles_and_notes_only(finished):
    jobs = [finished(f"Variant {n}") for n in "ABC"]
    at = pick(present_page(), *jobs)
    assert list(at.data_editor[0].value["Title shown"]) == ["Variant A", "Variant B", "Variant C"]
    at.radio(key="present_layout").set_value("side").run()
    next(b for b in at.button if b.label == "Start presenting").click().run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Variant A", "Variant B", "Variant C"]
    assert len(at.get("video")) == 3
    assert all("/media/" in v.proto.url for v in at.get("video"))  # the copies kept on this computer
    text = everything(at)
    assert "Sandbox" not in text and not at.sidebar.markdown and not at.sidebar.caption
    assert not any(j.id in text for j in jobs)
    assert [b.label for b in at.button] == ["Exit"]
    at.button[0].click().run()
    assert not at.exception and [t.value for t in at.title] == ["Present"]
    # Back to the choices the show was made from.
    assert at.multiselect(key="present_jobs").value == [j.id for j in jobs]
    assert at.radio(key="present_layout").value == "side"
    assert any(b.label == "Start presenting" for b in at.button)


def test_titles_and_notes_edited_for_the_show_appear_on_screen_and_survive_it(finished):
    jobs = [finished("Long cut"), finished("Short cut")]
    at = pick(present_page(), *jobs)
    at.session_state[at.data_editor[0].key] = {"edited_rows": {0: {"Title shown": "Version 1", "Note": "For the website"},
                                                               1: {"Title shown": "Version 2"}},
                                               "added_rows": [], "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Start presenting").click().run()
    assert [s.value for s in at.subheader] == ["Version 1"] and "For the website" in everything(at)
    next(b for b in at.button if b.label == "Exit").click().run()
    assert list(at.data_editor[0].value["Title shown"]) == ["Version 1", "Version 2"]


def test_one_at_a_time_steps_through_the_videos(finished):
    jobs = [finished("Intro"), finished("Offer")]
    at = pick(present_page(), *jobs)
    next(b for b in at.button if b.label == "Start presenting").click().run()
    assert [s.value for s in at.subheader] == ["Intro"] and "1 of 2" in everything(at)
    next(b for b in at.button if b.label == "Next").click().run()
    assert [s.value for s in at.subheader] == ["Offer"] and "2 of 2" in everything(at)
    assert next(b for b in at.button if b.label == "Next").disabled
    next(b for b in at.button if b.label == "Previous").click().run()
    assert [s.value for s in at.subheader] == ["Intro"]


def test_sharing_for_review_makes_a_link_that_opens_those_videos(finished, store, account):
    jobs = [finished("Cut 1"), finished("Cut 2")]
    at = pick(present_page(), *jobs)
    at.text_input(key="review_title").input("Acme spring cuts")
    next(b for b in at.button if b.label == "Create review link").click().run()
    assert not at.exception
    made = ReviewStore(store.db).list(account)
    assert len(made) == 1 and [i.job_id for i in made[0].items] == [j.id for j in jobs]
    assert made[0].title == "Acme spring cuts"
    links = {c.value for c in at.code if "/?review=" in c.value}
    assert len(links) == 1  # shown right after it was made (in the form and on the link's card)
    token = links.pop().rsplit("=", 1)[1]
    assert ReviewStore(store.db).by_token(token).id == made[0].id
    assert "Open until" in everything(at)
    next(b for b in at.button if b.label == "Revoke link").click().run()
    assert ReviewStore(store.db).get(made[0].id).state() == "revoked"
    assert "Revoked" in everything(at)


def test_a_link_is_shown_only_in_the_session_that_made_it_and_can_be_replaced(finished, store, account):
    job = finished("Cut 1")
    reviews = ReviewStore(store.db)
    old = reviews.create(account, [Item(job.id, "Cut 1")], title="Acme cut", expires_at=time.time() + 86_400)
    for visitor in ("browser-a", "browser-a", "browser-b"):  # a reload is no new visitor
        reviews.record_visit(old, visitor=visitor)
    at = present_page()  # a later session: the studio has only the token's fingerprint
    assert "2 visitors" in everything(at)
    assert not [c for c in at.code if "/?review=" in c.value]
    assert "The link was shown when it was made" in everything(at)
    next(b for b in at.button if b.label == "Make a new link").click().run()
    assert not at.exception
    links = [c.value for c in at.code if "/?review=" in c.value]
    assert len(links) == 1 and old.token not in links[0]
    assert reviews.by_token(links[0].rsplit("=", 1)[1]).id == old.id  # the same review, decisions and all
    assert reviews.by_token(old.token) is None  # the old link stops working
    assert not any(b.label == "Make a new link" for b in at.button)


def test_an_empty_choice_says_what_to_do(finished):
    finished("Only one")
    at = present_page()
    assert "Choose at least one finished video" in everything(at)
    assert not any(b.label == "Start presenting" for b in at.button)


def test_a_translation_group_is_presented_source_first_with_its_languages(finished, store, account):
    source = finished("Product tour")
    other = finished("Unrelated video")
    for n, language in enumerate(("Spanish", "German")):
        job = store.create(account=account, kind="translation", title=f"Product tour ({language})",
                           inputs={"translation": {"source_job_id": source.id, "language": language}})
        store.mark_submitted(job.id, f"translation-{n}", "pending")
        store.record_poll(job.id, status="completed", video_url=source.video_url, duration=4.0)
    at = present_page()
    at.segmented_control(key="present_source").set_value("A translation group").run()
    assert not at.exception
    assert list(at.data_editor[0].value["Title shown"]) == ["Product tour", "Spanish", "German"]
    at.radio(key="present_layout").set_value("side").run()
    next(b for b in at.button if b.label == "Start presenting").click().run()
    assert [s.value for s in at.subheader] == ["Product tour", "Spanish", "German"]
    assert "Unrelated video" not in everything(at) and other.id not in everything(at)


def test_a_link_card_counts_one_change_needed_in_the_singular(finished, store, account):
    jobs = [finished("Cut 1"), finished("Cut 2"), finished("Cut 3")]
    reviews = ReviewStore(store.db)
    review = reviews.create(account, [Item(j.id, j.title) for j in jobs], title="Acme cuts",
                            expires_at=time.time() + 86_400)
    reviews.decide(review, jobs[0].id, "changes", comment="Shorter intro")
    text = everything(present_page())
    assert "0 approved · 1 change needed · 2 waiting" in text
    reviews.decide(review, jobs[1].id, "changes", comment="Louder")
    assert "2 changes needed" in everything(present_page())
