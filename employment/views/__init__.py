"""Employment pages, one module per concern. Thin: access through employment.access (built
on families.access), reads through employment.selectors, writes through employment.services."""
