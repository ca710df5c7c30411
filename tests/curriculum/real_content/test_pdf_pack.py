"""The PDF pack of a module: rendered once per published version, with Azerbaijani and Cyrillic letters intact."""

import re
import shutil
import subprocess

import pytest

from curriculum.draft_curriculum import DRAFT_CURRICULUM
from curriculum.models import ModulePdf
from curriculum.tasks import module_pdf_render
from tests.curriculum.helpers import signed_in
from tests.curriculum.real_content.conftest import module
from tests.real_services import service_missing

M1 = next(data for data in DRAFT_CURRICULUM if data["code"] == "M1")
AZERBAIJANI_LETTERS = set("əğışçöüƏĞİŞÇÖÜ")


def pack_url(page):
    return f"/{page.locale.language_code}/modules/{page.pk}/pdf/"


def one_line(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture
def pdf_text():
    """Text of a PDF as poppler's pdftotext reads it (Debian's poppler-utils; `make system-deps` installs it)."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        service_missing("pdftotext is not installed (Debian package poppler-utils)")

    def extract(content: bytes) -> str:
        result = subprocess.run([pdftotext, "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True, timeout=60)
        return result.stdout.decode()

    return extract


@pytest.fixture
def download(client, trainee, django_capture_on_commit_callbacks):
    """Ask for a module's pack as a trainee, let the render task run, and ask again: the second answer."""

    def fetch(page):
        signed_in(client, trainee)
        with django_capture_on_commit_callbacks(execute=True) as queued:
            first = client.get(pack_url(page))
        assert (first.status_code, len(queued)) == (202, 1)
        return client.get(pack_url(page))

    return fetch


def content_of(response):
    return b"".join(response.streaming_content)


def test_trainee_gets_the_m1_pack_as_a_pdf_once_it_is_rendered(download):
    response = download(module("M1"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="M1-az.pdf"' in response["Content-Disposition"]
    assert content_of(response).startswith(b"%PDF")


def test_first_request_answers_that_the_pack_is_being_prepared(client, trainee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = signed_in(client, trainee).get(pack_url(module("M1")))

    assert response.status_code == 202
    assert len(queued) == 1
    assert ModulePdf.objects.get().status == ModulePdf.Status.PENDING


def test_azerbaijani_letters_come_out_intact_in_the_az_pack(download, pdf_text):
    letters = AZERBAIJANI_LETTERS & set(M1["title"]["az"] + M1["summary"]["az"])

    text = pdf_text(content_of(download(module("M1"))))

    assert letters  # M1's Azerbaijani text has such letters
    assert letters <= set(text)
    assert one_line(M1["title"]["az"]) in one_line(text)
    assert one_line(M1["summary"]["az"]) in one_line(text)


def test_cyrillic_comes_out_intact_in_the_ru_pack(download, pdf_text):
    text = one_line(pdf_text(content_of(download(module("M1", "ru")))))

    assert one_line(M1["summary"]["ru"]) in text
    assert one_line(M1["activities"][0]["title"]["ru"])[:60] in text


def test_second_request_reuses_the_ready_pack_without_rendering_it_again(download, client, django_capture_on_commit_callbacks):
    m1 = module("M1")
    first = content_of(download(m1))

    with django_capture_on_commit_callbacks(execute=True) as queued:
        again = client.get(pack_url(m1))

    assert again.status_code == 200
    assert queued == []
    assert ModulePdf.objects.filter(module=m1).count() == 1
    assert content_of(again) == first


def test_publishing_a_new_revision_of_the_module_makes_a_new_pack(download, client, django_capture_on_commit_callbacks):
    m1 = module("M1")
    download(m1)
    old_key = ModulePdf.objects.get(module=m1).content_key
    m1.save_revision().publish()

    with django_capture_on_commit_callbacks() as queued:
        response = client.get(pack_url(m1))

    assert response.status_code == 202
    assert len(queued) == 1
    assert ModulePdf.objects.filter(module=m1).count() == 2
    assert ModulePdf.objects.filter(module=m1).exclude(content_key=old_key).get().status == ModulePdf.Status.PENDING


def test_render_task_leaves_a_ready_pack_alone(download):
    m1 = module("M1")
    download(m1)
    pack = ModulePdf.objects.get(module=m1)

    result = module_pdf_render(pack.pk)

    assert result == "already-ready"
    assert ModulePdf.objects.get(pk=pack.pk).file.name == pack.file.name


def test_render_task_for_a_pack_that_no_longer_exists_does_nothing():
    assert module_pdf_render(987654) == "missing"


def test_anonymous_visitor_is_sent_to_sign_in_for_a_pack(client):
    url = pack_url(module("M1"))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/az/accounts/login/")
    assert not ModulePdf.objects.exists()


def test_trainee_is_refused_the_pack_of_a_module_delivered_in_sessions(client, trainee):
    response = signed_in(client, trainee).get(pack_url(module("M13")))

    assert response.status_code == 403
    assert not ModulePdf.objects.exists()


def test_trainer_gets_the_pack_of_a_module_delivered_in_sessions(client, trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        response = signed_in(client, trainer).get(pack_url(module("M13")))

    assert response.status_code == 202
    assert len(queued) == 1


def test_unknown_module_id_is_not_found(client, trainee):
    response = signed_in(client, trainee).get("/az/modules/987654/pdf/")

    assert response.status_code == 404


def test_draft_module_has_no_pack(client, trainer):
    m13 = module("M13")
    m13.unpublish()

    response = signed_in(client, trainer).get(pack_url(m13))

    assert response.status_code == 404
