"""warnlib's HTTP API: a Flask app over the library, installed as the `warnlib_server` package.

The source folder is `server/`; it installs as `warnlib_server` so it never claims a generic
top-level name in site-packages::

    from warnlib_server import create_app, serve

    app = create_app()                     # defaults + WARNLIB_* environment variables
    app = create_app({"port": 9000, "api_keys": ["k1"]})
    serve()                                # built-in server on http://127.0.0.1:8765

Production: `gunicorn -c server/gunicorn.conf.py` (see that file).
"""

from __future__ import annotations

from .app import create_app, serve
from .config import ConfigError, ServerConfig
from .errors import ApiError
from .feedback import FeedbackRecord, FeedbackStore

__all__ = ["ApiError", "ConfigError", "FeedbackRecord", "FeedbackStore", "ServerConfig", "create_app", "serve"]
