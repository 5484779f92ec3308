"""The extension keeps to the server's contract (issue 8): it learns the request limits from
GET /v1/meta and cuts batches to fit, a post the server refuses costs only that post its check,
and a refusal is a state the popup shows."""

from __future__ import annotations

import pytest

from .conftest import messages, start_api
from .test_popup_options import open_popup
from .test_sites import level, open_page, wait_level

pytestmark = pytest.mark.browser


def test_batches_follow_the_limits_the_server_states(ext, tmp_path):
    # Far below the defaults the extension used to hard-code (100 items, 20,000 characters).
    small = start_api(tmp_path, settings={"WARNLIB_MAX_TEXT_CHARS": "50", "WARNLIB_MAX_BATCH_ITEMS": "2"})
    try:
        ext.settings(serverUrl=small.url)
        page = open_page(ext, "https://x.com/home")
        posts = ["#benign-1", "#scam-1", "#benign-2", "#xss", "#benign-3"]
        for post in posts:
            assert wait_level(page, post) in ("low", "medium", "high"), post
        stats = ext.stats()
        assert stats["failures"] == 0 and stats["refused"] == 0, stats
        assert stats["requests"] >= 3, stats  # at most two items per request
        popup = open_popup(ext)
        assert popup.inner_text("#server-state") == messages()["statusOk"]
    finally:
        small.stop()


def test_batches_keep_within_the_servers_character_budget_per_request(ext, tmp_path):
    # Each post fits, but three together exceed the request's budget of characters: without
    # counting characters the extension would send them together and get a 413. (The budget
    # leaves room for normalization, which can lengthen a text a little.)
    small = start_api(
        tmp_path,
        settings={"WARNLIB_MAX_TEXT_CHARS": "60", "WARNLIB_MAX_REQUEST_CHARS": "130", "WARNLIB_MAX_BATCH_ITEMS": "50"},
    )
    try:
        ext.settings(serverUrl=small.url)
        page = open_page(ext, "https://x.com/home")
        posts = ["#benign-1", "#scam-1", "#benign-2", "#benign-3"]
        for post in posts:
            assert wait_level(page, post) in ("low", "medium", "high"), post
        stats = ext.stats()
        assert stats["failures"] == 0 and stats["refused"] == 0, stats
        assert stats["requests"] >= 2, stats
    finally:
        small.stop()


def test_a_refused_post_does_not_fail_the_others_and_the_popup_says_so(ext):
    page = open_page(ext, "https://x.com/broken")
    assert wait_level(page, "#ok-scam") == "high"
    assert wait_level(page, "#ok-benign") == "low"
    page.wait_for_timeout(300)
    assert level(page, "#broken") is None  # its text has an unpaired surrogate: the API says 422
    stats = ext.stats()
    assert stats["refused"] == 1, stats
    popup = open_popup(ext)
    assert popup.inner_text("#server-state") == messages()["statusRejected"]
    assert popup.locator("#server").get_attribute("data-state") == "rejected"
    assert "422" not in popup.inner_text("body")
