import datetime

import pytest
from django.test import Client
from django.urls import reverse

from bi18.accounts.roles import Role
from families.cpr import cpr_hash
from families.models import District, Family, FamilyStatus, NetworkMember, Person, PersonRole
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member, assign

pytestmark = pytest.mark.django_db


def _urls(family):
    parent = family.people.filter(role=PersonRole.PARENT).first()
    return {
        "detail": reverse("families:detail", args=[family.pk]),
        "edit": reverse("families:edit", args=[family.pk]),
        "person_create": reverse("families:person_create", args=[family.pk]),
        "person_edit": reverse("families:person_edit", args=[parent.pk]),
    }


# --- Access matrix: URL × role × expected status (SPEC §2) ------------------------------

OBJECT_URLS = ["detail", "edit", "person_create", "person_edit"]


@pytest.mark.parametrize("url_name", OBJECT_URLS)
def test_member_caseworker_may_open_every_family_page(login, caseworker, family, url_name):
    assert login(caseworker).get(_urls(family)[url_name]).status_code == 200


@pytest.mark.parametrize("url_name", OBJECT_URLS)
@pytest.mark.parametrize(
    "role",
    [
        Role.FAMILY_CASEWORKER,
        Role.EMPLOYMENT_CONSULTANT,
        Role.COMPANY_CONSULTANT,
        Role.JOB_MENTOR,
        Role.RETENTION_COUNSELLOR,
        Role.YOUTH_GUIDANCE_COUNSELLOR,
        Role.MANAGER,
        Role.BUDGET_OFFICER,
        Role.ADMIN,
    ],
)
def test_everyone_outside_the_group_gets_404(login, family, url_name, role):
    outsider = UserFactory(username=f"outsider_{role}", role=role)
    assert login(outsider).get(_urls(family)[url_name]).status_code == 404


def test_unknown_family_is_404_like_a_forbidden_one(login, caseworker):
    assert login(caseworker).get(reverse("families:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("url_name", OBJECT_URLS)
def test_anonymous_user_is_sent_to_log_in(client, family, url_name):
    response = client.get(_urls(family)[url_name])
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.BUDGET_OFFICER, Role.ADMIN])
def test_roles_without_case_access_cannot_list_families(login, family, role):
    user = UserFactory(username=f"noaccess_{role}", role=role)
    assert login(user).get(reverse("families:list")).status_code == 403


def test_manager_sees_no_names_anywhere_they_can_go(login, manager, family):
    client = login(manager)
    for url in [reverse("home"), reverse("targets_home")]:
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert "Hassan" not in response.content.decode()


def test_list_shows_only_the_users_own_families(login, caseworker, other_caseworker, family):
    theirs = FamilyFactory()
    PersonFactory(family=theirs, first_name="Hidden", last_name="Person")
    add_member(theirs, other_caseworker)
    html = login(caseworker).get(reverse("families:list")).content.decode()
    assert family.case_number in html
    assert theirs.case_number not in html
    assert "Hidden" not in html


def test_job_mentor_sees_only_the_parent_they_mentor(login, job_mentor, family):
    amina = family.people.get(first_name="Amina")
    assign(amina, job_mentor)
    client = login(job_mentor)
    html = client.get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "Amina Hassan" in html
    assert "Omar Hassan" not in html
    assert "Sara Hassan" not in html
    omar = family.people.get(first_name="Omar")
    assert client.get(reverse("families:person_edit", args=[omar.pk])).status_code == 404
    # Assigned to one person is not membership: the family itself cannot be edited.
    assert client.get(reverse("families:edit", args=[family.pk])).status_code == 404


def test_family_page_hides_sections_a_partial_viewer_cannot_see(login, job_mentor, family):
    """A mentor is not told "none registered" about children they may not see."""
    assign(family.people.get(first_name="Amina"), job_mentor)
    html = login(job_mentor).get(reverse("families:detail", args=[family.pk])).content.decode()
    assert 'id="h-parents"' in html
    assert 'id="h-children"' not in html


def test_family_page_shows_empty_sections_to_a_full_member(login, caseworker):
    fam = FamilyFactory()
    add_member(fam, caseworker)
    html = login(caseworker).get(reverse("families:detail", args=[fam.pk])).content.decode()
    assert 'id="h-parents"' in html and 'id="h-children"' in html


def test_family_list_shows_a_job_mentor_only_the_parent_they_mentor(login, job_mentor, family):
    assign(family.people.get(first_name="Amina"), job_mentor)
    html = login(job_mentor).get(reverse("families:list")).content.decode()
    assert family.case_number in html and "Amina Hassan" in html
    assert "Omar Hassan" not in html


def test_youth_guidance_counsellor_sees_no_parent_names_in_the_family_list(login, family):
    counsellor = UserFactory(role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, counsellor, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    html = login(counsellor).get(reverse("families:list")).content.decode()
    assert family.case_number in html
    assert "Amina Hassan" not in html and "Omar Hassan" not in html


def test_job_mentor_cannot_find_a_family_by_a_person_they_do_not_mentor(login, job_mentor, family):
    omar = family.people.get(first_name="Omar")
    omar_cpr = "010190-1235"
    Person.objects.filter(pk=omar.pk).update(cpr_hash=cpr_hash(omar_cpr))
    assign(family.people.get(first_name="Amina"), job_mentor)
    client = login(job_mentor)
    assert family.case_number in client.get(_search(client, "amina")).content.decode()
    assert family.case_number not in client.get(_search(client, "omar")).content.decode()
    assert family.case_number not in client.get(_search(client, omar_cpr)).content.decode()


def test_ended_assignment_gives_no_access(login, job_mentor, family):
    amina = family.people.get(first_name="Amina")
    assign(amina, job_mentor, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 6, 30))
    assert login(job_mentor).get(reverse("families:detail", args=[family.pk])).status_code == 404


def test_removed_member_gets_404_on_the_next_request(login, caseworker, other_caseworker, family):
    member = add_member(family, other_caseworker, role=Role.EMPLOYMENT_CONSULTANT)
    client = login(other_caseworker)
    assert client.get(reverse("families:detail", args=[family.pk])).status_code == 200
    coordinator = login(caseworker)
    coordinator.post(reverse("networkgroup:group_member_remove", args=[family.pk, member.pk]))
    client.force_login(other_caseworker)
    assert client.get(reverse("families:detail", args=[family.pk])).status_code == 404


# --- Search and filters -------------------------------------------------------------------


def _search(client, q, **params):
    url = reverse("families:search")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    response = client.post(url, {"q": q})
    assert response.status_code == 302
    return response["Location"]


def test_search_by_exact_cpr_never_puts_the_number_in_the_url(login, caseworker, family):
    client = login(caseworker)
    location = _search(client, "120385-4012")
    assert "120385" not in location and "4012" not in location
    html = client.get(location).content.decode()
    assert family.case_number in html


def test_cpr_search_is_exact(login, caseworker, family):
    client = login(caseworker)
    html = client.get(_search(client, "120385-4013")).content.decode()
    assert family.case_number not in html


def test_search_by_name_and_case_number(login, caseworker, family):
    other = FamilyFactory()
    PersonFactory(family=other, first_name="Jens", last_name="Jensen")
    add_member(other, caseworker)
    client = login(caseworker)
    html = client.get(_search(client, "amina hassan")).content.decode()
    assert family.case_number in html and other.case_number not in html
    html = client.get(_search(client, other.case_number.lower())).content.decode()
    assert other.case_number in html and family.case_number not in html


def test_filters_survive_paging(login, caseworker):
    for _ in range(30):
        fam = FamilyFactory(district="valby")
        add_member(fam, caseworker)
    for _ in range(3):
        add_member(FamilyFactory(district="vanloese"), caseworker)
    client = login(caseworker)
    response = client.get(reverse("families:list"), {"district": "valby"})
    html = response.content.decode()
    assert "district=valby&amp;page=2" in html
    page2 = client.get(reverse("families:list"), {"district": "valby", "page": 2})
    assert len(page2.context["page"].object_list) == 5
    assert all(f.district == "valby" for f in page2.context["page"].object_list)


def test_the_list_counts_and_pages_as_djangos_paginator_does(login, caseworker):
    """The count comes with the page's rows (one query, no COUNT first); a page past the
    end or below 1 shows the last page and anything else the first, as get_page() does."""
    families = sorted((FamilyFactory() for _ in range(30)), key=lambda f: f.case_number)
    for fam in families:
        add_member(fam, caseworker)
    client = login(caseworker)

    def shown(page):
        response = client.get(reverse("families:list"), {"page": page} if page is not None else {})
        page = response.context["page"]
        return page.number, page.paginator.count, [f.pk for f in page.object_list]

    first = [f.pk for f in families[:25]]
    last = [f.pk for f in families[25:]]
    assert shown(None) == shown("x") == shown("1.5") == (1, 30, first)
    for page in (2, 3, 99, 0, -1):
        assert shown(page) == (2, 30, last), page
    html = client.get(reverse("families:list")).content.decode()
    assert "30 familier" in html


def test_bad_filter_values_do_not_break_the_list(login, caseworker, family):
    response = login(caseworker).get(
        reverse("families:list"), {"district": "atlantis", "page": "x"}
    )
    assert response.status_code == 200


def test_empty_state_says_what_to_do(login, other_caseworker):
    html = login(other_caseworker).get(reverse("families:list")).content.decode()
    assert reverse("families:create") in html  # the register button is there


# --- Create, edit, status --------------------------------------------------------------


def test_caseworker_registers_a_family_and_becomes_coordinator(login, caseworker):
    response = login(caseworker).post(
        reverse("families:create"),
        {"district": "valby", "cohort": "2026-1", "preferred_language": "arabisk"},
    )
    family = Family.objects.get(cohort="2026-1")
    assert response.status_code == 302
    assert family.case_number.startswith("BI18-")
    assert NetworkMember.objects.get(family=family).is_coordinator


def test_only_family_caseworkers_register_families(login, employment_consultant):
    assert login(employment_consultant).get(reverse("families:create")).status_code == 403


def test_invalid_family_form_keeps_what_was_typed(login, caseworker):
    response = login(caseworker).post(
        reverse("families:create"), {"district": "atlantis", "notes": "Vigtig note"}
    )
    assert response.status_code == 200
    assert "Vigtig note" in response.content.decode()
    assert not Family.objects.exists()


@pytest.mark.parametrize("field", ["consent_given_on", "target_group_date"])
def test_consent_and_target_group_dates_cannot_be_in_the_future(login, caseworker, family, field):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    data = {"district": family.district, "cohort": family.cohort, "version": family.version}
    response = login(caseworker).post(
        reverse("families:edit", args=[family.pk]), {**data, field: tomorrow.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    family.refresh_from_db()
    assert getattr(family, field) != tomorrow


def test_stale_family_edit_is_refused_and_keeps_the_users_text(login, caseworker, family):
    client = login(caseworker)
    url = reverse("families:edit", args=[family.pk])
    base = {"district": family.district, "cohort": family.cohort}
    assert client.post(url, {**base, "notes": "Første", "version": 1}).status_code == 302
    response = client.post(url, {**base, "notes": "Anden", "version": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anden" in html and "Første" in html  # both versions shown
    family.refresh_from_db()
    assert family.notes == "Første"
    assert family.version == 2
    # Saving again from the conflict form (it now carries version 2) succeeds.
    assert client.post(url, {**base, "notes": "Anden", "version": 2}).status_code == 302
    family.refresh_from_db()
    assert family.notes == "Anden"


def test_status_changes_follow_the_lifecycle_and_need_a_reason(login, caseworker, family):
    client = login(caseworker)
    url = reverse("families:status", args=[family.pk])
    client.post(url, {"to_status": FamilyStatus.ENROLLED, "reason": ""})
    family.refresh_from_db()
    assert family.status == FamilyStatus.SCREENED
    client.post(url, {"to_status": FamilyStatus.COMPLETED, "reason": "Too early"})
    family.refresh_from_db()
    assert family.status == FamilyStatus.SCREENED
    client.post(url, {"to_status": FamilyStatus.ENROLLED, "reason": "Samtykke givet"})
    family.refresh_from_db()
    assert family.status == FamilyStatus.ENROLLED
    assert family.enrolment_date is not None
    client.post(url, {"to_status": FamilyStatus.WITHDRAWN, "reason": "Flyttet"})
    family.refresh_from_db()
    assert family.status == FamilyStatus.WITHDRAWN
    assert family.status_reason == "Flyttet"
    assert list(family.status_changes.values_list("to_status", flat=True)) == [
        "withdrawn",
        "enrolled",
    ]


def test_status_form_preselects_no_new_status(login, caseworker, family):
    response = login(caseworker).get(reverse("families:detail", args=[family.pk]))
    form = response.context["status_form"]
    assert form.fields["to_status"].choices[0][0] == ""
    assert form["to_status"].value() in (None, "")
    login(caseworker).post(
        reverse("families:status", args=[family.pk]), {"to_status": "", "reason": "Enter"}
    )
    family.refresh_from_db()
    assert family.status == FamilyStatus.SCREENED


def test_status_change_is_post_only(login, caseworker, family):
    assert login(caseworker).get(reverse("families:status", args=[family.pk])).status_code == 405


# --- People and CPR -------------------------------------------------------------------


def _person_data(**overrides):
    data = {
        "role": PersonRole.PARENT,
        "first_name": "Fatima",
        "last_name": "Ali",
        "benefit_category": "activity_ready",
        "cpr": "010190-1234",
    }
    data.update(overrides)
    return data


def test_person_with_cpr_is_stored_hashed_encrypted_and_dated(login, caseworker, family):
    response = login(caseworker).post(
        reverse("families:person_create", args=[family.pk]), _person_data()
    )
    assert response.status_code == 302
    person = Person.objects.get(first_name="Fatima")
    assert person.cpr_hash == cpr_hash("0101901234")
    assert "0101901234" not in person.cpr_encrypted
    assert person.date_of_birth == datetime.date(1990, 1, 1)
    assert person.cpr_masked == "010190-••••"


def test_person_without_cpr_can_be_registered(login, caseworker, family):
    response = login(caseworker).post(
        reverse("families:person_create", args=[family.pk]),
        _person_data(
            cpr="", role=PersonRole.CHILD, benefit_category="", date_of_birth="2015-06-01"
        ),
    )
    assert response.status_code == 302
    person = Person.objects.get(first_name="Fatima")
    assert person.cpr_hash is None
    assert person.date_of_birth == datetime.date(2015, 6, 1)


@pytest.mark.parametrize("bad", ["320190-1234", "12345", "abcdefghij"])
def test_invalid_cpr_gives_a_form_error_and_keeps_the_input(login, caseworker, family, bad):
    response = login(caseworker).post(
        reverse("families:person_create", args=[family.pk]), _person_data(cpr=bad)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cpr"]
    assert "Fatima" in response.content.decode()
    assert not Person.objects.filter(first_name="Fatima").exists()


def test_duplicate_cpr_is_refused_clearly(login, caseworker, family):
    response = login(caseworker).post(
        reverse("families:person_create", args=[family.pk]), _person_data(cpr="120385-4012")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cpr"]


def test_modulus_11_failure_only_warns(login, caseworker, family):
    response = login(caseworker).post(
        reverse("families:person_create", args=[family.pk]),
        _person_data(cpr="120385-4013"),
        follow=True,
    )
    assert Person.objects.filter(first_name="Fatima").exists()
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_parent_needs_a_benefit_category(login, caseworker, family):
    response = login(caseworker).post(
        reverse("families:person_create", args=[family.pk]), _person_data(benefit_category="")
    )
    assert response.status_code == 200
    assert "benefit_category" in response.context["form"].errors


def test_stale_person_edit_is_refused(login, caseworker, family):
    omar = family.people.get(first_name="Omar")
    client = login(caseworker)
    url = reverse("families:person_edit", args=[omar.pk])
    data = _person_data(first_name="Omar", last_name="Hassan", cpr="", version=omar.version)
    assert client.post(url, {**data, "language": "somali"}).status_code == 302
    response = client.post(url, {**data, "language": "arabisk"})
    assert response.status_code == 200
    omar.refresh_from_db()
    assert omar.language == "somali"


def test_cpr_reveal_needs_a_purpose_and_is_post_only(login, caseworker, family):
    amina = family.people.get(first_name="Amina")
    client = login(caseworker)
    url = reverse("families:person_cpr", args=[amina.pk])
    assert client.get(url).status_code == 405
    assert "120385-4012" not in client.post(url, {"purpose": ""}).content.decode()
    response = client.post(url, {"purpose": "Opslag i e-Boks"})
    assert "120385-4012" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


def test_cpr_reveal_for_a_person_outside_the_users_reach_is_404(login, other_caseworker, family):
    amina = family.people.get(first_name="Amina")
    response = login(other_caseworker).post(
        reverse("families:person_cpr", args=[amina.pk]), {"purpose": "x"}
    )
    assert response.status_code == 404


def test_family_page_never_shows_a_full_cpr_by_default(login, caseworker, family):
    html = login(caseworker).get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "120385-••••" in html
    assert "4012" not in html


def test_visible_to_is_empty_for_inactive_users(caseworker, family):
    caseworker.is_active = False
    caseworker.save()
    assert not Family.objects.visible_to(caseworker).exists()


def test_youth_guidance_counsellor_in_the_group_sees_the_children_only(login, family):
    uu = UserFactory(username="uu_member", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    html = login(uu).get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "Sara Hassan" in html and "Ali Hassan" in html
    assert "Amina Hassan" not in html and "Omar Hassan" not in html
    amina = family.people.get(first_name="Amina")
    assert login(uu).get(reverse("families:person_edit", args=[amina.pk])).status_code == 404


def test_case_numbers_keep_counting_past_9999():
    from families.services import next_case_number

    FamilyFactory(case_number="BI18-9999")
    FamilyFactory(case_number="BI18-10000")
    assert next_case_number() == "BI18-10001"


def test_404_page_is_the_products_own(login, other_caseworker, family):
    response = login(other_caseworker).get(reverse("families:detail", args=[family.pk]))
    assert response.status_code == 404
    assert 'lang="da"' in response.content.decode()
    assert 'id="main"' in response.content.decode()


def test_roles_survive_a_flush(transactional_db):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("flush", "--no-input", verbosity=0)
    assert Group.objects.filter(name=Role.MANAGER).exists()
    assert (
        Group.objects.get(name=Role.FAMILY_CASEWORKER)
        .permissions.filter(codename="access_case_data")
        .exists()
    )


def test_a_missing_csrf_token_gets_a_translated_page_not_a_technical_one(caseworker, family):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)
    response = client.post(reverse("families:status", args=[family.pk]), {"to_status": "enrolled"})
    assert response.status_code == 403
    assert "CSRF verification failed" not in response.content.decode()
    assert 'id="main"' in response.content.decode()


def test_the_list_labels_are_the_choices_labels_or_the_stored_value():
    family = Family(district=District.VALBY, status=FamilyStatus.ACTIVE)
    assert (family.district_label, family.status_label) == (
        family.get_district_display(),
        family.get_status_display(),
    )
    assert Family(district="gone", status="odd").district_label == "gone"


@pytest.mark.parametrize("page", ["99999999999999999999", str(2**62)])
def test_a_huge_page_number_gets_the_last_page_as_djangos_paginator_gives_it(
    page, family, caseworker
):
    client = Client(raise_request_exception=False)
    client.force_login(caseworker)
    response = client.get(reverse("families:list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1
