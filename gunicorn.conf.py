"""gunicorn settings, read from the working directory (the README recipe, the Dockerfile and
docker-compose.yml all start gunicorn here). Access lines carry the path without the query
string, and the password-reset token in a path is redacted: no secret in the logs."""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

_redact = {"redact": {"()": "bi18.accounts.sso.logging.RedactAuthorizationResponse"}}
_format = "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": _redact,
    "formatters": {"generic": {"format": _format}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact"],
            "stream": "ext://sys.stdout",
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
