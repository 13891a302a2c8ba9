from django.urls import reverse


def test_family_detail_shows_people_to_member(login, caseworker, family):
    response = login(caseworker).get(reverse("families:detail", args=[family.pk]))
    assert response.status_code == 200
    assert "Amina Hassan" in response.content.decode()
    assert "120385-••••" in response.content.decode()


def test_non_member_gets_404(login, other_caseworker, family):
    response = login(other_caseworker).get(reverse("families:detail", args=[family.pk]))
    assert response.status_code == 404
