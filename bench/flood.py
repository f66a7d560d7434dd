"""Flood the anonymous initiative form and the sign-in page over real HTTP, and print how many
requests were accepted per minute (the rate limits of docs/security.md at work).

    python bench/flood.py [--seconds 60] [--clients 4]

Bounded: it runs its own server (runserver, a throw-away SQLite database with the demo) on a free
local port for `--seconds` per target, then stops it. Each client is one address, as the limits
count per address; `--clients` clients share that address (one machine flooding), and one more
run uses a second address through X-Forwarded-For with THIDUA_TRUSTED_PROXIES=1, to show that
the limit is per address, not global.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from serving import free_port

ROOT = Path(__file__).resolve().parent.parent
FORM = {
    "title": "Đặt lịch hẹn trực tuyến tại bộ phận một cửa",
    "field": "admin_reform",
    "problem": "Người dân xếp hàng lâu.",
    "solution": "Đặt lịch qua Zalo.",
    "benefit": "Giảm thời gian chờ.",
    "authors": "Lê Minh Trí",
    "consent": "on",
}


class Client:
    """One browser: cookies, the CSRF token from the page, a fixed X-Forwarded-For address."""

    def __init__(self, base: str, address: str):
        self.base, self.address = base, address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers={"X-Forwarded-For": self.address})
        if data is not None:
            req.add_header("Referer", self.base + path)
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def token(self, path: str) -> str:
        _status, page = self.request(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        return match.group(1) if match else ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _outcome(status: int, page: str, accepted: int) -> str:
    if status == accepted:
        return "accepted"
    if status == 429 and "Tạm khoá đăng nhập" in page:
        return "locked"  # django-axes: this user name from this address
    if status == 429:
        return "limited"  # the address's rate limit
    return f"HTTP {status}"


def _first_option(page: str, name: str) -> str:
    """The first real choice of the form's <select name=…>."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    option = re.search(r'<option value="(\d+)"', select.group(1)) if select else None
    return option.group(1) if option else ""


def _initiative(client: Client, n: int) -> str:
    page = client.request("/sang-kien/gui/")[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    data = FORM | {
        "csrfmiddlewaretoken": token.group(1) if token else "",
        "unit": _first_option(page, "unit"),
        "contact_email": f"a{n}@x.vn",
    }
    if 'name="campaign"' in page:  # several campaigns collect initiatives: the form asks which
        data["campaign"] = _first_option(page, "campaign")
    return _outcome(*client.request("/sang-kien/gui/", data), accepted=302)


def _sign_in(client: Client, n: int) -> str:
    token = client.token("/dang-nhap/")
    data = {"csrfmiddlewaretoken": token, "username": f"khach{n}", "password": "sai-mat-khau"}
    return _outcome(*client.request("/dang-nhap/", data), accepted=200)  # 200: the form again, "wrong password"


def flood(base: str, action, *, seconds: float, clients: int, address: str) -> Counter:
    counts: Counter = Counter()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(k: int):
        client, n = Client(base, address), 0
        while time.monotonic() < stop:
            status = action(client, k * 100_000 + n)
            n += 1
            with lock:
                counts[status] += 1

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="thidua-flood-")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "THIDUA_VAR_DIR": var,
        "THIDUA_TRUSTED_PROXIES": "1",
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "demo_setup", "--branches", "0", "--quiet"], cwd=ROOT, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/dang-nhap/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        print("| target | address | clients | seconds | requests | accepted | refused (rate limit) | other |")
        print("|---|---|---|---|---|---|---|---|")
        for label, action in [("initiative form (anonymous)", _initiative), ("sign-in, wrong passwords", _sign_in)]:
            for who, address in [("first", "203.0.113.7"), ("second", "203.0.113.8")]:
                clients = args.clients if who == "first" else 1
                counts = flood(base, action, seconds=args.seconds, clients=clients, address=address)
                other = {k: n for k, n in counts.items() if k not in ("accepted", "limited")}
                print(
                    f"| {label} | {who} | {clients} | {args.seconds:g} | {sum(counts.values())} "
                    f"| {counts['accepted']} | {counts['limited']} | {other or '—'} |"
                )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
