"""manage.py compute_targets [--date YYYY-MM-DD] [--json]: compute and store the snapshot.

With --json it prints exactly one JSON object (the contract operations and acceptance
checks rely on):
{"date": "YYYY-MM-DD",
 "targets": {"T1": {"numerator": n, "denominator": n, "rate": float|null, "target": 0.82}, …},
 "budget": [{"line": "18.21", "year": 2018, "allocated": DKK, "spent": DKK, "forecast": DKK}, …]}
"""

import datetime
import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from budget import services


class Command(BaseCommand):
    help = "Compute the targets T1–T6 and the budget status for a date and store the snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="measurement date, YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, **options):
        raw = options["date"]
        if raw:
            try:
                on = datetime.date.fromisoformat(raw)
            except ValueError:
                raise CommandError(
                    f"--date must be a real date written YYYY-MM-DD, e.g. 2026-03-31 (got {raw!r})."
                ) from None
            if len(raw) != 10:
                raise CommandError(f"--date must be written YYYY-MM-DD (got {raw!r}).")
        else:
            on = timezone.localdate()
        started = time.perf_counter()
        result = services.snapshot_compute(on=on)
        elapsed = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"Snapshot for {result['date']} stored in {elapsed:.2f} s.")
        for code, t in result["targets"].items():
            rate = "–" if t["rate"] is None else f"{t['rate']:.1%}"
            goal = "" if t["target"] is None else f" (target {t['target']:.0%})"
            self.stdout.write(f"  {code}: {t['numerator']}/{t['denominator']} = {rate}{goal}")
        for b in result["budget"]:
            self.stdout.write(
                f"  {b['line']} {b['year']}: allocated {b['allocated']:,.2f}, spent "
                f"{b['spent']:,.2f}, forecast {b['forecast']:,.2f} DKK"
            )
