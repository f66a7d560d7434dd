"""Files prepared in the background: a large directory export goes to a worker; the user watches
its progress and downloads it when ready; nobody else sees it; a failure says so."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from thidua.core import exports
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry, Export
from thidua.units.importing import export_file
from thidua.units.models import Role, RoleAssignment


@pytest.fixture
def coordinator(demo_tree):
    user = get_user_model().objects.create_user(username="dp", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=demo_tree["TD"], role=Role.COORDINATOR)
    return user


@pytest.mark.django_db
def test_a_large_export_is_prepared_in_the_background_then_downloaded(
    coordinator, demo_tree, client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_IN_BACKGROUND_UNITS = 10  # the city's directory counts as large here
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("units:export", kwargs={"code": "TD", "fmt": "csv"}))
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export", kwargs={"pk": export.pk})
    assert export.status == Export.Status.DONE and export.progress == 100
    page = client.get(response["Location"]).content.decode()
    assert "don-vi-TD.csv" in page and reverse("export_download", kwargs={"pk": export.pk}) in page
    download = client.get(reverse("export_download", kwargs={"pk": export.pk}))
    assert download["Content-Disposition"] == 'attachment; filename="don-vi-TD.csv"'
    assert download.content == export_file(demo_tree["TD"], "csv")[1]  # the same file as a small export
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) > 10
    # Handed out, it is in the audit trail like a file built during the request; a HEAD is not.
    assert client.head(reverse("export_download", kwargs={"pk": export.pk})).status_code == 200
    entry = AuditEntry.objects.get(action=exports.DOWNLOAD)
    assert entry.actor == coordinator and entry.object_id == str(export.pk)
    assert entry.changes == {
        "kind": [None, "units"],
        "params.code": [None, "TD"],
        "params.fmt": [None, "csv"],
        "file": [None, "don-vi-TD.csv"],
        "size": [None, len(download.content)],
        "sha256": [None, hashlib.sha256(download.content).hexdigest()],
    }


@pytest.mark.django_db
def test_a_small_export_is_sent_at_once(coordinator, client):
    client.force_login(coordinator)
    response = client.get(reverse("units:export", kwargs={"code": "HD-NHABE", "fmt": "xlsx"}))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    assert not Export.objects.exists()


@pytest.mark.django_db
def test_while_it_is_prepared_the_page_shows_its_progress_and_asks_again(coordinator, client):
    export = Export.objects.create(user=coordinator, kind="units", title="Danh bạ", status="running", progress=40)
    client.force_login(coordinator)
    page = client.get(reverse("export", kwargs={"pk": export.pk})).content.decode()
    assert 'value="40"' in page and 'hx-trigger="every 1s"' in page
    fragment = client.get(reverse("export", kwargs={"pk": export.pk}), headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content and b"export-status" in fragment.content
    assert client.get(reverse("export_download", kwargs={"pk": export.pk})).status_code == 404  # not ready


@pytest.mark.django_db
def test_someone_elses_export_is_not_found(coordinator, client, django_user_model):
    export = Export.objects.create(user=coordinator, kind="units", title="x", status="done", data=b"x")
    client.force_login(django_user_model.objects.create_user(username="khac", password="pw-for-tests-1"))
    assert client.get(reverse("export", kwargs={"pk": export.pk})).status_code == 404
    assert client.get(reverse("export_download", kwargs={"pk": export.pk})).status_code == 404
    assert not AuditEntry.objects.filter(action=exports.DOWNLOAD).exists()  # refusals are not downloads


@pytest.mark.django_db
def test_a_failure_is_told_and_offers_nothing(coordinator, django_capture_on_commit_callbacks):
    def broken(user, params, progress):
        progress(30)
        raise RuntimeError("disk full")

    def refused(user, params, progress):
        raise Refused("Không có quyền.")

    exports.register("broken", broken)
    exports.register("refused", refused)
    with django_capture_on_commit_callbacks(execute=True):
        one = exports.export_start(user=coordinator, kind="broken", params={}, title="Hỏng")
        two = exports.export_start(user=coordinator, kind="refused", params={}, title="Từ chối")
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == two.status == Export.Status.FAILED
    assert one.progress == 30 and not bytes(one.data)
    assert one.message and "disk full" not in one.message  # said plainly, no internals
    assert two.message == "Không có quyền."
    assert exports.export_run(one.pk) is None  # never run twice


@pytest.mark.django_db
def test_the_export_task_refuses_a_unit_the_user_may_not_see(demo_tree, django_user_model):
    officer = django_user_model.objects.create_user(username="o", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=officer, unit=demo_tree["QD1"], role=Role.OFFICER)
    export = Export.objects.create(user=officer, kind="units", title="x", params={"code": "HD-NHABE", "fmt": "csv"})
    assert exports.export_run(export.pk).status == Export.Status.FAILED
