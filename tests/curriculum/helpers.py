"""Small helpers shared by the curriculum tests."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield


def signed_in(client: Client, user: object) -> Client:
    """The test client logged in as `user`."""
    client.force_login(user)
    return client


def as_shown(message: str, language: str = "az", **values: object) -> str:
    """A user-facing message as a page in `language` shows it: translated and HTML-escaped."""
    with translation.override(language):
        text = translation.gettext(message)
    return escape(text % values if values else text)


def listed_codes(response: object) -> list[str]:
    """The codes of the modules on the catalogue page that answered."""
    return [module.code for module in response.context["listing"].object_list]


def page_edit_form_data(client: Client, page: object, **changes: object) -> QueryDict:
    """The page edit form as the admin shows it to the client's user, with `changes` applied, ready to post back."""
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200, f"the edit view answered {response.status_code}"
    html = response.content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    # querydict_from_html takes the first option of a multiple select where none is chosen; a browser sends nothing
    form = BeautifulSoup(html, "html.parser").find("form", id="page-edit-form")
    for select in form.find_all("select", multiple=True):
        if not select.find_all("option", selected=True):
            data.setlist(select["name"], [])
    for name, value in changes.items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    # the body (a StreamField) is drawn by JavaScript, so its fields are not in the HTML: an empty body unless given
    if "body-count" not in data:
        data.update(nested_form_data({"body": streamfield([])}))
    return data


def refused_by_the_admin(response: object) -> bool:
    """Whether a Wagtail admin view turned the user away: Wagtail redirects to the dashboard with a message, or answers 403."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def found_codes(client: Client, url: str, **params: object) -> list[str]:
    """Codes of every module the catalogue finds for these parameters, page after page, in the order shown."""
    response = client.get(url, params)
    assert response.status_code == 200, f"the catalogue answered {response.status_code}"
    codes = listed_codes(response)
    for number in range(2, response.context["listing"].paginator.num_pages + 1):
        codes += listed_codes(client.get(url, {**params, "page": number}))
    return codes
