"""One access rule, proven for every URL of the project and every role (SPEC §2, §10).

Every URL pattern is enumerated from the resolver and requested as each role, with its
kwargs filled from one family whose people have unusual names. The expected answer of a
case page is generated from the access policies the apps declare (`families.access.policies`:
which roles see and write which kind of record, about parents, children or the whole family)
and from an independent table of whom each role may see (SEES below). Every page a role
can open is then searched for the names and texts of everyone outside that role's scope:
a job mentor sees only the parent they mentor, a youth guidance counsellor and a retention
counsellor only the young person, managers and administrators nobody.

A new URL fails `test_every_url_is_classified` until it is added to URLS below, and an
unknown kwarg fails loudly, so no page escapes the matrix. The world is built once per module.
"""

import datetime
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
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
from families.access import policies, policy
from families.models import PersonAssignment
from families.records import access as records_access
from families.records import services as records_services
from families.worklist.models import Snooze
from networkgroup.models import (
    Action,
    Decision,
    Goal,
    InterpreterBooking,
    Meeting,
    PlanArea,
    PlanChange,
    PlanEvent,
)
from tests.employment_factories import InternshipFactory, TrackFactory, interview
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member, child
from tests.families.test_import import family_rows, to_csv
from youth.models import LeisureJob, RetentionContact, Risk, YouthTrack

D = datetime.date

# --- Whom each role may see (the oracle; not read from the code under test) ----------------
#
# Subjects: the two parents, the young person, and items about the whole family.
PARENT_A, PARENT_B, CHILD, FAMILY = "parent_a", "parent_b", "child", "family"
EVERYONE = {PARENT_A, PARENT_B, CHILD, FAMILY}

ROLES = {
    # name: (role, whom they may see, network-group member as, coordinator)
    "coordinator": (Role.FAMILY_CASEWORKER, EVERYONE),
    "consultant": (Role.EMPLOYMENT_CONSULTANT, EVERYONE),
    "uu": (Role.YOUTH_GUIDANCE_COUNSELLOR, {CHILD, FAMILY}),
    "retention": (Role.RETENTION_COUNSELLOR, {CHILD}),
    "mentor": (Role.JOB_MENTOR, {PARENT_A}),
    "outsider": (Role.FAMILY_CASEWORKER, set()),
    "manager": (Role.MANAGER, set()),
    "budget_officer": (Role.BUDGET_OFFICER, set()),
    "administrator": (Role.ADMIN, set()),
}
MEMBERS = {"coordinator", "consultant", "uu"}  # in the network group
FULL_MEMBERS = {"coordinator", "consultant"}  # see every person, the agenda and the minutes
COORDINATORS = {"coordinator"}
CASEWORKERS = {"coordinator", "consultant", "uu", "retention", "mentor", "outsider"}


def sees(name: str) -> set[str]:
    return ROLES[name][1]


# Names, CPR and texts that appear nowhere else: their presence in a page is a leak.
CPR = "120385-4012"
MARKERS = {
    PARENT_A: ("Zenobia", CPR, CPR[:6], "Xylographparent"),
    PARENT_B: ("Ottoline", "Marchbanks", "Brambleparent"),
    CHILD: ("Thaddeus", "Junipeyouth"),
    FAMILY: ("Hearthstonefamily",),
}
FREE_TEXT = ("Agendamarkerx", "Minutesmarkerx")  # agenda and minutes: full members only


def forbidden(name: str) -> list[str]:
    words = [w for subject, ws in MARKERS.items() if subject not in sees(name) for w in ws]
    if name not in FULL_MEMBERS:
        words += FREE_TEXT
    return words


# --- URL classification --------------------------------------------------------------------
#
# CASE   – a family's or a person's data: (policy key, whom the URL's object is about, what
#          the page does). Who gets 404, 403 or in is generated from the policy and SEES.
#          What it does: VIEW, EDIT (the policy's edit roles), MEMBER (any group member),
#          FULL (full members only), COORD (the coordinator only; others 404).
# OWN    – a page scoped to the user (own lists, own account): open to any caseworker, but
#          it shows nothing of anyone the user may not see.
# PERM   – not case data; guarded by a permission, so a 403 is allowed.
# PUBLIC – open without log-in.
CASE, OWN, PERM, PUBLIC = "case", "own", "perm", "public"
VIEW, EDIT, MEMBER, FULL, COORD = "view", "edit", "member", "full", "coord"
AUTHOR = "author"  # the record's author only (the coordinator wrote the world's note); 404 else


def case(policy_key: str, subject: str, does: str = VIEW):
    return (CASE, policy_key, subject, does)


PERSON = "families.person"
PLAN = "networkgroup.plan"
MEETING = "networkgroup.meeting"
TRACK = "employment.track"
MENTOR = "employment.mentor_records"
YOUTH = "youth.track"
JOURNAL = "families.journal"

URLS: dict[str, tuple] = {
    "home": (OWN, "Mit arbejde: the user's own deadlines"),
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
    "families:detail": case(PERSON, FAMILY),
    "families:edit": case(PERSON, FAMILY, FULL),
    "families:status": case(PERSON, FAMILY, FULL),
    "families:person_create": case(PERSON, FAMILY, MEMBER),
    "families:person_edit": case(PERSON, PARENT_A, EDIT),
    "families:person_cpr": case(PERSON, PARENT_A),
    "history:family": case(PERSON, FAMILY),
    "consent:family": case(PERSON, FAMILY, MEMBER),
    "consent:withdraw": case(PERSON, FAMILY, COORD),
    "records:notes": case(JOURNAL, FAMILY),
    "records:note_create": case(JOURNAL, FAMILY, EDIT),
    "records:note": case(JOURNAL, PARENT_A),
    "records:note_edit": case(JOURNAL, PARENT_A, AUTHOR),
    "records:note_addendum": case(JOURNAL, PARENT_A, EDIT),
    "records:documents": case(JOURNAL, FAMILY),
    "records:document_download": case(JOURNAL, PARENT_A),
    "retention:review": (PERM, "retention review, administrators only; case numbers only"),
    "retention:erase": (PERM, "retention review, administrators only; case numbers only"),
    "retention:hold": (PERM, "retention review, administrators only; case numbers only"),
    "retention:hold_lift": (PERM, "retention review, administrators only; case numbers only"),
    "insight:start": (PERM, "GDPR art. 15 insight, administrators only"),
    "insight:download": (PERM, "GDPR art. 15 insight, administrators only"),
    "families:import": (PERM, "target-group import, administrators only"),
    "families:import_preview": (PERM, "target-group import, administrators only"),
    "families:import_commit": (PERM, "target-group import, administrators only"),
    "families:import_discard": (PERM, "target-group import, administrators only"),
    "families:import_result": (PERM, "target-group import, administrators only"),
    "networkgroup:my_meetings": (OWN, "the user's own meetings"),
    "worklist:filter": (OWN, "Mit arbejde: the user's own filter"),
    "worklist:snooze": (OWN, "Mit arbejde: snooze an item of the user's own list"),
    "worklist:snooze_remove": (OWN, "Mit arbejde: the user's own snoozes only (404 else)"),
    "worklist:section": (OWN, "Mit arbejde: a section of the user's own list, loaded on request"),
    "worklist:group": case(PERSON, FAMILY),
    "networkgroup:group_admin_list": (PERM, "network-group administration"),
    "networkgroup:group": case(PLAN, FAMILY, MEMBER),
    "networkgroup:member_candidates": case(PLAN, FAMILY, COORD),
    "networkgroup:group_member_remove": case(PLAN, FAMILY, COORD),
    "networkgroup:group_member_coordinator": case(PLAN, FAMILY, COORD),
    "networkgroup:plan": case(PLAN, FAMILY),
    "networkgroup:presence": case(PLAN, FAMILY),
    "networkgroup:plan_review": case(PLAN, FAMILY, EDIT),
    "networkgroup:plan_history": case(PLAN, FAMILY),
    "networkgroup:plan_print": case(PLAN, FAMILY),
    "networkgroup:plan_pdf": case(PLAN, FAMILY),
    "networkgroup:goal_create": case(PLAN, FAMILY, EDIT),
    "networkgroup:goal": case(PLAN, PARENT_A),
    "networkgroup:goal_block": case(PLAN, PARENT_A),
    "networkgroup:goal_edit": case(PLAN, PARENT_A, EDIT),
    "networkgroup:goal_history": case(PLAN, PARENT_A),
    "networkgroup:action_create": case(PLAN, PARENT_A, EDIT),
    "networkgroup:goal_add_button": case(PLAN, PARENT_A),
    "networkgroup:action": case(PLAN, PARENT_A),
    "networkgroup:action_edit": case(PLAN, PARENT_A, EDIT),
    "networkgroup:meeting_list": case(MEETING, FAMILY),
    "networkgroup:meeting_create": case(MEETING, FAMILY, COORD),
    "networkgroup:meeting": case(MEETING, FAMILY),
    "networkgroup:meeting_edit": case(MEETING, FAMILY, FULL),
    "networkgroup:meeting_minutes": case(MEETING, FAMILY, FULL),
    "networkgroup:meeting_approve": case(MEETING, FAMILY, FULL),
    "networkgroup:meeting_addendum": case(MEETING, FAMILY, FULL),
    "networkgroup:meeting_decision": case(MEETING, FAMILY, EDIT),
    "networkgroup:meeting_decision_list": case(MEETING, FAMILY),
    "networkgroup:meeting_agenda": case(MEETING, FAMILY, FULL),
    "networkgroup:meeting_document": case(MEETING, FAMILY, EDIT),
    "networkgroup:meeting_interpreter_create": case(MEETING, FAMILY, FULL),
    "networkgroup:meeting_interpreter_edit": case(MEETING, FAMILY, FULL),
    "employment:parent": case(TRACK, PARENT_A),
    "employment:track_edit": case(TRACK, PARENT_A, EDIT),
    "employment:track_outcome": case(TRACK, PARENT_A, EDIT),
    "employment:track_new": case(TRACK, PARENT_A, EDIT),
    "employment:internship_create": case(TRACK, PARENT_A, EDIT),
    "employment:internship_edit": case(TRACK, PARENT_A, EDIT),
    "employment:internship_hours": case(MENTOR, PARENT_A, EDIT),
    "employment:interview_create": case(TRACK, PARENT_A, EDIT),
    "employment:interview_edit": case(TRACK, PARENT_A, EDIT),
    "employment:mentor_assign": case(TRACK, PARENT_A, EDIT),
    "employment:mentor_renew": case(TRACK, PARENT_A, EDIT),
    "employment:mentor_close": case(TRACK, PARENT_A, EDIT),
    "employment:mentor_contact": case(MENTOR, PARENT_A, EDIT),
    "employment:course_create": case(TRACK, PARENT_A, EDIT),
    "employment:course_edit": case(TRACK, PARENT_A, EDIT),
    "employment:company_list": (OWN, "companies are not personal data"),
    "employment:company_create": (OWN, "companies are not personal data"),
    "employment:company_detail": (OWN, "a company; its internships only for visible people"),
    "employment:company_edit": (OWN, "companies are not personal data"),
    "youth:person": case(YOUTH, CHILD),
    "youth:timeline": case(YOUTH, CHILD),
    "youth:track_create": case(YOUTH, CHILD, EDIT),
    "youth:track_edit": case(YOUTH, CHILD, EDIT),
    "youth:follow_up": case("youth.follow_up", CHILD, EDIT),
    "youth:record_create": case("youth.leisure_job", CHILD, EDIT),
    "youth:record_edit": case("youth.leisure_job", CHILD, EDIT),
    "youth:record_create_legacy": (OWN, "redirects an English address to the Danish one"),
    "youth:record_edit_legacy": (OWN, "redirects an English address to the Danish one"),
    "employment:company_picker": (OWN, "companies are not personal data"),
    "targets_home": (PERM, "aggregated dashboard, view_dashboard"),
    "budget:target_detail": (PERM, "aggregated dashboard, view_dashboard"),
    "budget:snapshot_request": (PERM, "aggregated dashboard, view_dashboard"),
    "budget:snapshot_status": (PERM, "aggregated dashboard, view_dashboard"),
    "budget:export": (PERM, "aggregated dashboard export, view_dashboard"),
    "budget:capacity": (PERM, "capacity counts per cohort, view_dashboard; no names"),
    "budget:overview": (PERM, "budget pages, manage_budget"),
    "budget:allocation_create": (PERM, "budget pages, manage_budget"),
    "budget:allocation_edit": (PERM, "budget pages, manage_budget"),
    "budget:expenditures": (PERM, "budget pages, manage_budget"),
    "budget:expenditure_create": (PERM, "budget pages, manage_budget"),
    "budget:expenditure_edit": (PERM, "budget pages, manage_budget"),
    "budget:expenditure_delete": (PERM, "budget pages, manage_budget"),
    "budget:import": (PERM, "budget pages, manage_budget"),
    "budget:import_preview": (PERM, "budget pages, manage_budget"),
    "staffing:handover": (PERM, "handover of a leaver's groups, administrators; case numbers only"),
    "staffing:approvals": (PERM, "four-eyes approvals, administrators; case numbers only"),
    "staffing:grant_decide": (PERM, "approve a grant: another admin or the coordinator, else 404"),
    "staffing:batch_approve": (PERM, "four-eyes approvals, administrators"),
    "staffing:role_decide": (PERM, "four-eyes approvals of roles, administrators"),
    "staffing:orphans": (
        PERM,
        "families without a coordinator: administrators, counts for managers",
    ),
    "staffing:grant_log": (PERM, "every grant, for managers and administrators; no case content"),
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
# groups (SPEC §2 "users, roles"); the page shows the case number and staff, no case content.
ADMIN_MANAGES_GROUPS = {
    "networkgroup:group",
    "networkgroup:member_candidates",
    "networkgroup:group_member_remove",
    "networkgroup:group_member_coordinator",
}


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
CASE_URLS = sorted(n for n in APP_URLS if URLS.get(n, ("",))[0] == CASE)


def test_every_url_is_classified():
    missing = sorted(set(APP_URLS) - set(URLS))
    stale = sorted(set(URLS) - set(APP_URLS))
    assert not missing, f"add these URL names to URLS in {__name__}: {missing}"
    assert not stale, f"these URL names no longer exist: {stale}"


def test_every_case_url_names_a_registered_policy_and_every_policy_is_exercised():
    keys = {p.key for p in policies()}
    used = {URLS[n][1] for n in CASE_URLS}
    assert used <= keys, used - keys
    # A policy no URL exercises would be a rule nobody tests.
    untested = keys - used - {p for p in keys if p.startswith("youth.")}
    assert not untested, untested


# --- Expected status, generated from the policies --------------------------------------------


def _subject_kind(subject: str) -> str | None:
    return {PARENT_A: "parent", PARENT_B: "parent", CHILD: "child"}.get(subject)


# A URL whose POST does more than its GET shows (the group page: members see it, the
# coordinator adds members).
POST_DOES = {"networkgroup:group": COORD, "consent:family": COORD}


def expected(name: str, who: str, method: str = "get") -> str:
    """'in', '403' or '404' for a CASE URL and a role, from the URL's policy and SEES."""
    _case, key, subject, does = URLS[name]
    if method == "post":
        does = POST_DOES.get(name, does)
    pol = policy(key)
    role = ROLES[who][0]
    if who == "administrator" and name in ADMIN_MANAGES_GROUPS:
        return "in"
    if (pol.members_only or does in (MEMBER, FULL, COORD)) and who not in MEMBERS:
        return "404"
    if subject == FAMILY:
        seen = bool(sees(who))
    else:
        seen = subject in sees(who) and _subject_kind(subject) in pol.about
    if not seen or role not in pol.view_roles:
        return "404"
    if does == COORD:
        return "in" if who in COORDINATORS else "404"
    if does == AUTHOR:
        return "in" if who == "coordinator" else "404"
    if does == FULL and who not in FULL_MEMBERS:
        return "403"
    if does == EDIT and role not in pol.edit_roles:
        return "403"
    return "in"


def _ok(status: int) -> bool:
    # In: the page, a redirect after a (possibly refused) empty POST, a form error, or 405 for
    # a GET of a POST-only URL.
    return status in (200, 302, 400, 405, 409)


# --- The world, built once per module ------------------------------------------------------


def _build_world():
    users = {who: UserFactory(username=f"w_{who}", role=role) for who, (role, _s) in ROLES.items()}
    family = FamilyFactory(notes="Hearthstonefamily notes", status_reason="Hearthstonefamily why")
    parent = PersonFactory(family=family, first_name="Zenobia", last_name="Quillfeather", cpr=CPR)
    other_parent = PersonFactory(family=family, first_name="Ottoline", last_name="Marchbanks")
    kid = child(family=family, first_name="Thaddeus", last_name="Quillfeather")
    add_member(family, users["coordinator"], coordinator=True)
    colleague = add_member(family, users["consultant"], role=Role.EMPLOYMENT_CONSULTANT)
    add_member(family, users["uu"], role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    today = date.today()

    track = TrackFactory(person=parent, company_consultant=users["consultant"])
    internship = InternshipFactory(track=track)
    job_interview = interview(track, held=D(2026, 1, 20), by=users["coordinator"])
    start, end = today - timedelta(days=30), today + timedelta(days=150)
    access = PersonAssignment.objects.create(
        person=parent, user=users["mentor"], role=Role.JOB_MENTOR, start=start, end=end
    )
    mentor_period = MentorAssignment.objects.create(
        track=track, mentor=users["mentor"], start=start, end=end, access=access
    )
    course = Course.objects.create(
        track=track, kind=CourseKind.LANGUAGE, title="Dansk 3", start=D(2026, 2, 1)
    )

    youth = YouthTrack.objects.create(
        person=kid,
        start=D(2026, 1, 5),
        education_effort=True,
        retention_counsellor=users["retention"],
        guidance_counsellor=users["uu"],
    )
    PersonAssignment.objects.create(
        person=kid, user=users["retention"], role=Role.RETENTION_COUNSELLOR, start=start
    )
    RetentionContact.objects.create(track=youth, date=D(2026, 2, 2), school="KEA", risk=Risk.LOW)
    job = LeisureJob.objects.create(
        track=youth, employer="Netto", hours_per_week=8, start=D(2026, 2, 1)
    )

    coordinator = users["coordinator"]
    plan = family.plan  # created with the family; its review falls due in five days
    plan.review_date = today + timedelta(days=5)
    plan.save()

    def goal(person, text):
        return Goal.objects.create(
            plan=plan, area=PlanArea.EMPLOYMENT, text=text, person=person,
            created_by=coordinator, updated_by=coordinator,
        )  # fmt: skip

    def action(g, what, responsible):
        a = Action.objects.create(
            goal=g, plan=plan, what=what, responsible=responsible, created_by=coordinator,
            updated_by=coordinator, deadline=today + timedelta(days=3),
        )  # fmt: skip
        event = PlanEvent.objects.create(
            plan=plan, goal=g, action=a, actor=coordinator, object_type="action", verb="created"
        )
        PlanChange.objects.create(
            event=event, plan=plan, goal=g, action=a, actor=coordinator, object_type="action",
            field="what", after=what,
        )  # fmt: skip
        return a

    parent_goal = goal(parent, "Xylographparent health goal")
    # Legacy data: the youth counsellor responsible for an action about a parent (no longer
    # possible through the forms); they must still not see it anywhere.
    parent_action = action(parent_goal, "Xylographparent action", users["uu"])
    other_goal = goal(other_parent, "Brambleparent goal")
    action(other_goal, "Brambleparent action", coordinator)
    child_goal = goal(kid, "Junipeyouth goal")
    child_action = action(child_goal, "Junipeyouth action", users["uu"])
    family_goal = goal(None, "Hearthstonefamily goal")
    action(family_goal, "Hearthstonefamily action", users["uu"])

    meeting = Meeting.objects.create(
        family=family,
        starts_at=datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC),
        place="Rådhuset",
        agenda="1. Agendamarkerx about Zenobia",
        minutes="Minutesmarkerx: Ottoline",
        interpreting_person=other_parent,
        created_by=coordinator,
    )
    meeting.attending_members.set([coordinator, users["uu"]])
    meeting.attending_people.set([parent, other_parent, kid])
    Decision.objects.create(
        meeting=meeting, text="Xylographparent decision", action=parent_action,
        created_by=coordinator,
    )  # fmt: skip
    Decision.objects.create(
        meeting=meeting, text="Junipeyouth decision", action=child_action, created_by=coordinator
    )

    snooze = Snooze.objects.create(
        user=coordinator, family=family, person=parent, kind="networkgroup.plan_action",
        item_key=f"networkgroup.plan_action:/netvaerk/{family.pk}/plan/#action-{parent_action.pk}",
        until=date.today() + timedelta(days=5), reason="Xylographparent snooze",
    )  # fmt: skip

    booking = InterpreterBooking.objects.create(
        meeting=meeting, language="Arabisk", starts_at=meeting.starts_at, supplier="Tolkeservice",
        requested_by=coordinator,
    )  # fmt: skip

    scope = records_access.scope_for(coordinator, family)
    note = records_services.note_create(
        actor=coordinator, family=family, scope=scope, kind="conversation",
        heading="Xylographparent samtale", text="Xylographparent note",
        people=[parent], occurred_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    document = records_services.document_upload(
        actor=coordinator, family=family, scope=scope, title="Xylographparent brev",
        date=D(2026, 3, 1), kind="letter", person=parent,
        upload=SimpleUploadedFile("brev.pdf", b"%PDF-1.4\n%%EOF\n"),
    )  # fmt: skip

    activity = Activity.objects.first()
    expenditure = Expenditure.objects.create(
        date=D(2026, 3, 1), amount=Decimal("100.00"), line=activity.line, activity=activity,
        category=Category.OTHER, family=family,
    )  # fmt: skip
    expenditure_upload = ExpenditureImport.objects.create(
        filename="udgifter.csv", data=b"x", created_by=users["budget_officer"]
    )
    target_import = importer.target_group_upload_create(
        actor=users["administrator"], data=to_csv(family_rows("H9", 90)), file_name="extract.csv"
    )
    snapshot = SnapshotRun.objects.create(date=D(2026, 3, 1))
    evaluation_run = EvaluationRun.objects.create()
    evaluation_extract = EvaluationExtract.objects.create(purpose="Adgangstest af udtræk")
    comparison_upload = ComparisonUpload.objects.create(kind="outcomes", file_name="x.csv")

    kwargs = {
        "family_pk": family.pk,
        "member_pk": colleague.pk,
        "person_pk": parent.pk,
        "goal_pk": parent_goal.pk,
        "action_pk": parent_action.pk,
        "language": "da",
        "kind": "leisure_job",
        "record_pk": job.pk,
        "booking_pk": booking.pk,
        "code": "T1",
        "fmt": "csv",
        "user_pk": users["coordinator"].pk,
        "decision": "approve",
        "batch": "handover-none",
        "basis_pk": family.sharing_bases.first().pk,
        "role": Role.FAMILY_CASEWORKER.value,
        "uidb64": "MQ",
        "token": "not-a-valid-token",
        "section": "kommende",
    }
    # `pk` means a different object on each page.
    pk = {
        "accounts": users["coordinator"].pk,
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
        "staffing": users["coordinator"].pk,
        "history": family.pk,
        "consent": family.pk,
        "retention": family.pk,
        "records:note": note.pk,
        "worklist": snooze.pk,
        "records:document": document.pk,
        "budget:snapshot": snapshot.pk,
        "budget:allocation": Allocation.objects.first().pk,
        "budget:expenditure": expenditure.pk,
        "budget:import": expenditure_upload.pk,
        "evaluation:run": evaluation_run.pk,
        "evaluation:extract": evaluation_extract.pk,
        "evaluation:upload": comparison_upload.pk,
        "api:extract": evaluation_extract.pk,
    }
    return {
        "kwargs": kwargs,
        "pk": pk,
        "users": users,
        "family": family,
        "parent": parent,
        "child": kid,
        "child_goal": child_goal,
        "child_action": child_action,
        "family_goal": family_goal,
        "parent_action": parent_action,
        "meeting": meeting,
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module, rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


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


def body_text(response) -> str:
    """What a user gets: the page, or the text of a PDF, CSV or spreadsheet."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)
        except PdfReadError:  # an uploaded file that only claims to be a PDF
            pass
    return raw.decode(errors="replace")


def _leaks(response, who: str) -> list[str]:
    text = body_text(response)
    return [w for w in forbidden(who) if w in text]


def _request(client, method, url):
    return client.get(url) if method == "get" else client.post(url, {})


METHODS = ["get", "post"]


# --- The generated matrix -------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("who", sorted(ROLES))
@pytest.mark.parametrize("name", APP_URLS)
def test_every_url_answers_each_role_as_the_policies_say_and_shows_only_its_people(
    client, db, world, name, who, method
):
    kind = URLS[name][0]
    if kind == PUBLIC:
        pytest.skip("public page")
    if name == "accounts:logout":
        pytest.skip("logs the client out")
    client.force_login(world["users"][who])
    response = _request(client, method, _url(world, name))
    assert response.status_code != 500
    if kind == CASE:
        want = expected(name, who, method)
        if want == "in":
            assert _ok(response.status_code), (want, response.status_code)
        else:
            assert response.status_code in (int(want), 405), (want, response.status_code)
    if who == "administrator" and name in ADMIN_MAY_SEE_NAMES:
        return
    assert not _leaks(response, who), _leaks(response, who)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", APP_URLS)
def test_anonymous_is_sent_to_log_in(client, db, world, name, method):
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


def test_the_public_pages_need_no_log_in(client, db, world):
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302


ADMIN_SITE_KWARGS = {"app_label": "audit", "object_id": "1", "content_type_id": 1}


@pytest.mark.parametrize("name", [n for n in ADMIN_SITE_URLS if "<unnamed" not in n])
@pytest.mark.parametrize("who", ["outsider", "manager", "administrator"])
def test_the_django_admin_site_is_closed_to_every_application_role(client, db, world, name, who):
    # No application role is staff; Django's admin sends non-staff to its own log-in.
    client.force_login(world["users"][who])
    missing = [k for k in ALL_URLS[name] if k not in ADMIN_SITE_KWARGS]
    assert not missing, f"unmapped kwarg(s) {missing} of {name}: add to ADMIN_SITE_KWARGS"
    url = reverse(name, kwargs={k: ADMIN_SITE_KWARGS[k] for k in ALL_URLS[name]})
    response = client.get(url)
    assert not _leaks(response, who)
    if name in ("admin:login", "admin:logout"):
        return
    assert response.status_code == 302 and "/login/" in response.url, response.status_code


# --- The checks can fail: each role is let in where it should be and sees its people -------


@pytest.mark.parametrize(
    ("who", "name", "must_show"),
    [
        ("coordinator", "families:detail", ["Zenobia", "Ottoline", "Thaddeus", CPR[:6]]),
        ("coordinator", "networkgroup:plan", ["Xylographparent", "Junipeyouth", "Hearthstone"]),
        ("coordinator", "networkgroup:meeting", ["Agendamarkerx", "Minutesmarkerx", "Ottoline"]),
        ("uu", "networkgroup:plan", ["Junipeyouth", "Hearthstonefamily"]),
        ("uu", "networkgroup:meeting", ["Junipeyouth decision", "Thaddeus"]),
        ("uu", "families:detail", ["Thaddeus"]),
        ("uu", "youth:person", ["Thaddeus"]),
        ("retention", "youth:person", ["Thaddeus"]),
        ("mentor", "employment:parent", ["Zenobia"]),
        ("consultant", "employment:parent", ["Zenobia"]),
        ("coordinator", "worklist:group", ["Brambleparent action"]),
        ("uu", "worklist:group", ["Junipeyouth action"]),
    ],
)
def test_each_role_sees_the_people_in_its_scope(client, db, world, who, name, must_show):
    client.force_login(world["users"][who])
    response = client.get(_url(world, name))
    assert response.status_code == 200
    text = body_text(response)
    assert [w for w in must_show if w not in text] == []


def test_the_plan_pdf_follows_the_person_rule(client, db, world):
    client.force_login(world["users"]["uu"])
    text = body_text(client.get(_url(world, "networkgroup:plan_pdf")))
    assert "Junipeyouth" in text and "Xylographparent" not in text
    client.force_login(world["users"]["coordinator"])
    assert "Xylographparent" in body_text(client.get(_url(world, "networkgroup:plan_pdf")))


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("networkgroup:goal", 200),
        ("networkgroup:goal_edit", 200),
        ("networkgroup:goal_history", 200),
        ("networkgroup:action_create", 200),
    ],
)
def test_a_youth_counsellor_works_on_the_young_persons_goal(client, db, world, url, status):
    client.force_login(world["users"]["uu"])
    kwargs = {"family_pk": world["family"].pk, "goal_pk": world["child_goal"].pk}
    response = client.get(reverse(url, kwargs=kwargs))
    assert response.status_code == status
    assert not _leaks(response, "uu")


def test_a_youth_counsellor_is_offered_only_the_young_people_and_the_family_as_for(
    client, db, world
):
    client.force_login(world["users"]["uu"])
    # The add-goal form, as the plan page fetches it when opened.
    html = client.get(_url(world, "networkgroup:goal_create")).content.decode()
    assert 'id="goal-create"' in html
    assert f'value="{world["child"].pk}"' in html
    assert f'value="{world["parent"].pk}"' not in html


def test_a_youth_counsellor_cannot_add_a_goal_for_a_parent(client, db, world):
    client.force_login(world["users"]["uu"])
    before = Goal.objects.count()
    response = client.post(
        reverse("networkgroup:goal_create", args=[world["family"].pk]),
        {"person": world["parent"].pk, "area": PlanArea.HEALTH, "text": "Sneaky"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert Goal.objects.count() == before


def test_an_action_about_a_parent_cannot_be_given_to_a_youth_counsellor(client, db, world):
    client.force_login(world["users"]["coordinator"])
    goal = Goal.objects.get(text__startswith="Xylographparent")
    response = client.post(
        reverse("networkgroup:action_create", args=[world["family"].pk, goal.pk]),
        {"what": "Ring til lægen", "responsible": world["users"]["uu"].pk, "status": "planned"},
    )
    assert response.status_code == 200
    assert not Action.objects.filter(what="Ring til lægen").exists()


@pytest.mark.parametrize("who", sorted(CASEWORKERS))
def test_mit_arbejde_and_the_digest_show_only_what_the_role_may_see(client, db, world, who):
    user = world["users"][who]
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert not _leaks(response, who)
    if who == "uu":
        html = response.content.decode()
        assert f"#action-{world['child_action'].pk}" in html
        assert f"#action-{world['parent_action'].pk}" not in html
    mail.outbox = []
    from bi18.celery import app

    app.loader.import_default_modules()  # the apps' tasks modules (autodiscovery)
    (digest,) = [t for n, t in app.tasks.items() if n.endswith("send_daily_digest")]
    digest.apply()
    for message in mail.outbox:
        if user.email in message.to:
            assert not [w for w in forbidden(who) if w in message.body]
            assert f"#action-{world['parent_action'].pk}" not in message.body or (
                PARENT_A in sees(who)
            )


@pytest.mark.parametrize("who", sorted(CASEWORKERS))
@pytest.mark.parametrize("q", ["Zenobia", "Ottoline", "Thaddeus", CPR])
def test_searching_finds_only_people_in_the_roles_scope(client, db, world, who, q):
    client.force_login(world["users"][who])
    response = client.post(reverse("families:search"), {"q": q}, follow=True)
    assert response.status_code == 200
    # The search box shows what the user typed; anything else of the person is a leak.
    leaks = [w for w in _leaks(response, who) if w not in q]
    assert not leaks
    subject = {"Zenobia": PARENT_A, CPR: PARENT_A, "Ottoline": PARENT_B, "Thaddeus": CHILD}[q]
    found = world["family"].case_number in response.content.decode()
    assert found == (subject in sees(who))


# --- Reads and writes ------------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    skip = {"audit.auditevent", "sessions.session", "axes.accessattempt", "axes.accesslog"}
    return {
        m._meta.label_lower: m.objects.count()
        for m in apps.get_models()
        if m._meta.label_lower not in skip and m._meta.managed
    }


@pytest.mark.parametrize("who", ["coordinator", "uu", "administrator", "budget_officer", "manager"])
def test_a_get_changes_nothing_anywhere(client, db, world, who):
    """Writes are POST-only: GET every page as a user who may use it; no row changes and
    the only audit rows are views, searches and exports."""
    from bi18.audit.models import AuditEvent

    client.force_login(world["users"][who])
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


@pytest.mark.parametrize("name", CASE_URLS)
def test_every_case_page_a_member_reads_is_audited(client, db, world, name):
    from bi18.audit.models import AuditEvent

    user = world["users"]["coordinator"]
    client.force_login(user)
    response = client.get(_url(world, name))
    if response.status_code != 200 or name in NOT_AUDITED:
        pytest.skip(NOT_AUDITED.get(name, f"GET gives {response.status_code}"))
    events = AuditEvent.objects.filter(actor=user)
    assert events.filter(action__in=["view", "export"]).exists(), name


def test_docs_access_md_lists_the_policies_as_the_code_declares_them():
    from pathlib import Path

    from django.conf import settings

    from families.access import policy_table

    doc = (Path(settings.BASE_DIR) / "docs" / "access.md").read_text(encoding="utf-8")
    table = doc.split("<!-- policy-table -->\n", 1)[1].split("\n<!-- /policy-table -->", 1)[0]
    assert table.strip() == policy_table().strip()
