"""What the HTTP benchmarks share (burst.py, pages.py, flood.py): a free port, a throw-away
PostgreSQL database, a signed-in session, a gunicorn server of the repository's own config.
No Django at import: each script sets its environment first."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_postgres(url: str, prefix: str) -> tuple[str, Callable[[], None]]:
    """A new empty database next to `url`'s (same server), and how to drop it afterwards."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}")), drop


def signed_in_session(user) -> str:
    """A session key for `user`, as if they had signed in (django-axes only guards the sign-in form,
    so the session names the model backend)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    # Through the configured engine, as a sign-in does (cached_db: in Redis and in the database).
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def gunicorn(env: dict, port: int, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn with gunicorn.conf.py (as `make serve`), without an access log."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "thidua.wsgi", "-c", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--access-logfile", "/dev/null"]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
