"""What every form of the product shares, each in one place (issue 16 §4).

* `FormRenderer` (settings.FORM_RENDERER) gives every select and radio list a Danish prompt
  ("Vælg …") where Django would show its `---------` placeholder: model fields with
  `blank=True`, ModelChoiceField, django-filter – whatever form they are in.
* `DecimalCommaField` is the one field for numbers people type: a decimal comma ("22,5") is
  as good as a point, and a stored value is shown with the comma again.
* `AmountField` is the one field for money (DKK, two decimals): "1.234,50", "1234,50" and
  "1234.50" (`bi18.lib.amounts.parse_amount`).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.lib.amounts import AmountError, parse_amount
from bi18.lib.dates import DATE_WIDGET_FORMAT

# Django's placeholder for "nothing chosen" (BLANK_CHOICE_DASH, ModelChoiceField.empty_label,
# django-filter's FILTERS_EMPTY_CHOICE_LABEL).
DJANGO_PLACEHOLDER = "---------"


def choose_prompt() -> str:
    return _("Choose …")


# The one date and date-time inputs: the browsers' native pickers, which want ISO values;
# typed Danish dates are still accepted (bi18.lib.dates.DATE_INPUT_FORMATS). Django copies
# a widget per field, so the instances are shared safely.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format=DATE_WIDGET_FORMAT)
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DateField(forms.DateField):
    """A date in a native date picker that also accepts Danish typing (dd.mm.yyyy)."""

    widget = DATE_WIDGET
    default_error_messages = {"invalid": gettext_lazy("Enter a valid date, e.g. 31.01.2026.")}


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and "optgroups" in widget:
            for _group, options, _index in widget["optgroups"]:
                for option in options:
                    if option["label"] == DJANGO_PLACEHOLDER and option["value"] in ("", None):
                        option["label"] = choose_prompt()
        return super().render(template_name, context, request)


def select_options(bound_field) -> list[tuple[str, str, bool]]:
    """A select's or radio list's options as (value, label, chosen), as Django renders them
    (`FormRenderer`'s prompt included): for a form written as plain markup on a page drawn
    often, where a template per field and per option costs milliseconds."""
    widget = bound_field.field.widget
    value = widget.format_value(bound_field.value())
    options = []
    for _group, group_options, _index in widget.optgroups(bound_field.html_name, value):
        for option in group_options:
            label = option["label"]
            if label == DJANGO_PLACEHOLDER and option["value"] in ("", None):
                label = choose_prompt()
            options.append((str(option["value"]), label, option["selected"]))
    return options


class DecimalCommaField(forms.DecimalField):
    """A number typed in Danish or English: "22,5" and "22.5" are both 22.5.

    A text input with a decimal keypad rather than type=number: a browser in another
    language would silently drop "22,5" from a number input."""

    default_error_messages = {"invalid": gettext_lazy("Enter a number, e.g. 15 or 22,5.")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        kwargs["localize"] = True
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # No `step`/`min`/`max` on a text input (they belong to type=number).
        return {}

    def run_validators(self, value):
        # "at least 0,5", not Django's "0.5": the limit in the error is written like input.
        try:
            super().run_validators(value)
        except ValidationError as exc:
            for error in exc.error_list:
                if error.params and "limit_value" in error.params:
                    error.params = {
                        **error.params,
                        "limit_value": number_format(error.params["limit_value"]),
                    }
            raise

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
        return super().to_python(value)


class AmountField(forms.CharField):
    """DKK with two decimals; accepts "1234.50", "1234,50" and "1.234,50".

    `positive` refuses 0 as well as negative amounts; `max_digits` is the model field's, so
    an amount the database cannot hold is a form error, not a failed save."""

    def __init__(self, *args, positive=True, max_digits=None, **kwargs):
        self.positive = positive
        self.max_digits = max_digits
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_amount(value)
        except AmountError as e:
            raise ValidationError(e.message, code="invalid") from None
        if self.positive and amount <= 0:
            raise ValidationError(_("The amount must be greater than 0."), code="not_positive")
        if amount < 0:
            raise ValidationError(_("The amount cannot be negative."), code="negative")
        if self.max_digits is not None and abs(amount) >= Decimal(10) ** (self.max_digits - 2):
            raise ValidationError(_("The amount is too large."), code="too_large")
        return amount
