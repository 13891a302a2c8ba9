"""The one optimistic-locking write: refused when stale, bumps version and updated_at."""

import datetime

import pytest
from django.utils import timezone

from bi18.lib.versioning import update_if_version
from families.models import Family
from tests.factories import FamilyFactory

pytestmark = pytest.mark.django_db


def test_a_save_from_the_current_version_is_written_and_bumps_the_version():
    family = FamilyFactory(preferred_language="")
    before = family.updated_at
    assert update_if_version(Family, pk=family.pk, version=1, preferred_language="arabisk")
    family.refresh_from_db()
    assert (family.preferred_language, family.version) == ("arabisk", 2)
    assert family.updated_at > before


def test_a_stale_save_writes_nothing():
    family = FamilyFactory(preferred_language="")
    assert update_if_version(Family, pk=family.pk, version=1, preferred_language="arabisk")
    assert not update_if_version(Family, pk=family.pk, version=1, preferred_language="somali")
    family.refresh_from_db()
    assert (family.preferred_language, family.version) == ("arabisk", 2)


def test_a_queryset_adds_conditions_and_updated_at_may_be_given():
    family = FamilyFactory(cohort="2026-1")
    at = timezone.now() - datetime.timedelta(days=1)
    elsewhere = Family.objects.exclude(pk=family.pk)
    assert not update_if_version(elsewhere, pk=family.pk, version=1, cohort="2026-2")
    assert update_if_version(Family.objects.all(), pk=family.pk, version=1, updated_at=at)
    family.refresh_from_db()
    assert (family.cohort, family.version, family.updated_at) == ("2026-1", 2, at)
