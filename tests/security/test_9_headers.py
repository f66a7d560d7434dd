"""Finding 9 — headers: a strict Content-Security-Policy (no inline script), Referrer-Policy,
Permissions-Policy, frame denial on every page; THIDUA_HTTPS=1 turns on HSTS, the HTTPS redirect
and secure cookies, and `manage.py check --deploy` is clean with the documented production
settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("thidua/*/templates/**/*.html")]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/dang-nhap/", "/sang-kien/", "/sang-kien/gui/"])
def test_every_page_carries_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_event_handlers():
    inline = []
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
            inline.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            inline.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert inline == []


@pytest.mark.django_db
def test_the_login_page_works_under_the_policy(client):
    # json_script data blocks are not scripts; htmx is told not to inject its indicator style.
    page = client.get(reverse("login")).content.decode()
    assert '"allowEval": false' in page


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    env = {
        **os.environ,
        "THIDUA_HTTPS": "1",
        "THIDUA_SECRET_KEY": secrets.token_urlsafe(50),
        "THIDUA_REQUIRE_SECRET_KEY": "1",
        "THIDUA_ALLOWED_HOSTS": "thidua.tphcm.gov.vn",
        "THIDUA_CSRF_TRUSTED_ORIGINS": "https://thidua.tphcm.gov.vn",
        "THIDUA_VAR_DIR": str(tmp_path),
    }
    env.pop("THIDUA_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_https_turns_on_hsts_redirect_and_secure_cookies(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    env = {
        **os.environ,
        "THIDUA_HTTPS": "1",
        "THIDUA_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == ["True", "31536000", "True", "True"], out.stderr
