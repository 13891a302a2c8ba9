"""Building blocks every app uses (STYLE.md), like healthchecks' hc/lib."""
