"""factory_boy factories. CPR numbers are fictitious (made-up dates + serials)."""

import datetime

import factory
from django.contrib.auth.models import Group

from bi18.accounts.models import User
from bi18.accounts.roles import Role
from families.cpr import cpr_hash, encrypt_cpr, parse_cpr
from families.models import District, Family, NetworkMember, Person, PersonAssignment, PersonRole
from families.registry import families_created

PASSWORD = "Sikker-Adgangskode-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    email = factory.LazyAttribute(lambda u: f"{u.username}@kk.example")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=str(extracted)))
        self.save()


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family
        skip_postgeneration_save = True

    case_number = factory.Sequence(lambda n: f"BI18-{n + 1:04d}")
    district = District.NOERREBRO
    cohort = "2026-1"

    @factory.post_generation
    def created(self, create, extracted, **kwargs):
        """What every family comes with (its plan), as every real path that creates one."""
        if create:
            families_created([self.pk])

    @factory.post_generation
    def consent(self, create, extracted, **kwargs):
        """The pilot's signed consent for the job centre, UU and the schools (issue 13 §3);
        FamilyFactory(consent=False) for a family that has given none."""
        if create and extracted is not False:
            give_consent(self)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    family = factory.SubFactory(FamilyFactory)
    role = PersonRole.PARENT
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    benefit_category = factory.LazyAttribute(
        lambda p: "activity_ready" if p.role == PersonRole.PARENT else ""
    )
    date_of_birth = datetime.date(1985, 3, 12)

    class Params:
        cpr = None

    @factory.lazy_attribute
    def cpr_hash(self):
        return cpr_hash(self.cpr) if self.cpr else None

    @factory.lazy_attribute
    def cpr_encrypted(self):
        return encrypt_cpr(parse_cpr(self.cpr)) if self.cpr else ""


def give_consent(family, agencies=("jobcenter", "uu", "school"), start=datetime.date(2020, 1, 1)):
    from families.consent.models import SharingBasis

    return [
        SharingBasis.objects.create(
            family=family, agency=agency, kind="consent", valid_from=start, legal_reference="BI18"
        )
        for agency in agencies
    ]


def child(**kwargs):
    return PersonFactory(role=PersonRole.CHILD, date_of_birth=datetime.date(2010, 5, 1), **kwargs)


def add_member(family, user, role=Role.FAMILY_CASEWORKER, coordinator=False):
    return NetworkMember.objects.create(
        family=family, user=user, group_role=str(role), is_coordinator=coordinator
    )


def assign(person, user, role=Role.JOB_MENTOR, start=None, end=None):
    return PersonAssignment.objects.create(
        person=person, user=user, role=str(role), start=start or datetime.date(2020, 1, 1), end=end
    )
