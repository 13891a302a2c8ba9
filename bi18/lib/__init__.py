"""Building blocks every app uses (like healthchecks' hc/lib): no models, no domain rules."""
