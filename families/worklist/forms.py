import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.lib import textlimits
from bi18.lib.forms import DATE_WIDGET

# A snooze is a short postponement, not a way to make an item disappear.
MAX_SNOOZE_DAYS = 90


class SnoozeForm(forms.Form):
    until = forms.DateField(
        label=_("Back on my list on"),
        widget=DATE_WIDGET,
        help_text=_("At most 90 days ahead."),
    )
    reason = forms.CharField(
        label=_("Why can it not be done yet?"),
        max_length=textlimits.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why the item cannot be done yet.")},
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        if not self.is_bound:
            self.initial.setdefault("until", self.today + datetime.timedelta(days=7))
        self.fields["until"].widget.attrs.update(
            min=(self.today + datetime.timedelta(days=1)).isoformat(),
            max=(self.today + datetime.timedelta(days=MAX_SNOOZE_DAYS)).isoformat(),
        )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= self.today:
            raise forms.ValidationError(_("Choose a day after today."))
        if until > self.today + datetime.timedelta(days=MAX_SNOOZE_DAYS):
            raise forms.ValidationError(_("An item can be snoozed for at most 90 days."))
        return until


class FilterForm(forms.Form):
    """The list's filter. Choices come from what is on the list; unknown values are ignored
    (a bookmarked filter for a kind that is gone must not break the page)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    family = forms.ChoiceField(label=_("Family"), required=False)
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, kind_choices, family_choices, period_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices]
        self.fields["family"].choices = [("", _("All families")), *family_choices]
        self.fields["period"].choices = period_choices
