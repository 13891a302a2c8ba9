"""Every list of rows sorts by its columns (issue 16 §4, bi18/lib/sorting.py).

Per list: a column's sort shows two known rows in that order and its reverse the other way
round, and an unknown sort key shows the list in its default order, without an error.
Each case's setup makes the data and returns (user, url, first text, second text, key):
with `?sort=key` the first text comes before the second.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.models import RoleGrant
from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from bi18.audit.services import audit_log
from budget.evaluation.models import EvaluationExtract
from budget.models import Activity, Allocation, Category, Expenditure
from budget.services import snapshot_compute
from families.history.models import ChangeRecord
from families.models import District, FamilyStatus
from families.records.models import Document
from families.retention.models import RetentionCandidate
from families.staffing.models import AccessGrant, GrantKind, GrantSource
from networkgroup import services as meeting_services
from networkgroup.models import PlanArea
from networkgroup.selectors import plan_for_family
from tests.budget.test_dashboard import parents
from tests.employment_factories import CompanyFactory, InternshipFactory, TrackFactory
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
    params: dict = field(default_factory=dict)
    param: str = "sort"


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


def _audit_search(request) -> Case:
    for case_number, days in (("BI18-0772", 2), ("BI18-0771", 1)):
        AuditEvent.objects.create(
            at=timezone.now() - datetime.timedelta(days=days), actor_username="caseworker",
            action="view", event="families.family.viewed", case_number=case_number,
        )  # fmt: skip
    return Case(
        request.getfixturevalue("administrator"),
        reverse("audit:search"),
        "BI18-0771",
        "BI18-0772",
        "case_number",
    )


def _citizen_report(request) -> Case:
    family, administrator = (
        request.getfixturevalue("family"),
        request.getfixturevalue("administrator"),
    )
    amina = family.people.get(first_name="Amina")
    for name in ("Yrsa", "Anker"):
        audit_log(actor=_user(name), action="view", event="families.person.viewed", person=amina)
    client = request.getfixturevalue("client")
    client.force_login(administrator)
    response = client.post(
        reverse("audit:citizen_report"), {"cpr": "120385-4012", "purpose": "Anmodning j.nr. 2026-1"}
    )
    token = parse_qs(urlsplit(response["Location"]).query)["r"][0]
    return Case(
        administrator, reverse("audit:citizen_report"), "(anker)", "(yrsa)", "user", {"r": token}
    )


def _companies(request) -> Case:
    CompanyFactory(name="Zebra Rengøring ApS", industry="Aaa-branche")
    CompanyFactory(name="Alfa Byg ApS", industry="Zzz-branche")
    user = request.getfixturevalue("employment_consultant")
    return Case(
        user, reverse("employment:company_list"), "Zebra Rengøring ApS", "Alfa Byg ApS", "industry"
    )


def _company_detail(request) -> Case:
    family, consultant = (
        request.getfixturevalue("family"),
        request.getfixturevalue("company_consultant"),
    )
    add_member(family, consultant, Role.COMPANY_CONSULTANT)
    company = CompanyFactory(name="Netto Nørrebro")
    for first_name, start in (("Omar", DAY), ("Amina", DAY.replace(day=20))):
        track = TrackFactory(
            person=family.people.get(first_name=first_name),
            start=DAY.replace(month=1),
            company_consultant=consultant,
        )
        InternshipFactory(track=track, company=company, start=start)
    url = reverse("employment:company_detail", args=[company.pk])
    return Case(consultant, url, "Amina Hassan", "Omar Hassan", "parent")


def _users(request) -> Case:
    UserFactory(
        username="zz_sortesen", first_name="Anker", last_name="Sortesen", email="a@kk.example"
    )
    UserFactory(
        username="aa_sortesen", first_name="Yrsa", last_name="Sortesen", email="y@kk.example"
    )
    return Case(
        request.getfixturevalue("administrator"),
        reverse("accounts:user_list"),
        "aa_sortesen",
        "zz_sortesen",
        "username",
    )


def _meetings(caseworker, family):
    for place, days in (("Valby Medborgerhus", 3), ("Amager Bibliotek", 5)):
        data = meeting_services.MeetingData(
            starts_at=timezone.now() + datetime.timedelta(days=days), place=place,
            attending_members=[caseworker], attending_people=[],
        )  # fmt: skip
        meeting_services.meeting_create(actor=caseworker, family=family, data=data)


def _meeting_list(request) -> Case:
    caseworker, family = request.getfixturevalue("caseworker"), request.getfixturevalue("family")
    _meetings(caseworker, family)
    url = reverse("networkgroup:meeting_list", args=[family.pk])
    return Case(caseworker, url, "Amager Bibliotek", "Valby Medborgerhus", "place")


def _my_meetings(request) -> Case:
    caseworker, family = request.getfixturevalue("caseworker"), request.getfixturevalue("family")
    _meetings(caseworker, family)
    return Case(
        caseworker,
        reverse("networkgroup:my_meetings"),
        "Amager Bibliotek",
        "Valby Medborgerhus",
        "place",
    )


def _group_admin_list(request) -> Case:
    FamilyFactory(case_number="BI18-0601", district=District.VALBY)
    FamilyFactory(case_number="BI18-0602", district=District.AMAGER_OEST)
    user = request.getfixturevalue("administrator")
    return Case(
        user, reverse("networkgroup:group_admin_list"), "BI18-0602", "BI18-0601", "district"
    )


def _plan_history(request) -> Case:
    caseworker, family = request.getfixturevalue("caseworker"), request.getfixturevalue("family")
    plan = plan_for_family(family=family)
    for text in ("Første mål", "Andet mål"):
        meeting_services.goal_create(
            actor=caseworker, plan=plan, person=None, area=PlanArea.EMPLOYMENT, text=text
        )
    url = reverse("networkgroup:plan_history", args=[family.pk])
    return Case(caseworker, url, "Første mål", "Andet mål", "at")


def _expenditures(request) -> Case:
    activity = Activity.objects.filter(line__code="18.21").first()
    for amount, day in (("987.65", 1), ("123.45", 2)):
        Expenditure.objects.create(
            date=DAY.replace(day=day), amount=Decimal(amount), line=activity.line, activity=activity,
            category=Category.CONSULTANT_SALARY,
        )  # fmt: skip
    user = request.getfixturevalue("budget_officer")
    return Case(user, reverse("budget:expenditures"), "123,45", "987,65", "amount")


def _budget_overview(request) -> Case:
    activity = Activity.objects.filter(line__code="18.21").first()
    for year, amount in ((2091, "9876.5"), (2092, "1234.5")):
        Allocation.objects.create(activity=activity, year=year, amount_thousands=Decimal(amount))
    user = request.getfixturevalue("budget_officer")
    return Case(user, reverse("budget:overview"), "1.234,5", "9.876,5", "amount")


def _capacity(request) -> Case:
    for cohort, n in (("Kohorte-A", 3), ("Kohorte-B", 1)):
        for _n in range(n):
            FamilyFactory(cohort=cohort, status=FamilyStatus.ACTIVE)
    # By the number of families: B (1) before A (3), though A comes first by name.
    user = request.getfixturevalue("manager")
    return Case(user, reverse("budget:capacity"), "Kohorte-B", "Kohorte-A", "families")


def _target_detail(request) -> Case:
    parents(6, cohort="Kohorte-Alfa")
    parents(6, cohort="Kohorte-Alfa", in_internship=False)
    parents(10, cohort="Kohorte-Gamma")
    parents(5, cohort="Kohorte-Gamma", in_internship=False)
    snapshot_compute(on=datetime.date(2024, 9, 1))
    # Reached: Alfa 6 of 12, Gamma 10 of 15 (neither below the small-cell threshold).
    url = reverse("budget:target_detail", args=["T1"])
    user = request.getfixturevalue("manager")
    return Case(user, url, "Kohorte-Alfa", "Kohorte-Gamma", "reached", param="sort_cohort")


def _extracts(request) -> Case:
    for name, days in (("Anker", 2), ("Yrsa", 1)):
        EvaluationExtract.objects.create(
            purpose="Evaluering 2026", requested_by=_user(name, role=Role.EVALUATOR),
            created_at=timezone.now() - datetime.timedelta(days=days),
        )  # fmt: skip
    user = UserFactory(username="evaluator", role=Role.EVALUATOR)
    return Case(user, reverse("evaluation:extracts"), "Anker Sortesen", "Yrsa Sortesen", "by")


CASES: dict[str, Callable[[Any], Case]] = {
    "family_list": _family_list,
    "documents": _documents,
    "retention": _retention,
    "approvals": _approvals,
    "grant_log": _grant_log,
    "orphans": _orphans,
    "history": _history,
    "audit_search": _audit_search,
    "citizen_report": _citizen_report,
    "companies": _companies,
    "company_detail": _company_detail,
    "users": _users,
    "meeting_list": _meeting_list,
    "my_meetings": _my_meetings,
    "group_admin_list": _group_admin_list,
    "plan_history": _plan_history,
    "expenditures": _expenditures,
    "budget_overview": _budget_overview,
    "capacity": _capacity,
    "target_detail": _target_detail,
    "extracts": _extracts,
}


def _order(html: str, first: str, second: str) -> bool:
    assert first in html and second in html, "both rows are shown"
    return html.index(first) < html.index(second)


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_sorting_by_a_column_orders_the_rows_and_its_reverse_turns_them(name, request, client):
    case = CASES[name](request)
    client.force_login(case.user)
    ascending = client.get(case.url, {**case.params, case.param: case.key}).content.decode()
    assert _order(ascending, case.first, case.second)
    assert 'aria-sort="ascending"' in ascending
    descending = client.get(case.url, {**case.params, case.param: f"-{case.key}"})
    descending = descending.content.decode()
    assert _order(descending, case.second, case.first)
    assert 'aria-sort="descending"' in descending


@pytest.mark.django_db
@pytest.mark.parametrize("name", CASES)
def test_an_unknown_sort_key_shows_the_default_order(name, request, client):
    case = CASES[name](request)
    client.force_login(case.user)
    default = client.get(case.url, case.params)
    unknown = client.get(case.url, {**case.params, case.param: "-cpr_hash"})
    assert unknown.status_code == 200
    html = unknown.content.decode()
    assert _order(html, case.first, case.second) == _order(
        default.content.decode(), case.first, case.second
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["family_list", "users", "companies", "expenditures", "my_meetings"]
)
def test_the_filter_form_keeps_the_chosen_order(name, request, client):
    case = CASES[name](request)
    client.force_login(case.user)
    kept = f'<input type="hidden" name="sort" value="-{case.key}">'
    assert kept in client.get(case.url, {"sort": f"-{case.key}"}).content.decode()
    # Not chosen: nothing added. Not valid: the order shown (the default), never the URL's text.
    assert '<input type="hidden" name="sort"' not in client.get(case.url).content.decode()
    invalid = client.get(case.url, {"sort": "-cpr_hash"}).content.decode()
    assert '<input type="hidden" name="sort" value="-cpr_hash">' not in invalid
