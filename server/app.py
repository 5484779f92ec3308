"""The application factory and the built-in server.

    from warnlib_server import create_app
    app = create_app({"api_keys": ["secret"], "feedback_db": "/var/lib/warnlib/feedback.sqlite3"})

`create_app` takes a `ServerConfig`, a mapping of settings, or nothing (defaults + `WARNLIB_*`).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Mapping
from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from flask_cors import CORS

import warnlib
from warnlib import Scorer, Thresholds

from .api import Service, v1
from .config import ServerConfig
from .errors import ApiError, register_error_handlers
from .feedback import FeedbackStore
from .limits import AssessmentCache, RateLimiter
from .meta import meta_v1
from .openapi import build_spec
from .schemas import build_schemas

access_log = logging.getLogger("warnlib_server.access")

meta = Blueprint("meta", __name__)


@meta.get("/healthz")
def healthz() -> dict[str, Any]:
    svc: Service = current_app.extensions["warnlib"]
    config = svc.config
    return {
        "status": "ok",
        "version": svc.scorer.version,
        "rules": len(svc.scorer.rules),
        "limits": {
            "max_text_chars": config.max_text_chars,
            "max_batch_items": config.max_batch_items,
            "max_body_bytes": config.max_body_bytes,
        },
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


def create_app(config: ServerConfig | Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app: scorer, limits, feedback store, CORS, logging and JSON errors."""
    if config is None:
        config = ServerConfig.load()
    elif not isinstance(config, ServerConfig):
        config = ServerConfig.load(**dict(config))

    app = Flask("warnlib_server")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese messages stay readable
    app.json.sort_keys = False  # type: ignore[attr-defined]

    scorer = Scorer(
        rule_paths=list(config.rules) or None,
        allow_list=config.allow_list,
        thresholds=Thresholds(high=config.high_threshold, medium=config.medium_threshold),
        max_chars=config.max_text_chars,
    )
    schemas = build_schemas(config.max_text_chars, config.max_batch_items)
    app.extensions["warnlib"] = Service(
        config=config,
        scorer=scorer,
        schemas=schemas,
        cache=AssessmentCache(config.cache_size),
        limiter=RateLimiter(config.rate_per_second, config.rate_limit_burst),
        feedback=FeedbackStore(config.feedback_db),
    )
    app.extensions["warnlib.openapi"] = build_spec(config, schemas)

    app.register_blueprint(meta)
    app.register_blueprint(v1)
    app.register_blueprint(meta_v1)
    register_error_handlers(app)
    CORS(
        app,
        resources={r"/v1/*": {}, r"/healthz": {}},
        origins=[_origin_pattern(origin) for origin in config.cors_origins],
        allow_headers=["Content-Type", "Authorization", "X-API-Key"],
        expose_headers=["X-Request-ID", "Retry-After"],
        methods=["GET", "POST", "OPTIONS"],
        max_age=600,
    )
    _install_access_log(app)
    return app


def _origin_pattern(origin: str) -> re.Pattern[str]:
    # "chrome-extension://*" matches any extension id; everything else is matched literally.
    return re.compile("^" + re.escape(origin).replace(r"\*", "[^/]*") + "$")


def _install_access_log(app: Flask) -> None:
    """One line per request: method, path, status, latency, request id. Never bodies or queries."""

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if re.fullmatch(r"[A-Za-z0-9._-]{1,64}", incoming) else uuid.uuid4().hex

    @app.after_request
    def _finish(response: Response) -> Response:
        elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        access_log.info(
            "%s %s %d %.1fms id=%s", request.method, request.path, response.status_code, elapsed_ms, request_id
        )
        return response


def serve(
    host: str | None = None,
    port: int | None = None,
    config_path: str | None = None,
) -> None:
    """Run the API with the built-in threaded server (fine for one person; use gunicorn for more).

    Prints the URL it serves on. `port=0` picks a free port and prints the real one.
    """
    from werkzeug.serving import WSGIRequestHandler, make_server

    config = ServerConfig.load(config_path, host=host, port=port)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(config)

    class _QuietHandler(WSGIRequestHandler):
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            pass  # the app's access log already has the line, with latency and request id

    server = make_server(config.host, config.port, app, threaded=True, request_handler=_QuietHandler)
    url = config.replace(port=server.server_port).url
    print(f"warnlib {warnlib.__version__} API serving on {url}  (docs: {url}/docs, Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        server.server_close()


__all__ = ["ApiError", "create_app", "serve"]
