"""The addresses people see are Danish (issue 16 §4: "Danish URLs (no `exam`,
`leisure_job`)"): every literal path segment in the whole URLconf, and every Danish slug a
path converter writes, is checked against a list of English words.

Left out, each for a reason: Django's own admin site (its addresses are Django's), the
versioned REST API (`api/`, a contract with other systems, documented in English),
and the log-in addresses registered with the identity provider (ALLOWED).
"""

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bi18.lib.urls import DanishSlugConverter

EXCLUDED_PREFIXES = ("django-admin/", "api/")

# English, kept on purpose: addresses the identity provider (OIDC) has registered.
ALLOWED = {
    "login": "'login' is Danish usage too; the identity provider and links point here",
    "logout": "the log-in's pair; the identity provider's logout redirect points here",
    "callback": "registered as the redirect address with the identity provider",
}

# English words a route could plausibly use. Words that are Danish as well (plan, status,
# import, budget, filter, log, mentor, administration, start, stop, job, timer, liste,
# mine, ret, booking) are not here.
_ENGLISH_WORDS = """
    account accounts action actions add admin agenda application applications approval
    approvals approve archive assignment assignments attendance audit batch calendar case
    callback cases change children clarification companies company consent contact contacts course
    courses create dashboard decide decision decisions delete detail document documents done
    download edit employment enrolment enrolments evaluation exam exams expenditure
    expenditures export families family follow followup forgot goal goals grant grants group
    groups guidance handover help history home hours internship internships interpreter
    interpreters interview interviews language leisure lock login logout meeting meetings members minutes
    network new note notes outcome overdue parent parents password people person persons
    picker print reject remove renew reports reset result retention review role roles search
    session settings snooze staff target targets timeline track tracks unlock update upload
    user users view withdraw work worklist youth
"""
ENGLISH = set(_ENGLISH_WORDS.split())


def _routes(resolver=None, prefix=""):
    """(full route, pattern) for every URL pattern, through every include()."""
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _routes(p, route)
        elif isinstance(p, URLPattern):
            yield route, p


def _checked_routes():
    return [(r, p) for r, p in _routes() if not r.startswith(EXCLUDED_PREFIXES)]


def _literal_segments(route: str) -> set[str]:
    route = re.sub(r"<[^>]*>|\(\?P<[^>]+>[^)]*\)", "", route)  # converters and regex groups
    return {s for s in re.split(r"[/^$\\]+", route) if s}


def _words(segment: str) -> list[str]:
    return [w for w in re.split(r"[-_.]+", segment.lower()) if w]


def _english(segment: str) -> list[str]:
    if segment in ALLOWED:
        return []
    return [w for w in _words(segment) if w in ENGLISH]


def test_the_walk_sees_every_app_and_the_known_danish_segments():
    segments = set().union(*(_literal_segments(r) for r, _p in _checked_routes()))
    # Each app's prefix and a few deep segments: the walk goes through every include().
    assert {"familier", "netvaerk", "beskaeftigelse", "unge", "maal", "konto"} <= segments
    assert {"tidslinje", "jobsamtale", "beslutninger", "godkendelser", "udskriv"} <= segments


def test_no_literal_path_segment_is_an_english_word():
    english = sorted(
        (segment, route)
        for route, _p in _checked_routes()
        for segment in _literal_segments(route)
        if _english(segment)
    )
    assert english == [], f"English words in addresses: {english}"


def _slug_converters():
    for _route, p in _checked_routes():
        for converter in p.pattern.converters.values():
            if isinstance(converter, DanishSlugConverter):
                yield converter


def test_every_danish_slug_a_converter_writes_is_danish_and_reads_back():
    converters = {type(c): c for c in _slug_converters()}
    assert len(converters) >= 2  # the youth record kinds and the staffing decisions
    for converter in converters.values():
        for key, slug in converter.slugs.items():
            assert not _english(slug), (type(converter).__name__, slug)
            assert converter.to_url(key) == slug
            assert converter.to_python(slug) == key


def test_callers_keep_reversing_with_the_english_keys():
    # (The youth record kinds: tests/youth/test_urls.py.)
    assert reverse("staffing:grant_decide", args=[3, "approve"]).endswith("/3/godkend/")
    assert reverse("staffing:role_decide", args=[3, "reject"]).endswith("/roller/3/afvis/")


def test_the_list_catches_the_words_of_the_issue():
    assert _english("exam") and _english("leisure_job") and _english("follow-up")
    assert not _english("jobsamtale") and not _english("plan") and not _english("eksamen")
    assert _english("callback-new") and not _english("callback")
