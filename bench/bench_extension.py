"""Benchmark of the browser extension: content-script main-thread time per 100 posts, and
requests per page scroll, in Debian's chromium with the unpacked extension and the real API.

    python bench/bench_extension.py [--posts 400] [--runs 3]

A generated xiaohongshu explore feed (the markup of tests/browser/fixtures/xiaohongshu/, texts
from tests/data/*.jsonl, about one in five a scam) is served as https://www.xiaohongshu.com/explore
by a local HTTPS server (hostname mapped with --host-resolver-rules, as in the browser tests).
The bench scrolls it one viewport at a time, waiting after each step until every visible card
has been answered, and reports:

* content-script main-thread time: the sum of the "warnlib:*" performance measures the content
  script records around all its work (mutation callback, scan, intersection callback, applying
  answers and drawing badges), per 100 posts checked; cross-checked with CDP Performance metrics
  (ScriptDuration of the page with the extension on, minus the same scroll with it switched off
  for the site);
* requests per scroll step: POST /v1/score/batch requests the service worker sent for each
  viewport scrolled (its own counter), and posts per request; and the same for a fast scroll
  (one viewport every 50 ms, not waiting for answers), where batching merges steps.

Runs use a fresh cache each time (first visit: every post goes to the server).
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import ssl
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.conftest import _self_signed, launch, start_api  # noqa: E402

VIEWPORT_H = 800


def load_texts() -> list[tuple[str, int]]:
    texts = []
    for path in sorted((REPO / "tests" / "data").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            texts.extend((row["text"], row["label"]) for row in map(json.loads, handle) if row.get("text"))
    return texts


def feed_html(n: int) -> bytes:
    """An explore feed of n cards, scams and benign posts interleaved about 1 in 5."""
    texts = load_texts()
    scams = [t for t, label in texts if label == 1]
    benign = [t for t, label in texts if label == 0]
    cards = []
    for i in range(n):
        pool = scams if i % 5 == 2 else benign
        title = pool[(i * 7) % len(pool)]
        cards.append(
            f'<section class="note-item" data-index="{i}"><div>'
            f'<a class="cover ld mask" href="/explore/b{i:06d}"><div class="img" style="background:hsl({i * 37 % 360},'
            f'60%,80%)"></div></a><div class="footer"><a class="title" href="/explore/b{i:06d}"><span>'
            f"{html.escape(title)}</span></a>"
            f'<div class="card-bottom-wrapper"><a class="author"><span class="name">用户{i}</span></a>'
            f'<span class="like-wrapper"><span class="count">{i % 97}</span></span></div></div></div></section>'
        )
    page = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench feed</title><style>
      body {{ margin: 0; font-family: sans-serif; }}
      #exploreFeeds {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; padding: 16px 24px; }}
      section.note-item {{ height: 300px; overflow: hidden; border-radius: 12px; }}
      .cover {{ display: block; height: 170px; }} .img {{ height: 100%; }} .footer {{ padding: 8px; }}
      .footer .title {{ display: block; max-height: 80px; overflow: hidden; color: #333; text-decoration: none; }}
    </style></head><body><div id="exploreFeeds" class="feeds-container">{"".join(cards)}</div></body></html>"""
    return page.encode("utf-8")


class FeedHandler(BaseHTTPRequestHandler):
    def __init__(self, *args, body: bytes, **kwargs):
        self.body = body
        super().__init__(*args, **kwargs)

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


def serve_feed(body: bytes, tmp: Path) -> int:
    cert, key = _self_signed(tmp)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(FeedHandler, body=body))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


UNANSWERED_VISIBLE = """() => [...document.querySelectorAll('section.note-item')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight && !el.hasAttribute('data-warnlib-level');
}).length"""


def settle(page, enabled: bool) -> None:
    """Wait until every card on screen has an answer (or a fixed pause when switched off)."""
    if not enabled:
        page.wait_for_timeout(250)
        return
    deadline = time.monotonic() + 10
    while page.evaluate(UNANSWERED_VISIBLE) and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    page.wait_for_timeout(150)  # let the debounced scan after the badges run too


def script_seconds(cdp) -> float:
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return metrics["ScriptDuration"]


def run_once(ctx, worker, enabled: bool) -> dict:
    worker.evaluate(
        "async (on) => { await globalThis.warnlib.resetForTests();"
        " await chrome.storage.sync.set({sites: {xiaohongshu: on, weibo: true, x: true, reddit: true}}); }",
        enabled,
    )
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto("https://www.xiaohongshu.com/explore")
    settle(page, enabled)
    steps = []
    total_h = page.evaluate("document.documentElement.scrollHeight")
    y = 0
    while y + VIEWPORT_H < total_h:
        before = worker.evaluate("() => globalThis.warnlib.stats.requests")
        y += VIEWPORT_H
        page.evaluate(f"window.scrollTo(0, {y})")
        settle(page, enabled)
        steps.append(worker.evaluate("() => globalThis.warnlib.stats.requests") - before)
    result = {
        "script_s": script_seconds(cdp),
        "steps": steps,
        "checked": page.locator("[data-warnlib-level]").count(),
        "flagged": page.locator("[data-warnlib-badge]").count(),
        "measures_ms": page.evaluate(
            "() => performance.getEntriesByType('measure').filter(e => e.name.startsWith('warnlib:'))"
            ".reduce((a, e) => { a[e.name] = (a[e.name] || 0) + e.duration; return a; }, {})"
        ),
        "stats": worker.evaluate("() => ({...globalThis.warnlib.stats})"),
    }
    page.close()
    return result


def fast_scroll(ctx, worker, pause_ms: int = 50) -> dict:
    """Fling through the feed: one viewport every `pause_ms`, without waiting for answers."""
    worker.evaluate("async () => { await globalThis.warnlib.resetForTests(); }")
    page = ctx.new_page()
    page.goto("https://www.xiaohongshu.com/explore")
    settle(page, True)
    first = worker.evaluate("() => globalThis.warnlib.stats.requests")
    total_h = page.evaluate("document.documentElement.scrollHeight")
    steps = 0
    for y in range(VIEWPORT_H, total_h - VIEWPORT_H, VIEWPORT_H):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(pause_ms)
        steps += 1
    settle(page, True)
    stats = worker.evaluate("() => ({...globalThis.warnlib.stats})")
    page.close()
    return {"steps": steps, "requests": stats["requests"] - first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="warnlib-bench-"))
    api = start_api(tmp)
    site_port = serve_feed(feed_html(args.posts), tmp)
    try:
        with sync_playwright() as p:
            ctx, worker, _ = launch(p, tmp / "profile", site_port)
            worker.evaluate("(url) => chrome.storage.sync.set({serverUrl: url})", api.url)
            run_once(ctx, worker, True)  # warm-up: server's lazy loading, browser caches
            on_runs = [run_once(ctx, worker, True) for _ in range(args.runs)]
            off_runs = [run_once(ctx, worker, False) for _ in range(args.runs)]
            worker.evaluate("() => chrome.storage.sync.remove('sites')")
            flings = [fast_scroll(ctx, worker) for _ in range(args.runs)]
            ctx.close()
    finally:
        api.stop()

    per100 = [100 * sum(r["measures_ms"].values()) / r["checked"] for r in on_runs]
    pairs = zip(on_runs, off_runs, strict=True)
    cdp_extra = [100 * 1000 * (on["script_s"] - off["script_s"]) / on["checked"] for on, off in pairs]
    steps = [s for r in on_runs for s in r["steps"]]
    kinds: dict[str, list[float]] = {}
    for r in on_runs:
        for name, ms in r["measures_ms"].items():
            kinds.setdefault(name, []).append(100 * ms / r["checked"])
    last = on_runs[-1]
    print(f"feed: {args.posts} cards, {len(last['steps'])} scroll steps of {VIEWPORT_H}px; runs: {args.runs}")
    print(f"posts checked per run: {last['checked']} (flagged {last['flagged']})")
    print(f"content-script main-thread time per 100 posts: {statistics.median(per100):.1f} ms (median; target <= 50)")
    for name, values in sorted(kinds.items()):
        print(f"  {name:<18} {statistics.median(values):6.1f} ms per 100 posts")
    print(f"CDP ScriptDuration, extension on minus off, per 100 posts: {statistics.median(cdp_extra):.1f} ms")
    print(
        f"requests per scroll step: mean {statistics.mean(steps):.2f}, max {max(steps)}"
        f" ({sum(1 for s in steps if s > 1)} of {len(steps)} steps needed more than one)"
    )
    print(f"posts per request: {last['stats']['items'] / max(1, last['stats']['requests']):.1f}")
    fling = statistics.median(f["requests"] / f["steps"] for f in flings)
    print(f"fast scroll (one viewport per 50 ms, {flings[0]['steps']} viewports): {fling:.2f} requests per viewport")


if __name__ == "__main__":
    main()
