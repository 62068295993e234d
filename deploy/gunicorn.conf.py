"""gunicorn in production, behind Caddy: `gunicorn --config deploy/gunicorn.conf.py app:app`.

`systemctl reload circles-web` (SIGHUP) replaces the workers one by one with fresh code and
config, without dropping requests. The shared values live in `circles.webserver`.
"""

import os

from circles.webserver import (
    ACCESS_LOG_FORMAT,
    GRACEFUL_TIMEOUT_SECONDS,
    KEEPALIVE_SECONDS,
    TIMEOUT_SECONDS,
    default_workers,
    post_fork,
)

# Behind Caddy there is exactly one proxy: the app trusts one hop of X-Forwarded-* headers.
# PUBLIC_URL (the https address) comes from /etc/circles/circles.env.
os.environ.setdefault("PROXY_HOPS", "1")

wsgi_app = "app:app"
# Caddy on this machine; a container listens on every interface of its own network.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = default_workers()  # WEB_CONCURRENCY, else two per core plus one
worker_class = "sync"  # Caddy buffers slow clients, so sync workers never wait on them
timeout = TIMEOUT_SECONDS
graceful_timeout = GRACEFUL_TIMEOUT_SECONDS
keepalive = KEEPALIVE_SECONDS
# Recycle workers now and then, so a slow leak never grows without bound.
# A fresh worker costs about 2 s of CPU (imports) and starts with cold caches: at 2,000 a busy
# 2-core server replaced a worker every 20 s or so. This still bounds any slow memory growth.
max_requests = 20000
max_requests_jitter = 2000
# Not preloaded: a reload (SIGHUP) must load the new code in each new worker.
preload_app = False
post_fork = post_fork  # disposes inherited database pools if preload_app is ever turned on
accesslog = "-"  # journald (or the container log) keeps both logs
errorlog = "-"
access_log_format = ACCESS_LOG_FORMAT  # the path without its query string
control_socket_disable = True
