"""Initiatives never confirmed by e-mail are deleted after a week, with files nobody else uses."""

import hashlib

import pytest
from django.core.management import call_command

from thidua.core import files
from thidua.core.models import StoredFile
from thidua.demo.submissions import pdf_bytes
from thidua.initiatives.models import Initiative
from thidua.initiatives.services import unconfirmed_purge

from .test_initiatives_services import make_portal, submit, vn

pytestmark = pytest.mark.django_db


def test_stale_unconfirmed_initiatives_are_purged_and_confirmed_ones_kept(seed_campaign, demo_tree, settings, tmp_path):
    site = make_portal(seed_campaign, demo_tree, settings, tmp_path)
    unit = site["units"]["QD1-01"]
    shared, own = pdf_bytes("dung chung"), pdf_bytes("rieng")
    old = vn(2023, 5, 1, 9)
    stale = submit(
        seed_campaign,
        unit,
        confirm=False,
        uploads=[("a.pdf", shared), ("b.pdf", own)],
        now=old,
        title="Sáng kiến chưa xác nhận",
    )
    kept = submit(
        seed_campaign, unit, confirm=True, uploads=[("c.pdf", shared)], now=old, title="Sáng kiến đã xác nhận"
    )
    fresh = submit(seed_campaign, unit, confirm=False, now=vn(2023, 5, 20, 9), title="Sáng kiến mới gửi")
    assert unconfirmed_purge(now=vn(2023, 5, 21, 9)) == 1
    assert not Initiative.objects.filter(pk=stale.pk).exists()
    assert Initiative.objects.filter(pk__in=[kept.pk, fresh.pk]).count() == 2
    # The bytes the confirmed initiative also uses stay; the others are gone, row and file.
    shared_sha, own_sha = hashlib.sha256(shared).hexdigest(), hashlib.sha256(own).hexdigest()
    assert StoredFile.objects.filter(sha256=shared_sha).exists() and files.path_for(shared_sha).exists()
    assert not StoredFile.objects.filter(sha256=own_sha).exists() and not files.path_for(own_sha).exists()


def test_command_runs(seed_campaign, demo_tree, settings, tmp_path, capsys):
    make_portal(seed_campaign, demo_tree, settings, tmp_path)
    call_command("initiatives_purge_unconfirmed", "--days", "7")
    assert "0" in capsys.readouterr().out
