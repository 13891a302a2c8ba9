"""Everything that writes families, people and memberships. Each service writes its
audit row in the same transaction as the change it records."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from bi18.lib.errors import ConflictError, ServiceError
from bi18.lib.versioning import update_if_version
from families.cpr import Cpr, KeyMismatchError, cpr_hash, decrypt_cpr, encrypt_cpr
from families.models import (
    Family,
    FamilyStatus,
    FamilyStatusChange,
    NetworkMember,
    Person,
    PersonRole,
)
from families.registry import families_created

CASE_NUMBER_PREFIX = "BI18-"


def next_case_number() -> str:
    """The next free BI18-NNNN. Ordered by length first: as strings BI18-9999 > BI18-10000.
    The unique constraint catches a rare race."""
    last = (
        Family.objects.filter(case_number__regex=rf"^{CASE_NUMBER_PREFIX}[0-9]+$")
        .order_by(Length("case_number").desc(), "-case_number")
        .values_list("case_number", flat=True)
        .first()
    )
    number = int(last.removeprefix(CASE_NUMBER_PREFIX)) + 1 if last else 1
    return f"{CASE_NUMBER_PREFIX}{number:04d}"


def _changed_fields(instance, data: dict) -> list[str]:
    return [name for name, value in data.items() if getattr(instance, name) != value]


@transaction.atomic
def family_create(
    *,
    actor,
    district: str,
    case_number: str = "",
    cohort: str = "",
    enrolment_date: datetime.date | None = None,
    preferred_language: str = "",
    interpreter_needed: bool = False,
    consent_given_on: datetime.date | None = None,
    target_group_source: str = "",
    target_group_date: datetime.date | None = None,
    notes: str = "",
    coordinator_role: str | None = None,
) -> Family:
    """Register a family (under the next free case number unless one is given). The
    creating caseworker becomes its network-group coordinator, so that they can go on
    working with it."""
    family = Family.objects.create(
        case_number=case_number or next_case_number(),
        district=district,
        cohort=cohort,
        enrolment_date=enrolment_date,
        preferred_language=preferred_language,
        interpreter_needed=interpreter_needed,
        consent_given_on=consent_given_on,
        target_group_source=target_group_source,
        target_group_date=target_group_date,
        notes=notes,
    )
    if coordinator_role:
        NetworkMember.objects.create(
            family=family, user=actor, group_role=coordinator_role, is_coordinator=True
        )
    families_created([family.pk])
    audit_log(actor=actor, action="create", event="families.family.created", family=family)
    return family


@transaction.atomic
def family_update(
    *,
    actor,
    family: Family,
    version: int,
    district: str,
    cohort: str,
    enrolment_date: datetime.date | None,
    preferred_language: str,
    interpreter_needed: bool,
    consent_given_on: datetime.date | None,
    target_group_source: str,
    target_group_date: datetime.date | None,
    notes: str,
) -> Family:
    """Update a family's fields, refusing a stale version (no silent overwrite)."""
    data = {
        "district": district,
        "cohort": cohort,
        "enrolment_date": enrolment_date,
        "preferred_language": preferred_language,
        "interpreter_needed": interpreter_needed,
        "consent_given_on": consent_given_on,
        "target_group_source": target_group_source,
        "target_group_date": target_group_date,
        "notes": notes,
    }
    changed = _changed_fields(family, data)
    if not update_if_version(Family, pk=family.pk, version=version, **data):
        raise ConflictError
    family.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event="families.family.changed",
        family=family,
        detail={"fields": changed},
    )
    return family


@transaction.atomic
def family_change_status(*, actor, family: Family, to_status: str, reason: str) -> Family:
    family = Family.objects.select_for_update().get(pk=family.pk)
    if to_status not in family.allowed_statuses():
        raise ServiceError(
            _("A family with status “%(from)s” cannot change to “%(to)s”.")
            % {"from": family.get_status_display(), "to": FamilyStatus(to_status).label}
        )
    if not reason.strip():
        raise ServiceError(_("Give a reason for the status change."))
    FamilyStatusChange.objects.create(
        family=family,
        from_status=family.status,
        to_status=to_status,
        reason=reason,
        changed_by=actor,
    )
    family.status = to_status
    family.status_reason = reason
    if to_status == FamilyStatus.ENROLLED and family.enrolment_date is None:
        family.enrolment_date = timezone.localdate()
    family.version = F("version") + 1
    family.save(
        update_fields=["status", "status_reason", "enrolment_date", "version", "updated_at"]
    )
    family.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event="families.family.status_changed",
        family=family,
        detail={"to": to_status},
    )
    return family


def _apply_cpr(person: Person, cpr: Cpr | None) -> None:
    if cpr is None:
        return
    person.cpr_hash = cpr_hash(cpr)
    person.cpr_encrypted = encrypt_cpr(cpr)
    person.date_of_birth = cpr.birth_date


@transaction.atomic
def person_create(
    *,
    actor,
    family: Family,
    role: str,
    first_name: str,
    last_name: str,
    cpr: Cpr | None = None,
    date_of_birth: datetime.date | None = None,
    language: str = "",
    interpreter_needed: bool = False,
    danish_level: str = "",
    highest_education: str = "",
    benefit_category: str = "",
    benefit_since: datetime.date | None = None,
    in_other_effort: bool = False,
    school_status: str = "",
) -> Person:
    """Add a person to a family; a CPR number, when given, sets the date of birth."""
    person = Person(
        family=family,
        role=role,
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        language=language,
        interpreter_needed=interpreter_needed,
        danish_level=danish_level,
        highest_education=highest_education,
        benefit_category=benefit_category,
        benefit_since=benefit_since,
        in_other_effort=in_other_effort,
        school_status=school_status,
    )
    if person.role != PersonRole.PARENT:
        person.benefit_category = ""
    _apply_cpr(person, cpr)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ServiceError(_("A person with this CPR number is already registered.")) from None
    audit_log(actor=actor, action="create", event="families.person.created", person=person)
    return person


@transaction.atomic
def person_update(
    *,
    actor,
    person: Person,
    version: int,
    role: str,
    first_name: str,
    last_name: str,
    date_of_birth: datetime.date | None,
    language: str,
    interpreter_needed: bool,
    danish_level: str,
    highest_education: str,
    benefit_category: str,
    benefit_since: datetime.date | None,
    in_other_effort: bool,
    school_status: str,
    cpr: Cpr | None = None,
) -> Person:
    """Change a person's fields (a CPR number, when given, replaces the registered one
    and sets the date of birth), refusing a stale version."""
    data: dict[str, object] = {
        "role": role,
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": date_of_birth,
        "language": language,
        "interpreter_needed": interpreter_needed,
        "danish_level": danish_level,
        "highest_education": highest_education,
        "benefit_category": benefit_category,
        "benefit_since": benefit_since,
        "in_other_effort": in_other_effort,
        "school_status": school_status,
    }
    changed = _changed_fields(person, data)
    if cpr is not None:
        changed.append("cpr")
        data = {
            **data,
            "cpr_hash": cpr_hash(cpr),
            "cpr_encrypted": encrypt_cpr(cpr),
            "date_of_birth": cpr.birth_date,
        }
    if role != PersonRole.PARENT:
        data["benefit_category"] = ""
    try:
        with transaction.atomic():
            updated = update_if_version(Person, pk=person.pk, version=version, **data)
    except IntegrityError:
        raise ServiceError(_("A person with this CPR number is already registered.")) from None
    if not updated:
        raise ConflictError
    person.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event="families.person.changed",
        person=person,
        detail={"fields": changed},
    )
    return person


@transaction.atomic
def person_reveal_cpr(*, actor, person: Person, purpose: str) -> str:
    """Return the full CPR number, logging who saw it and why (SPEC §3)."""
    if not person.has_cpr:
        raise ServiceError(_("No CPR number is registered for this person."))
    try:
        number = decrypt_cpr(person.cpr_encrypted).formatted
    except KeyMismatchError:
        raise ServiceError(
            _(
                "The CPR number cannot be decrypted: the configured encryption key does not "
                "match the database. Tell the system administrator (CPR_ENCRYPTION_KEY)."
            )
        ) from None
    audit_log(
        actor=actor,
        action="cpr_reveal",
        event="families.person.cpr_revealed",
        person=person,
        purpose=purpose,
    )
    return number


def require_sharing_basis(*, family, role: str) -> None:
    """No access for an agency without a valid consent or legal basis (issue 13 §3)."""
    from families.consent.services import ConsentError, require_basis

    try:
        require_basis(family=family, role=role)
    except ConsentError as exc:
        raise ServiceError(str(exc)) from None


@transaction.atomic
def member_add(*, actor, family: Family, user, group_role: str, is_coordinator: bool = False):
    if NetworkMember.objects.filter(family=family, user=user).exists():
        raise ServiceError(_("%(user)s is already a member of the network group.") % {"user": user})
    require_sharing_basis(family=family, role=group_role)
    if is_coordinator:
        NetworkMember.objects.filter(family=family, is_coordinator=True).update(
            is_coordinator=False
        )
    member = NetworkMember.objects.create(
        family=family, user=user, group_role=group_role, is_coordinator=is_coordinator
    )
    audit_log(
        actor=actor,
        action="create",
        event="families.member.added",
        family=family,
        detail={"user_id": user.pk, "group_role": group_role, "coordinator": is_coordinator},
    )
    return member


@transaction.atomic
def member_remove(*, actor, member: NetworkMember) -> None:
    family = member.family
    audit_log(
        actor=actor,
        action="delete",
        event="families.member.removed",
        family=family,
        detail={"user_id": member.user_id, "group_role": member.group_role},
    )
    member.delete()


@transaction.atomic
def member_make_coordinator(*, actor, member: NetworkMember) -> None:
    NetworkMember.objects.filter(family=member.family_id, is_coordinator=True).update(
        is_coordinator=False
    )
    NetworkMember.objects.filter(pk=member.pk).update(is_coordinator=True)
    audit_log(
        actor=actor,
        action="change",
        event="families.member.coordinator_set",
        family=member.family,
        detail={"user_id": member.user_id},
    )
