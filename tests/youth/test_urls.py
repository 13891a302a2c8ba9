"""Danish addresses for the youth track's records (issue 16 §4); the English ones redirect."""

from django.urls import reverse


def test_the_record_addresses_are_danish():
    assert reverse("youth:record_create", args=[7, "exam"]) == "/unge/personer/7/eksamen/ny/"
    assert (
        reverse("youth:record_edit", args=[7, "leisure_job", 3])
        == "/unge/personer/7/fritidsjob/3/rediger/"
    )


def test_an_old_english_address_redirects_to_the_danish_one(login, caseworker):
    client = login(caseworker)
    response = client.get("/unge/personer/7/leisure_job/3/rediger/")
    assert response.status_code == 301
    assert response.url == "/unge/personer/7/fritidsjob/3/rediger/"
    assert client.get("/unge/personer/7/exam/ny/").url == "/unge/personer/7/eksamen/ny/"


def test_an_unknown_kind_is_not_found(login, caseworker):
    assert login(caseworker).get("/unge/personer/7/hemmelig/ny/").status_code == 404
