import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A Celery task to send. The row is written in the transaction that asks for the task
    and deleted once the broker has taken the message, so what is here is still waiting."""

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    # Fixed when the work is asked for, so that the work can be matched to its message.
    task_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the task is about (e.g. "budget.snapshotrun:42"), so a page can say it is waiting.
    key = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # A sender holds the row until then; a crashed sender's lease simply runs out.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task} {self.key or self.task_id}"
