"""The addresses every page draws the same: the navigation's and base template's links and
its static files, worked out once per process instead of on every request.

`reverse()` of a URL without arguments and the static files storage's `url()` give the same
answer for the life of a process (the URL configuration, script prefix and static manifest
are fixed at start-up), yet base.html asked for a dozen of them on every page (≈ 0.4 ms of
CPU per request). The answer is kept per URL configuration and script prefix (a deployment
under a sub-path gets its own), and forgotten when a test changes a setting.

Template tags (library "fixed_urls", registered in settings.TEMPLATES):
`{% fixed_url 'home' %}` as `{% url 'home' %}`, `{% fixed_url 'networkgroup:goal_edit'
family.pk goal.pk as edit_url %}` as `{% url %}` with ids (the address is kept with stand-in
ids, each call writes its own), `{% fixed_static 'css/bi18.css' %}` as `{% static %}`; the
names and paths written in the template, never values.
"""

import functools

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


def fixed_url(name: str, *ids) -> str:
    """reverse(name, args=ids): without arguments once per URL configuration and prefix;
    with ids (ints, such as a family's and a goal's pk) the address is reversed once with
    stand-in ids and each call writes its own into it (ten goals of a plan cost one
    reverse(), not ten). Any other argument is reversed as ever."""
    urlconf, prefix = get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()
    if not ids:
        return _reverse(name, urlconf, prefix)
    if all(type(i) is int and i >= 0 for i in ids):
        parts = _parts(name, len(ids), urlconf, prefix)
        if parts is not None:
            head, *tails = parts
            return head + "".join(f"{i}{tail}" for i, tail in zip(ids, tails, strict=True))
    return reverse(name, args=ids, urlconf=urlconf)


@functools.lru_cache(maxsize=512)
def _reverse(name: str, urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


_STAND_INS = (918273645, 827364519)  # two sets, as ids no address writes otherwise


@functools.lru_cache(maxsize=512)
def _parts(name: str, count: int, urlconf: str, prefix: str) -> tuple[str, ...] | None:
    """The address of `name` split around its `count` ids, or None where the ids are not
    written as they are (a converter that changes them): then reverse() each time."""
    found = []
    for base in _STAND_INS:
        url = reverse(name, args=[base + n for n in range(count)], urlconf=urlconf)
        parts, rest = [], url
        for n in range(count):
            before, mark, rest = rest.partition(str(base + n))
            if not mark:
                return None
            parts.append(before)
        found.append((*parts, rest))
    return found[0] if found[0] == found[1] else None


@functools.lru_cache(maxsize=256)
def fixed_static(path: str) -> str:
    """The static file's URL (its hashed name in production), once per process."""
    return static(path)


def forget(**kwargs) -> None:
    """Forget every answer (connected to `setting_changed` by the accounts app, whose
    navigation draws these links: a test may change the URLs or the static storage)."""
    _reverse.cache_clear()
    _parts.cache_clear()
    fixed_static.cache_clear()


register.simple_tag(fixed_url, name="fixed_url")
register.simple_tag(fixed_static, name="fixed_static")
