"""Finding 8 — a reminder was lost after a kill: claimed, never sent, never retried. Now the claim
and its e-mail commit together, and a sender killed in the middle of sending leaves a lease that
runs out: the next run sends the message, once. This test kills a real process (SIGKILL) while
it waits on a mail server that never answers."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


# Long enough for a `run_jobs` start-up on a loaded machine to fall inside it.
LEASE = "15"


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # its own SQLite database
    env |= {"THIDUA_VAR_DIR": str(tmp_path), "THIDUA_OUTBOX_LEASE_SECONDS": LEASE, "THIDUA_EMAIL": "file"}
    return env | extra


def _manage(tmp_path, *args, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _row(tmp_path) -> tuple | None:
    with sqlite3.connect(tmp_path / "thidua.sqlite3") as db:
        return db.execute("select attempts, sent_at from core_outboundemail where key = 'kill-test'").fetchone()


def test_a_sender_killed_mid_send_leaves_the_message_to_the_next_run(tmp_path):
    assert _manage(tmp_path, "migrate", "-v", "0").returncode == 0
    silent = socket.socket()  # a mail server that accepts the connection and never says a word
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)
    port = silent.getsockname()[1]
    code = "from thidua.core import outbox; outbox.email_send(to=['can.bo@example.vn'], subject='Nhắc hạn', body='B', key='kill-test')"
    sender = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_env(tmp_path, THIDUA_EMAIL="smtp", THIDUA_EMAIL_HOST="127.0.0.1", THIDUA_EMAIL_PORT=str(port),
                 THIDUA_EMAIL_TLS="0", THIDUA_EMAIL_TIMEOUT="120"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while (_row(tmp_path) or (0,))[0] < 1:  # claimed: the sender is now inside the SMTP exchange
            assert time.monotonic() < deadline and sender.poll() is None
            time.sleep(0.1)
        time.sleep(0.3)
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
    finally:
        sender.kill()
        silent.close()
    assert _row(tmp_path)[1] is None  # claimed, not sent
    mails = tmp_path / "mail"
    assert _manage(tmp_path, "run_jobs").returncode == 0  # within the lease: nobody takes it over
    assert not mails.exists() or not list(mails.iterdir())
    with sqlite3.connect(tmp_path / "thidua.sqlite3") as db:  # wait for the lease to run out, no longer
        until = db.execute("select lease_until from core_outboundemail where key = 'kill-test'").fetchone()[0]
    left = (dt.datetime.fromisoformat(until).replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)).total_seconds()
    time.sleep(max(0.0, left) + 0.3)
    assert _manage(tmp_path, "run_jobs").returncode == 0  # the lease ran out: sent now
    assert _manage(tmp_path, "run_jobs").returncode == 0  # … and only once
    assert len(list(mails.iterdir())) == 1 and _row(tmp_path)[1] is not None
