"""The family page's "Consent and legal basis" section, and demo data."""

from django.utils import timezone

from bi18.lib import bulk
from bi18.lib.prepared import fixed_instances
from families.consent.agencies import CASE_OWNER, Agency, agency_of
from families.consent.models import BasisKind, SharingBasis
from families.registry import DemoSeeder, FamilyPanel


def agency_overview(family, members) -> list[dict]:
    """Per agency: the valid basis (if any), and whether agency members lack one. One query."""
    values = {"family": family.pk, "today": timezone.localdate()}
    valid: dict[str, SharingBasis] = {}
    for basis in fixed_instances("consent.valid_bases", _valid_bases, values):
        valid.setdefault(basis.agency, basis)
    with_members = {agency_of(m.group_role) for m in members}
    rows = []
    for agency in Agency:
        if agency == CASE_OWNER:
            continue
        basis = valid.get(agency)
        if basis is None and agency not in with_members:
            continue
        rows.append({"agency": agency.label, "basis": basis, "missing": basis is None})
    return rows


def _valid_bases(v):
    """The family's bases valid today (a query built once per process, bi18.lib.prepared)."""
    return (
        SharingBasis.objects.filter(family_id=v["family"])
        .valid_on(v["today"])
        .order_by("valid_from")
    )


def panel_context(request, family, people):
    members = list(family.members.all())
    if not any(m.user_id == request.user.pk for m in members):
        return None  # assigned to one person only: not the family's sharing arrangements
    return {"family": family, "rows": agency_overview(family, members)}


PANEL = FamilyPanel(
    key="consent", order=5, template="consent/_family_panel.html", context=panel_context
)


def seed_consents(*, rng, family_ids, users, today, **kwargs):
    """Every demo family signed the pilot's consent form for the job centre, UU and the
    schools when it was enrolled (the register extract's families are screened only)."""
    from families.models import Family, FamilyStatus

    officer = users.get("family_caseworker")
    if officer is None:
        return
    # Plain tuples (≈ 150,000 rows at 50,000 families), every column given as the model's
    # defaults would fill it.
    now = timezone.now()
    rows = []
    families = Family.objects.filter(pk__in=family_ids).exclude(status=FamilyStatus.SCREENED)
    for family_id, consent_on, enrolled in families.values_list(
        "pk", "consent_given_on", "enrolment_date"
    ):
        start = consent_on or enrolled or today
        for agency in (Agency.JOBCENTER, Agency.UU, Agency.SCHOOL):
            rows.append(
                (family_id, agency, BasisKind.CONSENT, "Samtykkeerklæring BI18", start, None, "")
                + (None, officer.pk, now, None, None, "", False)
            )
    bulk.insert_rows(
        SharingBasis,
        ["family", "agency", "kind", "legal_reference", "valid_from", "valid_until", "note"]
        + ["signed_form", "recorded_by", "recorded_at", "withdrawn_at", "withdrawn_by"]
        + ["withdrawal_note", "lapse_enforced"],
        rows,
    )


DEMO_SEEDER = DemoSeeder(key="consent", order=90, seed=seed_consents)
