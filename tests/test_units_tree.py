"""The unit tree: paths built in bulk, subtree queries, moves, updates and search."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_tree
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry
from thidua.core.text import fold
from thidua.units.models import Unit, UnitKind
from thidua.units.services import UnitSpec, unit_create, unit_move, unit_update, units_bulk_create


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def child_codes(u: Unit) -> list[str]:
    """Codes of the direct children, in tree order (read from the paths, not from treebeard)."""
    return list(
        Unit.objects.filter(path__startswith=u.path, depth=u.depth + 1).order_by("path").values_list("code", flat=True)
    )


def parent_code(u: Unit) -> str | None:
    if u.depth == 1:
        return None
    return Unit.objects.get(path=u.path[: -Unit.steplen]).code


# --- building the tree ------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulk_create_computes_paths_depth_and_children(tree):
    td, qd1, ward, branch = unit("TD"), unit("QD1"), unit("QD1-01"), unit("QD1-01-002")
    assert td.depth == 1 and len(td.path) == Unit.steplen
    assert qd1.depth == 2 and qd1.path.startswith(td.path) and len(qd1.path) == 2 * Unit.steplen
    assert ward.depth == 3 and ward.path.startswith(qd1.path)
    assert branch.depth == 4 and branch.path.startswith(ward.path)
    # numchild counts direct children only
    assert td.numchild == 3  # BCNLD, QD1, HD-NHABE
    assert qd1.numchild == 2
    assert ward.numchild == 2
    assert branch.numchild == 0
    assert unit("HD-NHABE").numchild == 1
    # children come in the order they were given
    assert child_codes(td) == ["BCNLD", "QD1", "HD-NHABE"]
    assert child_codes(ward) == ["QD1-01-001", "QD1-01-002"]
    assert parent_code(branch) == "QD1-01"
    # the bulk-built tree is what treebeard itself considers consistent
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_bulk_create_copies_fields_and_search_text(tree):
    ward = unit("QD1-01")
    assert ward.name == "Đoàn Phường Bến Nghé"
    assert ward.kind == UnitKind.GRASSROOTS
    assert ward.member_count == 10 and ward.cadre_count == 2
    assert ward.search_text == "qd1-01 doan phuong ben nghe"


@pytest.mark.django_db
def test_bulk_create_appends_children_after_existing_ones(tree):
    units_bulk_create(
        actor=None,
        specs=[
            UnitSpec(code="QD1-03", parent_code="QD1", name="Đoàn Phường Đa Kao", kind=UnitKind.GRASSROOTS),
            UnitSpec(code="QD1-03-001", parent_code="QD1-03", name="Chi đoàn 1", kind=UnitKind.BRANCH),
            UnitSpec(code="QD1-01-003", parent_code="QD1-01", name="Chi đoàn Khu phố 3", kind=UnitKind.BRANCH),
        ],
    )
    qd1, ward = unit("QD1"), unit("QD1-01")
    assert child_codes(qd1) == ["QD1-01", "QD1-02", "QD1-03"]
    assert child_codes(ward) == ["QD1-01-001", "QD1-01-002", "QD1-01-003"]
    assert qd1.numchild == 3
    assert ward.numchild == 3
    assert unit("QD1-03").numchild == 1
    assert unit("QD1-03-001").depth == 4
    assert unit("QD1-03").path > unit("QD1-02").path
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_bulk_create_writes_one_audit_entry_per_unit(db):
    make_tree([("TD", None, "Thành Đoàn", UnitKind.CITY), ("QD1", "TD", "Quận Đoàn 1", UnitKind.DISTRICT)])
    entries = AuditEntry.objects.filter(action="unit.create")
    assert entries.count() == 2
    entry = entries.get(object_id=str(unit("QD1").pk))
    assert entry.changes["name"] == [None, "Quận Đoàn 1"]
    assert entry.changes["code"] == [None, "QD1"]


@pytest.mark.django_db
def test_bulk_create_refuses_an_unknown_parent_and_writes_nothing(tree):
    before = Unit.objects.count()
    with pytest.raises(ValueError):
        units_bulk_create(
            actor=None,
            specs=[
                UnitSpec(code="OK-1", parent_code="TD", name="Hợp lệ", kind=UnitKind.DEPARTMENT),
                UnitSpec(code="BAD-1", parent_code="NOPE", name="Không cha", kind=UnitKind.BRANCH),
            ],
        )
    assert Unit.objects.count() == before
    assert not Unit.objects.filter(code="OK-1").exists()


@pytest.mark.django_db
def test_unit_create_adds_last_child(tree):
    created = unit_create(
        actor=None,
        parent=tree["HD-NHABE"],
        spec=UnitSpec(code="HD-NHABE-02", parent_code=None, name="Đoàn Xã Long Thới", kind=UnitKind.GRASSROOTS),
    )
    assert parent_code(created) == "HD-NHABE"
    assert child_codes(unit("HD-NHABE")) == ["HD-NHABE-01", "HD-NHABE-02"]
    assert unit("HD-NHABE").numchild == 2


# --- reading the tree -------------------------------------------------------------------------


@pytest.mark.django_db
def test_subtree_includes_self_or_not(tree):
    qd1 = tree["QD1"]
    expected = {"QD1", "QD1-01", "QD1-01-001", "QD1-01-002", "QD1-02"}
    assert codes(Unit.objects.subtree(qd1)) == expected
    assert codes(Unit.objects.subtree(qd1, include_self=False)) == expected - {"QD1"}
    assert codes(Unit.objects.subtree(tree["QD1-01-001"])) == {"QD1-01-001"}
    assert codes(Unit.objects.subtree(tree["QD1-01-001"], include_self=False)) == set()
    assert codes(Unit.objects.subtree(tree["TD"])) == {code for code in tree}


@pytest.mark.django_db
def test_subtree_does_not_leak_into_siblings_with_similar_codes(tree):
    # QD1-01 and QD1-02 share a code prefix but are different subtrees
    assert "QD1-02" not in codes(Unit.objects.subtree(tree["QD1-01"]))


@pytest.mark.django_db
def test_within_any_is_the_union_of_subtrees(tree):
    result = codes(Unit.objects.within_any([tree["QD1-01"], tree["HD-NHABE"]]))
    assert result == {"QD1-01", "QD1-01-001", "QD1-01-002", "HD-NHABE", "HD-NHABE-01", "HD-NHABE-01-001"}
    assert codes(Unit.objects.within_any([])) == set()
    # overlapping units do not duplicate rows
    assert Unit.objects.within_any([tree["QD1"], tree["QD1-01"]]).count() == 5


@pytest.mark.django_db
def test_ancestors_are_ordered_from_the_root_down(tree):
    assert [u.code for u in tree["QD1-01-002"].ancestors()] == ["TD", "QD1", "QD1-01"]
    assert [u.code for u in tree["QD1"].ancestors()] == ["TD"]
    assert list(tree["TD"].ancestors()) == []


@pytest.mark.django_db
def test_contains(tree):
    assert tree["TD"].contains(tree["QD1-01-001"])
    assert tree["QD1"].contains(tree["QD1"])
    assert not tree["QD1"].contains(tree["TD"])
    assert not tree["QD1"].contains(tree["HD-NHABE-01"])
    assert not tree["QD1-01"].contains(tree["QD1-02"])


@pytest.mark.django_db
def test_open_on_excludes_units_not_yet_opened_or_already_closed(tree):
    unit_update(
        actor=None, unit=tree["QD1-02"], values={"opened_on": dt.date(2020, 1, 1), "closed_on": dt.date(2023, 6, 1)}
    )
    unit_update(actor=None, unit=tree["BCNLD"], values={"opened_on": dt.date(2023, 3, 1)})
    qd1_2, bcnld = unit("QD1-02"), unit("BCNLD")

    def open_codes(day):
        return codes(Unit.objects.open_on(day))

    assert "QD1-02" in open_codes(dt.date(2023, 5, 31))
    assert "QD1-02" not in open_codes(dt.date(2023, 6, 1))  # closed on that day
    assert "QD1-02" not in open_codes(dt.date(2024, 1, 1))
    assert "QD1-02" not in open_codes(dt.date(2019, 12, 31))  # not opened yet
    assert "BCNLD" not in open_codes(dt.date(2023, 2, 28))
    assert "BCNLD" in open_codes(dt.date(2023, 3, 1))  # opened that day
    assert "TD" in open_codes(dt.date(1990, 1, 1))  # no dates: always open
    # the row-level helper agrees with the query
    for day in (dt.date(2019, 12, 31), dt.date(2023, 3, 1), dt.date(2023, 6, 1)):
        assert qd1_2.is_open_on(day) == ("QD1-02" in open_codes(day))
        assert bcnld.is_open_on(day) == ("BCNLD" in open_codes(day))


# --- changing the tree ------------------------------------------------------------------------


@pytest.mark.django_db
def test_unit_move_moves_the_whole_subtree(tree):
    unit_move(actor=None, unit=tree["QD1-01"], new_parent=tree["HD-NHABE"], reason="sáp nhập")
    moved, nhabe, qd1 = unit("QD1-01"), unit("HD-NHABE"), unit("QD1")
    assert parent_code(moved) == "HD-NHABE"
    assert moved.depth == 3
    for code in ("QD1-01-001", "QD1-01-002"):
        child = unit(code)
        assert parent_code(child) == "QD1-01"
        assert child.depth == 4
        assert nhabe.contains(child)
        assert not qd1.contains(child)
    assert codes(Unit.objects.subtree(nhabe)) == {
        "HD-NHABE",
        "HD-NHABE-01",
        "HD-NHABE-01-001",
        "QD1-01",
        "QD1-01-001",
        "QD1-01-002",
    }
    assert codes(Unit.objects.subtree(qd1)) == {"QD1", "QD1-02"}
    assert qd1.numchild == 1
    assert nhabe.numchild == 2
    # appended as the last child
    assert child_codes(nhabe) == ["HD-NHABE-01", "QD1-01"]
    entry = AuditEntry.objects.get(action="unit.move", object_id=str(moved.pk))
    assert entry.changes == {"parent": ["QD1", "HD-NHABE"]}
    assert entry.reason == "sáp nhập"
    assert Unit.objects.find_problems() == ([], [], [], [], [])


@pytest.mark.django_db
def test_unit_move_under_itself_is_refused(tree):
    with pytest.raises(Refused):
        unit_move(actor=None, unit=tree["QD1"], new_parent=tree["QD1-01"])
    assert parent_code(unit("QD1-01")) == "QD1"
    assert not AuditEntry.objects.filter(action="unit.move").exists()


@pytest.mark.django_db
def test_unit_update_records_old_and_new_values(tree, django_user_model):
    actor = django_user_model.objects.create_user(username="editor", password="x-pw-12345")
    changes = unit_update(
        actor=actor,
        unit=tree["QD1-01"],
        values={"name": "Đoàn Phường Bến Nghé mới", "member_count": 25, "opened_on": dt.date(2001, 2, 3)},
        reason="cập nhật",
    )
    assert changes == {
        "name": ["Đoàn Phường Bến Nghé", "Đoàn Phường Bến Nghé mới"],
        "member_count": [10, 25],
        "opened_on": [None, "2001-02-03"],
    }
    ward = unit("QD1-01")
    assert ward.name == "Đoàn Phường Bến Nghé mới"
    assert ward.member_count == 25
    assert ward.opened_on == dt.date(2001, 2, 3)
    # search follows the new name
    assert "QD1-01" in codes(Unit.objects.search("ben nghe moi"))
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.actor == actor
    assert entry.object_id == str(ward.pk)
    assert entry.changes == changes
    assert entry.reason == "cập nhật"


@pytest.mark.django_db
def test_unit_update_without_changes_returns_nothing_and_logs_nothing(tree):
    ward = tree["QD1-01"]
    assert unit_update(actor=None, unit=ward, values={"name": ward.name, "member_count": 10}) == {}
    assert unit_update(actor=None, unit=ward, values={}) == {}
    assert not AuditEntry.objects.filter(action="unit.update").exists()


@pytest.mark.django_db
def test_unit_update_refuses_tree_fields(tree):
    with pytest.raises(ValueError):
        unit_update(actor=None, unit=tree["QD1-01"], values={"path": "0009"})
    assert unit("QD1-01").path == tree["QD1-01"].path


# --- search -----------------------------------------------------------------------------------


def test_fold_strips_vietnamese_accents():
    assert fold("Đoàn") == "doan"
    assert fold("Huyện Đoàn Nhà Bè") == "huyen doan nha be"
    assert fold("  NHÀ   BÈ ") == "nha be"
    assert fold("đường Nguyễn Thị Minh Khai") == "duong nguyen thi minh khai"
    assert fold("") == ""
    assert fold(None) == ""


def test_fold_gives_the_same_result_for_composed_and_decomposed_text():
    import unicodedata

    text = "Bến Nghé Ấp Hiệp Phước"
    assert (
        fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text)) == "ben nghe ap hiep phuoc"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["nha be", "NHÀ BÈ", "Nhà Bè", "nhà  bè", "huyen doan nha be"])
def test_search_is_accent_and_case_insensitive(tree, query):
    assert "HD-NHABE" in codes(Unit.objects.search(query))
    assert "QD1" not in codes(Unit.objects.search(query))


@pytest.mark.django_db
def test_search_finds_a_ward_without_accents(tree):
    assert codes(Unit.objects.search("ben nghe")) == {"QD1-01"}
    assert codes(Unit.objects.search("BẾN NGHÉ")) == {"QD1-01"}
    assert codes(Unit.objects.search("doan phuong")) == {"QD1-01", "QD1-02"}


@pytest.mark.django_db
def test_search_by_code(tree):
    assert codes(Unit.objects.search("HD-NHABE-01-001")) == {"HD-NHABE-01-001"}
    assert codes(Unit.objects.search("qd1-01-00")) == {"QD1-01-001", "QD1-01-002"}


@pytest.mark.django_db
def test_search_words_are_combined_with_and(tree):
    assert codes(Unit.objects.search("chi doan khu pho")) == {"QD1-01-001", "QD1-01-002"}
    assert codes(Unit.objects.search("chi doan 2")) == {"QD1-01-002"}
    assert codes(Unit.objects.search("ben nha")) == set()  # each word matches somewhere, never together


@pytest.mark.django_db
def test_search_with_no_match_or_special_characters(tree):
    assert codes(Unit.objects.search("không có đơn vị này")) == set()
    assert codes(Unit.objects.search("%")) == set()
    assert codes(Unit.objects.search("_")) == set()


# --- property: subtree() equals the tree defined by parent links --------------------------------


@st.composite
def forests(draw):
    """A random forest in creation order: parent index < own index (or None for a root)."""
    size = draw(st.integers(min_value=1, max_value=25))
    parents: list[int | None] = [None]
    for i in range(1, size):
        p = draw(st.integers(min_value=-1, max_value=i - 1))
        parents.append(None if p < 0 else p)
    split = draw(st.integers(min_value=0, max_value=size))
    return parents, split


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forests())
def test_subtree_matches_parent_links(forest):
    parents, split = forest
    specs = [
        UnitSpec(
            code=f"U{i}",
            parent_code=None if p is None else f"U{p}",
            name=f"Đơn vị {i}",
            kind=UnitKind.CITY if p is None else UnitKind.GRASSROOTS,
        )
        for i, p in enumerate(parents)
    ]
    children: dict[str, list[str]] = {s.code: [] for s in specs}
    for s in specs:
        if s.parent_code:
            children[s.parent_code].append(s.code)

    def brute_subtree(code: str) -> set[str]:
        found, stack = set(), [code]
        while stack:
            current = stack.pop()
            found.add(current)
            stack.extend(children[current])
        return found

    def chain(code: str) -> list[str]:
        up, current = [], specs[int(code[1:])].parent_code
        while current:
            up.append(current)
            current = specs[int(current[1:])].parent_code
        return list(reversed(up))

    with transaction.atomic():
        # two batches: the second one appends children to units that already exist
        units_bulk_create(actor=None, specs=specs[:split], audit=False)
        units_bulk_create(actor=None, specs=specs[split:], audit=False)
        units = {u.code: u for u in Unit.objects.all()}
        assert set(units) == set(children)
        for code, u in units.items():
            assert codes(Unit.objects.subtree(u)) == brute_subtree(code)
            assert codes(Unit.objects.subtree(u, include_self=False)) == brute_subtree(code) - {code}
            assert u.numchild == len(children[code])
            assert u.depth == len(chain(code)) + 1
            assert [a.code for a in u.ancestors()] == chain(code)
            # siblings keep the order in which they were given
            assert child_codes(u) == children[code]
        transaction.set_rollback(True)


# --- PostgreSQL: a subtree is an index range scan ------------------------------------------------


@pytest.mark.django_db
def test_subtree_query_can_use_an_index_on_postgresql(tree):
    if connection.vendor != "postgresql":
        pytest.skip("the index plan is checked on PostgreSQL only")
    sql, params = Unit.objects.subtree(tree["QD1"]).only("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"Index Cond: .*\bpath\b", plan), plan


@pytest.mark.django_db
def test_a_new_root_after_a_deleted_root_gets_a_free_path(db):
    make_tree([("OLD", None, "Thành Đoàn cũ", UnitKind.CITY), ("TD", None, "Thành Đoàn", UnitKind.CITY)])
    Unit.objects.filter(code="OLD").delete()
    units_bulk_create(actor=None, specs=[UnitSpec(code="NEW", parent_code=None, name="Mới", kind=UnitKind.CITY)])
    assert set(Unit.objects.filter(depth=1).values_list("code", flat=True)) == {"TD", "NEW"}
    assert unit("NEW").path > unit("TD").path


# --- the demo directory ------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_directory_is_a_consistent_tree(demo_tree):
    rows = list(Unit.objects.values_list("code", "path", "depth", "numchild"))
    children = Counter(path[: -Unit.steplen] for _code, path, depth, _n in rows if depth > 1)
    paths = {path for _code, path, _depth, _n in rows}
    for code, path, depth, numchild in rows:
        assert depth == len(path) // Unit.steplen, code
        assert numchild == children[path], code
        assert depth == 1 or path[: -Unit.steplen] in paths, code
    assert Unit.objects.filter(depth=1).count() == 1


@pytest.mark.django_db
def test_demo_directory_search(demo_tree):
    found = codes(Unit.objects.search("nha be"))
    assert {"HD-NHABE", "TCT-MAYNHABE"} <= found
    assert codes(Unit.objects.search("huyen doan nha be")) == {"HD-NHABE"}
    assert codes(Unit.objects.search("NHÀ BÈ").filter(depth=2)) == codes(Unit.objects.search("nha be").filter(depth=2))
    # a district's search results stay inside the district
    nhabe = demo_tree["HD-NHABE"]
    inside = codes(Unit.objects.subtree(nhabe).search("nha be"))
    assert "HD-NHABE" in inside and "TCT-MAYNHABE" not in inside
