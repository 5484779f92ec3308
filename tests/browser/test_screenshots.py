"""Screenshots for the docs: a flagged Xiaohongshu card at the real feed width (216 px) and a
flagged note at full width, in Chinese and English, and the popup with the server down.

They are saved to artifacts/ on every run (set WARNLIB_SCREENSHOT_DIR=docs to refresh the ones
in docs/). The assertions check that what is pictured is what the docs describe."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, messages
from .test_popup_options import open_popup
from .test_sites import open_page, wait_level

pytestmark = pytest.mark.browser

LANGUAGES = {"zh_CN": "zh", "en": "en"}


@pytest.fixture
def shots() -> Path:
    folder = Path(os.environ.get("WARNLIB_SCREENSHOT_DIR") or ARTIFACTS)
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("ui_language", list(LANGUAGES))
def test_screenshots_of_flagged_posts(ext, shots, ui_language):
    ext.settings(uiLanguage=ui_language)
    suffix = LANGUAGES[ui_language]
    t = messages(ui_language)
    page = open_page(ext, "https://www.xiaohongshu.com/explore")
    page.add_style_tag(content="#exploreFeeds { grid-template-columns: repeat(5, 216px) !important; }")
    for i in (1, 5):
        assert wait_level(page, f'[data-testid="card-{i}"]') == "high"
    card = page.locator('[data-testid="card-1"]')
    assert card.bounding_box()["width"] == 216
    assert card.locator("[data-warnlib-badge] .label").inner_text() == t["badgeHighShort"]
    feed = page.locator("#exploreFeeds")
    box = feed.bounding_box()
    page.screenshot(path=str(shots / f"screenshot-card-216px-{suffix}.png"), clip={**box, "height": 320})

    note = open_page(ext, "https://www.xiaohongshu.com/explore/65f0c0de000000001200005")
    wait_level(note, "#noteContainer .note-content")
    wait_level(note, '[data-testid="comment-scam"]')
    badge = note.locator("#noteContainer .note-content > [data-warnlib-badge]")
    assert badge.locator(".label").inner_text() == t["badgeHigh"]
    badge.locator(".why").click()
    note.wait_for_function("() => (CSS.highlights.get('warnlib-evidence')?.size || 0) > 0")
    assert t["advice"] in badge.locator(".advice").inner_text()
    note.screenshot(path=str(shots / f"screenshot-note-full-width-{suffix}.png"))
    assert (shots / f"screenshot-note-full-width-{suffix}.png").stat().st_size > 10_000


@pytest.mark.parametrize("ui_language", list(LANGUAGES))
def test_screenshot_of_the_popup_with_the_server_down(ext, shots, ui_language):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    ext.settings(serverUrl=dead, uiLanguage=ui_language)
    open_page(ext, "https://www.xiaohongshu.com/explore").wait_for_timeout(300)
    popup = open_popup(ext)
    popup.set_viewport_size({"width": 364, "height": 420})
    assert popup.inner_text("#server-state") == messages(ui_language)["statusDown"]
    popup.screenshot(path=str(shots / f"screenshot-popup-server-down-{LANGUAGES[ui_language]}.png"))
