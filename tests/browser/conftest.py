"""Real-browser fixtures: Debian's chromium with the unpacked extension, the real API, and
HTTPS fixture pages that stand in for the supported sites.

The sites' hostnames are mapped to a local HTTPS server with Chromium's --host-resolver-rules, so
the browser visits https://www.xiaohongshu.com/explore and the manifest's real match patterns
apply unchanged. (HTTPS because some of these hosts are HSTS-preloaded; the fixture server uses a
throwaway self-signed certificate and the browser is told to accept it.) The API is not remapped:
it runs on 127.0.0.1 on a free port.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import free_port

REPO = Path(__file__).resolve().parents[2]
# WARNLIB_EXTENSION_DIR runs the browser tests against another copy of the extension (to show a
# regression test fails on older code).
EXTENSION = Path(os.environ.get("WARNLIB_EXTENSION_DIR") or REPO / "extension")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "artifacts"
CHROMIUM = Path(os.environ.get("WARNLIB_CHROMIUM", "/usr/bin/chromium"))

# Which fixture page each mapped host serves, by path prefix (first match wins).
SITE_ROUTES: dict[str, list[tuple[str, str]]] = {
    "www.xiaohongshu.com": [
        ("/explore/", "xiaohongshu/note.html"),
        ("/search_result", "xiaohongshu/bare.html"),
        ("/unknown-layout", "xiaohongshu/unknown-layout.html"),
        ("/", "xiaohongshu/explore.html"),
    ],
    "weibo.com": [("/7654321/", "weibo/detail.html"), ("/", "weibo/feed.html")],
    "x.com": [
        ("/i/article/", "x/article.html"),
        ("/coach/status/", "x/article.html"),
        ("/broken", "x/surrogate.html"),
        ("/", "x/home.html"),
    ],
    "www.reddit.com": [
        ("/r/CryptoCurrency/comments/", "reddit/comments.html"),
        ("/r/personalfinance/comments/", "reddit/redesign-2019.html"),
        ("/r/empty/", "reddit/empty-posts.html"),
        ("/", "reddit/feed.html"),
    ],
    "old.reddit.com": [("/r/CryptoCurrency/comments/", "reddit/old-comments.html"), ("/", "reddit/old.html")],
}

# A rule pack whose message is an HTML payload: the overlay must show it as text.
XSS_RULES = """\
[pack]
name = "xss-test"
version = "1"
description = "test: an API message that is HTML"

[[rules]]
id = "xss.test"
category = "contact_diversion"
weight = 3.0
messages.zh = "<img src=x onerror=\\"window.__warnlibXss=1\\">注意<b>粗</b>"
messages.en = "<img src=x onerror=\\"window.__warnlibXss=1\\">note<b>bold</b>"
phrases = ["zzscamword"]
examples.match = ["zzscamword"]
examples.no_match = ["hello"]
"""
XSS_MESSAGE_ZH = '<img src=x onerror="window.__warnlibXss=1">注意<b>粗</b>'


def require_chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    message = f"chromium not found at {CHROMIUM} (apt-get install chromium, or set WARNLIB_CHROMIUM)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


# ---------- the API ----------


@dataclass
class ApiServer:
    url: str
    db: Path
    process: subprocess.Popen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def feedback_rows(self) -> list[dict]:
        import sqlite3

        if not self.db.exists():
            return []
        with contextlib.closing(sqlite3.connect(self.db)) as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute("SELECT * FROM feedback ORDER BY id")]


def start_api(
    tmp: Path, *, rules: Path | None = None, api_keys: str = "", settings: dict[str, str] | None = None
) -> ApiServer:
    """Start the real API (`python -m warnlib_server`) on a free port and wait for /healthz.

    `settings` are more WARNLIB_* variables, e.g. {"WARNLIB_MAX_TEXT_CHARS": "50"}."""
    port = free_port()
    db = tmp / "feedback.sqlite3"
    env = {**os.environ, "WARNLIB_FEEDBACK_DB": str(db), "PYTHONUNBUFFERED": "1", "WARNLIB_API_KEYS": api_keys}
    env.update(settings or {})
    env.pop("WARNLIB_CONFIG", None)
    if rules is not None:
        env["WARNLIB_RULES"] = str(rules)
    log = (tmp / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "warnlib_server", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"API exited early:\n{(tmp / 'server.log').read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as response:
                if response.status == 200:
                    return ApiServer(url, db, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"API did not answer /healthz in 30 s:\n{(tmp / 'server.log').read_text(errors='replace')}")


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiServer]:
    require_chromium()  # no point starting anything without a browser
    tmp = tmp_path_factory.mktemp("api")
    rules = tmp / "xss-test.toml"
    rules.write_text(XSS_RULES, encoding="utf-8")
    server = start_api(tmp, rules=rules)
    yield server
    server.stop()


def api_meta(server: ApiServer) -> dict:
    import json

    with urllib.request.urlopen(server.url + "/v1/meta", timeout=5) as response:
        return json.loads(response.read())


# ---------- the sites ----------


class _SiteHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        path = self.path.split("?")[0]
        for prefix, page in SITE_ROUTES.get(host, []):
            if path.startswith(prefix):
                body = (FIXTURES / page).read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                return
        self.send_error(404)


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    """A throwaway certificate for the fixture server (the browser is told to accept it)."""
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    openssl = shutil.which("openssl")
    if openssl:
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=warnlib-fixtures",
             "-keyout", str(key), "-out", str(cert)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        return cert, key
    try:
        _self_signed_with_cryptography(cert, key)
    except ImportError:
        message = "need the openssl command or the cryptography package for the fixture server's certificate"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return cert, key


def _self_signed_with_cryptography(cert: Path, key: Path) -> None:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "warnlib-fixtures")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """HTTPS server for the fixture pages; yields its port."""
    require_chromium()
    cert, key = _self_signed(tmp_path_factory.mktemp("tls"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SiteHandler, directory=str(FIXTURES)))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


# ---------- the browser ----------


@dataclass
class Browser:
    context: object  # playwright BrowserContext
    worker: object  # the extension's service worker
    extension_id: str

    def page_url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path}"

    def settings(self, **values) -> None:
        """Write extension settings (as the options page would) and wait until stored."""
        self.worker.evaluate("(v) => chrome.storage.sync.set(v)", values)

    def reset(self, api_url: str) -> None:
        self.worker.evaluate(
            """async (url) => {
                await chrome.storage.sync.clear();
                await chrome.storage.sync.set({serverUrl: url});
                await globalThis.warnlib.resetForTests();  // caches, counters, session storage
            }""",
            api_url,
        )

    def stats(self) -> dict:
        return self.worker.evaluate("() => ({...globalThis.warnlib.stats})")


def launch(playwright, user_data: Path, site_port: int, *, locale: str = "zh-CN"):
    hosts = ", ".join(f"MAP {host} 127.0.0.1:{site_port}" for host in SITE_ROUTES)
    context = playwright.chromium.launch_persistent_context(
        str(user_data),
        executable_path=str(require_chromium()),
        headless=True,
        locale=locale,
        viewport={"width": 1280, "height": 800},
        ignore_https_errors=True,
        args=[
            f"--disable-extensions-except={EXTENSION}",
            f"--load-extension={EXTENSION}",
            "--no-sandbox",
            f"--lang={locale}",  # the UI language chrome.i18n follows
            "--ignore-certificate-errors",
            f"--host-resolver-rules={hosts}",
        ],
        ignore_default_args=["--disable-extensions"],
    )
    worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
    extension_id = worker.url.split("/")[2]
    return context, worker, extension_id


@pytest.fixture(scope="session")
def playwright_instance():
    require_chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="Python Playwright is not installed")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, sites: int, api: ApiServer, tmp_path_factory) -> Iterator[Browser]:
    context, worker, extension_id = launch(playwright_instance, tmp_path_factory.mktemp("profile"), sites)
    b = Browser(context, worker, extension_id)
    b.reset(api.url)
    yield b
    context.close()


@pytest.fixture
def ext(browser: Browser, api: ApiServer) -> Iterator[Browser]:
    """The shared browser with default settings pointed at the test API, and no open pages after."""
    browser.reset(api.url)
    yield browser
    for page in list(browser.context.pages):
        with contextlib.suppress(Exception):
            page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# ---------- what the extension should say ----------

LOCALES_DIR = EXTENSION / "_locales"
MAX_REASONS = 4  # extension/lib/reasons.js


@functools.cache
def messages(ui_language: str = "zh_CN") -> dict[str, str]:
    """The extension's UI strings for `ui_language` ('zh_CN' or 'en')."""
    import json

    raw = json.loads((LOCALES_DIR / ui_language / "messages.json").read_text(encoding="utf-8"))
    return {key: value["message"] for key, value in raw.items()}


def expected_reasons(assessment, ui_language: str = "zh_CN") -> list[str]:
    """The reasons the extension shows for an assessment: one plain sentence per category that
    fired (background categories left out), strongest category first, at most MAX_REASONS."""
    import warnlib

    background = set(warnlib.Scorer().combine_config.background_categories)
    weights: dict[str, float] = {}
    for signal in assessment.signals:
        if signal.category not in background:
            weights[signal.category] = weights.get(signal.category, 0.0) + signal.weight
    ranked = sorted(weights, key=lambda c: (-assessment.categories.get(c, 0.0), -weights[c]))
    t = messages(ui_language)
    return [t[f"reason_{c}"] for c in ranked[:MAX_REASONS]]
