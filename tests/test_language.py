"""Danish by default, English selectable (SPEC §8)."""

from django.urls import reverse


def test_an_english_browser_still_gets_the_danish_ui(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert 'lang="da"' in html
    assert "Log ind" in html


def test_english_can_be_chosen_and_sticks(login, caseworker, family):
    client = login(caseworker)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/familier/"})
    assert response.status_code == 302
    html = client.get(reverse("families:list")).content.decode()
    assert 'lang="en"' in html
    assert "Families" in html and "Familier" not in html
    client.post(reverse("set_language"), {"language": "da", "next": "/familier/"})
    assert "Familier" in client.get(reverse("families:list")).content.decode()


def test_an_unknown_language_cookie_falls_back_to_danish(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert 'lang="da"' in client.get(reverse("accounts:login")).content.decode()


def test_one_spelling_of_each_verb_in_the_danish_catalogue():
    """One word for one thing (issue 16 §4): "Rediger" and "Registrer" everywhere, never the
    accented "Redigér"/"Registrér" beside them."""
    from pathlib import Path

    from django.conf import settings

    po = (Path(settings.BASE_DIR) / "locale" / "da" / "LC_MESSAGES" / "django.po").read_text()
    for variant in ("Redigér", "Registrér"):
        assert f'msgstr "{variant}' not in po, variant
    assert 'msgstr "Rediger' in po and 'msgstr "Registrer' in po
