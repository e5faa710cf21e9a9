"""gunicorn's settings for a Laurel app process: `gunicorn -c python:laurel.gunicorn_conf laurel.wsgi`.

Sync workers (Laurel is WSGI and its views are short); the worker count, address and timeouts come from the
command line or GUNICORN_CMD_ARGS. With PROMETHEUS_MULTIPROC_DIR set (one empty directory per app process), the
workers' metrics add up at /metrics (laurel/core/metrics.py): the directory is emptied at start and a dead
worker's live figures are dropped.
"""

import os
import shutil

from prometheus_client import multiprocess

worker_class = "sync"
accesslog = None  # Laurel writes one JSON line per request itself (laurel.access), with the request id
errorlog = "-"
# A worker stuck this long is killed and replaced (the proxy answers 502 for that one request).
timeout = 60
graceful_timeout = 30
# Load Laurel in the master before binding the port. Otherwise a restarted app process (killed, crashed) accepts
# connections at once and holds them until its workers have loaded Laurel: bench/cluster_chaos.py saw requests wait
# 30 s there on a loaded machine, while the proxy would have sent them to the other process. Loaded first, the
# port refuses until the process can answer, and the proxy retries elsewhere. (Nothing connects to the database
# or Redis at import, so the workers share no connection.) New code then needs a restart, not a HUP.
preload_app = True


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
