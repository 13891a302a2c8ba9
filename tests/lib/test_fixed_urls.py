"""bi18.lib.fixed_urls: the base template's links and static files, worked out once per
process, are the ones reverse() and {% static %} give, also after a setting changes."""

from django.template import engines
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse

from bi18.lib.fixed_urls import fixed_static, fixed_url


def _render(source: str) -> str:
    return engines["django"].from_string("{% load fixed_urls %}" + source).render({})


def test_the_tags_give_what_url_and_static_give():
    assert _render("{% fixed_url 'accounts:logout' %}") == reverse("accounts:logout")
    assert _render("{% fixed_url 'home' %}|{% fixed_url 'home' %}") == reverse(
        "home"
    ) + "|" + reverse("home")
    assert _render("{% fixed_static 'css/bi18.css' %}") == static("css/bi18.css")


def test_a_changed_setting_is_not_answered_from_the_cache():
    before = fixed_static("css/bi18.css")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert fixed_static("css/bi18.css") == static("css/bi18.css")
        assert fixed_static("css/bi18.css").startswith("/elsewhere/")
    assert fixed_static("css/bi18.css") == before


def test_a_url_under_another_script_prefix_is_its_own():
    from django.urls import get_script_prefix, set_script_prefix

    home = fixed_url("home")
    old = get_script_prefix()
    set_script_prefix("/bi18/")
    try:
        assert fixed_url("home") == "/bi18" + home
    finally:
        set_script_prefix(old)
    assert fixed_url("home") == home


def test_the_page_links_are_unchanged(client, caseworker):
    client.force_login(caseworker)
    html = client.get(reverse("families:list")).content.decode()
    for url in (reverse("home"), reverse("accounts:logout"), reverse("set_language")):
        assert f'"{url}"' in html
    assert static("js/bi18.js") in html


def test_an_address_with_ids_is_the_one_reverse_gives():
    for name, ids in (
        ("families:detail", (7,)),
        ("networkgroup:goal_edit", (12, 345)),
        ("networkgroup:action_edit", (1, 2)),
        ("records:note", (98765,)),
    ):
        assert fixed_url(name, *ids) == reverse(name, args=ids)
    assert _render("{% fixed_url 'networkgroup:goal_edit' 3 4 as u %}[{{ u }}]") == (
        "[" + reverse("networkgroup:goal_edit", args=[3, 4]) + "]"
    )


def test_an_argument_that_is_not_an_id_is_reversed_as_ever():
    assert fixed_url("families:detail", "7") == reverse("families:detail", args=["7"])
