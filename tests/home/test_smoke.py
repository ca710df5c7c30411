"""The site answers in its three languages once the demo content is loaded."""

import pytest


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("az", "Miqrasiya üzrə Regional Təlim Mərkəzi"),
        ("ru", "Региональный учебный центр по миграции"),
        ("en", "Regional Training Centre on Migration"),
    ],
)
def test_home_page_is_served_in_each_language(client, site, language, title):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    assert f'<h1 id="page-title">{title}</h1>' in response.content.decode()
