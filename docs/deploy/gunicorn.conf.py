"""gunicorn settings for 动迁登记跟踪 (docs/deploy.md).

    gunicorn -c /etc/dongqian/gunicorn.conf.py 'wsgi:create_app()'

The benchmarks (bench/) and the scale-out test (tests/test_scaleout.py) run with this
very file, so what is measured is what is deployed. Command-line flags override it.
"""

import multiprocessing
import os

# nginx in front on the same host; listen on loopback only.
bind = os.environ.get("DONGQIAN_BIND", "127.0.0.1:8000")

# Sync workers: each request is short CPU work plus a few indexed queries, and nginx
# buffers slow phone connections, so a worker is never held by a slow client.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = 30
graceful_timeout = 30

# Trust X-Forwarded-Proto only from the local proxy (see DONGQIAN_PROXY_FIX_X_FOR for
# the client address the app records).
forwarded_allow_ips = os.environ.get("DONGQIAN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# nginx keeps the access log; gunicorn logs errors to stderr (journald under systemd).
accesslog = None
errorlog = "-"
loglevel = "info"

# No max_requests: the memory benchmark shows no growth per request (docs/benchmarks.md).
