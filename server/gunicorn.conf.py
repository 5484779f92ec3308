"""gunicorn settings for running the warnlib API in production.

    pip install -e ".[server]"
    gunicorn -c server/gunicorn.conf.py

Settings come from the same WARNLIB_* variables as `warnlib serve` (WARNLIB_CONFIG names a TOML
file). Each worker is a separate process with its own cache and rate-limit buckets; feedback goes
to one SQLite file in WAL mode, which several workers may write concurrently.
"""

import multiprocessing
import os

wsgi_app = "warnlib_server.wsgi:app"
bind = f"{os.environ.get('WARNLIB_HOST', '127.0.0.1')}:{os.environ.get('WARNLIB_PORT', '8765')}"
# Scoring is CPU-bound pure Python: one worker per core, a few threads each to overlap I/O.
workers = int(os.environ.get("WARNLIB_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("WARNLIB_THREADS", 2))
worker_class = "gthread"
preload_app = True  # load rule packs once, before forking
timeout = 30
keepalive = 5
max_requests = 10000  # recycle workers now and then
max_requests_jitter = 1000
# Request lines only (method, path, status, time); never bodies, which hold post text.
accesslog = os.environ.get("WARNLIB_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(M)sms id=%({x-request-id}o)s'
errorlog = "-"
