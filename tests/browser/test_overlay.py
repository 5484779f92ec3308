"""The warning itself: reasons from the API with evidence highlighted, masking, dismiss, feedback
(rows land in the server's database), sensitivity and UI language options, and inert rendering of
HTML in post text and in API messages."""

from __future__ import annotations

import re
import time

import pytest

import warnlib

from .conftest import XSS_MESSAGE_ZH, api_meta, expected_reasons, messages
from .test_sites import has_badge, open_page, wait_level

pytestmark = pytest.mark.browser

NOTE = "https://www.xiaohongshu.com/explore/65f0c0de000000001200005"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


HIGHLIGHTS = "() => [...(CSS.highlights.get('warnlib-evidence') || [])].map(r => r.toString())"


def highlighted(page, *, wait: bool = False) -> list[str]:
    # The highlight follows the panel's (asynchronous) toggle event.
    if wait:
        page.wait_for_function(f"({HIGHLIGHTS})().length > 0")
    return page.evaluate(HIGHLIGHTS)


def wait_rows(api, count: int, timeout: float = 5.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    rows = api.feedback_rows()
    while len(rows) < count and time.monotonic() < deadline:
        time.sleep(0.05)
        rows = api.feedback_rows()
    return rows


def test_reasons_are_merged_plain_words_with_evidence_highlighted(ext):
    page = open_page(ext, NOTE)
    post = "#noteContainer .note-content"
    assert wait_level(page, post) == "high"
    badge = page.locator(f"{post} > [data-warnlib-badge]")
    assert not badge.locator(".panel").is_visible()
    assert highlighted(page) == []

    badge.locator(".why").click()
    assert badge.locator(".panel").is_visible()
    # The text the adapter sends: title and description, whitespace collapsed.
    title = page.inner_text("#detail-title")
    desc = page.evaluate("document.querySelector('#detail-desc').textContent")
    expected = warnlib.score(f"{collapse(title)}\n{collapse(desc)}", locale="zh")
    shown = badge.locator(".reason:not(.model) .message").all_inner_texts()
    # One plain sentence per category, strongest first: not one line per rule (this post fires
    # several overlapping contact rules) and not the background-only topic signal.
    assert len(expected.signals) > len(shown)
    assert shown == expected_reasons(expected)
    assert len(set(shown)) == len(shown) <= 4
    assert "investment_topic" in {s.category for s in expected.signals}
    panel_text = badge.locator(".panel").inner_text()
    assert "单独不算" not in panel_text and "（英文）" not in panel_text and "/ 100" not in panel_text
    # A level, not a grade-like score, and one line of advice with the anti-fraud hotline.
    assert badge.locator(".level-line").inner_text() == "风险程度：高"
    assert "96110" in badge.locator(".advice").inner_text()
    # The learned model's strongest n-grams are one more reason, quoted like the rules' evidence.
    assert expected.model is not None and expected.model.evidence
    model_reason = badge.locator(".reason.model")
    assert model_reason.locator(".message").inner_text() == messages()["modelReason"]
    learned = {e.evidence[0] for e in expected.model.evidence}
    assert model_reason.locator("mark").count() >= 1
    assert set(model_reason.locator("mark").all_inner_texts()) <= learned
    # Each reason quotes its evidence, marked, as the API's spans point at it.
    marks = badge.locator(".reason mark").all_inner_texts()
    assert "稳赚不赔" in marks and any("带单" in m for m in marks)
    # One quote per reason, taken from the evidence of that reason's category.
    evidence = {c: {e for s in expected.signals if s.category == c for e in s.evidence} for c in expected.categories}
    for item in badge.locator(".reason:not(.model)").all():
        category = item.get_attribute("class").split("cat-")[1]
        assert item.locator("mark").count() == 1
        assert item.locator("mark").inner_text() in evidence[category]
    # ...and the same words are highlighted in the post itself, without changing its DOM.
    spots = highlighted(page, wait=True)
    assert "带单" in spots and "稳赚不赔" in spots
    assert page.locator("#detail-desc mark").count() == 0
    badge.locator(".why").click()
    page.wait_for_function(f"({HIGHLIGHTS})().length === 0")
    assert not badge.locator(".panel").is_visible()
    # Clicking elsewhere closes an open panel too.
    badge.locator(".why").click()
    highlighted(page, wait=True)
    page.mouse.click(5, 5)
    page.wait_for_function(f"({HIGHLIGHTS})().length === 0")
    assert not badge.locator(".panel").is_visible()


def test_spans_are_code_points_not_utf16_units(ext):
    # Emoji before the evidence are two UTF-16 units each: a naive slice would be off.
    page = open_page(ext, "https://www.reddit.com/")
    assert wait_level(page, "#t3_emoji") == "high"
    badge = page.locator("#t3_emoji [data-warnlib-badge]")
    badge.locator(".why").click()
    marks = badge.locator(".reason mark").all_inner_texts()
    title = page.inner_text("#t3_emoji [slot=title]")
    body = page.inner_text('#t3_emoji [slot="text-body"] .md')
    assessment = warnlib.score(f"{collapse(title)}\n{collapse(body)}")
    evidence = {e for s in assessment.signals for e in s.evidence}
    # The model's n-grams are quoted through the same code-point spans.
    learned = {e.evidence[0] for e in (assessment.model.evidence if assessment.model else [])}
    assert marks and set(marks) <= evidence | learned, (marks, evidence, learned)
    assert set(highlighted(page, wait=True)) <= evidence


def test_high_risk_is_masked_until_the_reader_chooses(ext):
    page = open_page(ext, "https://www.xiaohongshu.com/explore")
    card = '[data-testid="card-1"]'
    assert wait_level(page, card) == "high"
    # Cover image and title are blurred in place; nothing was removed or moved.
    assert page.locator(f"{card} a.cover[data-warnlib-blur]").count() == 1
    assert page.locator(f"{card} .footer .title[data-warnlib-blur]").count() == 1
    assert page.locator(f"{card} .footer .title span").inner_text().startswith("姐妹们")
    page.locator(f"{card} [data-warnlib-badge] .show").click()
    assert page.locator(f"{card} [data-warnlib-blur]").count() == 0
    assert has_badge(page, card)  # still warned, just visible
    # Benign cards are never touched.
    assert page.locator('[data-testid="card-0"] [data-warnlib-blur]').count() == 0


def test_dismiss_removes_the_warning_and_it_stays_dismissed(ext):
    page = open_page(ext, "https://www.xiaohongshu.com/explore")
    card = '[data-testid="card-5"]'
    assert wait_level(page, card) == "high"
    html_before = page.locator(f"{card} .footer .title").inner_html()
    page.locator(f"{card} [data-warnlib-badge] .dismiss").click()
    assert not has_badge(page, card)
    assert page.locator(f"{card} [data-warnlib-blur]").count() == 0
    assert page.locator(f"{card} .footer .title").inner_html() == html_before
    page.reload()
    assert wait_level(page, card) == "high"
    page.wait_for_timeout(200)
    assert not has_badge(page, card)
    assert has_badge(page, '[data-testid="card-1"]')


def test_feedback_buttons_store_rows_in_the_server_database(ext, api):
    start = len(api.feedback_rows())
    page = open_page(ext, "https://x.com/home")
    assert wait_level(page, "#scam-1") == "high"
    badge = page.locator("#scam-1 [data-warnlib-badge]")
    badge.locator(".why").click()
    t = messages()
    assert badge.locator(".actions button").all_inner_texts() == [t["notScam"], t["isScam"], t["dismiss"]]
    badge.locator(".is-scam").click()
    badge.locator(".note", has_text="谢谢").wait_for()
    rows = wait_rows(api, start + 1)
    assert len(rows) == start + 1
    row = rows[-1]
    assert row["verdict"] == "scam"
    assert row["text"] == "Guaranteed 30% weekly returns with our VIP signals group, DM me on Telegram"
    assert row["url"] == "https://x.com/home"
    assert row["score"] == pytest.approx(warnlib.score(row["text"]).score, abs=1e-3)
    # The level and the locale the reader saw go with the verdict (they were never sent before).
    assert (row["level"], row["locale"]) == ("high", "zh")
    assert row["rules_version"] == api_meta(api)["version"]["rules"]
    # ... and the rules and model version of the assessment the reader judged.
    assert row["model_version"] == api_meta(api)["version"]["model"]
    assert page.evaluate("window.opened") is None  # our clicks did not open the post

    page = open_page(ext, "https://www.reddit.com/")
    assert wait_level(page, "#t3_scam1") == "high"
    badge = page.locator("#t3_scam1 [data-warnlib-badge]")
    badge.locator(".why").click()
    badge.locator(".not-scam").click()
    rows = wait_rows(api, start + 2)
    assert rows[-1]["verdict"] == "not_scam"
    assert rows[-1]["text"].startswith("Made 10x in a month with my mentor\nGuaranteed 30%")
    assert (rows[-1]["level"], rows[-1]["locale"]) == ("high", "zh")
    badge.wait_for(state="detached")  # 'not a scam' also takes the warning away
    assert page.url.startswith("https://www.reddit.com/")  # the title link was not followed


def test_html_in_post_text_and_api_messages_is_inert(ext):
    page = open_page(ext, "https://x.com/home")
    assert wait_level(page, "#xss") == "high"
    badge = page.locator("#xss [data-warnlib-badge]")
    badge.locator(".why").click()
    # The post's own text (an HTML payload) is quoted literally, as text.
    quotes = " ".join(badge.locator(".reason .quote").all_inner_texts())
    assert "zzscamword" in quotes and "<img" in quotes
    elements = page.evaluate(
        """() => [...document.querySelector('#xss [data-warnlib-badge]').shadowRoot.querySelectorAll('*')]
                  .map(e => e.localName)"""
    )
    assert not {"img", "b", "script", "iframe"} & set(elements), elements
    page.wait_for_timeout(300)
    assert page.evaluate("window.__warnlibXss") is None
    assert page.errors == []


def test_api_message_for_an_unknown_category_is_shown_as_text(ext):
    # A category this extension has no words for (a newer server) falls back to the API's
    # message, which must still be inserted as text.
    page = ext.context.new_page()
    page.goto(ext.page_url("popup/popup.html"))
    page.wait_for_selector("body[data-ready]")
    shown = page.evaluate(
        """(message) => {
            const el = document.createElement('div');
            document.body.append(el);
            const result = {level: 'high', score: 0.9, categories: {brand_new: 0.9},
                            signals: [{rule: 'x.new', category: 'brand_new', weight: 3, message,
                                       spans: [[0, 10]], evidence: ['zzscamword']}]};
            globalThis.WarnlibReasons.renderReasons(document, el, 'zzscamword <b>x</b>', result, {});
            return {text: el.querySelector('.reason .message').textContent,
                    tags: [...el.querySelectorAll('*')].map(e => e.localName)};
        }""",
        XSS_MESSAGE_ZH,
    )
    assert shown["text"] == XSS_MESSAGE_ZH
    assert not {"img", "b"} & set(shown["tags"])
    assert page.evaluate("window.__warnlibXss") is None


def test_sensitivity_blur_and_ui_language_options(ext):
    page = open_page(ext, "https://x.com/home")
    page.locator("#medium-1").scroll_into_view_if_needed()
    assert wait_level(page, "#medium-1") == "medium"
    assert "注意" in page.locator("#medium-1 [data-warnlib-badge] .label").inner_text()
    assert page.locator("#medium-1 [data-warnlib-blur]").count() == 0  # medium is never masked

    # Options apply to open pages without a reload.
    ext.settings(sensitivity="high", blurHigh=False, uiLanguage="en")
    page.wait_for_function("() => !document.querySelector('#medium-1 [data-warnlib-badge]')")
    page.wait_for_function("() => document.querySelector('#scam-1 [data-warnlib-badge]')")
    assert page.locator("#scam-1 [data-warnlib-badge] .label").inner_text() == messages("en")["badgeHigh"]
    assert page.locator("#scam-1 [data-warnlib-blur]").count() == 0
    badge = page.locator("#scam-1 [data-warnlib-badge]")
    badge.locator(".why").click()
    en = warnlib.score("Guaranteed 30% weekly returns with our VIP signals group, DM me on Telegram", locale="en")
    assert badge.locator(".reason:not(.model) .message").all_inner_texts() == expected_reasons(en, "en")
    assert badge.locator(".level-line").inner_text() == "Risk: high"
    assert "96110" in badge.locator(".advice").inner_text()

    # A site switched off is left alone entirely.
    ext.settings(sites={"xiaohongshu": True, "weibo": True, "x": False, "reddit": True})
    page.wait_for_function("() => !document.querySelector('[data-warnlib-badge], [data-warnlib-level]')")
    page.reload()
    page.wait_for_timeout(500)
    assert page.locator("[data-warnlib-badge], [data-warnlib-level]").count() == 0
