"""Files prepared in the background: a large directory export goes to a worker; the user watches
its progress and downloads it when ready; nobody else sees it; a failure says so."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext
from openpyxl import load_workbook

from thidua.campaigns.models import Indicator
from thidua.core import exports
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry, Export
from thidua.progress.queries import reporting_units
from thidua.progress.services import indicator_value_set
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


# --- the campaign's spreadsheets: completeness board, an indicator's breakdown, the steering matrix


@pytest.fixture
def campaign(seed_campaign, demo_tree):
    seed_campaign.status = seed_campaign.Status.PUBLISHED
    seed_campaign.save(update_fields=["status"])
    indicator = seed_campaign.indicators.exclude(kind=Indicator.Kind.COUNT).order_by("pk").first()
    for n, code in enumerate(("QD1", "QD3", "HD-NHABE")):  # figures, so the files hold numbers
        for unit in list(reporting_units(indicator, demo_tree[code]))[: n + 1]:
            indicator_value_set(
                actor=None, indicator=indicator, unit=unit, numerator=Decimal(1), as_of=dt.date(2023, 6, 1)
            )
    return seed_campaign


def campaign_export_url(campaign, kind: str) -> str:
    slug = campaign.slug
    if kind == "board":
        return reverse("submissions:board_export", kwargs={"slug": slug}) + "?loai=quan-huyen&tinh-trang=missing"
    if kind == "breakdown":
        indicator = campaign.indicators.exclude(kind=Indicator.Kind.COUNT).order_by("pk").first()
        return (
            reverse("progress:indicator", kwargs={"slug": slug, "code": indicator.code}) + "?xuat=xlsx&sap-xep=ket-qua"
        )
    return reverse("progress:matrix", kwargs={"slug": slug}) + "?xuat=xlsx&loai=district&sap-xep=cham"


CAMPAIGN_EXPORTS = ["board", "breakdown", "matrix"]


def workbook_parts(data: bytes) -> list[tuple[str, bytes]]:
    """An .xlsx file's parts, byte for byte, in order: all of the file but the dates of its zip
    entries, which openpyxl takes from the modification time of a temporary file on the disk (the
    clock stopped by time_machine is not the file system's)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return [(info.filename, archive.read(info)) for info in archive.infolist()]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", CAMPAIGN_EXPORTS)
def test_a_large_campaign_spreadsheet_is_prepared_in_the_background_as_the_same_file(
    kind, campaign, coordinator, client, settings, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(dt.datetime(2023, 6, 10, 9, 0, tzinfo=dt.UTC), tick=False)  # the same bytes twice
    client.force_login(coordinator)
    url = campaign_export_url(campaign, kind)
    direct = client.get(url)  # a few units: sent at once
    assert direct.status_code == 200 and direct["Content-Disposition"].endswith('.xlsx"')
    assert not Export.objects.exists()
    rows = list(load_workbook(io.BytesIO(direct.content)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) > 2
    settings.EXPORT_IN_BACKGROUND_UNITS = 2  # as many rows count as large here
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url)
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export", kwargs={"pk": export.pk})
    assert export.kind == kind and export.status == Export.Status.DONE and export.params["slug"] == campaign.slug
    download = client.get(reverse("export_download", kwargs={"pk": export.pk}))
    assert workbook_parts(download.content) == workbook_parts(direct.content)
    assert download["Content-Disposition"] == direct["Content-Disposition"]
    assert download["Content-Type"] == direct["Content-Type"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", CAMPAIGN_EXPORTS)
def test_the_worker_refuses_a_campaign_spreadsheet_once_the_role_is_withdrawn(
    kind, campaign, coordinator, client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_IN_BACKGROUND_UNITS = 0
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        assert client.get(campaign_export_url(campaign, kind)).status_code == 302
    RoleAssignment.objects.filter(user=coordinator).delete()  # withdrawn before the worker runs
    for callback in waiting:
        callback()
    export = Export.objects.get()
    assert export.status == Export.Status.FAILED and not bytes(export.data)
    assert export.message == gettext("This table is not yours to export.")
