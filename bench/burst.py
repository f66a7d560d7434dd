"""The deadline burst: every unit uploads its document in the last minutes before 11:00.

    .venv/bin/python bench/burst.py --units 2000 --size 1048576                 # capacity (as fast as it goes)
    .venv/bin/python bench/burst.py --units 2000 --size 1048576 --rate 50       # a steady 50 uploads a second
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/burst.py ...
    .venv/bin/python bench/burst.py --units 200 --url http://127.0.0.1:8000 --sessions FILE   # a running site

Without --url it starts its own server: gunicorn (gunicorn.conf.py, --workers) on a temporary
database (a fresh PostgreSQL database created next to DATABASE_URL's, dropped afterwards; or a
temporary SQLite file) and a temporary file store, with N units, one officer each, signed in, and
a published campaign whose report every unit must send. Each unit then posts one PDF of --size
bytes (unique content per unit) through the real upload form over HTTP, from --concurrency client
threads. A submission is *acknowledged* when the server answers with the redirect to its receipt;
afterwards every acknowledged receipt is checked against the database and the stored file: same
unit, same SHA-256 as the bytes sent, the file present on disk with those bytes. Anything missing
is *lost*. The last line is JSON: throughput, p50_ms, p99_ms, acknowledged, lost, refused, errors.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from serving import free_port, fresh_postgres, gunicorn, signed_in_session

ROOT = Path(__file__).resolve().parent.parent
SLUG = "burst"
MILESTONE = "BC"
BOUNDARY = "----thidua-burst-boundary"


# --- the server's side: data set-up and verification (run in a child with the server's env) ------


def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    import django

    django.setup()


def setup(units: int) -> list[dict]:
    """N units under one city union, an officer each with a signed-in session, one published
    campaign with a report every unit must send, due tomorrow."""
    _django()
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from thidua.campaigns.models import Campaign, Milestone
    from thidua.core import timeutils
    from thidua.units.models import Role, RoleAssignment, Unit
    from thidua.units.services import UnitSpec, units_bulk_create

    call_command("migrate", verbosity=0)
    specs = [UnitSpec(code="TD", parent_code=None, name="Thành Đoàn", kind="city")]
    specs += [
        UnitSpec(code=f"U{i:05d}", parent_code="TD", name=f"Đơn vị thử tải {i}", kind="grassroots")
        for i in range(units)
    ]
    units_bulk_create(actor=None, specs=specs, audit=False)
    root = Unit.objects.get(code="TD")
    campaign = Campaign.objects.create(
        slug=SLUG, status=Campaign.Status.PUBLISHED, title="Thử tải hạn nộp", issuer_unit=root, coordinator_unit=root
    )
    Milestone.objects.create(
        campaign=campaign,
        code=MILESTONE,
        kind=Milestone.Kind.MIDTERM,
        title="Báo cáo sơ kết",
        deadline=timeutils.now() + dt.timedelta(days=1),
        scope_groups=["grassroots"],
    )
    User = get_user_model()
    # Signed in by session below; no password (hashing 2,000 would dominate the set-up).
    User.objects.bulk_create(
        [User(username=f"burst{i:05d}", email=f"u{i:05d}@example.org", password="!") for i in range(units)]
    )
    by_code = {u.code: u for u in Unit.objects.filter(code__startswith="U")}
    users = list(User.objects.filter(username__startswith="burst").order_by("username"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, unit=by_code[f"U{i:05d}"], role=Role.OFFICER) for i, u in enumerate(users)]
    )
    clients = [
        {"unit": f"U{i:05d}", "session": signed_in_session(user), "csrf": secrets.token_hex(16)}
        for i, user in enumerate(users)
    ]
    return clients


def verify(expected: dict[str, str]) -> dict:
    """expected: receipt number → SHA-256 sent. Counts receipts whose submission, file row and
    bytes on disk all match."""
    _django()
    from thidua.core import files
    from thidua.submissions.models import SubmissionFile

    rows = {
        f.submission.receipt_number: f
        for f in SubmissionFile.objects.filter(submission__receipt_number__in=list(expected)).select_related(
            "submission", "stored"
        )
    }
    lost = []
    for number, sha in expected.items():
        row = rows.get(number)
        path = files.path_for(sha)
        if row is None or row.stored.sha256 != sha or not path.exists():
            lost.append(number)
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            lost.append(number)
    return {"checked": len(expected), "lost": lost}


def pending() -> dict:
    """E-mails not sent yet (the receipts the worker still owes)."""
    _django()
    from thidua.core.models import OutboundEmail

    return {"pending": OutboundEmail.objects.filter(sent_at__isnull=True).count()}


# --- the client's side -------------------------------------------------------------------------


def pdf_bytes(unit: str, size: int, block: bytes) -> bytes:
    head = f"%PDF-1.4\n% thidua burst {unit}\n".encode()
    tail = b"\n%%EOF\n"
    body = (block * (size // len(block) + 1))[: max(0, size - len(head) - len(tail))]
    return head + body + tail


def multipart(unit: str, data: bytes, csrf: str) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'.encode(),
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nthử tải\r\n'.encode(),
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="bao-cao-{unit}.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + b"\r\n",
        f"--{BOUNDARY}--\r\n".encode(),
    ]
    return b"".join(parts)


class Client:
    """One keep-alive connection per thread."""

    local = threading.local()

    def __init__(self, url: str):
        parsed = urllib.parse.urlsplit(url)
        self.host, self.port = parsed.hostname, parsed.port or 80

    def connection(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return conn

    def post(self, path: str, body: bytes, headers: dict) -> tuple[int, str]:
        for attempt in range(2):  # a keep-alive connection the server closed: open a new one once
            conn = self.connection()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                return response.status, response.getheader("Location", "")
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")


def prepared(clients: list[dict], size: int) -> list[tuple[dict, bytes, str]]:
    """Every unit's request body and the SHA-256 of its file, built before the clock starts (a
    unit's file exists before it is sent; the load client's CPU is then only the sending)."""
    block = secrets.token_bytes(64 * 1024)
    out = []
    for c in clients:
        data = pdf_bytes(c["unit"], size, block)
        out.append((c, multipart(c["unit"], data, c["csrf"]), hashlib.sha256(data).hexdigest()))
    return out


def fire(url: str, requests: list[tuple[dict, bytes, str]], concurrency: int, rate: float) -> dict:
    client = Client(url)
    results: list[tuple[float, int, str, str, str]] = []  # (ms, status, location, unit, sha)
    lock = threading.Lock()
    start = time.perf_counter()

    def one(index: int, c: dict, body: bytes, sha: str) -> None:
        if rate:
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Cookie": f"sessionid={c['session']}; csrftoken={c['csrf']}",
            "Content-Length": str(len(body)),
        }
        t0 = time.perf_counter()
        try:
            status, location = client.post(f"/dot-thi-dua/{SLUG}/nop/{MILESTONE}/{c['unit']}/", body, headers)
        except (http.client.HTTPException, OSError) as exc:
            status, location = 0, str(exc)
        ms = (time.perf_counter() - t0) * 1000
        with lock:
            results.append((ms, status, location, c["unit"], sha))

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda pair: one(pair[0], *pair[1]), enumerate(requests)))
    elapsed = time.perf_counter() - start
    acknowledged = {}
    refused, errors = 0, 0
    for _ms, status, location, _unit, sha in results:
        if status == 302 and "/bien-nhan/" in location:
            acknowledged[location.rstrip("/").rsplit("/", 1)[1]] = sha
        elif status == 0 or status >= 500:
            errors += 1
            if errors == 1:
                print(f"first error: {status} {location[:300]}", file=sys.stderr)
        else:
            refused += 1
            if refused == 1:
                print(f"first refusal: HTTP {status} {location[:300]}", file=sys.stderr)
    latencies = sorted(r[0] for r in results)
    return {
        "elapsed_s": round(elapsed, 2),
        "throughput": round(len(acknowledged) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "p99_ms": round(latencies[int(0.99 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
        "acknowledged_receipts": acknowledged,
        "refused": refused,
        "errors": errors,
    }


# --- orchestration -----------------------------------------------------------------------------


def _child(env: dict, *args: str) -> dict:
    """Run this script's server-side part in a child process with the server's environment."""
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cpu_seconds(pids) -> float:
    """User + system CPU of these processes so far (Linux /proc; 0 for those gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def _tree(pid: int) -> list[int]:
    """pid and its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        out.append(todo.pop())
        todo.extend(children.get(out[-1], []))
    return out


def _named(name: str) -> list[int]:
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    return pids


class CpuMeter:
    """CPU spent during the burst by each party: the web workers, the task worker, the database
    server (all its processes: other databases' activity on a shared server counts too) and this
    load client. Robust where wall-clock figures are not: what 2 cores can carry is ~2 s of CPU a
    second, so the sum per upload bounds the capacity whatever else the machine does."""

    def __init__(self, server: subprocess.Popen, worker: subprocess.Popen | None):
        self.parties = {
            "web": lambda: _tree(server.pid),
            "task_worker": (lambda: _tree(worker.pid)) if worker else list,
            "database": lambda: _named("postgres"),
        }

    def start(self) -> None:
        self.before = {name: _cpu_seconds(pids()) for name, pids in self.parties.items()}
        self.client_before = time.process_time()

    def stop(self, uploads: int) -> dict:
        used = {name: _cpu_seconds(pids()) - self.before[name] for name, pids in self.parties.items()}
        used["client"] = time.process_time() - self.client_before
        per = {f"cpu_ms_{name}": round(seconds * 1000 / max(uploads, 1), 1) for name, seconds in used.items()}
        per["cpu_ms_total"] = round(sum(used.values()) * 1000 / max(uploads, 1), 1)
        return per


def _drained(env: dict, seconds: float = 300) -> float | None:
    """Seconds after the burst until the task worker has sent every receipt (None: not within
    `seconds`)."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if _child(env, "--_pending", "1")["pending"] == 0:
            return round(time.perf_counter() - started, 1)
        time.sleep(1)
    return None


def _wait_until_up(url: str, seconds: float = 60) -> None:
    parsed = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--size", type=int, default=1024 * 1024, help="bytes per file")
    parser.add_argument("--url", help="a running site (needs --sessions from a set-up run)")
    parser.add_argument("--sessions", help="JSON file of {unit, session, csrf} for --url")
    parser.add_argument("--rate", type=float, default=0, help="uploads a second (0: as fast as it goes)")
    parser.add_argument("--concurrency", type=int, default=32, help="client threads")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers of the server it starts")
    parser.add_argument(
        "--broker", default=os.environ.get("CELERY_BROKER_URL", ""),
        help="a Celery broker (e.g. redis://127.0.0.1:6379/14): receipts e-mailed by a worker it starts, "
        "not inside the request (default: CELERY_BROKER_URL, else in-process)",
    )  # fmt: skip
    parser.add_argument(
        "--cache", default=os.environ.get("REDIS_URL", ""),
        help="REDIS_URL for the server it starts (cache and sessions on Redis, as docs/deploy.md sets up)",
    )  # fmt: skip
    parser.add_argument(
        "--worker-nice", type=int, default=10,
        help="CPU priority of the task worker it starts (docs/deploy.md: uploads first, e-mails after)",
    )  # fmt: skip
    parser.add_argument("--_setup", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--_verify", help=argparse.SUPPRESS)
    parser.add_argument("--_pending", help=argparse.SUPPRESS)
    return parser.parse_args()


def _child_part(args: argparse.Namespace) -> dict | None:
    """The server-side parts, run in a child with the server's environment (see `_child`)."""
    if args._setup is not None:  # build the data
        return setup(args._setup)
    if args._pending:  # e-mails still to send
        return pending()
    if args._verify:  # check the receipts
        return verify(json.loads(Path(args._verify).read_text()))
    return None


def main() -> int:
    args = _arguments()
    if (part := _child_part(args)) is not None:
        print(json.dumps(part))
        return 0
    if args.url:
        clients = json.loads(Path(args.sessions).read_text())[: args.units]
        result = fire(args.url, prepared(clients, args.size), args.concurrency, args.rate)
        receipts = result.pop("acknowledged_receipts")
        print(json.dumps({**result, "acknowledged": len(receipts), "lost": None}))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="thidua-burst-"))
    env = {
        **os.environ,
        "THIDUA_VAR_DIR": str(tmp),
        "THIDUA_EMAIL": "file",
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
    }
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    if args.cache:
        env["REDIS_URL"] = args.cache
    if args.broker:
        env["CELERY_BROKER_URL"] = args.broker
    drop = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], drop = fresh_postgres(os.environ["DATABASE_URL"], "thidua_burst")
    t0 = time.perf_counter()
    clients = _child(env, "--_setup", str(args.units))
    print(f"server log: {tmp / 'server.log'}", file=sys.stderr)
    print(f"set-up: {args.units} units, officers and sessions in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = gunicorn(env, port, args.workers, tmp / "server.log")
    worker = None
    if args.broker:  # one Celery worker beside the web workers, as `make worker` runs it
        worker = subprocess.Popen(
            ["nice", "-n", str(args.worker_nice), str(Path(sys.executable).parent / "celery"), "-A", "thidua", "worker",
             "--concurrency", "1", "-l", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp / "worker.log").open("wb"),
        )  # fmt: skip
    try:
        for _ in range(args.workers * 2):  # every worker has loaded the app and opened its connection
            _wait_until_up(url)
        requests = prepared(clients, args.size)
        meter = CpuMeter(server, worker)
        meter.start()
        result = fire(url, requests, args.concurrency, args.rate)
        result.update(meter.stop(len(clients)))
        del requests
        if worker is not None:  # the receipts' e-mails and notifications, after the burst
            result["emails_done_after_s"] = _drained(env)
    finally:
        server.terminate()
        server.wait(30)
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    receipts = result.pop("acknowledged_receipts")
    receipts_file = tmp / "receipts.json"
    receipts_file.write_text(json.dumps(receipts))
    checked = _child(env, "--_verify", str(receipts_file))
    if drop:
        drop()
    database_kind = "postgresql" if drop else "sqlite"
    summary = {
        "units": args.units,
        "size": args.size,
        "rate": args.rate or "max",
        "workers": args.workers,
        "concurrency": args.concurrency,
        "database": database_kind,
        "email": "worker" if args.broker else "in request",
        "cache": "redis" if args.cache else "database",
        **result,
        "acknowledged": len(receipts),
        "lost": len(checked["lost"]),
    }
    print(json.dumps(summary))
    return 1 if checked["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
