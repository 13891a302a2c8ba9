"""The family reads (families.selectors) without HTTP: scoped by the one access rule."""

from families import selectors
from families.cpr import cpr_hash
from families.models import FamilyStatus, Person, PersonRole
from tests.factories import FamilyFactory, PersonFactory, add_member, assign


def _list(user, search=None, **filters):
    return list(
        selectors.family_list(user=user, search=search or {}, ordering=["case_number"], **filters)
    )


def test_search_by_name_finds_the_family_and_says_who_matched(caseworker, family):
    other = FamilyFactory()
    PersonFactory(family=other, first_name="Mette", last_name="Jensen")
    add_member(other, caseworker)
    found = _list(caseworker, {"q": "amina hassan"})
    assert found == [family]
    (row,) = selectors.family_list_people(found, user=caseworker, search={"q": "amina hassan"})
    assert [(p.name, p.role) for p in row.matched] == [("Amina Hassan", "parent")]
    # The parents: only the visible ones, in a fixed order.
    assert [p.name for p in row.parents] == ["Amina Hassan", "Omar Hassan"]


def test_the_people_of_a_list_row_are_only_those_the_user_may_see(job_mentor, family):
    assign(family.people.get(first_name="Amina"), job_mentor)
    (row,) = selectors.family_list_people(_list(job_mentor), user=job_mentor, search={})
    assert [p.name for p in row.parents] == ["Amina Hassan"]
    assert row.matched is None
    # A search for a person names the matches the mentor may see, and no other.
    (row,) = selectors.family_list_people(
        _list(job_mentor, {"q": "hassan"}), user=job_mentor, search={"q": "hassan"}
    )
    assert [p.name for p in row.matched] == ["Amina Hassan"]


def test_search_finds_only_families_and_people_in_the_users_scope(
    caseworker, other_caseworker, job_mentor, family
):
    assert _list(other_caseworker, {"q": "amina"}) == []
    assert _list(other_caseworker) == []
    assign(family.people.get(first_name="Amina"), job_mentor)
    assert _list(job_mentor, {"q": "amina"}) == [family]
    # The other parent is in the family, but not in the mentor's scope: no match.
    assert _list(job_mentor, {"q": "omar"}) == []
    assert _list(job_mentor, {"cpr_hash": cpr_hash("120385-4012")}) == [family]
    assert _list(job_mentor, {"cpr_hash": ""}) == []


def test_filters_and_case_number(caseworker, family):
    assert _list(caseworker, {"q": family.case_number}) == [family]
    assert _list(caseworker, status=family.status) == [family]
    other = FamilyStatus.WITHDRAWN if family.status != FamilyStatus.WITHDRAWN else "active"
    assert _list(caseworker, status=other) == []
    assert _list(caseworker, district=family.district) == [family]


def test_family_detail_for_a_partial_viewer(job_mentor, family):
    assign(family.people.get(first_name="Amina"), job_mentor)
    detail = selectors.family_detail(user=job_mentor, family=family)
    assert [p.first_name for p in detail.parents] == ["Amina"]
    assert detail.children == []
    assert not detail.sees_everyone and not detail.is_member
    assert list(detail.status_changes) == []


def test_family_detail_for_the_coordinator(caseworker, family):
    detail = selectors.family_detail(user=caseworker, family=family)
    assert {p.first_name for p in detail.children} == {"Sara", "Ali"}
    assert detail.sees_everyone and detail.is_member and detail.is_coordinator
    assert [m.user for m in detail.members] == [caseworker]


def test_the_parents_query_reads_what_the_orm_reads(caseworker, family):
    other = FamilyFactory()
    PersonFactory(family=other, first_name="Mette", last_name="Jensen")
    ids = [family.pk, other.pk, FamilyFactory().pk]
    orm = Person.objects.filter(family_id__in=ids, role=PersonRole.PARENT).order_by("id")
    expected = list(orm.values("id", "family_id", "role", "first_name", "last_name"))
    assert len(expected) == 3
    assert selectors._parent_rows(ids) == expected
    assert selectors._parent_rows([]) == []
