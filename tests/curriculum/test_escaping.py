"""Text that authors or visitors type is shown as text, never run as script."""

import json

import pytest
from django.urls import reverse
from django.utils.html import escape
from wagtail.test.utils.form_data import nested_form_data, streamfield

from curriculum import services
from curriculum.models import ModulePage
from tests.curriculum.helpers import page_edit_form_data, signed_in
from tests.factories.curriculum import ModuleActivityFactory, ModulePageFactory

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def module_with_scripts(part_one):
    module = ModulePageFactory(parent=part_one, title=f"Module {SCRIPT}", summary=f"Summary {SCRIPT}", code="X1", activities=0)
    ModuleActivityFactory(module=module, title=f"Activity {SCRIPT}")
    return module


def test_module_title_and_summary_are_escaped_in_the_catalogue(client, catalogue, module_with_scripts):
    page = client.get(catalogue.url).content.decode()

    assert SCRIPT not in page
    assert f"Module {escape(SCRIPT)}" in page
    assert f"Summary {escape(SCRIPT)}" in page


def test_module_title_summary_and_activity_are_escaped_on_the_module_page(client, module_with_scripts):
    page = client.get(module_with_scripts.url).content.decode()

    assert SCRIPT not in page
    assert f"Module {escape(SCRIPT)}" in page
    assert f"Summary {escape(SCRIPT)}" in page
    assert f"Activity {escape(SCRIPT)}" in page


def test_search_text_is_escaped_where_the_catalogue_repeats_it(client, catalogue, module_with_scripts):
    payload = f'"><svg onload=alert(1)>{SCRIPT}'

    page = client.get(catalogue.url, {"q": payload}).content.decode()

    assert SCRIPT not in page
    assert "<svg onload" not in page
    assert escape(payload) in page


def test_script_typed_into_a_rich_text_body_is_kept_as_text_and_a_javascript_link_is_dropped(client, part_one, coordinator):
    services.authoring_permissions_sync()
    module = ModulePageFactory(parent=part_one, code="X2")
    text = f"{SCRIPT} read more"
    paragraph = {
        "blocks": [
            {
                "key": "a1b2c",
                "type": "unstyled",
                "depth": 0,
                "text": text,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": text.index("read"), "length": len("read more"), "key": 0}],
                "data": {},
            }
        ],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(2)"}}},
    }
    signed_in(client, coordinator)
    body = nested_form_data({"body": streamfield([("paragraph", json.dumps(paragraph))])})
    client.post(
        reverse("wagtailadmin_pages:edit", args=[module.pk]), page_edit_form_data(client, module, **body, **{"action-publish": "1"})
    )

    stored = ModulePage.objects.get(pk=module.pk)
    page = client.get(stored.url).content.decode()
    assert "read more" in str(stored.body)  # the edit was published
    assert SCRIPT not in page
    assert escape(SCRIPT) in page
    assert "javascript:" not in page
