"""Per-language format overrides (settings.FORMAT_MODULE_PATH): the one set of date input
formats for every form and the one way a date is shown, whatever the language
(bi18.lib.dates)."""
