from django import template

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
