"""The addresses every page draws the same: the navigation's and base template's links and
its static files, worked out once per process instead of on every request.

`reverse()` of a URL without arguments and the static files storage's `url()` give the same
answer for the life of a process (the URL configuration, script prefix and static manifest
are fixed at start-up), yet base.html asked for a dozen of them on every page (≈ 0.4 ms of
CPU per request). The answer is kept per URL configuration and script prefix (a deployment
under a sub-path gets its own), and forgotten when a test changes a setting.

Template tags (library "fixed_urls", registered in settings.TEMPLATES):
`{% fixed_url 'home' %}` as `{% url 'home' %}`, `{% fixed_static 'css/bi18.css' %}` as
`{% static %}`; only for names and paths written in the template, never for values.
"""

import functools

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


def fixed_url(name: str) -> str:
    """reverse(name) for a URL without arguments, once per URL configuration and prefix."""
    return _reverse(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=512)
def _reverse(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@functools.lru_cache(maxsize=256)
def fixed_static(path: str) -> str:
    """The static file's URL (its hashed name in production), once per process."""
    return static(path)


def forget(**kwargs) -> None:
    """Forget every answer (connected to `setting_changed` by the accounts app, whose
    navigation draws these links: a test may change the URLs or the static storage)."""
    _reverse.cache_clear()
    fixed_static.cache_clear()


register.simple_tag(fixed_url, name="fixed_url")
register.simple_tag(fixed_static, name="fixed_static")
