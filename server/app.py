"""The application factory and the built-in server.

    from warnlib_server import create_app
    app = create_app({"api_keys": ["secret"], "feedback_db": "/var/lib/warnlib/feedback.sqlite3"})

`create_app` takes a `ServerConfig`, a mapping of settings, or nothing (defaults + `WARNLIB_*`).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import PathConverter
from werkzeug.serving import WSGIRequestHandler

import warnlib
from warnlib import Scorer, Thresholds

from .api import ApiRequest, Service, current_request, service, v1
from .config import ServerConfig
from .errors import ApiError, register_error_handlers, wsgi_server_error_body
from .feedback import FeedbackStore
from .limits import AssessmentCache, ScoringGate
from .meta import meta_v1
from .openapi import build_spec
from .ratelimit import init_rate_limits, storage_health
from .schemas import build_schemas

access_log = logging.getLogger("warnlib_server.access")

meta = Blueprint("meta", __name__)


class _AnyPath(PathConverter):
    """Like `path`, but also matches '' and leading or doubled slashes (for the /v1 catch-all)."""

    regex = ".*"
    part_isolating = False


@meta.get("/healthz")
def healthz() -> dict[str, Any]:
    """Scoring answers whenever this does; `status` is "degraded" when another part cannot work.

    Stays 200 when degraded: scoring still works, so a load balancer should keep sending traffic;
    monitors read `status` and `checks`.
    """
    svc = service()
    feedback_problem = svc.feedback.health()
    checks = {
        "scoring": "ok",
        "feedback": "ok" if feedback_problem is None else f"cannot store: {feedback_problem}",
        "rate_limit_storage": storage_health(current_app.extensions.get("warnlib.limiter")),
    }
    degraded = any(value not in ("ok", "off") for value in checks.values())
    return {
        "status": "degraded" if degraded else "ok",
        "checks": checks,
        "version": svc.scorer.version,
        "rules": len(svc.scorer.rules),
        "limits": svc.limits.published,
    }


@meta.get("/openapi.json")
def openapi() -> dict[str, Any]:
    return current_app.extensions["warnlib.openapi"]


@meta.get("/")
@meta.get("/docs")
def docs() -> Response:
    # A self-contained page (no CDN): it renders /openapi.json with a few lines of script.
    page = resources.files("warnlib_server").joinpath("docs.html").read_text(encoding="utf-8")
    return Response(page, mimetype="text/html")


class _JSONProvider(DefaultJSONProvider):
    """Flask's JSON, with one encoder built up front for the compact answers it sends.

    `json.dumps` with options builds a new `JSONEncoder` per call; the output is the same.
    """

    ensure_ascii = False  # Chinese messages stay readable
    sort_keys = False

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self._compact = json.JSONEncoder(
            ensure_ascii=self.ensure_ascii, sort_keys=self.sort_keys, separators=(",", ":"), default=self.default
        )

    def response(self, *args: Any, **kwargs: Any) -> Response:
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)  # indented
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(f"{self._compact.encode(obj)}\n", mimetype=self.mimetype)


class _App(Flask):
    """Flask, remembering `ensure_sync`'s answer for each function.

    Flask asks it about every hook and the view on every request (nine times per /v1/score), and
    each answer walks `inspect.iscoroutinefunction` (about six calls); a function's kind never
    changes. Coroutine functions, which no hook or view here is, get Flask's answer each time.
    """

    json_provider_class = _JSONProvider

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        self._sync_functions: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        known = self._sync_functions.get(func)
        if known is not None:
            return known
        synced = super().ensure_sync(func)
        if synced is func and len(self._sync_functions) < 1024:  # hooks, views, error handlers
            self._sync_functions[func] = func
        return synced


def create_app(config: ServerConfig | Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app: scorer, limits, feedback store, CORS, logging and JSON errors."""
    if config is None:
        config = ServerConfig.load()
    elif not isinstance(config, ServerConfig):
        config = ServerConfig.load(**dict(config))

    app = _App("warnlib_server")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    # Paths match exactly: no 308 redirects (HTML, and they would resend bodies) for '//' or a
    # trailing slash; such paths are 404s like any other unknown path.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.url_map.converters["anything"] = _AnyPath

    scorer = Scorer(
        rule_paths=list(config.rules) or None,
        allow_list=config.allow_list,
        thresholds=Thresholds(high=config.high_threshold, medium=config.medium_threshold),
        max_chars=config.max_text_chars,
    )
    schemas = build_schemas(config.max_text_chars, config.max_batch_items)
    svc = Service(
        config=config,
        limits=config.limits,
        scorer=scorer,
        schemas=schemas,
        cache=AssessmentCache(config.cache_size),
        gate=ScoringGate(config.scoring_concurrency, config.request_time_budget_s),
        feedback=FeedbackStore(config.feedback_db),
    )
    app.extensions["warnlib"] = svc
    # Requests carry the app's Service as a class attribute (see ApiRequest).
    app.request_class = type("ApiRequest", (ApiRequest,), {"service": svc})
    app.extensions["warnlib.openapi"] = build_spec(config, schemas)

    _install_access_log(app)  # first, so its clock also covers the rate limiter
    app.extensions["warnlib.limiter"] = init_rate_limits(app, config)
    app.register_blueprint(meta)
    app.register_blueprint(v1)
    app.register_blueprint(meta_v1)
    register_error_handlers(app)
    CORS(
        app,
        # /v1, everything under it, and /healthz. One pattern: flask-cors tries resources in turn
        # on every response, and guessing whether a plain string is a regex costs a dozen calls.
        # (flask-cors matches from the start of the path, so "/v1" also covers "/v1/...".)
        resources={_CORS_PATHS: {}},
        origins="*" if "*" in config.cors_origins else [_origin_pattern(o) for o in config.cors_origins],
        allow_headers=["Content-Type", "Authorization", "X-API-Key"],
        expose_headers=[
            "X-Request-ID",
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
        ],
        methods=["GET", "POST", "OPTIONS"],
        max_age=600,
    )
    if config.trusted_proxy_hops:
        # Only as many X-Forwarded-* entries as there are proxies we run are believed; the
        # client could have written any before them.
        hops = config.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app


_CORS_PATHS = re.compile(r"/v1|/healthz\Z")


def _origin_pattern(origin: str) -> re.Pattern[str]:
    # "chrome-extension://*" matches any extension id; everything else is matched literally.
    return re.compile("^" + re.escape(origin).replace(r"\*", "[^/]*") + "$")


def _install_access_log(app: Flask) -> None:
    """One line per request: method, path, status, latency, request id. Never bodies or queries."""

    @app.before_request
    def _start() -> None:
        req = current_request()
        req.started = time.perf_counter()
        # The header as `request.headers` reads it, straight from the environ.
        incoming = req.environ.get("HTTP_X_REQUEST_ID", "")
        req.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex

    @app.after_request
    def _finish(response: Response) -> Response:
        req = current_request()
        request_id = req.request_id or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        if response.status_code == 413:
            # The rest of an oversized body was never read: the connection cannot carry another request.
            response.headers["Connection"] = "close"
        if access_log.isEnabledFor(logging.INFO):  # the line's parts only when it is written
            started = req.started if req.started is not None else time.perf_counter()
            elapsed_ms = (time.perf_counter() - started) * 1000
            access_log.info("%s %s %d %.1fms id=%s", req.method, req.path, response.status_code, elapsed_ms, request_id)
        return response


_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class JsonErrorRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler for `warnlib serve`: JSON refusals, no duplicate log lines."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # the app's access log already has the line, with latency and request id

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server refuses malformed request lines and oversized headers itself, with an
        # HTML page; answer in the API's JSON shape instead (any 5xx of the parser, such as
        # 505 for 'HTTP/2.0', is the client's request: 400).
        status = code if 400 <= code < 500 else 400
        body = wsgi_server_error_body(status)
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # the line did not parse: still send headers
            self.request_version = "HTTP/1.0"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve(
    host: str | None = None,
    port: int | None = None,
    config_path: str | None = None,
) -> None:
    """Run the API with the built-in threaded server (fine for one person; use gunicorn for more).

    Prints the URL it serves on. `port=0` picks a free port and prints the real one.
    """
    from werkzeug.serving import make_server

    config = ServerConfig.load(config_path, host=host, port=port)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(config)

    server = make_server(config.host, config.port, app, threaded=True, request_handler=JsonErrorRequestHandler)
    url = config.replace(port=server.server_port).url
    print(f"warnlib {warnlib.__version__} API serving on {url}  (docs: {url}/docs, Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()


__all__ = ["ApiError", "JsonErrorRequestHandler", "create_app", "serve"]
