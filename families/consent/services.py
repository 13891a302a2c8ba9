"""Recording and withdrawing consent or legal basis, and what it does to access.

Access to a family is derived from network-group membership and person assignments
on every request (families.access), so removing those rows takes effect at once.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from families.consent.agencies import CASE_OWNER, Agency, agency_of, needs_basis, roles_of
from families.consent.models import SharingBasis
from families.models import Family, NetworkMember, PersonAssignment


class ConsentError(Exception):
    """A sharing rule was broken; the message is translated and fit for the user."""


def has_valid_basis(*, family: Family, agency: str, on: datetime.date | None = None) -> bool:
    return SharingBasis.objects.filter(family=family, agency=agency).valid_on(on).exists()


def require_basis(*, family: Family | int, role: str) -> None:
    """Refuse giving someone of `role` access to `family` while their agency has no
    valid consent or legal basis for it. Call it before adding a member or an assignment."""
    if not needs_basis(role):
        return
    agency = agency_of(role)
    if agency is None:  # needs_basis(role) means the role belongs to an agency
        return
    family_id = family if isinstance(family, int) else family.pk
    if not SharingBasis.objects.filter(family_id=family_id, agency=agency).valid_on().exists():
        raise ConsentError(
            _(
                "No valid consent or legal basis is recorded for sharing this family's data "
                "with %(agency)s. Record one first (Consent and legal basis)."
            )
            % {"agency": Agency(agency).label}
        )


@transaction.atomic
def basis_record(
    *,
    actor,
    family: Family,
    agency: str,
    kind: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    legal_reference: str = "",
    note: str = "",
    signed_form=None,
) -> SharingBasis:
    """Record a consent or legal basis; `signed_form` (an uploaded file) is stored as the
    family's document (checked and encrypted like every document)."""
    if valid_until is not None and valid_until < valid_from:
        raise ConsentError(_("The end date cannot be before the start date."))
    document = None
    if signed_form is not None:
        from families.records import services as records
        from families.records.access import scope_for

        try:
            document = records.document_upload(
                actor=actor,
                family=family,
                scope=scope_for(actor, family),
                upload=signed_form,
                title=_("Signed consent form: %(agency)s") % {"agency": Agency(agency).label},
                date=valid_from,
                kind="consent_form",
            )
        except records.RecordError as exc:
            raise ConsentError(str(exc)) from None
    basis = SharingBasis.objects.create(
        signed_form=document,
        family=family,
        agency=agency,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        legal_reference=legal_reference,
        note=note,
        recorded_by=actor,
    )
    audit_log(
        actor=actor,
        action="create",
        event="consent.basis.recorded",
        family=family,
        detail={"basis_id": basis.pk, "agency": agency, "kind": kind},
    )
    return basis


@transaction.atomic
def basis_withdraw(*, actor, basis: SharingBasis, note: str = "") -> list[int]:
    """Record a withdrawal; it takes effect at once. Members and assignees of the agency
    lose access to the family unless another valid basis remains. Returns the ids of the
    users who lost access. Calling it twice changes nothing the second time."""
    basis = SharingBasis.objects.select_for_update().get(pk=basis.pk)
    if basis.is_withdrawn:
        return []
    basis.withdrawn_at = timezone.now()
    basis.withdrawn_by = actor
    basis.withdrawal_note = note
    basis.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    audit_log(
        actor=actor,
        action="change",
        event="consent.basis.withdrawn",
        family=basis.family,
        detail={"basis_id": basis.pk, "agency": basis.agency},
    )
    return access_revoke_without_basis(actor=actor, family=basis.family, agency=basis.agency)


@transaction.atomic
def access_revoke_without_basis(*, actor, family: Family, agency: str) -> list[int]:
    """Remove the network-group memberships and end the person assignments of `agency`'s
    people in `family` if the agency has no valid basis today (audited per user)."""
    if agency == CASE_OWNER or has_valid_basis(family=family, agency=agency):
        return []
    roles = roles_of(agency)
    today = timezone.localdate()
    revoked: list[int] = []
    for member in NetworkMember.objects.filter(family=family, group_role__in=roles):
        revoked.append(member.user_id)
        audit_log(
            actor=actor,
            action="delete",
            event="consent.access.revoked",
            family=family,
            detail={"user_id": member.user_id, "role": member.group_role, "via": "member"},
        )
        member.delete()
    assignments = PersonAssignment.objects.active(today).filter(
        person__family=family, role__in=roles
    )
    for assignment in assignments.select_related("person"):
        revoked.append(assignment.user_id)
        if assignment.start >= today:
            # Started today: ending it "yesterday" would break end >= start.
            assignment.start = assignment.end = today - datetime.timedelta(days=1)
            assignment.save(update_fields=["start", "end"])
        else:
            assignment.end = today - datetime.timedelta(days=1)
            assignment.save(update_fields=["end"])
        audit_log(
            actor=actor,
            action="change",
            event="consent.access.revoked",
            person=assignment.person,
            detail={"user_id": assignment.user_id, "role": assignment.role, "via": "assignment"},
        )
    return revoked


@transaction.atomic
def basis_lapse_enforce(*, today: datetime.date | None = None) -> int:
    """Nightly: remove access where a basis has expired and no other one is valid.
    Idempotent (each expired basis is handled once). Returns how many users lost access."""
    today = today or timezone.localdate()
    lapsed = SharingBasis.objects.select_for_update().filter(
        lapse_enforced=False, valid_until__isnull=False, valid_until__lt=today
    )
    removed = 0
    for basis in lapsed.select_related("family"):
        removed += len(
            access_revoke_without_basis(actor=None, family=basis.family, agency=basis.agency)
        )
        basis.lapse_enforced = True
        basis.save(update_fields=["lapse_enforced"])
    return removed
