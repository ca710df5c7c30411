"""Every response carries a Content-Security-Policy and a Permissions-Policy: a strict policy on the public site, Wagtail's needs in the admin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.curriculum import ModulePageFactory


def directives(header: str) -> dict[str, list[str]]:
    """`default-src 'none'; img-src 'self'` as {"default-src": ["'none'"], "img-src": ["'self'"]}."""
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.fixture
def module_pack(client, site, trainer, django_capture_on_commit_callbacks) -> str:
    """The address of a module's PDF pack, rendered and ready, with a trainer signed in."""
    url = f"/az/modules/{ModulePageFactory().pk}/pdf/"
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    return url


@pytest.fixture
def signed_in_administrator(client, site, administrator):
    client.force_login(administrator)
    return client


PUBLIC_PAGES = {
    "home page": lambda request: "/az/",
    "sign-in page": lambda request: "/en/accounts/login/",
    "page not found": lambda request: "/ru/no-such-page/",
    "health check": lambda request: "/health/",
    "PDF download": lambda request: request.getfixturevalue("module_pack"),
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_responses_carry_a_policy_that_runs_no_script_and_loads_only_the_sites_own_files(name, request, client, site):
    response = client.get(PUBLIC_PAGES[name](request))

    assert response.status_code in (200, 404)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'none'"]
    for directive in ("style-src", "img-src", "font-src"):
        assert policy[directive] == ["'self'"], directive
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_the_pdf_download_itself_carries_the_policy(client, module_pack):
    response = client.get(module_pack)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert directives(response["Content-Security-Policy"])["default-src"] == ["'none'"]


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/"])
def test_admin_responses_carry_the_admin_policy_that_keeps_everything_on_the_site(path, signed_in_administrator):
    response = signed_in_administrator.get(path)

    assert response.status_code in (200, 404)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    # Wagtail's panels start with inline scripts: allowed here, and only scripts of the site itself
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert all("*" not in value for values in policy.values() for value in values)


def test_the_admin_sign_in_redirect_is_not_left_without_a_policy(client, site):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("path", ["/az/", "/ru/no-such-page/", "/health/", "/admin/login/"])
def test_every_response_switches_off_the_browser_features_the_site_does_not_use(path, client, site):
    response = client.get(path)

    features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert features[feature] == "()", feature


INLINE_CODE = re.compile(r"<script\b|<style\b|\sstyle\s*=|\son[a-z]+\s*=", re.IGNORECASE)


def public_templates() -> list[Path]:
    """The site's templates a browser shows outside the admin (the admin's own and WeasyPrint's PDFs aside)."""
    folders = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]
    return [
        path
        for folder in folders
        for path in folder.rglob("*.html")
        if not {"admin", "pdf", "wagtailadmin", "wagtailusers"} & set(path.relative_to(folder).parts[:-1])
    ]


def test_no_public_template_carries_an_inline_script_style_or_event_handler():
    """The public policy refuses them all: one would be a broken page, not a working one."""
    templates = public_templates()
    offenders = [f"{path}: {match}" for path in templates for match in INLINE_CODE.findall(path.read_text())]

    assert len(templates) > 30
    assert offenders == []
