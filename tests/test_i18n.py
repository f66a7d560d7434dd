"""Every visible string has a Vietnamese translation; Vietnamese is the default, English available."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def test_vietnamese_catalogue_is_complete():
    catalogue = polib.pofile(str(LOCALE / "vi" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not missing and not fuzzy, {"untranslated": missing, "fuzzy": fuzzy}
    for entry in catalogue.translated_entries():
        # The same placeholders on both sides, or the page breaks at run time.
        for token in ("%(", "%s", "%d"):
            source = entry.msgid_plural or entry.msgid
            target = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
            assert source.count(token) == target.count(token), entry.msgid


@pytest.mark.django_db
def test_pages_are_vietnamese_by_default_and_english_on_request(client, personas):
    client.force_login(personas["coordinator"])
    page = client.get(reverse("units:detail", args=["QD1"])).content.decode()
    assert "Danh bạ đơn vị" in page and "Đăng xuất" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("units:detail", args=["QD1"])).content.decode()
    assert "Sign out" in page


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese(client, personas):
    client.force_login(personas["officer_q1"])
    page = client.get(reverse("units:detail", args=["QD1"]), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng xuất" in page
