from bi18.lib.dates import DATE_INPUT_FORMATS

__all__ = ["DATE_INPUT_FORMATS"]
