"""Type-ahead pickers for choices over tables that grow with the municipality (issue 11 §2).

A <select> of every caseworker (7,253 at 50,000 families) or of the whole company register
makes a page slow and the choice hard. A `PickerField` renders instead:

* a search box (the ARIA combobox pattern) that asks the field's search endpoint for at
  most PICKER_LIMIT matches as the user types and lets them choose with the arrow keys and
  Enter (static/js/picker.js; the endpoint returns an HTML fragment);
* for a browser without JavaScript, a "Search" button that submits the form without saving
  it: the form comes back with everything typed kept and a <select> of the matches.

The field validates against its whole queryset (one query for the chosen row), and the
endpoint (`picker_response`) and the plain search call the same `PickerField.search`, so
both offer exactly what the form accepts.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from bi18.lib.cpr import contains_cpr

PICKER_LIMIT = 20
MAX_QUERY = 100
MAX_WORDS = 5


@dataclass(frozen=True)
class PickerOption:
    value: str
    label: str
    detail: str = ""
    selected: bool = False


class PickerWidget(forms.Select):
    template_name = "widgets/picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.search_url = ""
        self.query = ""
        self.searched = False

    def get_context(self, name, value, attrs):
        # Not Select.get_context: that would iterate the whole queryset into <option>s.
        field = self.choices.field
        attrs = self.build_attrs(self.attrs, attrs)
        value = value[0] if isinstance(value, list | tuple) and value else value
        chosen = field.chosen_option(value)
        found, more = field.search(self.query) if self.searched else ([], False)
        options = [chosen] if chosen else []
        options += [o for o in found if not chosen or o.value != chosen.value]
        return {
            "widget": {
                "name": name,
                "attrs": attrs,
                "invalid": "is-invalid" in attrs.get("class", ""),
                "required": self.is_required,
                "search_url": self.search_url,
                "query": self.query,
                "searched": self.searched,
                "options": options,
                "matches": len(found),
                "more": more,
                "limit": PICKER_LIMIT,
                "chosen": chosen,
            }
        }

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (templates/widgets/), not the form renderer's.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308


class PickerField(forms.ModelChoiceField):
    """A ModelChoiceField over a large queryset, chosen by searching `search_fields`.

    `describe(obj)` gives a second line (a role, a CVR number) shown beside the label.
    Offer nothing in `label_from_instance`/`describe` that the user of the form may not see:
    the search endpoint shows the same text."""

    widget = PickerWidget

    def __init__(
        self,
        *,
        search_fields: Sequence[str],
        search_url: str = "",
        describe: Callable[[object], str] | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.search_fields = tuple(search_fields)
        self.describe = describe
        self.widget.search_url = search_url

    def get_bound_field(self, form, field_name):
        # The search box and the "Search" button travel beside the field's own value.
        if form.is_bound:
            key = form.add_prefix(field_name)
            self.widget.query = str(form.data.get(f"{key}_q", "")).strip()[:MAX_QUERY]
            self.widget.searched = f"{key}_search" in form.data
        return super().get_bound_field(form, field_name)

    def clean(self, value):
        if self.widget.searched:
            # A plain search, not a choice: never save what happened to be selected.
            raise ValidationError(_("Choose among the matches."), code="picker_search")
        return super().clean(value)

    def option(self, obj, *, selected: bool = False) -> PickerOption:
        return PickerOption(
            value=str(obj.pk),
            label=self.label_from_instance(obj),
            detail=self.describe(obj) if self.describe else "",
            selected=selected,
        )

    def search(self, query: str) -> tuple[list[PickerOption], bool]:
        """At most PICKER_LIMIT options whose search fields contain every word of `query`
        (an empty query lists the first ones), and whether there are more."""
        queryset = self.queryset
        for word in query.split()[:MAX_WORDS]:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": word})
            queryset = queryset.filter(condition)
        rows = list(queryset[: PICKER_LIMIT + 1])
        return [self.option(row) for row in rows[:PICKER_LIMIT]], len(rows) > PICKER_LIMIT

    def chosen_option(self, value) -> PickerOption | None:
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            return self.option(value, selected=True)
        try:
            return self.option(self.queryset.get(pk=value), selected=True)
        except (ValueError, TypeError, ValidationError, self.queryset.model.DoesNotExist):
            return None


class PickerFormMixin:
    """For forms with PickerFields: a press of a picker's "Search" button (the plain search
    without JavaScript) is not a submission. The form is not valid and comes back bound,
    with the matches to choose from and without error messages for fields not filled in
    yet. (Without this mixin the field itself still refuses the submission.)"""

    @property
    def picker_searched(self) -> bool:
        return self.is_bound and any(
            f"{self.add_prefix(name)}_search" in self.data
            for name, field in self.fields.items()
            if isinstance(field, PickerField)
        )

    def set_search_url(self, name: str, url: str) -> None:
        self.fields[name].widget.search_url = url

    def full_clean(self):
        if self.picker_searched:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def is_valid(self):
        return not self.picker_searched and super().is_valid()


def picker_response(request: HttpRequest, field: PickerField) -> HttpResponse:
    """The search endpoint's answer: at most PICKER_LIMIT options as an HTML fragment for
    the listbox. The query travels in the URL, so a CPR number is refused, not searched."""
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    refused = contains_cpr(query)
    options, more = ([], False) if refused else field.search(query)
    return render(
        request,
        "widgets/picker_options.html",
        {"options": options, "more": more, "limit": PICKER_LIMIT, "refused": refused},
    )
