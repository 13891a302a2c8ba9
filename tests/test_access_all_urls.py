"""One access rule, proven for every URL of the project (SPEC §2, STYLE "Access and audit").

Every URL pattern is enumerated from the resolver (recursively through includes) and requested
as each role, with its kwargs filled from one realistic family. A new URL fails
`test_every_url_is_classified` until it is added to URLS below, and an unknown kwarg name fails
loudly, so no page escapes the matrix.
"""

import datetime
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bi18.accounts.roles import Role
from budget.evaluation.models import ComparisonUpload, EvaluationExtract, EvaluationRun
from budget.models import (
    Activity,
    Allocation,
    Category,
    Expenditure,
    ExpenditureImport,
    SnapshotRun,
)
from employment.models import Course, CourseKind, MentorAssignment
from families import importer
from families.models import PersonAssignment
from families.records import access as records_access
from families.records import services as records_services
from networkgroup.models import Action, Goal, Meeting, Plan, PlanArea
from tests.employment_factories import InternshipFactory, TrackFactory, interview
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member, child
from tests.families.test_import import family_rows, to_csv
from youth.models import LeisureJob, RetentionContact, Risk, YouthTrack

pytestmark = pytest.mark.django_db

D = datetime.date

# Names and a CPR number that appear nowhere else, so their presence in a page is a leak.
PARENT_FIRST, PARENT_LAST = "Zenobia", "Quillfeather"
CHILD_FIRST = "Thaddeus"
CPR = "120385-4012"
PII = (PARENT_FIRST, PARENT_LAST, CHILD_FIRST, CPR, CPR[:6])

# --- URL classification --------------------------------------------------------------------
#
# CASE   – one family's or person's data: outsiders get 404 (never 403), on GET and POST.
# OWN    – a page scoped to the user (own lists, own account): open to any caseworker, but it
#          shows nothing of a family the user is not in.
# PERM   – not case data; guarded by a permission, so a 403 is allowed (admin, budget,
#          dashboard pages). Listed with the reason a 403 is fine.
# PUBLIC – open without log-in.
CASE, OWN, PERM, PUBLIC = "case", "own", "perm", "public"

URLS: dict[str, tuple[str, str]] = {
    "home": (OWN, "redirects to the user's start page"),
    "healthz": (PUBLIC, "load-balancer probe, no data"),
    "set_language": (PUBLIC, "language switch, no data"),
    "accounts:login": (PUBLIC, "the log-in page"),
    "accounts:logout": (OWN, "POST-only log-out"),
    "accounts:password_change": (OWN, "own password"),
    "accounts:password_change_done": (OWN, "own password"),
    "accounts:admin_home": (PERM, "user administration, no case data"),
    "accounts:user_list": (PERM, "user administration, no case data"),
    "accounts:user_create": (PERM, "user administration, no case data"),
    "accounts:user_edit": (PERM, "user administration, no case data"),
    "accounts:user_deactivate": (PERM, "user administration, no case data"),
    "accounts:user_reactivate": (PERM, "user administration, no case data"),
    "accounts:user_unlock": (PERM, "user administration, no case data"),
    "accounts:user_set_password": (PERM, "user administration, no case data"),
    "accounts:staff_picker": (PERM, "staff names for pickers, access_case_data; no case data"),
    "audit:usernames": (PERM, "user-name suggestions for the audit filter, administrators"),
    "accounts:user_second_factor_reset": (PERM, "user administration, no case data"),
    "django_admin_login": (PUBLIC, "redirects to the one log-in page"),
    "accounts:oidc_login": (PUBLIC, "starts single sign-on (404 while it is not configured)"),
    "accounts:oidc_callback": (PUBLIC, "the provider's answer; refused without a started sign-in"),
    "accounts:password_reset": (PUBLIC, "asks for a reset e-mail; same answer for any address"),
    "accounts:password_reset_done": (PUBLIC, "a fixed message"),
    "accounts:password_reset_confirm": (PUBLIC, "needs the e-mailed token"),
    "accounts:password_reset_complete": (PUBLIC, "a fixed message"),
    "accounts:second_factor_verify": (OWN, "own log-in's second factor"),
    "accounts:second_factor_enrol": (OWN, "own log-in's second factor"),
    "accounts:second_factor_manage": (OWN, "own two-factor"),
    "accounts:second_factor_recovery_codes": (OWN, "own two-factor"),
    "audit:search": (PERM, "audit log, administrators only"),
    "audit:citizen_report": (PERM, "citizen's insight report, administrators only"),
    "audit:citizen_report_csv": (PERM, "citizen's insight report, administrators only"),
    "families:list": (OWN, "the user's own families (visible_to)"),
    "families:search": (OWN, "search within the user's own families (visible_to)"),
    "families:create": (PERM, "registering a family needs create_family"),
    "families:detail": (CASE, ""),
    "families:edit": (CASE, ""),
    "families:status": (CASE, ""),
    "families:person_create": (CASE, ""),
    "families:person_edit": (CASE, ""),
    "families:person_cpr": (CASE, ""),
    "families:import": (PERM, "target-group import, administrators only"),
    "families:import_preview": (PERM, "target-group import, administrators only"),
    "families:import_commit": (PERM, "target-group import, administrators only"),
    "families:import_discard": (PERM, "target-group import, administrators only"),
    "families:import_result": (PERM, "target-group import, administrators only"),
    "networkgroup:my_meetings": (OWN, "the user's own meetings"),
    "networkgroup:group_admin_list": (PERM, "network-group administration"),
    "networkgroup:group": (CASE, ""),
    "networkgroup:member_candidates": (CASE, "the add-member picker's search"),
    "networkgroup:group_member_remove": (CASE, ""),
    "networkgroup:group_member_coordinator": (CASE, ""),
    "networkgroup:plan": (CASE, ""),
    "networkgroup:presence": (CASE, ""),
    "networkgroup:plan_review": (CASE, ""),
    "networkgroup:plan_history": (CASE, ""),
    "networkgroup:plan_print": (CASE, ""),
    "networkgroup:plan_pdf": (CASE, ""),
    "networkgroup:goal_create": (CASE, ""),
    "networkgroup:goal": (CASE, ""),
    "networkgroup:goal_edit": (CASE, ""),
    "networkgroup:goal_history": (CASE, ""),
    "networkgroup:action_create": (CASE, ""),
    "networkgroup:goal_add_button": (CASE, ""),
    "networkgroup:action": (CASE, ""),
    "networkgroup:action_edit": (CASE, ""),
    "networkgroup:meeting_list": (CASE, ""),
    "networkgroup:meeting_create": (CASE, ""),
    "networkgroup:meeting": (CASE, ""),
    "networkgroup:meeting_edit": (CASE, ""),
    "networkgroup:meeting_minutes": (CASE, ""),
    "networkgroup:meeting_approve": (CASE, ""),
    "networkgroup:meeting_addendum": (CASE, ""),
    "networkgroup:meeting_decision": (CASE, ""),
    "networkgroup:meeting_document": (CASE, ""),
    "employment:parent": (CASE, ""),
    "employment:track_edit": (CASE, ""),
    "employment:track_outcome": (CASE, ""),
    "employment:internship_create": (CASE, ""),
    "employment:internship_edit": (CASE, ""),
    "employment:internship_hours": (CASE, ""),
    "employment:interview_create": (CASE, ""),
    "employment:interview_edit": (CASE, ""),
    "employment:mentor_assign": (CASE, ""),
    "employment:mentor_renew": (CASE, ""),
    "employment:mentor_close": (CASE, ""),
    "employment:mentor_contact": (CASE, ""),
    "employment:course_create": (CASE, ""),
    "employment:course_edit": (CASE, ""),
    "employment:company_list": (OWN, "companies are not personal data"),
    "employment:company_create": (OWN, "companies are not personal data"),
    "employment:company_detail": (OWN, "a company; its internships only for visible people"),
    "employment:company_edit": (OWN, "companies are not personal data"),
    "employment:company_picker": (OWN, "companies are not personal data"),
    "youth:person": (CASE, ""),
    "youth:timeline": (CASE, ""),
    "youth:track_create": (CASE, ""),
    "youth:track_edit": (CASE, ""),
    "youth:follow_up": (CASE, ""),
    "youth:record_create": (CASE, ""),
    "youth:record_edit": (CASE, ""),
    "targets_home": (PERM, "aggregated dashboard, view_dashboard"),
    "budget:target_detail": (PERM, "aggregated dashboard, view_dashboard"),
    "budget:snapshot_request": (PERM, "aggregated dashboard, view_dashboard"),
    "budget:snapshot_status": (PERM, "aggregated dashboard, view_dashboard"),
    "budget:export": (PERM, "aggregated dashboard export, view_dashboard"),
    "budget:overview": (PERM, "budget pages, manage_budget"),
    "budget:allocation_create": (PERM, "budget pages, manage_budget"),
    "budget:allocation_edit": (PERM, "budget pages, manage_budget"),
    "budget:expenditures": (PERM, "budget pages, manage_budget"),
    "budget:expenditure_create": (PERM, "budget pages, manage_budget"),
    "budget:expenditure_edit": (PERM, "budget pages, manage_budget"),
    "budget:expenditure_delete": (PERM, "budget pages, manage_budget"),
    "budget:import": (PERM, "budget pages, manage_budget"),
    "budget:import_preview": (PERM, "budget pages, manage_budget"),
    "history:family": (CASE, ""),
    "consent:family": (CASE, ""),
    "consent:withdraw": (CASE, ""),
    "records:notes": (CASE, ""),
    "records:note_create": (CASE, ""),
    "records:note": (CASE, ""),
    "records:note_edit": (CASE, ""),
    "records:note_addendum": (CASE, ""),
    "records:documents": (CASE, ""),
    "records:document_download": (CASE, ""),
    "retention:review": (PERM, "retention review, administrators only; case numbers only"),
    "retention:erase": (PERM, "retention review, administrators only; case numbers only"),
    "retention:hold": (PERM, "retention review, administrators only; case numbers only"),
    "retention:hold_lift": (PERM, "retention review, administrators only; case numbers only"),
    "insight:start": (PERM, "GDPR art. 15 insight, administrators only"),
    "insight:download": (PERM, "GDPR art. 15 insight, administrators only"),
    "evaluation:decision": (PERM, "evaluation aggregates, view_evaluation"),
    "evaluation:run_request": (PERM, "evaluation aggregates, view_evaluation"),
    "evaluation:run_status": (PERM, "evaluation aggregates, view_evaluation"),
    "evaluation:decision_pdf": (PERM, "evaluation aggregates, view_evaluation"),
    "evaluation:extracts": (PERM, "pseudonymised extract, export_evaluation"),
    "evaluation:extract_status": (PERM, "pseudonymised extract, export_evaluation"),
    "evaluation:extract_download": (PERM, "pseudonymised extract, export_evaluation"),
    "evaluation:upload": (PERM, "comparison import, administrators only"),
    "evaluation:upload_preview": (PERM, "comparison import, administrators only"),
    "evaluation:upload_commit": (PERM, "comparison import, administrators only"),
    "evaluation:upload_discard": (PERM, "comparison import, administrators only"),
    "api:targets": (PERM, "read-only API, managers and evaluators"),
    "api:budget": (PERM, "read-only API, managers and evaluators"),
    "api:evaluation": (PERM, "read-only API, managers and evaluators"),
    "api:extracts": (PERM, "read-only API, evaluators"),
    "api:extract_download": (PERM, "read-only API, evaluators"),
    "api:schema": (PERM, "API schema, managers and evaluators"),
    "api:docs": (PERM, "API docs page, managers and evaluators"),
}

# Pages where an administrator legitimately sees a person's name: the import they run, and
# the citizen's insight report (SPEC §8) – both their job, both audited.
ADMIN_MAY_SEE_NAMES = {
    "families:import_preview": "the administrator's own target-group import (masked CPR)",
    "families:import_result": "the administrator's own target-group import",
    "audit:citizen_report": "the citizen's insight report is about one person (SPEC §8)",
    "audit:citizen_report_csv": "the citizen's insight report is about one person (SPEC §8)",
    "insight:start": "the GDPR art. 15 insight is about one person (issue 13 §5)",
    "insight:download": "the GDPR art. 15 insight is about one person (issue 13 §5)",
}

# CASE pages an administrator opens by design: administrators assign caseworkers to network
# groups (SPEC §2 "users, roles"); the page shows the case number and staff, no case content
# (the name check below still applies).
ADMIN_MANAGES_GROUPS = {
    "networkgroup:group",
    "networkgroup:member_candidates",
    "networkgroup:group_member_remove",
    "networkgroup:group_member_coordinator",
}

# CASE pages a network-group member may still be refused, with the reason (the sanity check
# below proves the fixture's ids are right: the member is let in everywhere else).
MEMBER_REFUSED: dict[str, str] = {}


def _walk(resolver, ns=None):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            inner = ns
            if p.namespace:
                inner = f"{ns}:{p.namespace}" if ns else p.namespace
            yield from _walk(p, inner)
        elif isinstance(p, URLPattern):
            name = p.name or f"<unnamed {p.pattern}>"
            yield (f"{ns}:{name}" if ns else name), list(p.pattern.regex.groupindex)


ALL_URLS = dict(_walk(get_resolver()))
APP_URLS = sorted(n for n in ALL_URLS if not n.startswith("admin:"))
ADMIN_SITE_URLS = sorted(n for n in ALL_URLS if n.startswith("admin:"))


def test_every_url_is_classified():
    missing = sorted(set(APP_URLS) - set(URLS))
    stale = sorted(set(URLS) - set(APP_URLS))
    assert not missing, f"add these URL names to URLS in {__name__}: {missing}"
    assert not stale, f"these URL names no longer exist: {stale}"


# --- The fixture ---------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """One family with everything a page can show, its group, and the role users."""
    member = UserFactory(username="member", role=Role.FAMILY_CASEWORKER)
    mentor = UserFactory(username="mentor", role=Role.JOB_MENTOR)
    budget_officer = UserFactory(username="budget_officer", role=Role.BUDGET_OFFICER)
    administrator = UserFactory(username="administrator", role=Role.ADMIN)
    family = FamilyFactory()
    parent = PersonFactory(family=family, first_name=PARENT_FIRST, last_name=PARENT_LAST, cpr=CPR)
    PersonFactory(family=family, first_name="Ottoline", last_name=PARENT_LAST)
    kid = child(family=family, first_name=CHILD_FIRST, last_name=PARENT_LAST)
    add_member(family, member, coordinator=True)
    other = add_member(family, UserFactory(username="colleague", role=Role.FAMILY_CASEWORKER))
    youth_counsellor = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, youth_counsellor, role=Role.YOUTH_GUIDANCE_COUNSELLOR)

    track = TrackFactory(person=parent)
    internship = InternshipFactory(track=track)
    job_interview = interview(track, held=D(2026, 1, 20), by=member)
    # A mentor period running today (access is derived from it per request).
    start, end = date.today() - timedelta(days=30), date.today() + timedelta(days=150)
    access = PersonAssignment.objects.create(
        person=parent, user=mentor, role=Role.JOB_MENTOR, start=start, end=end
    )
    mentor_period = MentorAssignment.objects.create(
        track=track, mentor=mentor, start=start, end=end, access=access
    )
    course = Course.objects.create(
        track=track, kind=CourseKind.LANGUAGE, title="Dansk 3", start=D(2026, 2, 1)
    )

    youth = YouthTrack.objects.create(person=kid, start=D(2026, 1, 5), education_effort=True)
    RetentionContact.objects.create(track=youth, date=D(2026, 2, 2), school="KEA", risk=Risk.LOW)
    job = LeisureJob.objects.create(
        track=youth, employer="Netto", hours_per_week=8, start=D(2026, 2, 1)
    )

    plan = Plan.objects.create(family=family, review_date=D(2026, 6, 1))
    goal = Goal.objects.create(
        plan=plan, area=PlanArea.EMPLOYMENT, text="Job", person=parent, created_by=member,
        updated_by=member,
    )  # fmt: skip
    action = Action.objects.create(
        goal=goal, plan=plan, what="Søg job", responsible=member, created_by=member,
        updated_by=member,
    )  # fmt: skip
    meeting = Meeting.objects.create(
        family=family,
        starts_at=datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC),
        place="Rådhuset",
        created_by=member,
    )

    activity = Activity.objects.first()
    expenditure = Expenditure.objects.create(
        date=D(2026, 3, 1), amount=Decimal("100.00"), line=activity.line, activity=activity,
        category=Category.OTHER, family=family,
    )  # fmt: skip
    expenditure_upload = ExpenditureImport.objects.create(
        filename="udgifter.csv", data=b"x", created_by=budget_officer
    )
    target_import = importer.target_group_upload_create(
        actor=administrator, data=to_csv(family_rows("H9", 90)), file_name="extract.csv"
    )
    snapshot = SnapshotRun.objects.create(date=D(2026, 3, 1))
    scope = records_access.scope_for(member, family)
    note = records_services.note_create(
        actor=member, family=family, scope=scope, kind="conversation", heading="Samtale",
        text="Tekst", people=[parent], occurred_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    document = records_services.document_upload(
        actor=member, family=family, scope=scope, title="Brev", date=D(2026, 3, 1), kind="letter",
        upload=SimpleUploadedFile("brev.pdf", b"%PDF-1.4\n%%EOF\n"), person=parent,
    )  # fmt: skip
    evaluation_run = EvaluationRun.objects.create()
    evaluation_extract = EvaluationExtract.objects.create(purpose="Adgangstest af udtræk")
    comparison_upload = ComparisonUpload.objects.create(kind="outcomes", file_name="x.csv")

    kwargs = {
        "family_pk": family.pk,
        "member_pk": other.pk,
        "person_pk": parent.pk,
        "goal_pk": goal.pk,
        "action_pk": action.pk,
        "language": "da",
        "kind": "leisure_job",
        "record_pk": job.pk,
        "code": "T1",
        "fmt": "csv",
        "basis_pk": family.sharing_bases.first().pk,
        "role": Role.FAMILY_CASEWORKER.value,
        "uidb64": "MQ",
        "token": "not-a-valid-token",
    }
    # `pk` means a different object on each page.
    pk = {
        "accounts": member.pk,
        "families:detail": family.pk,
        "families:edit": family.pk,
        "families:status": family.pk,
        "families:person_edit": parent.pk,
        "families:person_cpr": parent.pk,
        "families:import_preview": target_import.pk,
        "families:import_commit": target_import.pk,
        "families:import_discard": target_import.pk,
        "families:import_result": target_import.pk,
        "networkgroup:meeting": meeting.pk,
        "employment:internship": internship.pk,
        "employment:interview": job_interview.pk,
        "employment:mentor": mentor_period.pk,
        "employment:course": course.pk,
        "employment:company": internship.company_id,
        "youth": kid.pk,
        "budget:snapshot": snapshot.pk,
        "budget:allocation": Allocation.objects.first().pk,
        "budget:expenditure": expenditure.pk,
        "budget:import": expenditure_upload.pk,
        "history": family.pk,
        "consent": family.pk,
        "retention": family.pk,
        "records:note": note.pk,
        "records:document": document.pk,
        "evaluation:run": evaluation_run.pk,
        "evaluation:extract": evaluation_extract.pk,
        "evaluation:upload": comparison_upload.pk,
        "api:extract": evaluation_extract.pk,
    }
    return {
        "kwargs": kwargs,
        "pk": pk,
        "users": {
            "member": member,
            "mentor": mentor,
            "youth_counsellor": youth_counsellor,
            "outsider": UserFactory(username="outsider", role=Role.FAMILY_CASEWORKER),
            "manager": UserFactory(username="manager", role=Role.MANAGER),
            "budget_officer": budget_officer,
            "administrator": administrator,
        },
    }


def _url(world, name):
    kwargs = {}
    for kwarg in ALL_URLS[name]:
        if kwarg == "pk":
            # The longest prefix of the URL name that the fixture knows.
            prefixes = [p for p in world["pk"] if name.startswith(p)]
            assert prefixes, f"no object for `pk` of {name}: add it to world()['pk']"
            kwargs[kwarg] = world["pk"][max(prefixes, key=len)]
        else:
            assert kwarg in world["kwargs"], f"unmapped kwarg {kwarg!r} of {name}: add it"
            kwargs[kwarg] = world["kwargs"][kwarg]
    return reverse(name, kwargs=kwargs)


def _leaks(response) -> list[str]:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content).decode(errors="replace")
    else:
        body = response.content.decode(errors="replace")
    return [s for s in PII if s in body]


def _request(client, method, url):
    return client.get(url) if method == "get" else client.post(url, {})


METHODS = ["get", "post"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", APP_URLS)
def test_an_outsider_caseworker_gets_404_for_case_data_and_sees_no_names(
    client, world, name, method
):
    kind, _reason = URLS[name]
    if kind == PUBLIC:
        pytest.skip("public page")
    client.force_login(world["users"]["outsider"])
    response = _request(client, method, _url(world, name))
    if kind == CASE:
        assert response.status_code in (404, 405), response.status_code
    else:
        assert response.status_code != 500
        assert not _leaks(response)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("role", ["manager", "budget_officer"])
@pytest.mark.parametrize("name", APP_URLS)
def test_managers_and_budget_officers_never_see_a_name_or_cpr_number(
    client, world, name, role, method
):
    client.force_login(world["users"][role])
    response = _request(client, method, _url(world, name))
    assert response.status_code != 500
    if URLS[name][0] == CASE:
        assert response.status_code in (404, 405), response.status_code
    assert not _leaks(response)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", APP_URLS)
def test_an_administrator_never_reads_case_content(client, world, name, method):
    client.force_login(world["users"]["administrator"])
    response = _request(client, method, _url(world, name))
    assert response.status_code != 500
    if URLS[name][0] == CASE and name not in ADMIN_MANAGES_GROUPS:
        assert response.status_code in (404, 405), response.status_code
    if name not in ADMIN_MAY_SEE_NAMES:
        assert not _leaks(response)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", APP_URLS)
def test_anonymous_is_sent_to_log_in(client, world, name, method):
    if URLS[name][0] == PUBLIC:
        pytest.skip("public page")
    response = _request(client, method, _url(world, name))
    if name.startswith("api:"):
        # An API answers a machine with 401/403, not with a redirect to a log-in page.
        assert response.status_code in (401, 403), response.status_code
        return
    login = reverse("accounts:login")
    if name == "accounts:logout" and method == "post":
        # Logging out without a session is harmless; Django's LogoutView just redirects.
        assert response.status_code == 302
        return
    assert response.status_code in (302, 405), response.status_code
    if response.status_code == 302:
        assert response.url.startswith(login + "?next="), response.url


@pytest.mark.parametrize("name", sorted(n for n in APP_URLS if URLS[n][0] == CASE))
def test_a_group_member_is_let_in_so_the_ids_above_are_right(client, world, name):
    if name in MEMBER_REFUSED:
        pytest.skip(MEMBER_REFUSED[name])
    client.force_login(world["users"]["member"])
    response = client.get(_url(world, name))
    assert response.status_code in (200, 302, 405), response.status_code


def test_the_public_pages_need_no_log_in(client, world):
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302


ADMIN_SITE_KWARGS = {"app_label": "audit", "object_id": "1", "content_type_id": 1}


@pytest.mark.parametrize("name", [n for n in ADMIN_SITE_URLS if "<unnamed" not in n])
@pytest.mark.parametrize("role", ["outsider", "manager", "administrator"])
def test_the_django_admin_site_is_closed_to_every_application_role(client, world, name, role):
    # No application role is staff; Django's admin sends non-staff to its own log-in.
    client.force_login(world["users"][role])
    missing = [k for k in ALL_URLS[name] if k not in ADMIN_SITE_KWARGS]
    assert not missing, f"unmapped kwarg(s) {missing} of {name}: add to ADMIN_SITE_KWARGS"
    url = reverse(name, kwargs={k: ADMIN_SITE_KWARGS[k] for k in ALL_URLS[name]})
    response = client.get(url)
    assert not _leaks(response)
    if name in ("admin:login", "admin:logout"):
        return
    assert response.status_code == 302 and "/login/" in response.url, response.status_code


def test_the_name_check_can_fail_a_member_sees_the_names_and_the_masked_cpr(client, world):
    client.force_login(world["users"]["member"])
    response = client.get(_url(world, "families:detail"))
    assert {PARENT_FIRST, CHILD_FIRST, CPR[:6]} <= set(_leaks(response))
    assert CPR not in response.content.decode()


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    skip = {"audit.auditevent", "sessions.session", "axes.accessattempt", "axes.accesslog"}
    return {
        m._meta.label_lower: m.objects.count()
        for m in apps.get_models()
        if m._meta.label_lower not in skip and m._meta.managed
    }


@pytest.mark.parametrize("role", ["member", "administrator", "budget_officer", "manager"])
def test_a_get_changes_nothing_anywhere(client, world, role):
    """Writes are POST-only: GET every page as a user who may use it; no row changes and
    the only audit rows are views, searches and exports."""
    from bi18.audit.models import AuditEvent

    client.force_login(world["users"][role])
    before = _row_counts()
    first_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for name in APP_URLS:
        if name in ("accounts:logout", "set_language"):
            continue
        client.get(_url(world, name))
    assert _row_counts() == before
    written = set(AuditEvent.objects.filter(pk__gt=first_event).values_list("action", flat=True))
    assert written <= {"view", "search", "export"}, written


# CASE pages that show no personal data, so write no audit row (reason each).
NOT_AUDITED = {
    "networkgroup:goal_add_button": "an 'add action' button, no data",
    "networkgroup:presence": "who else has the plan open (staff), polled every few seconds",
    "networkgroup:member_candidates": "the add-member picker's search: staff names, no case data",
}


@pytest.mark.parametrize(
    "name",
    sorted(n for n in APP_URLS if URLS[n][0] == CASE),
)
def test_every_case_page_a_member_reads_is_audited(client, world, name):
    from bi18.audit.models import AuditEvent

    client.force_login(world["users"]["member"])
    response = client.get(_url(world, name))
    if response.status_code != 200 or name in NOT_AUDITED:
        pytest.skip(NOT_AUDITED.get(name, f"GET gives {response.status_code}"))
    events = AuditEvent.objects.filter(actor=world["users"]["member"])
    assert events.filter(action__in=["view", "export"]).exists(), name


# A job mentor sees the parent they mentor and nothing else of the family; a youth guidance
# counsellor sees the young people of their groups, not the parents (SPEC §2).
PARENT_PAGES = sorted(n for n in APP_URLS if URLS[n][0] == CASE and n.startswith("employment:")) + [
    "families:person_cpr",
    "families:person_edit",
]
CHILD_PAGES = sorted(n for n in APP_URLS if URLS[n][0] == CASE and n.startswith("youth:"))
FAMILY_PAGES = sorted(n for n in APP_URLS if URLS[n][0] == CASE and n.startswith("networkgroup:"))


@pytest.mark.parametrize("name", CHILD_PAGES + FAMILY_PAGES)
def test_a_job_mentor_sees_nothing_but_the_parent(client, world, name):
    client.force_login(world["users"]["mentor"])
    for method in METHODS:
        response = _request(client, method, _url(world, name))
        assert response.status_code in (404, 405), (method, response.status_code)


def test_a_job_mentor_sees_the_parent_they_mentor(client, world):
    client.force_login(world["users"]["mentor"])
    response = client.get(_url(world, "employment:parent"))
    assert response.status_code == 200 and PARENT_FIRST in response.content.decode()
    family_page = client.get(_url(world, "families:detail")).content.decode()
    assert CHILD_FIRST not in family_page


@pytest.mark.parametrize("name", PARENT_PAGES)
def test_a_youth_guidance_counsellor_does_not_see_the_parents(client, world, name):
    client.force_login(world["users"]["youth_counsellor"])
    for method in METHODS:
        response = _request(client, method, _url(world, name))
        assert response.status_code in (404, 405), (method, response.status_code)


def test_a_youth_guidance_counsellor_sees_the_young_person(client, world):
    client.force_login(world["users"]["youth_counsellor"])
    response = client.get(_url(world, "youth:person"))
    assert response.status_code == 200 and CHILD_FIRST in response.content.decode()
    assert PARENT_FIRST not in client.get(_url(world, "families:detail")).content.decode()
