"""The pages whose reads are built once per process (bi18.lib.prepared: Mit arbejde, the
family page, the plan and a meeting) show every role exactly what the ORM's own queries,
built anew with the same values, show them: the compiled path against the ORM's on demo data.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from bi18.lib import prepared
from families import demo
from families.models import NetworkMember, PersonAssignment
from networkgroup.models import Meeting

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="compiled on PostgreSQL only"),
]

_CSRF = re.compile(r'(csrfmiddlewaretoken" value=|X-CSRFToken": |csrf[-_]token" content=)"[^"]+"')
# Who else has the plan open (its list, not the opening tag with the last change's id): the
# other users' page views of the last seconds, which may change between two requests.
_PRESENCE = re.compile(r'(<div id="presence"[^>]*>).*?</div>', re.DOTALL)


class _Elsewhere:
    """A connection that is not PostgreSQL's: fixed_values/fixed_instances then let the ORM
    build and run each query with the values themselves."""

    vendor = "other"


def _pages(client, user) -> dict[str, str]:
    families = set(NetworkMember.objects.filter(user=user).values_list("family_id", flat=True))
    families |= set(
        PersonAssignment.objects.filter(user=user).values_list("person__family_id", flat=True)
    )
    urls = [reverse("home")]
    for family_id in sorted(families)[:3]:
        urls += [
            reverse("families:detail", args=[family_id]),
            reverse("networkgroup:plan", args=[family_id]),
        ]
        for meeting in Meeting.objects.filter(family_id=family_id).order_by("pk")[:2]:
            urls.append(reverse("networkgroup:meeting", args=[family_id, meeting.pk]))
    client.force_login(user)
    pages = {}
    for url in urls:
        response = client.get(url)
        page = _PRESENCE.sub(r"\1…</div>", _CSRF.sub("CSRF", response.content.decode()))
        pages[url] = f"{response.status_code} {page}"
    return pages


def test_every_role_sees_on_each_page_what_the_orms_queries_show(client, monkeypatch):
    # Who else has the plan open is the last seconds' page views (the cache, not a query):
    # other users' views age out between the two passes. Nobody else, for both.
    monkeypatch.setattr("networkgroup.views.plan.presence_others", lambda **kwargs: [])
    demo.seed_demo(families=8, seed=2)
    User = get_user_model()
    users = [
        User.objects.filter(groups__name=role).order_by("pk").first()
        for role in (
            "family_caseworker",
            "employment_consultant",
            "company_consultant",
            "youth_guidance_counsellor",
            "retention_counsellor",
            "job_mentor",
        )
    ]
    users = [user for user in users if user is not None]
    shown = 0
    for user in users:
        compiled = _pages(client, user)
        with monkeypatch.context() as patch:
            patch.setattr(prepared, "connections", {"default": _Elsewhere()})
            assert _pages(client, user) == compiled, user.username
        shown += sum(page.startswith("200") for page in compiled.values())
    assert shown > 2 * len(users)


def _list_and_track_pages(client, user) -> dict[str, str]:
    """The family list (plain, filtered, a later page), the group pages and the parents'
    and young people's track pages of the user's families."""
    from employment.models import EmploymentTrack
    from families.models import Person
    from youth.models import YouthTrack

    families = sorted(NetworkMember.objects.filter(user=user).values_list("family_id", flat=True))[
        :3
    ]
    people = Person.objects.filter(family_id__in=families)
    urls = [
        reverse("families:list"),
        reverse("families:list") + "?status=active&sort=-district",
        reverse("families:list") + "?page=2",
        *(reverse("networkgroup:group", args=[f]) for f in families),
        *(
            reverse("employment:parent", args=[pk])
            for pk in EmploymentTrack.objects.filter(person__in=people).values_list(
                "person_id", flat=True
            )[:3]
        ),
        *(
            reverse("youth:person", args=[pk])
            for pk in YouthTrack.objects.filter(person__in=people).values_list(
                "person_id", flat=True
            )[:3]
        ),
    ]
    client.force_login(user)
    return {
        url: f"{(r := client.get(url)).status_code} {_CSRF.sub('CSRF', r.content.decode())}"
        for url in urls
    }


def test_the_lists_track_pages_dashboard_and_budget_show_what_the_orms_queries_show(
    client, monkeypatch
):
    demo.seed_demo(families=8, seed=3)
    User = get_user_model()
    caseworkers = [
        User.objects.filter(groups__name=role).order_by("pk").first()
        for role in ("family_caseworker", "employment_consultant", "youth_guidance_counsellor")
    ]
    manager = User.objects.filter(groups__name="manager").order_by("pk").first()
    officer = User.objects.filter(groups__name="budget_officer").order_by("pk").first()

    def pages():
        shown = {}
        for user in caseworkers:
            if user is not None:
                shown |= {
                    (user.pk, url): page
                    for url, page in _list_and_track_pages(client, user).items()
                }
        for user, url in (
            (manager, reverse("targets_home")),
            (officer, reverse("budget:overview")),
        ):
            if user is not None:
                client.force_login(user)
                response = client.get(url)
                shown[(user.pk, url)] = (
                    f"{response.status_code} {_CSRF.sub('CSRF', response.content.decode())}"
                )
        return shown

    compiled = pages()
    with monkeypatch.context() as patch:
        patch.setattr(prepared, "connections", {"default": _Elsewhere()})
        assert pages() == compiled
    assert sum(page.startswith("200") for page in compiled.values()) > 10
