"""Free text has sane maximum lengths (issue 9 §5): a 1 MB goal is refused with a
Danish message and changes nothing; every text field of every model has a limit."""

import datetime

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bi18.lib import textlimits
from families.models import Family, FamilyStatus
from networkgroup import selectors, services
from networkgroup.models import Action, Goal, Meeting, PlanArea

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ONE_MB = "x" * (1024 * 1024)


def _too_long(limit: int) -> str:
    # Django's own Danish message: "Denne værdi må højst have 1000 tegn (den har 1048576)."
    return f"højst have {limit} tegn"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(name, *args):
    return reverse(f"networkgroup:{name}", args=args)


@pytest.fixture
def plan(family):
    return selectors.plan_for_family(family=family)


@pytest.fixture
def goal(plan, caseworker):
    return services.goal_create(
        actor=caseworker, plan=plan, area=PlanArea.HOUSING, text="A larger flat"
    )


def test_a_1_mb_goal_is_refused_with_a_danish_message(caseworker, family, plan):
    response = _client(caseworker).post(
        _url("goal_create", family.pk),
        {"person": "", "area": PlanArea.HOUSING, "text": ONE_MB},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#goal-create"
    assert _too_long(textlimits.PLAN_ITEM) in response.text
    assert not Goal.objects.exists()


def test_a_goal_at_the_limit_is_saved(caseworker, family, plan):
    text = "æ" * textlimits.PLAN_ITEM
    response = _client(caseworker).post(
        _url("goal_create", family.pk),
        {"person": "", "area": PlanArea.HOUSING, "text": text},
        **HTMX,
    )
    assert response.status_code == 200
    assert Goal.objects.get().text == text


def test_the_browser_is_told_the_limit(caseworker, family, plan, goal):
    page = _client(caseworker).get(_url("goal_edit", family.pk, goal.pk), **HTMX).text
    assert f'maxlength="{textlimits.PLAN_ITEM}"' in page


def test_editing_a_goal_to_1_mb_changes_nothing(caseworker, family, goal):
    response = _client(caseworker).post(
        _url("goal_edit", family.pk, goal.pk),
        {"person": "", "area": PlanArea.HOUSING, "text": ONE_MB, "version": goal.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert _too_long(textlimits.PLAN_ITEM) in response.text
    goal.refresh_from_db()
    assert goal.text == "A larger flat" and goal.version == 1


def test_a_1_mb_action_is_refused(caseworker, family, goal):
    response = _client(caseworker).post(
        _url("action_create", family.pk, goal.pk),
        {"what": ONE_MB, "responsible": caseworker.pk, "status": "planned"},
        **HTMX,
    )
    assert response.status_code == 200
    assert _too_long(textlimits.PLAN_ITEM) in response.text
    assert not Action.objects.exists()


def test_1_mb_minutes_are_refused(caseworker, family):
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            place="Rådhuset",
            attending_members=[],
            attending_people=[],
        ),
    )
    response = _client(caseworker).post(
        _url("meeting_minutes", family.pk, meeting.pk),
        {"minutes": "y" * (textlimits.MINUTES + 1), "version": meeting.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert _too_long(textlimits.MINUTES) in response.text
    assert Meeting.objects.get().minutes == ""


def test_a_1_mb_status_reason_is_refused(caseworker, family):
    client = _client(caseworker)
    response = client.post(
        reverse("families:status", args=[family.pk]),
        {"to_status": FamilyStatus.ENROLLED, "reason": ONE_MB},
        follow=True,
    )
    assert response.status_code == 200
    assert _too_long(textlimits.REASON) in response.text
    assert Family.objects.get().status == FamilyStatus.SCREENED


def test_1_mb_family_notes_are_refused_and_the_other_fields_kept(caseworker, family):
    response = _client(caseworker).post(
        reverse("families:edit", args=[family.pk]),
        {
            "district": family.district,
            "cohort": "2027-1",
            "notes": ONE_MB,
            "version": family.version,
        },
    )
    assert response.status_code == 200
    assert _too_long(textlimits.FAMILY_NOTES) in response.text
    assert 'value="2027-1"' in response.text  # nothing typed is lost
    assert Family.objects.get().cohort == "2026-1"


def test_a_youth_guidance_counsellors_note_has_a_limit_too(family):
    from youth.forms import FollowUpForm

    assert FollowUpForm.base_fields["note"].max_length == textlimits.NOTE


# Fields that hold no typed text: copies of limited text (the plan history), imports'
# encrypted payloads and the encrypted CPR number.
NOT_TYPED = {
    ("accounts", "Session", "session_data"),
    ("custody", "KeyFingerprint", "canary"),
    ("networkgroup", "PlanChange", "before"),
    ("networkgroup", "PlanChange", "after"),
}
PROJECT_PACKAGES = ("bi18", "families", "networkgroup", "employment", "youth", "budget")


def test_every_text_field_a_user_types_in_has_a_maximum_length():
    unlimited = [
        (model._meta.app_label, model.__name__, field.name)
        for model in apps.get_models()
        if model._meta.app_config.name.split(".")[0] in PROJECT_PACKAGES
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.editable and field.max_length is None
    ]
    assert [f for f in unlimited if f not in NOT_TYPED] == []
