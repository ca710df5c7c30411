"""The middleware that refuses, before any view, input no field accepts: what it refuses, what it lets through."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory

from home.middleware import RefuseBadInputMiddleware
from tests.test_bad_input_forms import multipart

REFUSAL = "characters the site does not accept"


@pytest.fixture
def client_500() -> Client:
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("path", ["/en/certificates/verify/%00/", "/en/surveys/link/a%00b/", "/en/no-such%01page/", "/admin/roster/%1B/"])
def test_a_control_character_in_the_path_is_refused_with_a_page_that_says_why(site, client_500, path):
    response = client_500.get(path)

    assert response.status_code == 400
    assert 'class="site-header"' in response.content.decode()
    assert REFUSAL in response.content.decode() or not path.startswith("/en/")


def test_a_path_whose_bytes_are_not_utf_8_is_refused(site):
    # as a WSGI server hands it over, the bytes decoded as ISO-8859-1 (Django's test client would re-percent them)
    request = RequestFactory().get("/en/")
    request.META["PATH_INFO"] = "/en/certificates/verify/Bak\xc3\x28/"

    response = RefuseBadInputMiddleware(lambda request: HttpResponse("the view"))(request)

    assert response.status_code == 400


def test_the_refusal_speaks_the_language_of_the_address(site, client_500):
    response = client_500.get("/az/certificates/verify/%00/")

    assert response.status_code == 400
    assert "saytın qəbul etmədiyi simvollar" in response.content.decode()


@pytest.mark.parametrize("query", ["q=%00", "q=abc%00", "next=%FF", "q=Bak%C3%28", "q=%0D%0A", "%00=1"])
def test_a_query_string_with_a_control_character_or_bytes_that_are_not_utf_8_is_refused(site, client_500, query):
    response = client_500.get(f"/en/?{query}")

    assert response.status_code == 400


def test_a_query_string_in_azerbaijani_and_russian_passes(site, client_500):
    response = client_500.get("/en/?q=Bak%C4%B1+%D0%BC%D0%B8%D0%B3%D1%80%D0%B0%D1%86%D0%B8%D1%8F&page=2")

    assert response.status_code == 200


@pytest.mark.parametrize("body", [b"first_name=a%00b", b"first_name=%FF", b"first_name=Bak%C3%28", b"first_name=a%1Bb", b"a%00b=1"])
def test_an_urlencoded_form_with_a_control_character_or_bytes_that_are_not_utf_8_is_refused(site, client_500, body):
    response = client_500.post("/en/experts/apply/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 400
    assert REFUSAL in response.content.decode()


def test_an_urlencoded_form_keeps_tabs_and_line_breaks_and_letters(site, client_500):
    body = b"short_bio=Line%C9%99+one%0D%0A%09Line+two+%D0%B4%D0%B2%D0%B0"

    response = client_500.post("/en/experts/apply/", body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert response.context["form"]["short_bio"].value() == "Lineə one\r\n\tLine two два"


@pytest.mark.parametrize(
    ("fields", "files"),
    [
        ({"short_bio": [b"Bak\xc3\x28"]}, {}),
        ({"short_bio": [b"a\x00b"]}, {}),
        ({"short_bio": [b"a\x07b"]}, {}),
        ({"short_bio": [b"ok"], b"a\x00b": [b"1"]}, {"cv": (b"cv.pdf", b"%PDF-1.4", "application/pdf")}),
    ],
)
def test_a_multipart_form_with_bad_bytes_in_a_field_or_a_file_name_is_refused(site, client_500, fields, files):
    body, content_type = multipart(fields, files)

    response = client_500.generic("POST", "/en/experts/apply/", body, content_type=content_type)

    assert response.status_code == 400


def test_a_multipart_form_with_a_binary_file_and_line_breaks_passes(site, client_500):
    cv = SimpleUploadedFile("cv.pdf", b"%PDF-1.4\x00\x01\xff binary", content_type="application/pdf")

    response = client_500.post("/en/experts/apply/", {"short_bio": "One\r\nTwo\tthree", "cv": cv})

    assert response.status_code == 200
    assert response.context["form"]["short_bio"].value() == "One\r\nTwo\tthree"


def test_options_and_the_ordinary_methods_are_not_refused(site, client_500):
    assert client_500.options("/en/").status_code != 405
    assert client_500.head("/en/").status_code == 200
