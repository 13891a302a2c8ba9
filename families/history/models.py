"""Change history of people, families and track records (issue 13 §5).

Kept beyond the audit log's retention (the audit log says who *looked*; this says
what the record *was*), and erased only with the family by the retention rule.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")


class ChangeRecord(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now)
    # PROTECT: users are deactivated, never deleted. None: a command or a nightly job.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        "families.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    model = models.CharField(max_length=60)  # app_label.model_name
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=10, choices=ChangeAction.choices)
    # {field name: [before, after]} as text; a CPR number is never stored, only "••••".
    changes = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["family", "-at"], name="change_family_at"),
            models.Index(fields=["person", "-at"], name="change_person_at"),
        ]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def model_label(self) -> str:
        try:
            return str(apps.get_model(self.model)._meta.verbose_name)
        except LookupError:
            return self.model

    def labelled_changes(self) -> list[tuple[str, str, str]]:
        """[(field label, before, after)], in the field order of the model."""
        try:
            model = apps.get_model(self.model)
        except LookupError:
            model = None
        rows = []
        for name, (before, after) in self.changes.items():
            label = name
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    label = str(_("CPR number")) if name == "cpr" else name
                else:
                    label = str(field.verbose_name)
                    if field.choices:
                        shown = {str(value): str(text) for value, text in field.flatchoices}
                        before, after = shown.get(before, before), shown.get(after, after)
            rows.append((label, before, after))
        return rows
