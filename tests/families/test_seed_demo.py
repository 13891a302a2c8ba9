"""manage.py seed_demo: the fictitious pilot a newcomer logs in to."""

import datetime
import io
import random
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse

from bi18.accounts.roles import Role
from families import demo, registry
from families.cpr import decrypt_cpr
from families.models import District, Family, NetworkMember, Person, PersonAssignment, PersonRole
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db

LOGINS_DOC = Path(settings.BASE_DIR) / "docs" / "demo-logins.md"


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _snapshot() -> list[tuple]:
    return [
        (
            f.case_number,
            f.district,
            f.status,
            f.cohort,
            f.preferred_language,
            tuple(
                (p.role, p.first_name, p.last_name, p.cpr_hash, p.date_of_birth)
                for p in f.people.order_by("id")
            ),
            tuple(sorted((m.user.username, m.is_coordinator) for m in f.members.all())),
        )
        for f in Family.objects.order_by("case_number").prefetch_related("members__user")
    ]


def test_default_seed_builds_the_pilot_of_the_budget_note(client):
    output = _seed()

    assert Family.objects.count() == 130
    assert Person.objects.filter(role=PersonRole.PARENT).count() == 260
    assert 300 <= Person.objects.filter(role=PersonRole.CHILD).count() <= 350
    assert set(Family.objects.values_list("district", flat=True)) == set(District.values)
    coordinators = NetworkMember.objects.filter(is_coordinator=True)
    assert coordinators.count() == 130
    assert coordinators.values("family").distinct().count() == 130
    parents = Family.objects.annotate(n=Count("people", filter=Q(people__role=PersonRole.PARENT)))
    assert {f.n for f in parents} == {2}
    children = Family.objects.annotate(n=Count("people", filter=Q(people__role=PersonRole.CHILD)))
    assert {f.n for f in children} == {1, 2, 3, 4, 5}
    statuses = list(Family.objects.values_list("status", flat=True))
    assert sum(s in ("active", "enrolled") for s in statuses) >= 0.75 * len(statuses)
    assert "Demo-Adgang-2026" in output


def test_every_role_has_a_demo_user_who_can_log_in(client):
    _seed("--families", "5")
    User = get_user_model()
    for role in Role.values:
        user = User.objects.filter(groups__name=role).order_by("id").first()
        assert user is not None, role
        response = client.post(
            reverse("accounts:login"), {"username": user.username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, role
        assert client.session["_auth_user_id"] == str(user.pk)
        client.post(reverse("accounts:logout"))


def test_the_documented_log_ins_are_the_seeded_ones():
    result = demo.seed_demo(families=130, seeders=[])
    doc = LOGINS_DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9]+)` \|", doc, flags=re.M))
    assert documented == {username for username, _label in result.logins}
    assert demo.DEMO_PASSWORD in doc
    assert set(Role.values) == set(result.users)


def test_main_caseworker_is_in_forty_groups_including_the_first_family():
    demo.seed_demo(families=130, seeders=[])
    groups = NetworkMember.objects.filter(user__username="sagsbehandler")
    assert groups.count() == 40
    assert groups.filter(family__case_number="BI18-0001", is_coordinator=True).exists()
    # The extra caseworkers' groups differ from the main one's.
    assert (
        NetworkMember.objects.filter(user__username="sagsbehandler2")
        .exclude(family__in=groups.values("family"))
        .exists()
    )


def test_job_mentor_and_retention_counsellor_have_people_to_see():
    demo.seed_demo(families=130, seeders=[])
    mentor = PersonAssignment.objects.active().filter(user__username="jobmentor")
    counsellor = PersonAssignment.objects.active().filter(user__username="fastholdelse")
    assert mentor.exists() and not mentor.exclude(person__role=PersonRole.PARENT).exists()
    assert counsellor.exists() and not counsellor.exclude(person__role=PersonRole.CHILD).exists()
    visible = Family.objects.visible_to(get_user_model().objects.get(username="jobmentor"))
    assert visible.count() == mentor.values("person__family").distinct().count() > 0


def test_cpr_numbers_are_real_dates_matching_birth_dates_and_fail_modulus_11():
    demo.seed_demo(families=20, seeders=[])
    people = list(Person.objects.all())
    assert all(p.cpr_hash for p in people)
    for person in people:
        cpr = decrypt_cpr(person.cpr_encrypted)
        assert cpr.birth_date == person.date_of_birth
        assert not cpr.passes_modulus_11
    # Sex digit: odd for the father, even for the mother.
    parents = Person.objects.filter(role=PersonRole.PARENT).order_by("family", "id")
    sexes = [int(decrypt_cpr(p.cpr_encrypted).digits[-1]) % 2 for p in parents]
    assert sexes == [1, 0] * 20
    ages = [p.age_on(demo.BIRTH_ANCHOR) for p in people if p.role == PersonRole.CHILD]
    assert min(ages) >= 0 and max(ages) <= 25


def test_same_seed_gives_the_same_pilot_and_another_seed_another():
    demo.seed_demo(families=30, seed=7, seeders=[])
    first = _snapshot()
    Family.objects.all().delete()
    demo.seed_demo(families=30, seed=7, seeders=[])
    assert _snapshot() == first
    Family.objects.all().delete()
    # On another day the enrolment dates move with `today`; people and CPR numbers do not.
    demo.seed_demo(families=30, seed=7, seeders=[], today=datetime.date(2027, 3, 1))
    assert [(f[0], f[1], f[5]) for f in _snapshot()] == [(f[0], f[1], f[5]) for f in first]
    Family.objects.all().delete()
    demo.seed_demo(families=30, seed=8, seeders=[])
    other = _snapshot()
    assert [f[0] for f in other] == [f[0] for f in first]
    assert [f[5] for f in other] != [f[5] for f in first]


def test_a_small_run_makes_five_families():
    output = _seed("--families", "5", "--seed", "3")
    assert list(Family.objects.values_list("case_number", flat=True)) == [
        f"BI18-000{i}" for i in range(1, 6)
    ]
    assert Person.objects.filter(role=PersonRole.PARENT).count() == 10
    assert NetworkMember.objects.filter(user__username="sagsbehandler").count() == 5
    assert "Created 5 families" in output


def test_seeding_a_database_with_families_is_refused():
    _seed("--families", "5")
    with pytest.raises(CommandError, match="--append"):
        _seed("--families", "5")
    assert Family.objects.count() == 5


def test_append_continues_the_case_numbers_without_duplicate_cpr_numbers():
    _seed("--families", "5")
    _seed("--families", "3", "--append")
    assert Family.objects.count() == 8
    assert Family.objects.order_by("case_number").last().case_number == "BI18-0008"
    hashes = list(Person.objects.values_list("cpr_hash", flat=True))
    assert len(hashes) == len(set(hashes))
    assert (
        not Family.objects.annotate(c=Count("members", filter=Q(members__is_coordinator=True)))
        .exclude(c=1)
        .exists()
    )


def test_demo_families_are_never_appended_to_real_case_data():
    _seed("--families", "2")
    FamilyFactory(case_number="BI18-9001", household_id="H-123")  # real: no demo household
    with pytest.raises(CommandError, match="not demo data"):
        _seed("--families", "3", "--append")
    assert Family.objects.count() == 3


def _foreign_keys() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="foreign keys dropped on PostgreSQL")
def test_append_keeps_the_foreign_keys_so_no_table_is_locked_for_the_load():
    """An empty database is loaded with its foreign keys dropped (checked once at the end);
    appending to one that users may be working in keeps them, and so takes no table lock."""
    seen = []
    registry.register_demo_seeder(
        registry.DemoSeeder(
            key="test.keys", order=1_000_000, seed=lambda **_: seen.append(_foreign_keys())
        )
    )
    try:
        _seed("--families", "2")
        _seed("--families", "2", "--append")
    finally:
        registry._demo_seeders.pop("test.keys")
    assert seen[0] == 0
    assert seen[1] == _foreign_keys() > 0


@pytest.fixture
def fake_seeders():
    calls = []

    def make(key):
        def seed(*, rng, family_ids, users, today):
            calls.append((key, rng.random(), list(family_ids), dict(users), today))

        return registry.DemoSeeder(
            key=key, order={"test.second": 999_999, "test.first": 999_998}[key], seed=seed
        )

    seeders = [make("test.second"), make("test.first")]
    for seeder in seeders:
        registry.register_demo_seeder(seeder)
    yield calls
    for seeder in seeders:
        registry._demo_seeders.pop(seeder.key)


def test_registered_demo_seeders_are_called_in_order_with_the_new_families(fake_seeders):
    _seed("--families", "4", "--seed", "5")
    keys = [call[0] for call in fake_seeders]
    assert keys[-2:] == ["test.first", "test.second"]
    (_k1, r1, ids1, users1, today1), (_k2, r2, ids2, _users2, _today2) = fake_seeders[-2:]
    assert ids1 == ids2 == list(Family.objects.order_by("case_number").values_list("pk", flat=True))
    assert set(users1) == set(Role.values)
    assert users1[Role.FAMILY_CASEWORKER].username == "sagsbehandler"
    assert isinstance(today1, datetime.date)
    assert r1 != r2  # each seeder gets its own deterministic stream
    n = len(registry.demo_seeders())
    assert r1 == random.Random(5 + n - 1).random()
    assert r2 == random.Random(5 + n).random()


def test_the_demo_cpr_numbers_named_in_the_docs_belong_to_bi18_0001(db):
    """docs/demo-logins.md names two CPR numbers to try the search with."""
    import re

    from django.core.management import call_command

    from families.cpr import cpr_hash
    from families.models import Person

    call_command("seed_demo", stdout=io.StringIO())
    named = re.findall(r"CPR `(\d{6}-\d{4})`", LOGINS_DOC.read_text(encoding="utf-8"))
    assert len(named) == 2
    for number in named:
        person = Person.objects.get(cpr_hash=cpr_hash(number))
        assert person.family.case_number == "BI18-0001"


def test_a_demo_user_logs_in_with_the_documented_two_factor_key(client, settings):
    from base64 import b32decode

    from django_otp.oath import TOTP

    settings.TWO_FACTOR_REQUIRED = True
    _seed("--families", "3")
    client.post(
        reverse("accounts:login"), {"username": "sagsbehandler", "password": demo.DEMO_PASSWORD}
    )
    assert client.get(reverse("home"))["Location"].startswith(
        reverse("accounts:second_factor_verify")
    )
    code = f"{TOTP(b32decode(demo.DEMO_TOTP_SECRET)).token():06d}"
    client.post(reverse("accounts:second_factor_verify"), {"otp_token": code})
    assert client.get(reverse("home")).status_code == 200
    assert demo.DEMO_TOTP_SECRET in LOGINS_DOC.read_text(encoding="utf-8")


def test_the_demo_logins_doc_names_every_seeded_user_with_name_and_danish_title(db):
    """docs/demo-logins.md's table matches the users seed_demo creates (issue 16 §4)."""
    from django.utils import translation

    from bi18.accounts.models import User
    from families.demo.data import NAMED_USERS

    _seed("--families", "3")
    rows = {
        line.split("|")[1].strip(" `"): [c.strip() for c in line.split("|")[2:4]]
        for line in LOGINS_DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    assert set(rows) == set(NAMED_USERS)
    with translation.override("da"):
        for user in User.objects.filter(username__in=NAMED_USERS):
            name, title = rows[user.username]
            assert name == user.get_full_name()
            assert title.startswith(", ".join(map(str, user.role_labels))), (user, title)
