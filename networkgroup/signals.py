"""Signals this app sends for the apps above it (budget), which connect in their own
AppConfig.ready(); this app never imports them (STYLE: layers)."""

from django.dispatch import Signal

# Sent inside the transaction that creates or changes an interpreter booking, with
# `booking` (an InterpreterBooking, its meeting loaded) and `actor`. A receiver that fails
# rolls the booking back: the booking and its bookkeeping are saved together or not at all.
interpreter_cost_changed = Signal()
