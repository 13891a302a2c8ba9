from django.db import models


class FloorRow(models.Model):
    """One of the 100,000 rows the floor page pages through (bench settings only)."""

    name = models.CharField(max_length=100)
    district = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    created = models.DateField()

    def __str__(self) -> str:
        return self.name
