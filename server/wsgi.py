"""WSGI entry point for gunicorn and other servers: `warnlib_server.wsgi:app`."""

from .app import create_app

app = create_app()
