"""Type-ahead pickers (issue 11 §2): a search endpoint of at most 20 matches instead of a
<select> of every caseworker or company, for those who may make the choice only, with a
plain search that works without JavaScript."""

import datetime
import re

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from bi18.lib.pickers import PICKER_LIMIT
from employment.models import Internship, MentorAssignment
from families.models import NetworkMember
from tests.employment_factories import CompanyFactory, InternshipFactory, TrackFactory
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<li role="option" aria-selected="false"[^>]*data-value="(\d+)"')


def _options(response) -> list[str]:
    return OPTION.findall(response.content.decode())


def _caseworkers(n, *, first_name="Birgitte", role=Role.FAMILY_CASEWORKER):
    return [
        UserFactory(
            username=f"cw{first_name.lower()}{i}",
            first_name=first_name,
            last_name=f"Andersen{i:02d}",
            email=f"secret-mail-{i}@kk.example",
            role=role,
        )
        for i in range(n)
    ]


def _candidates_url(family, q=""):
    return reverse("networkgroup:member_candidates", args=[family.pk]) + f"?q={q}"


# --- Network-group members ------------------------------------------------------------------


def test_the_group_page_no_longer_lists_every_caseworker(login, family, caseworker):
    _caseworkers(30)
    body = login(caseworker).get(reverse("networkgroup:group", args=[family.pk])).content
    body = body.decode()
    assert "Andersen" not in body
    assert 'role="combobox"' in body
    assert reverse("networkgroup:member_candidates", args=[family.pk]) in body


def test_the_group_page_makes_the_same_queries_whatever_the_number_of_caseworkers(
    login, family, caseworker, django_assert_max_num_queries
):
    client = login(caseworker)
    url = reverse("networkgroup:group", args=[family.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _caseworkers(60)
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_candidates_are_at_most_20_in_name_order_with_a_note_that_there_are_more(
    login, family, caseworker
):
    users = _caseworkers(25)
    response = login(caseworker).get(_candidates_url(family, "birgitte"))
    assert response.status_code == 200
    assert _options(response) == [str(u.pk) for u in users[:PICKER_LIMIT]]
    assert "Kun de første 20 vises" in response.content.decode()
    assert "no-store" in response["Cache-Control"]  # bi18.security: never cached


def test_every_word_must_match_and_only_active_caseworkers_who_are_not_members_are_offered(
    login, family, caseworker, manager
):
    wanted, inactive, member = _caseworkers(3, first_name="Yrsa")
    inactive.is_active = False
    inactive.save()
    add_member(family, member, role=Role.FAMILY_CASEWORKER)
    manager.first_name = "Yrsa"
    manager.save()  # a manager is not a caseworker
    client = login(caseworker)
    assert _options(client.get(_candidates_url(family, "yrsa"))) == [str(wanted.pk)]
    assert _options(client.get(_candidates_url(family, "Yrsa Andersen00"))) == [str(wanted.pk)]
    assert _options(client.get(_candidates_url(family, "Yrsa Nobody"))) == []
    assert "Intet matcher" in client.get(_candidates_url(family, "Yrsa Nobody")).content.decode()


def test_a_candidate_shows_name_and_roles_and_nothing_else(login, family, caseworker):
    (user,) = _caseworkers(1, first_name="Ulla", role=Role.COMPANY_CONSULTANT)
    body = login(caseworker).get(_candidates_url(family, "Ulla")).content.decode()
    assert "Ulla Andersen00" in body and "Virksomhedskonsulent" in body
    assert user.username not in body and user.email not in body


@pytest.mark.parametrize(
    "who,status",
    [
        ("caseworker", 200),  # the coordinator
        ("employment_consultant", 404),  # a member, but not the coordinator
        ("other_caseworker", 404),  # not in the group
        ("manager", 404),
        ("administrator", 200),  # administrators manage the groups
    ],
)
def test_only_those_who_may_add_members_get_candidates(
    request, client, family, employment_consultant, who, status
):
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    _caseworkers(2)
    client.force_login(request.getfixturevalue(who))
    response = client.get(_candidates_url(family, "Birgitte"))
    assert response.status_code == status
    if status != 200:
        assert "Andersen" not in response.content.decode()


def test_anonymous_is_sent_to_log_in(client, family):
    response = client.get(_candidates_url(family, "a"))
    assert response.status_code == 302 and "/konto/login/" in response.url


def test_a_cpr_number_is_not_searched(login, family, caseworker):
    _caseworkers(2)
    response = login(caseworker).get(_candidates_url(family, "120385-4012"))
    assert _options(response) == []
    assert "Søg ikke efter CPR-numre her" in response.content.decode()


def test_the_candidates_search_makes_the_same_queries_whatever_the_data_size(
    login, family, caseworker, django_assert_max_num_queries
):
    client = login(caseworker)
    _caseworkers(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(_candidates_url(family, "Birgitte"))
    _caseworkers(40, first_name="Birgitte")
    _caseworkers(5, first_name="Karen", role=Role.COMPANY_CONSULTANT)
    with django_assert_max_num_queries(len(few)):
        assert len(_options(client.get(_candidates_url(family, "")))) == PICKER_LIMIT


def test_without_javascript_search_then_choose_then_add(login, family, caseworker):
    (wanted,) = _caseworkers(1, first_name="Vibeke", role=Role.COMPANY_CONSULTANT)
    _caseworkers(3)
    client = login(caseworker)
    url = reverse("networkgroup:group", args=[family.pk])
    # The "Search" button submits the form: nothing is saved, nothing is lost, no error.
    response = client.post(
        url,
        {
            "user_q": "vibeke",
            "user_search": "1",
            "group_role": Role.COMPANY_CONSULTANT,
            "is_coordinator": "",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert not NetworkMember.objects.filter(family=family, user=wanted).exists()
    assert "is-invalid" not in body
    select = re.search(r'<select name="user".*?</select>', body, re.S).group(0)
    assert f'value="{wanted.pk}"' in select and "Vibeke Andersen00" in select
    assert "Andersen01" not in select  # Birgitte, not matching
    assert "1 matcher: vælg den i listen ovenfor." in body
    assert 'value="vibeke"' in body  # the search is kept
    assert f'<option value="{Role.COMPANY_CONSULTANT}" selected>' in body  # so is the role
    # Then the choice is submitted with the form's own button.
    response = client.post(
        url, {"user_q": "vibeke", "user": wanted.pk, "group_role": Role.COMPANY_CONSULTANT}
    )
    assert response.status_code == 302
    assert NetworkMember.objects.filter(family=family, user=wanted).exists()


def test_a_search_press_never_saves_what_happened_to_be_selected(login, family, caseworker):
    (wanted,) = _caseworkers(1, role=Role.COMPANY_CONSULTANT)
    response = login(caseworker).post(
        reverse("networkgroup:group", args=[family.pk]),
        {
            "user": wanted.pk,
            "user_q": "x",
            "user_search": "1",
            "group_role": Role.COMPANY_CONSULTANT,
        },
    )
    assert response.status_code == 200
    assert not NetworkMember.objects.filter(family=family, user=wanted).exists()
    assert "Intet matcher “x”" in response.content.decode()


# --- Companies (internship forms) -----------------------------------------------------------


@pytest.fixture
def parent(family):
    return family.people.get(first_name="Amina")


@pytest.fixture
def track(family, parent, company_consultant):
    add_member(family, company_consultant, Role.COMPANY_CONSULTANT)
    return TrackFactory(person=parent, start=datetime.date(2026, 1, 5))


def _companies(n, name="Bageri"):
    return [
        CompanyFactory(
            name=f"{name} {i:02d} ApS",
            industry="Fødevarer",
            contact_name="Kirsten Kontaktperson",
            contact_email="kirsten@firma.example",
            contact_phone="33445566",
        )
        for i in range(n)
    ]


def test_the_internship_form_no_longer_lists_the_register(track, company_consultant, login):
    _companies(30)
    body = (
        login(company_consultant)
        .get(reverse("employment:internship_create", args=[track.person_id]))
        .content.decode()
    )
    assert "Bageri" not in body
    assert reverse("employment:company_picker") in body


def test_company_search_by_name_or_cvr_at_most_20_without_contact_details(
    company_consultant, login
):
    companies = _companies(22)
    client = login(company_consultant)
    response = client.get(reverse("employment:company_picker") + "?q=bageri")
    assert _options(response) == [str(c.pk) for c in companies[:PICKER_LIMIT]]
    body = response.content.decode()
    assert f"CVR {companies[0].cvr}" in body and "Fødevarer" in body
    assert "Kirsten" not in body and "33445566" not in body and "firma.example" not in body
    response = client.get(reverse("employment:company_picker") + f"?q={companies[21].cvr}")
    assert _options(response) == [str(companies[21].pk)]


@pytest.mark.parametrize(
    "who,status",
    [
        ("caseworker", 200),
        ("company_consultant", 200),
        ("employment_consultant", 200),
        ("job_mentor", 403),  # reads the register, registers no internship
        ("retention_counsellor", 404),  # no employment track at all
        ("manager", 404),
        ("administrator", 404),
    ],
)
def test_only_those_who_may_register_internships_search_companies(request, client, who, status):
    _companies(2)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("employment:company_picker") + "?q=bageri")
    assert response.status_code == status
    assert ("Bageri" in response.content.decode()) == (status == 200)


def test_register_an_internship_without_javascript(track, company_consultant, login):
    wanted, *_ = _companies(3)
    _companies(2, name="Frisør")
    client = login(company_consultant)
    url = reverse("employment:internship_create", args=[track.person_id])
    typed = {"start": "2026-02-02", "planned_end": "2026-04-30", "hours": "15"}
    response = client.post(url, {**typed, "company_q": "bageri 00", "company_search": "1"})
    assert response.status_code == 200
    assert not Internship.objects.exists()
    body = response.content.decode()
    select = re.search(r'<select name="company".*?</select>', body, re.S).group(0)
    assert f'value="{wanted.pk}"' in select and "Frisør" not in select
    assert 'value="2026-02-02"' in body and 'value="15"' in body  # nothing typed is lost
    response = client.post(url, {**typed, "company": wanted.pk})
    assert response.status_code == 302
    assert Internship.objects.get().company == wanted


def test_the_internship_edit_form_shows_the_chosen_company_only(
    track, company_consultant, login, django_assert_max_num_queries
):
    internship = InternshipFactory(track=track, company=_companies(1, name="Kiosk")[0])
    client = login(company_consultant)
    url = reverse("employment:internship_edit", args=[internship.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _companies(40)
    with django_assert_max_num_queries(len(few)):
        body = client.get(url).content.decode()
    select = re.search(r'<select name="company".*?</select>', body, re.S).group(0)
    assert "Kiosk 00 ApS" in select and "selected" in select and "Bageri" not in select


# --- Staff by role (consultants, mentors, counsellors) --------------------------------------


def _staff_url(role, q=""):
    return reverse("accounts:staff_picker", args=[role]) + f"?q={q}"


def test_staff_search_offers_active_users_of_the_role_by_name_only(caseworker, login):
    mentors = _caseworkers(21, first_name="Mads", role=Role.JOB_MENTOR)
    _caseworkers(2, first_name="Mads", role=Role.FAMILY_CASEWORKER)
    mentors[0].is_active = False
    mentors[0].save()
    response = login(caseworker).get(_staff_url(Role.JOB_MENTOR, "mads"))
    assert _options(response) == [str(m.pk) for m in mentors[1:21]]
    body = response.content.decode()
    assert mentors[1].username not in body and mentors[1].email not in body


@pytest.mark.parametrize(
    "who,role,status",
    [
        ("caseworker", Role.JOB_MENTOR, 200),
        ("job_mentor", Role.RETENTION_COUNSELLOR, 200),
        ("manager", Role.JOB_MENTOR, 403),
        ("budget_officer", Role.JOB_MENTOR, 403),
        # Administrators hand a leaver's families over and import families with a
        # coordinator (families.staffing): they choose staff by name, as they see them in
        # the user administration anyway.
        ("administrator", Role.JOB_MENTOR, 200),
        ("caseworker", Role.MANAGER, 404),  # not a role the forms assign
        ("caseworker", "nonsense", 404),
    ],
)
def test_staff_search_is_for_those_who_work_with_case_data_or_administer(
    request, client, who, role, status
):
    _caseworkers(2, first_name="Mads", role=Role.JOB_MENTOR)
    client.force_login(request.getfixturevalue(who))
    assert client.get(_staff_url(role, "mads")).status_code == status


def test_assign_a_job_mentor_chosen_in_the_picker(track, company_consultant, login):
    mentors = _caseworkers(25, first_name="Mads", role=Role.JOB_MENTOR)
    client = login(company_consultant)
    url = reverse("employment:mentor_assign", args=[track.person_id])
    body = client.get(url).content.decode()
    assert "Andersen" not in body
    assert reverse("accounts:staff_picker", args=[Role.JOB_MENTOR]) in body
    today = datetime.date.today()
    response = client.post(
        url,
        {
            "mentor": mentors[3].pk,
            "start": today.isoformat(),
            "end": (today + datetime.timedelta(days=60)).isoformat(),
            "target_hours": "20",
        },
    )
    assert response.status_code == 302
    assert MentorAssignment.objects.get().mentor == mentors[3]


def test_a_user_without_the_role_is_refused_by_the_field(track, company_consultant, login):
    (not_a_mentor,) = _caseworkers(1, first_name="Mads", role=Role.FAMILY_CASEWORKER)
    today = datetime.date.today()
    response = login(company_consultant).post(
        reverse("employment:mentor_assign", args=[track.person_id]),
        {
            "mentor": not_a_mentor.pk,
            "start": today.isoformat(),
            "end": (today + datetime.timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert not MentorAssignment.objects.exists()
    assert "Marker en gyldig valgmulighed" in response.content.decode()


# --- The audit log's user-name filter ---------------------------------------------------


def test_the_audit_log_no_longer_sends_every_user_name(administrator, login):
    _caseworkers(30)
    body = login(administrator).get(reverse("audit:search")).content.decode()
    assert "cwbirgitte" not in body
    assert reverse("audit:usernames") in body  # where the suggestions come from


def test_user_name_suggestions_are_at_most_20_for_administrators_only(
    administrator, caseworker, login, client
):
    _caseworkers(25)
    url = reverse("audit:usernames")
    body = login(administrator).get(url + "?q=cwbirg").content.decode()
    names = re.findall(r'<option value="([^"]+)">', body)
    assert names == sorted(f"cwbirgitte{i}" for i in range(25))[:PICKER_LIMIT]
    assert login(administrator).get(url + "?q=120385-4012").content.strip() == b""
    client.force_login(caseworker)
    assert client.get(url + "?q=cwbirg").status_code == 403
