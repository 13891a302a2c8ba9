"""Every list of rows sorts by its columns (issue 16 §4, bi18/lib/sorting.py).

Per list: a column's sort shows two known rows in that order and its reverse the other way
round, and an unknown sort key shows the list in its default order, without an error.
Each case's setup makes the data and returns (user, url, first text, second text, key):
with `?sort=key` the first text comes before the second.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from bi18.accounts.models import RoleGrant
from bi18.accounts.roles import Role
from families.history.models import ChangeRecord
from families.models import District, FamilyStatus
from families.records.models import Document
from families.retention.models import RetentionCandidate
from families.staffing.models import AccessGrant, GrantKind, GrantSource
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member

DAY = datetime.date(2026, 11, 2)


def _user(first_name: str, role=Role.FAMILY_CASEWORKER):
    return UserFactory(
        username=first_name.lower(), first_name=first_name, last_name="Sortesen", role=role
    )


@dataclass
class Case:
    user: Any
    url: str
    first: str
    second: str
    key: str


def _family_list(request) -> Case:
    caseworker = request.getfixturevalue("caseworker")
    for case_number, district in (
        ("BI18-0001", District.VALBY),
        ("BI18-0002", District.AMAGER_OEST),
    ):
        family = FamilyFactory(case_number=case_number, district=district)
        PersonFactory(family=family)
        add_member(family, caseworker)
    # By district label: Amager Øst before Valby, though its case number comes later.
    return Case(caseworker, reverse("families:list"), "BI18-0002", "BI18-0001", "district")


def _documents(request) -> Case:
    caseworker, family = request.getfixturevalue("caseworker"), request.getfixturevalue("family")
    for n, (title, day) in enumerate(
        (("Zebra-aftale", DAY), ("Aftale om bolig", DAY.replace(day=1)))
    ):
        Document.objects.create(
            family=family, title=title, date=day, kind="other", file_name="f.pdf",
            content_type="application/pdf", size=1, sha256="0" * 64, storage_name=f"s{n}",
            uploaded_by=caseworker,
        )  # fmt: skip
    return Case(
        caseworker,
        reverse("records:documents", args=[family.pk]),
        "Aftale om bolig",
        "Zebra-aftale",
        "title",
    )


def _retention(request) -> Case:
    for case_number, due in (("BI18-0901", DAY), ("BI18-0902", DAY.replace(day=1))):
        family = FamilyFactory(case_number=case_number, status=FamilyStatus.COMPLETED)
        RetentionCandidate.objects.create(
            family=family, ended_on=DAY.replace(year=2021), due_on=due
        )
    return Case(
        request.getfixturevalue("administrator"),
        reverse("retention:review"),
        "BI18-0901",
        "BI18-0902",
        "case_number",
    )


def _approvals(request) -> Case:
    administrator = request.getfixturevalue("administrator")
    for name in ("Yrsa", "Anker"):
        RoleGrant.objects.create(
            user=_user(name, role=None), role=Role.FAMILY_CASEWORKER, requested_by=administrator
        )
    return Case(
        administrator, reverse("staffing:approvals"), "Anker Sortesen", "Yrsa Sortesen", "user"
    )


def _grant_log(request) -> Case:
    administrator, family = (
        request.getfixturevalue("administrator"),
        request.getfixturevalue("family"),
    )
    for name in ("Yrsa", "Anker"):
        AccessGrant.objects.create(
            family=family, kind=GrantKind.MEMBERSHIP, user=_user(name), role=Role.FAMILY_CASEWORKER,
            source=GrantSource.HANDOVER, requested_by=administrator,
        )  # fmt: skip
    return Case(
        administrator, reverse("staffing:grant_log"), "Anker Sortesen", "Yrsa Sortesen", "user"
    )


def _orphans(request) -> Case:
    FamilyFactory(case_number="BI18-0801", district=District.VALBY)
    FamilyFactory(case_number="BI18-0802", district=District.AMAGER_OEST)
    return Case(
        request.getfixturevalue("administrator"),
        reverse("staffing:orphans"),
        "BI18-0802",
        "BI18-0801",
        "district",
    )


def _history(request) -> Case:
    caseworker, family = request.getfixturevalue("caseworker"), request.getfixturevalue("family")
    for name in ("Yrsa", "Anker"):
        ChangeRecord.objects.create(
            actor=_user(name), family=family, model="families.family", object_id=family.pk,
            action="changed", changes={"cohort": ["", name]},
        )  # fmt: skip
    return Case(
        caseworker,
        reverse("history:family", args=[family.pk]),
        "Anker Sortesen",
        "Yrsa Sortesen",
        "actor",
    )


CASES: dict[str, Callable[[Any], Case]] = {
    "family_list": _family_list,
    "documents": _documents,
    "retention": _retention,
    "approvals": _approvals,
    "grant_log": _grant_log,
    "orphans": _orphans,
    "history": _history,
}


def _order(html: str, first: str, second: str) -> bool:
    assert first in html and second in html, "both rows are shown"
    return html.index(first) < html.index(second)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_sorting_by_a_column_orders_the_rows_and_its_reverse_turns_them(name, request, client):
    case = CASES[name](request)
    client.force_login(case.user)
    ascending = client.get(case.url, {"sort": case.key}).content.decode()
    assert _order(ascending, case.first, case.second)
    assert 'aria-sort="ascending"' in ascending
    descending = client.get(case.url, {"sort": f"-{case.key}"}).content.decode()
    assert _order(descending, case.second, case.first)
    assert 'aria-sort="descending"' in descending


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_an_unknown_sort_key_shows_the_default_order(name, request, client):
    case = CASES[name](request)
    client.force_login(case.user)
    default = client.get(case.url)
    unknown = client.get(case.url, {"sort": "-cpr_hash"})
    assert unknown.status_code == 200
    html = unknown.content.decode()
    assert _order(html, case.first, case.second) == _order(
        default.content.decode(), case.first, case.second
    )
