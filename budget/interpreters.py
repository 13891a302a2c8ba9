"""An interpreter booking's cost as an expenditure (SPEC §7: interpreters are paid from
BIU 18.21, the parents' employment effort, 200 of its 3,200 thousand DKK a year).

Connected to networkgroup.signals.interpreter_cost_changed in BudgetConfig.ready(): the
network-group app sends, the budget listens (budget sits above it and may read it; nothing
below imports budget). Runs in the booking's transaction, so both are saved or neither.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.lib.errors import ServiceError
from budget import services
from budget.models import Activity, AllocationShare, Category, Expenditure

INTERPRETER_LINE = "18.21"


def interpreter_activity(year: int) -> Activity | None:
    """The activity whose allocation sets a share aside for interpreters in `year` (the
    budget note's employment effort); else the line's activity for the parents (T1)."""
    share = (
        AllocationShare.objects.filter(
            category=Category.INTERPRETER,
            allocation__year=year,
            allocation__activity__line__code=INTERPRETER_LINE,
        )
        .select_related("allocation__activity__line")
        .order_by("allocation__activity_id")
        .first()
    )
    if share is not None:
        return share.allocation.activity
    return (
        Activity.objects.filter(line__code=INTERPRETER_LINE, outcome="T1")
        .select_related("line")
        .order_by("id")
        .first()
    )


def reference_for(booking) -> str:
    return f"interpreter-booking-{booking.pk}"


def book_interpreter_cost(sender, *, booking, actor, **_kwargs) -> None:
    """Keep one expenditure per booking equal to its cost: created when a cost is first
    given, changed with it, removed when the cost is cleared. A cancelled booking keeps
    its cost (a late cancellation is invoiced) unless the cost is cleared."""
    existing = Expenditure.objects.filter(reference=reference_for(booking)).first()
    if not booking.cost:
        if existing is not None:
            services.expenditure_delete(actor=actor, expenditure=existing)
        return
    meeting = booking.meeting
    day = timezone.localdate(booking.starts_at)
    activity = interpreter_activity(day.year)
    if activity is None:
        raise ServiceError(
            _(
                "There is no budget line 18.21 to book the interpreter's cost on. Ask a budget officer."
            )
        )
    fields = {
        "date": day,
        "amount": booking.cost,
        "line": activity.line,
        "activity": activity,
        "category": Category.INTERPRETER,
        "family": meeting.family,
        "note": (
            _("Interpreter (%(language)s), %(supplier)s")
            % {"language": booking.language, "supplier": booking.supplier}
        )[:300],
    }
    if existing is None:
        services.expenditure_create(actor=actor, reference=reference_for(booking), **fields)
    else:
        services.expenditure_update(actor=actor, expenditure=existing, **fields)
