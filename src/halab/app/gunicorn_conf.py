"""gunicorn settings for `halab app serve`; the command line overrides bind and workers.

Threads let a worker keep serving /health and other requests while one request waits on a
slow database; the database driver's own timeouts (see `config`) bound that wait.
"""

import os

from halab.app.config import app_threads, app_timeout_s

bind = "127.0.0.1:8000"
workers = 2
worker_class = "gthread"
threads = app_threads(os.environ)
# The topology's worker timeout, rendered into the app's environment file.
timeout = app_timeout_s(os.environ)
graceful_timeout = 5
keepalive = 2
# Access log to stdout only when asked, because the probe sends many requests.
accesslog = "-" if os.environ.get("HALAB_ACCESS_LOG") == "1" else None
errorlog = "-"
loglevel = "info"
proc_name = "halab-app"
# gunicorn 25.1+ opens a control socket at one path per user by default; several web servers
# of the lab run as the same user on one machine, so they would fight over it.
control_socket_disable = True
