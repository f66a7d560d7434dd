"""Boards page their rows: a campaign addressed to thousands of units renders 200 rows a page,
with every filter kept in the page links, and the totals over all units."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from thidua.submissions.views import BOARD_PAGE
from thidua.units.models import Role, RoleAssignment, Unit
from thidua.units.services import UnitSpec, units_bulk_create


@pytest.fixture
def big(seed_campaign, demo_tree, client):
    specs = [
        UnitSpec(code=f"QX{d:03d}", parent_code="TD", name=f"Quận Đoàn thêm {d}", kind="district") for d in range(250)
    ]
    units_bulk_create(actor=None, specs=specs, audit=False)
    seed_campaign.status = seed_campaign.Status.PUBLISHED
    seed_campaign.save(update_fields=["status"])
    user = get_user_model().objects.create_user(username="dp", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=demo_tree["TD"], role=Role.COORDINATOR)
    client.force_login(user)
    return client


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["submissions:board", "submissions:registration_board"])
def test_a_board_of_hundreds_of_units_is_paged(big, seed_campaign, name):
    expected = Unit.objects.filter(kind="district").count()  # the seed's districts and 250 more
    url = reverse(name, kwargs={"slug": seed_campaign.slug})
    first = big.get(url + "?loai=&trang=1").content.decode()
    assert _rows(first) == BOARD_PAGE
    assert "Trang 1/" in first or "Trang 1 " in first
    links = re.findall(r'href="(\?[^"]*trang=2[^"]*)"', first)
    assert links and "loai=" in links[0].replace("&amp;", "&"), "the next page keeps the filters"
    pages = [first]
    page = 2
    while f"trang={page}" in pages[-1]:
        pages.append(big.get(url + f"?loai=&trang={page}").content.decode())
        page += 1
    shown = sum(_rows(p) for p in pages)
    assert shown >= expected > BOARD_PAGE
    names = [set(re.findall(r"Quận Đoàn thêm \d+\b", p.split("<tbody>", 1)[1])) for p in pages]
    assert sum(len(n) for n in names) == len(set().union(*names)) == 250, "every unit once, on one page"
