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


def fire(url: str, clients: list[dict], size: int, concurrency: int, rate: float) -> dict:
    block = secrets.token_bytes(64 * 1024)
    client = Client(url)
    results: list[tuple[float, int, str, str, str]] = []  # (ms, status, location, unit, sha)
    lock = threading.Lock()
    start = time.perf_counter()

    def one(index: int, c: dict) -> None:
        if rate:
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        data = pdf_bytes(c["unit"], size, block)
        sha = hashlib.sha256(data).hexdigest()
        body = multipart(c["unit"], data, c["csrf"])
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
        list(pool.map(lambda pair: one(*pair), enumerate(clients)))
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


def main() -> int:
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
    parser.add_argument("--_setup", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--_verify", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args._setup is not None:  # child: build the data
        print(json.dumps(setup(args._setup)))
        return 0
    if args._verify:  # child: check the receipts
        print(json.dumps(verify(json.loads(Path(args._verify).read_text()))))
        return 0

    if args.url:
        clients = json.loads(Path(args.sessions).read_text())[: args.units]
        result = fire(args.url, clients, args.size, args.concurrency, args.rate)
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
            [str(Path(sys.executable).parent / "celery"), "-A", "thidua", "worker", "--concurrency", "1", "-l", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp / "worker.log").open("wb"),
        )  # fmt: skip
    try:
        for _ in range(args.workers * 2):  # every worker has loaded the app and opened its connection
            _wait_until_up(url)
        result = fire(url, clients, args.size, args.concurrency, args.rate)
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
        **result,
        "acknowledged": len(receipts),
        "lost": len(checked["lost"]),
    }
    print(json.dumps(summary))
    return 1 if checked["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
