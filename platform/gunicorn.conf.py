"""gunicorn settings for the RTCM web processes; everything that varies comes from the environment."""

import os
from pathlib import Path

# Bind to loopback by default: a reverse proxy (nginx, a load balancer) terminates TLS in front.
# In a container set HOST=0.0.0.0.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Peers whose X-Forwarded-Proto gunicorn believes: the reverse proxy. The platform's rate limits read the same
# variable to decide whose X-Forwarded-For they believe (TRUSTED_PROXY_COUNT, config/settings/base.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
worker_class = "sync"

# A request that takes longer than this is a bug or an attack; PDFs and exports go through Celery.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never takes the site down.
max_requests = 1000
max_requests_jitter = 100

# Heartbeat files in memory: a disk-backed /tmp can stall workers under load in containers.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - tmpfs, not a shared temp file

# Logs go to stdout/stderr for the process manager (systemd, Docker) to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()

# The control socket lives in $HOME by default: two instances on one host would fight over it.
control_socket_disable = True
