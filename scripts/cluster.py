"""`make cluster` / `make cluster-stop`: the production topology on one machine, supervised.

Caddy (TLS on 127.0.0.1:8443 with its internal CA) -> two gunicorn app processes (sync workers) on PostgreSQL
(database `laurel_cluster`) and the cluster's own Redis (127.0.0.1:6380, so that restarting it disturbs no one
else), two task workers, the scheduler. supervisord (from the lock file) starts them and restarts any that dies;
`stop` shuts supervisord down, which stops exactly the processes it started. Everything lives in var/cluster/.
docs/deploy.md gives the same topology across machines.

Usage: .venv/bin/python scripts/cluster.py start|stop|status
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "var" / "cluster"
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable
DATABASE = os.environ.get("CLUSTER_DATABASE", "laurel_cluster")
PGHOST = os.environ.get("PGHOST", "127.0.0.1")
PGUSER = os.environ.get("PGUSER", "postgres")
REDIS_PORT = int(os.environ.get("CLUSTER_REDIS_PORT", "6380"))
APP_PORTS = [8101, 8102]
HTTPS_PORT = 8443
APP_WORKERS = int(os.environ.get("CLUSTER_APP_WORKERS", "3"))
# The WSGI application the app processes serve; bench/cluster_chaos.py serves Laurel plus a bare hello-world view.
APP_MODULE = os.environ.get("CLUSTER_APP_MODULE", "laurel.wsgi")
HTTP_PORT = 8480
SITE = f"https://127.0.0.1:{HTTPS_PORT}"
SUPERVISOR_CONF = HERE / "supervisord.conf"
SOCKET = HERE / "supervisor.sock"
PIDFILE = HERE / "supervisord.pid"


def secret_key() -> str:
    path = HERE / "secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def laurel_env() -> dict:
    """The environment every Laurel process of the cluster shares (what docs/deploy.md puts in /etc/laurel/env)."""
    return {
        "LAUREL_SECRET_KEY": secret_key(),
        "LAUREL_DATABASE_URL": f"postgres://{PGUSER}@{PGHOST}:5432/{DATABASE}",
        "LAUREL_DATABASE_POOL_SIZE": "4",
        "LAUREL_CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "LAUREL_TRUSTED_PROXIES": "1",
        "LAUREL_SITE_URL": SITE,
        "LAUREL_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LAUREL_CSRF_TRUSTED_ORIGINS": f"{SITE},https://localhost:{HTTPS_PORT}",
        "LAUREL_DATA_DIR": str(HERE / "data"),
        "LAUREL_SIGNING_KEY_FILE": str(HERE / "data" / "signing-key.pem"),
        "LAUREL_ASSOCIATION_NAME": "云州市科学技术协会",
        # As in `make demo`: staff log in without TOTP so the cluster can be clicked through; say 1 in production.
        "LAUREL_REQUIRE_2FA": os.environ.get("CLUSTER_REQUIRE_2FA", "0"),
        "LAUREL_LOG_LEVEL": "WARNING",
        "LAUREL_SCHEDULE_EVERY": os.environ.get("CLUSTER_SCHEDULE_EVERY", ""),
        "LAUREL_WORKER_DEAD_AFTER": os.environ.get("CLUSTER_WORKER_DEAD_AFTER", ""),
    }


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def manage(*arguments: str, capture=False) -> str:
    env = {**os.environ, **{key: value for key, value in laurel_env().items() if value != ""}}
    completed = run([PYTHON, "manage.py", *arguments], env=env, capture_output=capture, text=True)
    return completed.stdout if capture else ""


def prepare_database() -> bool:
    """Create the cluster's database if missing; True when it was created (then the demo is loaded)."""
    exists = subprocess.run(
        [
            "psql",
            "-h",
            PGHOST,
            "-U",
            PGUSER,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists == "1":
        return False
    run(["createdb", "-h", PGHOST, "-U", PGUSER, DATABASE])
    return True


def caddyfile() -> str:
    upstreams = " ".join(f"127.0.0.1:{port}" for port in APP_PORTS)
    media = HERE / "data" / "media" / "public"
    return f"""{{
	admin off
	skip_install_trust
	auto_https disable_redirects
	http_port {HTTP_PORT}
	https_port {HTTPS_PORT}
	storage file_system {HERE / "caddy"}
	log {{
		output file {HERE / "logs" / "caddy.log"}
		format json
	}}
}}

https://127.0.0.1:{HTTPS_PORT}, https://localhost:{HTTPS_PORT} {{
	tls internal
	# Metrics are for the scraper, which asks the app processes directly; never through the proxy.
	@metrics path /metrics
	respond @metrics 404
	# The public media area only, never /media/ or private/ (Laurel serves private files after a permission check).
	handle_path /media/public/* {{
		root * {media}
		header X-Content-Type-Options nosniff
		header Content-Security-Policy sandbox
		file_server
	}}
	request_body {{
		max_size 60MB
	}}
	reverse_proxy {upstreams} {{
		lb_policy round_robin
		# A request that could not reach one app process (dead, restarting) goes to the other within 5 s, and the
		# process that refused a connection is left out for 10 s. No active /healthz check: it waits behind the
		# busy sync workers, and under a burst its timeouts took both processes out at once (503 for everyone).
		lb_try_duration 5s
		fail_duration 10s
		header_up X-Request-ID {{http.request.uuid}}
	}}
	log {{
		output file {HERE / "logs" / "access.log"}
		format json
	}}
}}
"""


def program(name: str, command: str, *, env: dict | None = None, stop_signal: str = "TERM") -> str:
    environment = ",".join(f'{key}="{value}"' for key, value in (env or {}).items() if value != "")
    lines = [
        f"[program:{name}]",
        f"command={command}",
        f"directory={ROOT}",
        "autostart=true",
        "autorestart=true",
        "startsecs=2",
        "startretries=100",
        f"stopsignal={stop_signal}",
        "stopwaitsecs=20",
        "stopasgroup=true",
        "killasgroup=true",
        f"stdout_logfile={HERE / 'logs' / f'{name}.log'}",
        "redirect_stderr=true",
        "stdout_logfile_maxbytes=20MB",
    ]
    if environment:
        lines.append(f"environment={environment}")
    return "\n".join(lines) + "\n"


def supervisor_conf() -> str:
    env = laurel_env()
    python = PYTHON
    parts = [
        "[unix_http_server]",
        f"file={SOCKET}",
        "chmod=0700",
        "",
        "[supervisord]",
        f"logfile={HERE / 'logs' / 'supervisord.log'}",
        f"pidfile={PIDFILE}",
        f"childlogdir={HERE / 'logs'}",
        "nodaemon=false",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{SOCKET}",
        "",
        program(
            "redis",
            f"{shutil.which('redis-server')} --port {REDIS_PORT} --bind 127.0.0.1 --save '' --appendonly no "
            f"--dir {HERE / 'redis'}",
        ),
        program("caddy", f"{shutil.which('caddy')} run --config {HERE / 'Caddyfile'} --adapter caddyfile",
                env={"HOME": str(HERE / "caddy"), "XDG_DATA_HOME": str(HERE / "caddy"),
                     "XDG_CONFIG_HOME": str(HERE / "caddy")}),
    ]  # fmt: skip
    for index, port in enumerate(APP_PORTS, start=1):
        metrics = HERE / "metrics" / f"app{index}"
        parts.append(
            program(
                f"app{index}",
                f"{VENV_BIN / 'gunicorn'} -c python:laurel.gunicorn_conf --workers {APP_WORKERS} --no-control-socket "
                f"--bind 127.0.0.1:{port} {APP_MODULE}",
                env={**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)},
            )
        )
    for index in (1, 2):
        parts.append(program(f"worker{index}", f"{python} manage.py worker --queue-name '*' --no-reload", env=env))
    parts.append(program("scheduler", f"{python} manage.py scheduler", env=env))
    return "\n".join(parts)


def supervisorctl(*arguments: str, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "supervisorctl"), "-c", str(SUPERVISOR_CONF), *arguments],
        check=check,
        capture_output=True,
        text=True,
    )


def running_pid() -> int | None:
    try:
        pid = int(PIDFILE.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None


def wait_ready(timeout: float = 240) -> None:
    import ssl

    root = HERE / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            if root.exists():
                context = ssl.create_default_context(cafile=str(root))
                with urllib.request.urlopen(f"{SITE}/readyz", context=context, timeout=10) as response:
                    if response.status == 200:
                        return
        except Exception as error:  # not yet: the proxy, an app process or a worker is still starting
            last = str(error)
        time.sleep(1)
    raise SystemExit(f"the cluster did not become ready within {timeout:.0f} s ({last}); see {HERE / 'logs'}")


def busy_ports() -> list[int]:
    """The cluster's fixed ports that something else (another worktree's cluster, say) already listens on."""
    busy = []
    for port in (HTTPS_PORT, HTTP_PORT, REDIS_PORT, *APP_PORTS):
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(port)
    return busy


def start() -> None:
    if running_pid():
        print(f"The cluster is already running (supervisord {running_pid()}); `make cluster-stop` stops it.")
        return
    busy = busy_ports()
    if busy:
        # Started anyway, supervisord would restart the processes that cannot bind for ever.
        raise SystemExit(f"ports {', '.join(map(str, busy))} on 127.0.0.1 are taken (another cluster?); not starting")
    for folder in ("logs", "caddy", "redis", "data", "metrics"):
        (HERE / folder).mkdir(parents=True, exist_ok=True)
    created = prepare_database()
    manage("migrate", "--verbosity", "0")
    manage("createcachetable")
    manage("collectstatic", "--noinput", "--verbosity", "0")
    if created:
        print("Loading the demo association into the new cluster database ...")
        logins = manage("seed_demo", capture=True)
        (HERE / "logins.txt").write_text(logins)
    (HERE / "Caddyfile").write_text(caddyfile())
    SUPERVISOR_CONF.write_text(supervisor_conf())
    run([str(VENV_BIN / "supervisord"), "-c", str(SUPERVISOR_CONF)])
    wait_ready()
    ca = HERE / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    print(supervisorctl("status", check=False).stdout)
    print(f"Laurel's cluster is serving at {SITE}/ (Caddy's internal CA: {ca}).")
    print(f"  app processes: {', '.join(f'127.0.0.1:{port}' for port in APP_PORTS)} (metrics: /metrics there)")
    print(f"  PostgreSQL database {DATABASE}; Redis 127.0.0.1:{REDIS_PORT}; logs in {HERE / 'logs'}")
    if (HERE / "logins.txt").exists():
        print(f"  demo logins: {HERE / 'logins.txt'}")
    print("  `make cluster-stop` stops it.")


def stop() -> None:
    pid = running_pid()
    if pid is None:
        print("The cluster is not running.")
        return
    supervisorctl("shutdown", check=False)
    deadline = time.monotonic() + 60
    while running_pid() and time.monotonic() < deadline:
        time.sleep(0.5)
    if running_pid():
        raise SystemExit(f"supervisord {pid} did not stop within 60 s")
    print("The cluster has stopped (every process it started).")


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "start"
    if action == "start":
        start()
    elif action == "stop":
        stop()
    elif action == "status":
        print(supervisorctl("status", check=False).stdout if running_pid() else "The cluster is not running.")
    else:
        raise SystemExit(__doc__)
