"""Validating one row of the target-group file: field by field, each error translated.

Messages are translated only when needed (gettext per row costs seconds at 50,000 rows)
and never quote a cell's value: a shifted column could put a CPR number in any field.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bi18.lib.csvfile import RawRow
from bi18.lib.dates import parse_date
from families.cpr import Cpr, cpr_hash, looks_like_cpr, parse_cpr
from families.models import BenefitCategory, District, PersonRole

COLUMNS = (
    "household_id",
    "cpr",
    "first_name",
    "last_name",
    "role",
    "district",
    "benefit_category",
    "benefit_since",
    "in_other_effort",
    "language",
    "interpreter_needed",
)
# Optional: the user name of the family caseworker who coordinates the household's network
# group (else the default chosen at upload, else none).
OPTIONAL_COLUMNS = ("coordinator",)

_ROLES = {
    "parent": PersonRole.PARENT,
    "forælder": PersonRole.PARENT,
    "foraelder": PersonRole.PARENT,
    "child": PersonRole.CHILD,
    "barn": PersonRole.CHILD,
    "ung": PersonRole.CHILD,
}
_BENEFITS = {
    "job_ready": BenefitCategory.JOB_READY,
    "jobparat": BenefitCategory.JOB_READY,
    "activity_ready": BenefitCategory.ACTIVITY_READY,
    "aktivitetsparat": BenefitCategory.ACTIVITY_READY,
}
_YES_NO = {
    "yes": True,
    "ja": True,
    "true": True,
    "1": True,
    "no": False,
    "nej": False,
    "false": False,
    "0": False,
}


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


_DISTRICTS = {}
for _code, _label in District.choices:
    _DISTRICTS[_key(_code)] = _code
    _DISTRICTS[_key(str(_label))] = _code


@dataclass
class Row:
    row: int
    household_id: str = ""
    cpr: Cpr | None = None
    cpr_hash: str = ""
    first_name: str = ""
    last_name: str = ""
    role: str = ""
    district: str = ""
    benefit_category: str = ""
    benefit_since: datetime.date | None = None
    in_other_effort: bool = False
    language: str = ""
    interpreter_needed: bool = False
    coordinator: str = ""  # a user name, checked against the users when planning
    errors: list[tuple[str, str]] = field(default_factory=list)


def validate_row(raw: RawRow, today: datetime.date) -> Row:
    v = raw.values
    row = Row(row=raw.row, errors=list(raw.errors))

    def err(name: str, message: str) -> None:
        row.errors.append((name, message))

    hid = v["household_id"]
    if not hid:
        err("household_id", _("The household id is missing."))
    elif len(hid) > 40:
        err("household_id", _("The household id is longer than 40 characters."))
    elif looks_like_cpr(hid):
        msg = _("The household id looks like a CPR number; a CPR number is never a key.")
        err("household_id", msg)
    else:
        row.household_id = hid

    if not v["cpr"]:
        err("cpr", _("The CPR number is missing."))
    elif re.fullmatch(r"\d{9}", v["cpr"]):
        msg = _(
            "The CPR number has nine digits: Excel may have removed a leading zero. "
            "Format the column as text and export again."
        )
        err("cpr", msg)
    else:
        try:
            cpr = parse_cpr(v["cpr"])
        except ValidationError as exc:
            err("cpr", str(exc.messages[0]))
        else:
            if cpr.birth_date > today:
                err("cpr", _("The date of birth in the CPR number lies in the future."))
            else:
                row.cpr, row.cpr_hash = cpr, cpr_hash(cpr)

    # Messages are translated only when needed: gettext per row costs seconds at 50,000 rows.
    for name in ("first_name", "last_name"):
        if not v[name]:
            first = name == "first_name"
            err(name, _("The first name is missing.") if first else _("The last name is missing."))
        elif len(v[name]) > 100:
            first = name == "first_name"
            err(
                name, _("The first name is too long.") if first else _("The last name is too long.")
            )
        else:
            setattr(row, name, v[name])

    role = _ROLES.get(v["role"].casefold())
    if role is None:
        err("role", _("The role must be “parent” or “child”."))
    else:
        row.role = role

    district = _DISTRICTS.get(_key(v["district"]))
    if district is None:
        labels = ", ".join(str(label) for label in District.labels)
        err("district", _("Unknown district. Use one of: %(districts)s.") % {"districts": labels})
    else:
        row.district = district

    benefit = v["benefit_category"]
    if role == PersonRole.PARENT:
        if not benefit:
            msg = _("A parent's benefit category is missing: job_ready or activity_ready.")
            err("benefit_category", msg)
        elif (category := _BENEFITS.get(benefit.casefold())) is None:
            msg = _("The benefit category must be “job_ready” or “activity_ready”.")
            err("benefit_category", msg)
        else:
            row.benefit_category = category
    elif benefit and role == PersonRole.CHILD:
        msg = _("Only parents have a benefit category; leave it empty for a child.")
        err("benefit_category", msg)

    since = v["benefit_since"]
    if since:
        if role == PersonRole.CHILD:
            msg = _("Only parents have a benefit start date; leave it empty for a child.")
            err("benefit_since", msg)
        elif (day := parse_date(since)) is None:
            msg = _("The benefit start date is not a real date; write it as YYYY-MM-DD.")
            err("benefit_since", msg)
        elif day > today:
            err("benefit_since", _("The benefit start date lies in the future."))
        elif row.cpr is not None and day < row.cpr.birth_date:
            err("benefit_since", _("The benefit start date is before the date of birth."))
        else:
            row.benefit_since = day

    other = v["in_other_effort"]
    if other:
        if (flag := _YES_NO.get(other.casefold())) is None:
            err("in_other_effort", _("Write “yes” or “no”."))
        else:
            row.in_other_effort = flag
    elif role == PersonRole.PARENT:
        msg = _("Say whether the parent is in another special employment effort: yes or no.")
        err("in_other_effort", msg)

    if len(v["language"]) > 60:
        err("language", _("The language is longer than 60 characters."))
    else:
        row.language = v["language"]

    coordinator = v.get("coordinator", "")
    if len(coordinator) > 150:
        err("coordinator", _("The coordinator's user name is longer than 150 characters."))
    else:
        row.coordinator = coordinator

    interpreter = v["interpreter_needed"]
    if interpreter:
        if (flag := _YES_NO.get(interpreter.casefold())) is None:
            err("interpreter_needed", _("Write “yes” or “no”."))
        else:
            row.interpreter_needed = flag
    return row
