"""gunicorn settings for running the warnlib API in production.

    pip install -e ".[server]"
    gunicorn -c server/gunicorn.conf.py

Settings come from the same WARNLIB_* variables as `warnlib serve` (WARNLIB_CONFIG names a TOML
file). Each worker is a separate process with its own cache; rate-limit counters are per worker
too unless WARNLIB_RATE_LIMIT_STORAGE names a shared store (redis://...), which every worker and
every instance behind a load balancer should share. Feedback goes to one SQLite file in WAL mode,
which several workers may write concurrently.

Requests gunicorn itself refuses (malformed request line, headers over `limit_request_*`) get the
API's JSON error body instead of gunicorn's HTML page.
"""

import gc
import multiprocessing
import os

import gunicorn.util
from warnlib_server.errors import WithholdRequestDetails, gunicorn_write_error

gunicorn.util.write_error = gunicorn_write_error  # workers call util.write_error for parse errors

wsgi_app = "warnlib_server.wsgi:app"
bind = f"{os.environ.get('WARNLIB_HOST', '127.0.0.1')}:{os.environ.get('WARNLIB_PORT', '8765')}"
# Scoring is CPU-bound pure Python: one worker per core. Only `scoring_concurrency` threads of a
# worker score at once (server/limits.py); the other threads stay free for cheap requests such as
# /healthz, so a few expensive requests cannot occupy every thread.
workers = int(os.environ.get("WARNLIB_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("WARNLIB_THREADS", 8))
worker_class = "gthread"
preload_app = True  # load rule packs once, before forking
timeout = 30  # a stuck worker's heartbeat; request time is bounded by request_time_budget_s
limit_request_line = 8190  # gunicorn's defaults, stated: longer lines / headers get 400 / 431 JSON
limit_request_fields = 100
limit_request_field_size = 8190
keepalive = 5
max_requests = 10000  # recycle workers now and then
max_requests_jitter = 1000
# Request lines only (method, path, status, time); never bodies, which hold post text.
accesslog = os.environ.get("WARNLIB_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(M)sms worker=%(p)s id=%({x-request-id}o)s'
errorlog = "-"


def post_fork(server, worker):
    # The preloaded scorer (rule tables, the model's weights) is hundreds of thousands of
    # long-lived objects: keep them out of the cyclic collector's full passes, which otherwise
    # walk them all while holding the GIL, stalling every request in the worker (Python's
    # recommended use of gc.freeze for pre-forking servers).
    gc.freeze()
    # gunicorn logs refused requests with their request line, which can hold post text.
    worker.log.error_log.addFilter(WithholdRequestDetails())
