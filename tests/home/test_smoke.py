"""The site answers in its three languages once the demo content is loaded."""

import re

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
    # the page title says the centre's name once; other pages add it after their own, and the icon is the site's
    assert f"<title>{title}</title>" in response.content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in response.content.decode()


def test_other_pages_name_themselves_then_the_centre(client, site):
    page = client.get("/en/accounts/login/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)

    assert " ".join(title.split()) == "Sign In · Regional Training Centre on Migration"
