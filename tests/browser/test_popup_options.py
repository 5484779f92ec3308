"""Popup (server status, this tab's counts, paste-to-check), options page, the context-menu check,
a stopped or silent server, and the screenshot artifact."""

from __future__ import annotations

import socket
import time

import pytest

import warnlib

from .conftest import expected_reasons, messages, start_api
from .test_sites import open_page, wait_level

pytestmark = pytest.mark.browser

START_COMMAND = 'pip install -e ".[server]" && warnlib serve'


def tab_id(ext, site: str | None) -> int:
    """Id of the tab whose content script reports `site` (None: a tab without one). The extension
    has no "tabs" permission, so it cannot read tab URLs; it can ask its content scripts."""
    return ext.worker.evaluate(
        """async (site) => {
            for (const tab of await chrome.tabs.query({})) {
                const stats = await chrome.tabs.sendMessage(tab.id, {type: 'tabStats'}).catch(() => null);
                if ((stats ? stats.site : null) === site) return tab.id;
            }
            return null;
        }""",
        site,
    )


def open_popup(ext, tab: int | None = None):
    page = ext.context.new_page()
    page.goto(ext.page_url("popup/popup.html" + (f"?tab={tab}" if tab else "")))
    page.wait_for_selector("body[data-ready]")
    return page


def test_popup_shows_status_counts_and_checks_pasted_text(ext, api):
    site = open_page(ext, "https://www.xiaohongshu.com/explore")
    wait_level(site, '[data-testid="card-1"]')
    wait_level(site, '[data-testid="card-7"]')
    site.wait_for_timeout(300)
    checked = site.evaluate(
        """() => new Set([...document.querySelectorAll('[data-warnlib-level]')]
                  .map(p => p.querySelector('.footer .title').textContent.trim())).size"""
    )
    flagged = site.locator('section.note-item[data-warnlib-level="high"]').count()

    popup = open_popup(ext, tab_id(ext, "xiaohongshu"))
    assert popup.inner_text("#server").startswith("检查服务：正常")
    assert popup.text_content("#server-url") == api.url
    assert not popup.locator("#server-help").is_visible()
    assert int(popup.inner_text("#tab-checked")) == checked > 0
    assert int(popup.inner_text("#tab-flagged")) == flagged == 2

    popup.fill("#paste", "加我薇信带单，稳赚不赔，一个月5000翻到10万，名额有限")
    popup.click("#check")
    popup.wait_for_selector("#result .level.high")
    expected = warnlib.score("加我薇信带单，稳赚不赔，一个月5000翻到10万，名额有限")
    shown = popup.locator("#result .reason:not(.model) .message").all_inner_texts()
    assert shown == expected_reasons(expected)
    assert "96110" in popup.inner_text("#result .advice")

    popup.fill("#paste", "今天去西湖边散步，天气真好")
    popup.click("#check")
    popup.wait_for_selector("#result .level.low")
    assert popup.inner_text("#result") == messages()["resultNone"]

    # The popup renders API messages as text too.
    popup.fill("#paste", "zzscamword 稳赚不赔 <b>bold</b>")
    popup.click("#check")
    popup.wait_for_selector("#result .reason")
    assert popup.locator("#result img, #result b").count() == 0
    assert popup.evaluate("window.__warnlibXss") is None

    # On a page without a supported site, the popup says so.
    blank = ext.context.new_page()
    blank.goto(ext.page_url("result/result.html"))
    other = open_popup(ext, tab_id(ext, None))
    assert other.inner_text("#tab-note") == messages()["tabUnsupported"]


def test_options_page_saves_settings_and_tests_the_connection(ext, api):
    page = ext.context.new_page()
    page.goto(ext.page_url("options/options.html"))
    page.wait_for_selector("body[data-ready]")
    assert page.input_value("#serverUrl") == api.url
    assert page.is_checked('input[name="sensitivity"][value="medium"]')
    assert page.is_checked("#blurHigh")
    assert all(page.is_checked(f'input[name="site"][value="{s}"]') for s in ("xiaohongshu", "weibo", "x", "reddit"))

    page.click("#test")
    # (Extension pages forbid eval, so wait with selectors rather than wait_for_function.)
    page.locator("#test-result", has_text="正常").wait_for()
    # 'Test connection' tries what is in the form, without saving it.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}"
    page.fill("#serverUrl", dead)
    page.click("#test")
    page.locator("#test-result", has_text=messages()["statusDown"]).wait_for()
    assert ext.worker.evaluate("async () => (await chrome.storage.sync.get('serverUrl')).serverUrl") == api.url
    page.fill("#serverUrl", api.url)

    # A URL that is not http(s) is refused and nothing is saved.
    page.fill("#serverUrl", "ftp://127.0.0.1:9")
    page.click("#save")
    page.wait_for_selector("#save-result.error")
    assert ext.worker.evaluate("async () => (await chrome.storage.sync.get('serverUrl')).serverUrl") == api.url

    page.fill("#serverUrl", api.url + "/")
    page.check('input[name="sensitivity"][value="high"]')
    page.uncheck("#blurHigh")
    page.uncheck('input[name="site"][value="reddit"]')
    page.fill("#apiKey", "k-123")
    page.select_option("#uiLanguage", "en")
    page.click("#save")
    page.locator("#save-result", has_text="Saved").wait_for()
    stored = ext.worker.evaluate("() => chrome.storage.sync.get(null)")
    assert stored["serverUrl"] == api.url  # trailing slash normalized away
    assert stored["sensitivity"] == "high"
    assert stored["blurHigh"] is False
    assert stored["sites"] == {"xiaohongshu": True, "weibo": True, "x": True, "reddit": False}
    assert stored["apiKey"] == "k-123"
    assert stored["uiLanguage"] == "en" and "language" not in stored
    assert page.inner_text("h1") == "warnlib options"  # the page switched language


@pytest.mark.parametrize(
    ("saved", "expected"),
    [
        ({"language": "en"}, "en"),  # saved before the setting was called uiLanguage
        ({"language": "en", "uiLanguage": "zh_CN"}, "zh_CN"),  # the current name wins
    ],
)
def test_a_ui_language_saved_under_its_old_name_is_kept(ext, saved, expected):
    ext.settings(**saved)
    page = ext.context.new_page()
    page.goto(ext.page_url("options/options.html"))
    page.wait_for_selector("body[data-ready]")
    assert page.input_value("#uiLanguage") == expected
    assert page.inner_text("h1") == messages(expected)["optionsTitle"]
    stored = ext.worker.evaluate("() => chrome.storage.sync.get(null)")
    assert stored["uiLanguage"] == expected
    assert "language" not in stored, "the old key is removed once moved"
    # The background reads through the same wrapper: its answers use the kept choice too.
    config = page.evaluate("() => chrome.runtime.sendMessage({type: 'config', site: 'x'})")
    assert config["uiLanguage"] == expected and config["locale"] == ("en" if expected == "en" else "zh")


@pytest.mark.parametrize("granted", [False, True])
def test_options_asks_for_access_to_a_server_off_loopback(ext, api, granted):
    # Chrome's permission prompt cannot be answered in headless mode, so the page's
    # chrome.permissions.request is replaced by one that records the request and answers.
    page = ext.context.new_page()
    answer = "true" if granted else "false"
    page.add_init_script(
        f"window.__asked = [];chrome.permissions.request = async (p) => {{ window.__asked.push(p); return {answer}; }};"
    )
    page.goto(ext.page_url("options/options.html"))
    page.wait_for_selector("body[data-ready]")
    page.fill("#serverUrl", "https://warnlib.example.net:8443/api/")
    page.click("#save")
    page.locator("#save-result", has_text="已保存" if granted else messages()["permissionDenied"]).wait_for()
    assert page.evaluate("window.__asked") == [{"origins": ["https://warnlib.example.net/*"]}]
    stored = ext.worker.evaluate("async () => (await chrome.storage.sync.get('serverUrl')).serverUrl")
    assert stored == ("https://warnlib.example.net:8443/api" if granted else api.url)
    # Loopback on any port is granted by the manifest: no request at all.
    page.fill("#serverUrl", "http://127.0.0.1:9999")
    page.click("#save")
    page.locator("#save-result", has_text="已保存").wait_for()
    assert len(page.evaluate("window.__asked")) == 1


def test_api_key_is_sent_and_a_wrong_key_is_reported(ext, tmp_path):
    keyed = start_api(tmp_path, api_keys="right-key")
    try:
        ext.settings(serverUrl=keyed.url, apiKey="wrong-key")
        page = open_page(ext, "https://www.reddit.com/")
        page.wait_for_timeout(800)
        assert page.locator("[data-warnlib-badge], [data-warnlib-level]").count() == 0
        popup = open_popup(ext)
        assert popup.inner_text("#server-state") == messages()["statusAuth"]
        page.close()
        ext.settings(apiKey="right-key")
        page = open_page(ext, "https://www.reddit.com/")
        assert wait_level(page, "#t3_scam1") == "high"
    finally:
        keyed.stop()


def test_context_menu_check_opens_a_result_window(ext, tmp_path):
    # Its own server and feedback database: the session server's rows and state depend on which
    # tests ran before, so counting rows there made this test depend on the order.
    own = start_api(tmp_path)
    # The language the result window speaks is set here, not left to what an earlier test's
    # options page saved: the reasons below are compared with the Chinese messages.
    ext.settings(serverUrl=own.url, uiLanguage="zh_CN")
    try:
        check_selection_in_a_result_window(ext, own)
    finally:
        own.stop()


def check_selection_in_a_result_window(ext, api) -> None:
    start = len(api.feedback_rows())
    assert start == 0
    text = "Guaranteed 30% weekly returns with our VIP signals group, DM me on Telegram"
    with ext.context.expect_page() as new_page:
        ext.worker.evaluate(
            "(t) => globalThis.warnlib.handleContextCheck({menuItemId: 'warnlib-check-selection', selectionText: t},"
            " {url: 'https://example.org/forum'})",
            text,
        )
    page = new_page.value
    page.wait_for_selector("body[data-ready]")
    assert "/result/result.html?id=" in page.url
    assert page.inner_text("#text") == text
    assert page.locator("#result .level.high").count() == 1
    expected = warnlib.score(text)
    shown = page.locator("#result .reason:not(.model) .message").all_inner_texts()
    assert shown == expected_reasons(expected)
    # The same two buttons in the same order as on the warning in a page.
    t = messages()
    assert page.locator("#feedback button").all_inner_texts() == [t["notScam"], t["isScam"]]
    page.click("#feedback .is-scam")
    page.locator("#feedback-note", has_text="谢谢").or_(page.locator("#feedback-note", has_text="没能发送")).wait_for()
    assert page.inner_text("#feedback-note") == messages()["feedbackThanks"]
    rows = api.feedback_rows()
    assert len(rows) == start + 1
    assert (rows[-1]["verdict"], rows[-1]["text"], rows[-1]["url"]) == ("scam", text, "https://example.org/forum")
    assert (rows[-1]["level"], rows[-1]["locale"]) == ("high", "zh")


def test_stopped_or_silent_server_leaves_pages_intact(ext, tmp_path):
    own = start_api(tmp_path)
    try:
        ext.settings(serverUrl=own.url)
        page = open_page(ext, "https://x.com/home")
        assert wait_level(page, "#scam-1") == "high"  # the extension really uses this server
        page.close()
    finally:
        own.stop()

    # What the page looks like with the extension switched off for the site...
    ext.settings(sites={"xiaohongshu": True, "weibo": True, "x": True, "reddit": False})
    page = open_page(ext, "https://www.reddit.com/")
    page.wait_for_timeout(300)
    baseline = page.inner_html("body")
    page.close()
    # ...is exactly what it looks like with the server stopped.
    ext.worker.evaluate("() => globalThis.warnlib.resetForTests()")  # a fresh session: nothing cached
    ext.settings(sites={"xiaohongshu": True, "weibo": True, "x": True, "reddit": True})
    page = open_page(ext, "https://www.reddit.com/")
    page.wait_for_timeout(1000)
    assert page.inner_html("body") == baseline
    assert page.errors == []
    # The page's own scripts keep working (infinite scroll on the x fixture).
    x = open_page(ext, "https://x.com/home")
    x.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    x.wait_for_function("window.pageLoads === 1")
    x.wait_for_timeout(500)
    assert x.locator("[data-warnlib-badge], [data-warnlib-level], [data-warnlib-blur]").count() == 0
    assert x.errors == []

    popup = open_popup(ext)
    assert popup.inner_text("#server-state") == messages()["statusDown"]
    assert popup.inner_text("#server-explain") == messages()["pageStillWorks"]
    # English words wrap between words, never inside one ('us e'); Chinese between characters.
    assert popup.eval_on_selector("#server-explain", "e => getComputedStyle(e).wordBreak") == "normal"
    # No raw error text; the setup command only inside the fold for whoever installed it.
    body = popup.inner_text("body")
    assert "Failed" not in body and "fetch" not in body and "pip install" not in body
    assert popup.locator("#server-help").is_visible()
    assert not popup.locator("#start-command").is_visible()
    popup.click("#server-help summary")
    assert popup.locator("#start-command").is_visible()
    assert popup.text_content("#start-command") == START_COMMAND

    # A server that accepts connections but never answers: the 3 s timeout gives up quietly.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        ext.settings(serverUrl=f"http://127.0.0.1:{silent.getsockname()[1]}")
        ext.worker.evaluate("() => globalThis.warnlib.resetForTests()")
        page = open_page(ext, "https://www.reddit.com/")
        started = time.monotonic()
        page.wait_for_function("() => true")
        ext.worker.evaluate("() => new Promise(r => setTimeout(r, 3500))")
        assert time.monotonic() - started >= 3
        assert page.inner_html("body") == baseline
        assert ext.stats()["failures"] >= 1
        popup = open_popup(ext)
        assert popup.inner_text("#server-state") == messages()["statusSlow"]
        assert popup.locator("#server-help").is_visible()
