"""The extension on the markup and CSS the supported sites serve today (issue 9): warnings no page
stylesheet can hide, adapters for old.reddit, Reddit comments, the 2019 redesign, X Articles,
Xiaohongshu cards found by their note links and replies, Weibo detail pages with hashed classes,
and a popup that says when a page's layout is not recognised."""

from __future__ import annotations

import pytest

from .conftest import messages
from .test_popup_options import open_popup, tab_id
from .test_sites import has_badge, level, open_page, wait_level

pytestmark = pytest.mark.browser

BADGE = "[data-warnlib-badge]"

# Stylesheet tricks real pages use (Reddit's rule for undefined elements) and ones a page could use
# to hide anything a content script adds.
HOSTILE_CSS = """
:not(:defined):not(shreddit-post):not(shreddit-comment) { visibility: hidden !important; }
div:empty, span:empty { display: none !important; }
[data-level], [data-warnlib-badge] { display: none !important; opacity: 0 !important; }
div[style] { all: initial !important; visibility: hidden !important; }
.footer > :first-child, [slot="text-body"] > :first-child { position: absolute !important; left: -9999px !important; }
"""


def add_css_at_start(page, css: str) -> None:
    """Give the page `css` before any script of ours runs (as a site's own stylesheet would)."""
    page.add_init_script(
        """(css) => document.addEventListener('DOMContentLoaded', () => {
            const style = document.createElement('style');
            style.textContent = css;
            document.head.append(style);
        })""".replace("(css) =>", "((css) =>")
        + f")({css!r})"
    )


def assert_warning_usable(page, post: str) -> None:
    """The badge of `post` is rendered, readable and its × takes a click; if the post is masked,
    the warning masking it is visible."""
    # (Also the old custom-element host, so this fails on older code for what it checks.)
    badge = page.locator(f"{post} {BADGE}, {post} warnlib-badge").first
    if not badge.count():
        badge = page.locator(f"{BADGE}:has(+ {post})").first
    assert badge.is_visible(), f"badge of {post} is not visible"
    label = badge.locator(".label")
    assert label.is_visible()
    assert label.evaluate("el => el.scrollWidth <= el.clientWidth + 1 && el.getBoundingClientRect().width >= 40")
    badge.locator(".dismiss").click(trial=True, timeout=3000)  # visible, enabled, not covered
    if page.locator(f"{post} [data-warnlib-blur]").count():
        assert badge.get_attribute("data-visible") == "true"


def open_with(ext, url: str, css: str | None = None):
    page = ext.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.errors = errors
    if css:
        add_css_at_start(page, css)
    page.goto(url)
    return page


# ---------- warnings no page CSS can hide ----------


def test_reddit_real_stylesheet_keeps_the_warning_visible(ext):
    # Reddit ships `:not(:defined) { visibility: hidden }`; the old custom-element host was hidden
    # by it while the post stayed covered.
    page = open_page(ext, "https://www.reddit.com/")
    assert wait_level(page, "#t3_scam1") == "high"
    assert_warning_usable(page, "#t3_scam1")


@pytest.mark.parametrize(
    ("url", "post"),
    [
        ("https://www.xiaohongshu.com/explore", '[data-testid="card-1"]'),
        ("https://x.com/home", "#scam-1"),
        ("https://weibo.com/", '.vue-recycle-scroller__item-view[data-index="2"] .wbpro-scroller-item'),
        ("https://www.reddit.com/", "#t3_scam1"),
    ],
    ids=["xiaohongshu", "x", "weibo", "reddit"],
)
def test_hostile_page_css_cannot_hide_the_warning(ext, url, post):
    page = open_with(ext, url, HOSTILE_CSS)
    assert wait_level(page, post) == "high"
    assert_warning_usable(page, post)
    assert page.errors == []


def test_a_post_is_not_masked_when_its_warning_cannot_be_seen_inside_it(ext):
    # Everything inside the card is clipped away: a badge there could not be seen, so the card
    # must not be masked (the warning goes beside the card instead).
    page = open_with(
        ext,
        "https://www.xiaohongshu.com/explore",
        '[data-testid="card-1"] { clip-path: inset(0 0 100% 0) !important; }',
    )
    card = '[data-testid="card-1"]'
    assert wait_level(page, card) == "high"
    page.wait_for_timeout(200)
    assert page.locator(f"{card} [data-warnlib-blur]").count() == 0
    beside = page.locator(f"{BADGE}:has(+ {card})")
    assert beside.count() == 1 and beside.is_visible()


# ---------- adapters for today's markup ----------


def test_old_reddit_posts_including_title_only(ext):
    page = open_page(ext, "https://old.reddit.com/")
    assert wait_level(page, "#thing_t3_o1") == "high"
    assert wait_level(page, "#thing_t3_o2") == "low"
    assert wait_level(page, "#thing_t3_o3") == "high"  # a link post: everything is in its title
    assert page.locator(f"#thing_t3_o1 > .entry > {BADGE}").count() == 1
    assert_warning_usable(page, "#thing_t3_o3")
    assert page.errors == []


def test_old_reddit_comments_each_read_without_their_replies(ext):
    page = open_page(ext, "https://old.reddit.com/r/CryptoCurrency/comments/q1/is_this_legit/")
    assert wait_level(page, "#thing_t3_q1") == "low"
    assert wait_level(page, "#thing_t1_b") == "high"
    assert wait_level(page, "#thing_t1_a") == "low"  # its scam reply is not its text
    assert wait_level(page, "#thing_t1_c") == "low"  # a warning about scams
    assert not has_badge(page, "#thing_t1_a > .entry")
    # The reply's mask stays in the reply.
    assert page.locator("#thing_t1_a > .entry [data-warnlib-blur]").count() == 0
    assert_warning_usable(page, "#thing_t1_b")


def test_shreddit_comments_are_read(ext):
    page = open_page(ext, "https://www.reddit.com/r/CryptoCurrency/comments/q1/is_this_legit/")
    assert wait_level(page, "#t3_q1") == "low"
    assert wait_level(page, "#c-scam") == "high"
    assert wait_level(page, "#c-benign") == "low"
    assert wait_level(page, "#c-warning") == "low"
    assert page.locator(f'#c-scam > [slot="comment"] > {BADGE}').count() == 1
    assert_warning_usable(page, "#c-scam")
    assert page.locator(f'#c-benign > [slot="comment"] > {BADGE}').count() == 0


def test_reddit_2019_layout_title_in_h1_and_comments(ext):
    page = open_page(ext, "https://www.reddit.com/r/personalfinance/comments/r1/title/")
    assert wait_level(page, "#t3_r1") == "high"  # a title-only post whose title is an h1
    assert wait_level(page, '#t1_x1 [data-testid="comment"]') == "high"
    assert wait_level(page, '#t1_x2 [data-testid="comment"]') == "low"
    assert_warning_usable(page, "#t3_r1")


@pytest.mark.parametrize(
    ("url", "post"),
    [("https://x.com/i/article/1890001", "#article-body-wrap"), ("https://x.com/coach/status/1890001", "#status")],
    ids=["reader-view", "in-its-post"],
)
def test_x_articles_are_read(ext, url, post):
    page = open_page(ext, url)
    assert wait_level(page, post) == "high"
    assert_warning_usable(page, post)
    if post == "#status":
        assert wait_level(page, "#reply") == "low"
    assert page.errors == []


def test_xiaohongshu_bare_cards_found_by_their_note_links(ext):
    page = open_page(ext, "https://www.xiaohongshu.com/search_result?keyword=%E7%90%86%E8%B4%A2")
    assert wait_level(page, '[data-testid="bare-1"]') == "high"
    assert wait_level(page, '[data-testid="bare-2"]') == "high"  # no title class: the link's words
    assert wait_level(page, '[data-testid="bare-0"]') == "low"
    assert wait_level(page, '[data-testid="bare-3"]') == "low"
    for card in ('[data-testid="bare-1"]', '[data-testid="bare-2"]'):
        assert_warning_usable(page, card)
    # The feed container holds many note links: it is never taken for a card.
    assert page.locator("#feed[data-warnlib-level]").count() == 0


def test_xiaohongshu_replies_are_read(ext):
    page = open_page(ext, "https://www.xiaohongshu.com/explore/65f0c0de000000001200005")
    assert wait_level(page, '[data-testid="reply-scam"]') == "high"  # carries only comment-item-sub
    assert wait_level(page, '[data-testid="reply-benign"]') == "low"
    assert wait_level(page, '[data-testid="comment-asks"]') == "low"
    assert_warning_usable(page, '[data-testid="reply-scam"]')


def test_weibo_detail_page_reads_the_post_and_its_comments(ext):
    page = open_page(ext, "https://weibo.com/7654321/OaBcD1234")
    assert wait_level(page, "#main-post") == "high"
    assert wait_level(page, "#comment-scam") == "high"
    assert wait_level(page, "#comment-warning") == "low"
    assert wait_level(page, "#comment-benign") == "low"
    # Comment rows are .wbpro-scroller-item too, but they are comments, not posts.
    assert page.locator(".wbpro-scroller-item[data-warnlib-level]").count() == 0
    assert_warning_usable(page, "#main-post")


# ---------- a page that is not understood says so ----------


@pytest.mark.parametrize(
    ("url", "site"),
    [("https://www.xiaohongshu.com/unknown-layout", "xiaohongshu"), ("https://www.reddit.com/r/empty/", "reddit")],
    ids=["no-posts", "posts-without-text"],
)
def test_popup_says_when_the_layout_is_not_recognised(ext, url, site):
    page = open_page(ext, url)
    page.wait_for_timeout(400)  # the first scan runs 100 ms after load
    assert level(page, "body") is None
    popup = open_popup(ext, tab_id(ext, site))
    t = messages()
    assert popup.inner_text("#tab-note") == t["layoutUnknown"].replace("{site}", t[f"site_{site}"])
    assert not popup.locator("#tab-counts").is_visible()


# ---------- every width ----------

WIDTHS = (160, 200, 216, 240, 320, 360, 600)


@pytest.mark.parametrize("ui_language", ["zh_CN", "en"])
def test_masked_card_keeps_a_readable_label_and_a_reachable_dismiss_at_every_width(ext, ui_language):
    ext.settings(uiLanguage=ui_language)
    page = open_page(ext, "https://www.xiaohongshu.com/explore")
    card = page.locator('[data-testid="card-1"]')
    assert wait_level(page, '[data-testid="card-1"]') == "high"
    badge = card.locator(BADGE)
    badge.wait_for()
    t = messages(ui_language)
    for width in WIDTHS:
        page.evaluate(
            """(w) => {
                let s = document.getElementById('test-width');
                if (!s) { s = document.createElement('style'); s.id = 'test-width'; document.head.append(s); }
                s.textContent = `#exploreFeeds { grid-template-columns: repeat(4, ${w}px) !important; }`;
            }""",
            width,
        )
        page.wait_for_timeout(50)
        box = card.bounding_box()
        assert abs(box["width"] - width) < 1, (width, box)
        label = badge.locator(".label")
        # The whole label (a shorter wording on a narrow card), never cut.
        assert label.inner_text() == (t["badgeHigh"] if width >= 360 else t["badgeHighShort"]), width
        fits = label.evaluate(
            """(el) => { const r = el.getBoundingClientRect();
                         return el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1
                                && r.width >= 40 && r.height >= 12; }"""
        )
        assert fits, width
        for part in (".label", ".dismiss", ".show", ".why"):
            inner = badge.locator(part).bounding_box()
            assert inner is not None, (width, part)
            assert box["x"] - 0.5 <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"] + 0.5, (
                width,
                part,
                inner,
                box,
            )
            assert inner["y"] + inner["height"] <= box["y"] + box["height"] + 0.5, (width, part)
        badge.locator(".dismiss").click(trial=True, timeout=3000)
        badge.locator(".show").click(trial=True, timeout=3000)
