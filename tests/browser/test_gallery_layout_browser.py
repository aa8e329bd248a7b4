"""On a first visit the browser draws a 40 px placeholder for each widget until that widget's code has
loaded, which takes seconds on a busy laptop. The gallery keeps its final layout meanwhile: a Select
button is drawn where it stays, so a click aimed at it as soon as it shows cannot land on the card
above it once the filters and cards above have appeared (seen under load: a 28 px jump).

The code of the widgets above the buttons (the filters' lists, the library/mine choice, the cards'
pictures) is held back until the buttons have been measured, as a busy machine holds it back. The
styles that reserve the final heights come in the page's head, before any of that code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Route, expect

from heygen.sandbox import Sandbox
from heygen.sandbox.catalogue import get_catalogue

API_KEY = "sk-browser-gallery-layout-2b7d9e41"
HELD_CODE = re.compile(r"/static/js/(Selectbox|ButtonGroup|Html)\.[^/]*\.js$")
WHERE = """
(key) => {
  const box = document.querySelector(`.st-key-${key}`).getBoundingClientRect();
  return {x: box.x, y: box.y,
          placeholders: document.querySelectorAll("[data-testid=stMain] [data-testid=stSkeleton]").length};
}
"""


@pytest.fixture
def own_sandbox():
    sb = Sandbox(api_key=API_KEY, render_seconds=5).start()
    yield sb
    sb.stop()


@pytest.mark.timeout(240)
def test_select_buttons_do_not_move_while_the_widgets_appear(page, streamlit_server, tmp_path, own_sandbox,
                                                            screenshot):
    url = streamlit_server({"HEYGEN_STUDIO_DATA_DIR": str(tmp_path / "data"), "HEYGEN_API_KEY": API_KEY,
                            "HEYGEN_API_BASE_URL": own_sandbox.base_url})
    public = [look for look in get_catalogue().looks if look.ownership == "public" and look.ready]
    keys = [f"studio_av_pick_{look.id}" for look in public[:6]]  # the first two rows of cards
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)
    page.route(HELD_CODE, hold)
    page.goto(url)
    # Where the buttons are as soon as the first one shows, while the widgets above are placeholders.
    page.locator(f".st-key-{keys[0]} button").wait_for(state="visible", timeout=60_000)
    first = {key: page.evaluate(WHERE, key) for key in keys}
    assert held and first[keys[0]]["placeholders"] > 0, "no widget was a placeholder: nothing was checked"
    # The styles that keep the slots' heights came with the page itself, not with an element whose code the
    # browser loads later (drawn as Markdown, they once came after the buttons: a 129 px jump under load).
    assert page.evaluate("() => [...document.head.querySelectorAll('style')].some(s => s.textContent"
                         ".includes('_av_card_'))"), "the gallery's styles are not in the page's head"
    screenshot(page, "placeholders")

    for route in held:
        route.continue_()
    page.unroute(HELD_CODE, hold)
    for label in ("Gender", "Avatar type", "Orientation"):
        expect(page.get_by_text(label, exact=True).first).to_be_visible()
    expect(page.locator(".st-key-studio_av_grid_box img").first).to_be_visible()
    expect(page.locator("[data-testid=stMain] [data-testid=stSkeleton]")).to_have_count(0)
    screenshot(page, "settled")
    for key in keys:
        now = page.evaluate(WHERE, key)
        moved = max(abs(now["x"] - first[key]["x"]), abs(now["y"] - first[key]["y"]))
        assert moved < 1, (  # a fraction of a pixel is rounding, not a move
            f"{key} moved from ({first[key]['x']}, {first[key]['y']}) to ({now['x']}, {now['y']}) as the "
            "widgets above it appeared")
