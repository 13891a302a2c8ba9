from django import template

from youth import rules
from youth.rules import grade_display

register = template.Library()


@register.filter
def grade(value):
    """A stored grade as the 7-point scale writes it: −3, 00, 02, 4, 7, 10, 12."""
    return grade_display(value)


@register.filter
def getattr_display(obj, name: str):
    """A field of a record as shown to people (choice labels, grades as 00/02)."""
    from youth.models import ExamPreparation

    if isinstance(obj, ExamPreparation) and name in ExamPreparation.GRADE_FIELDS:
        return grade_display(getattr(obj, name))
    display = getattr(obj, f"get_{name}_display", None)
    value = display() if callable(display) else getattr(obj, name, "")
    return "–" if value in (None, "") else value


@register.simple_tag
def follow_up_months():
    from bi18.rules import rule

    return rule("youth_follow_up_months")


@register.filter
def eud(exam, which: str):
    """Whether an exam preparation's grades meet the EUD 02 requirement (youth.rules):
    which = "before", "after" (None without a result) or "latest" (target T6)."""
    return {
        "before": rules.meets_eud_before,
        "after": rules.meets_eud_after,
        "latest": rules.latest_grades_meet_eud,
    }[which](exam)
