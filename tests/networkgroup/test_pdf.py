"""The printable plan: print view and PDF (WeasyPrint), Danish and English, audited."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from networkgroup import selectors, services
from networkgroup.models import PlanArea
from tests.factories import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_family(family, caseworker, employment_consultant):
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    plan = selectors.plan_for_family(family=family)
    amina = family.people.get(first_name="Amina")
    goal = services.goal_create(
        actor=caseworker,
        plan=plan,
        person=amina,
        area=PlanArea.EMPLOYMENT,
        text="Praktik i en bager inden for seks måneder",
    )
    services.action_create(
        actor=caseworker,
        goal=goal,
        what="Kontakt Øbro Bageri om praktik",
        responsible=employment_consultant,
        deadline=datetime.date(2030, 5, 20),
    )
    starts = timezone.make_aware(datetime.datetime(2030, 3, 4, 10, 0))
    services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=starts,
            place="Nørrebro Borgerservice",
            attending_members=[caseworker],
            attending_people=[],
        ),
    )
    return family


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize("language,date", [("da", "04.03.2030"), ("en", "04.03.2030")])
def test_pdf_holds_the_plan_members_and_next_meeting(
    plan_family, caseworker, employment_consultant, language, date
):
    response = _client(caseworker).get(
        reverse("networkgroup:plan_pdf", args=[plan_family.pk, language])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"plan-{plan_family.case_number}-{language}.pdf" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert plan_family.case_number in text
    assert "Praktik i en bager inden for seks måneder" in text
    assert "Kontakt Øbro Bageri om praktik" in text
    assert "Amina Hassan" in text
    assert employment_consultant.get_full_name() in text
    assert caseworker.get_full_name() in text
    assert (
        "Nørrebro Borgerservice" in text and date in text
    )  # next meeting, in the language's format
    assert "4012" not in text  # never a CPR number


def test_pdf_download_is_an_audited_export(plan_family, caseworker):
    _client(caseworker).get(reverse("networkgroup:plan_pdf", args=[plan_family.pk, "en"]))
    event = AuditEvent.objects.get(event="networkgroup.plan.exported")
    assert event.action == "export"
    assert event.family_id == plan_family.pk and event.actor == caseworker
    assert event.detail == {"format": "pdf", "language": "en"}


def test_unknown_pdf_language_is_404(plan_family, caseworker):
    response = _client(caseworker).get(
        reverse("networkgroup:plan_pdf", args=[plan_family.pk, "xx"])
    )
    assert response.status_code == 404


def test_print_view_is_audited_and_holds_the_plan(plan_family, caseworker):
    response = _client(caseworker).get(reverse("networkgroup:plan_print", args=[plan_family.pk]))
    assert response.status_code == 200
    assert "Kontakt Øbro Bageri om praktik" in response.content.decode()
    assert AuditEvent.objects.filter(event="networkgroup.plan.print_viewed").exists()


@pytest.mark.parametrize(
    "preferred,offers_english", [("Dansk", False), ("Arabisk", True), ("", False)]
)
def test_english_pdf_is_offered_when_the_family_does_not_prefer_danish(
    plan_family, caseworker, preferred, offers_english
):
    plan_family.preferred_language = preferred
    plan_family.save()
    body = _client(caseworker).get(reverse("networkgroup:plan", args=[plan_family.pk])).content
    english = reverse("networkgroup:plan_pdf", args=[plan_family.pk, "en"])
    danish = reverse("networkgroup:plan_pdf", args=[plan_family.pk, "da"])
    assert danish in body.decode()
    assert (english in body.decode()) is offers_english


def test_print_and_pdf_list_the_family_members_the_user_may_see_and_mark_overdue_actions(
    plan_family, caseworker
):
    amina = plan_family.people.get(first_name="Amina")
    goal = amina.plan_goals.get()
    services.action_create(
        actor=caseworker,
        goal=goal,
        what="Send ansøgning til Netto",
        deadline=timezone.localdate() - datetime.timedelta(days=4),
    )
    html = _client(caseworker).get(reverse("networkgroup:plan_print", args=[plan_family.pk]))
    html = html.content.decode()
    family_part = html[html.index("<h2>Familien</h2>") : html.index("<h2>Netværksgruppe")]
    for name in ("Amina Hassan", "Omar Hassan", "Sara Hassan", "Ali Hassan"):
        assert name in family_part
    assert "1 handling er over fristen." in html
    overdue_row = html[html.index('<tr class="overdue">') :].split("</tr>")[0]
    assert "Send ansøgning til Netto" in overdue_row and "(over fristen)" in overdue_row
    assert html.count('class="overdue"') == 1  # the 2030 action is not overdue
    pdf = _pdf_text(
        _client(caseworker)
        .get(reverse("networkgroup:plan_pdf", args=[plan_family.pk, "da"]))
        .content
    )
    pdf = " ".join(pdf.split())
    assert "Omar Hassan" in pdf and "(over fristen)" in pdf


def test_a_youth_counsellors_print_lists_only_the_young_people(plan_family):
    from tests.factories import UserFactory

    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(plan_family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    html = _client(uu).get(reverse("networkgroup:plan_print", args=[plan_family.pk]))
    text = html.content.decode()
    assert "Sara Hassan" in text and "Ali Hassan" in text
    assert "Amina" not in text and "Omar" not in text
