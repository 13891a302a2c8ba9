"""Listing families past retention, legal holds, and erasure (issue 13 §4)."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from families.models import Family, FamilyStatusChange, NetworkMember, Person, PersonAssignment
from families.registry import personal_data_sources
from families.retention import rules
from families.retention.models import Erasure, LegalHold, RetentionCandidate

ANONYMISED_NAME = "[anonymiseret]"


class RetentionError(Exception):
    """The message is translated and fit for the user."""


@transaction.atomic
def candidates_refresh(*, today: datetime.date | None = None) -> int:
    """Nightly: (re)list the families past retention. Idempotent; returns the count."""
    today = today or timezone.localdate()
    due = dict(rules.families_past_retention(today).values_list("pk", "ended_on"))
    RetentionCandidate.objects.exclude(family_id__in=due).delete()
    existing = set(
        RetentionCandidate.objects.filter(family_id__in=due).values_list("family_id", flat=True)
    )
    RetentionCandidate.objects.bulk_create(
        [
            RetentionCandidate(family_id=fid, ended_on=ended, due_on=rules.erasure_due(ended))
            for fid, ended in due.items()
            if fid not in existing
        ],
        batch_size=2000,
    )
    return len(due)


def active_hold(family: Family) -> LegalHold | None:
    return LegalHold.objects.filter(family=family, lifted_at__isnull=True).first()


@transaction.atomic
def hold_place(*, actor, family: Family, reason: str) -> LegalHold:
    if not reason.strip():
        raise RetentionError(_("Give the reason for the legal hold."))
    if active_hold(family):
        raise RetentionError(_("The family is already on legal hold."))
    hold = LegalHold.objects.create(family=family, reason=reason.strip(), placed_by=actor)
    audit_log(actor=actor, action="create", event="retention.hold.placed", family=family)
    return hold


@transaction.atomic
def hold_lift(*, actor, hold: LegalHold) -> None:
    LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=actor
    )
    audit_log(actor=actor, action="change", event="retention.hold.lifted", family=hold.family)


@transaction.atomic
def family_erase(*, actor, family: Family, reason: str, today: datetime.date | None = None):
    """Erase a family's personal data after the administrator's review.

    Removes names, CPR numbers, dates of birth, free text, notes, documents (and their
    files), plan texts, consents, the change history and every access to the family;
    keeps the family, its people and their tracks as rows without personal content, so
    that targets and budget figures of past dates do not change. Refused while the
    family is on legal hold or not yet past retention. Not reversible.
    """
    today = today or timezone.localdate()
    family = Family.objects.select_for_update().get(pk=family.pk)
    if not reason.strip():
        raise RetentionError(_("Give the reason for the erasure."))
    if Erasure.objects.filter(family=family).exists():
        raise RetentionError(_("The family has already been erased."))
    if active_hold(family):
        raise RetentionError(_("The family is on legal hold and cannot be erased."))
    if not rules.families_past_retention(today).filter(pk=family.pk).exists():
        raise RetentionError(_("The family is not past its retention period."))
    counts: dict[str, int] = {}
    for source in personal_data_sources():
        counts[source.key] = source.erase(family)
    people = Person.objects.filter(family=family)
    counts["people"] = people.update(
        first_name=ANONYMISED_NAME,
        last_name="",
        cpr_hash=None,
        cpr_encrypted="",
        date_of_birth=None,
        language="",
        interpreter_needed=False,
        danish_level="",
        highest_education="",
        benefit_since=None,
        school_status="",
    )
    FamilyStatusChange.objects.filter(family=family).update(reason="")
    counts["members"] = NetworkMember.objects.filter(family=family).delete()[0]
    counts["assignments"] = PersonAssignment.objects.filter(person__family=family).delete()[0]
    LegalHold.objects.filter(family=family).update(reason="")
    Family.objects.filter(pk=family.pk).update(
        household_id=None,
        preferred_language="",
        interpreter_needed=False,
        status_reason="",
        target_group_source="",
        notes="",
        updated_at=timezone.now(),
    )
    RetentionCandidate.objects.filter(family=family).delete()
    erasure = Erasure.objects.create(
        family=family,
        case_number=family.case_number,
        reason=reason.strip(),
        erased_by=actor,
        counts=counts,
    )
    audit_log(
        actor=actor,
        action="delete",
        event="retention.family.erased",
        family=family,
        detail={"counts": counts},
    )
    return erasure
