"""What a PDF may read while it renders: the site's own static and media files, never a file, a host or a data: URI of an editor's choosing."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from PIL import Image as PillowImage
from wagtail.images.models import Image

from curriculum import certificates
from curriculum.pdf import _font_faces, pdf_base_url, render_module_pdf
from curriculum.pdf_fetcher import ResourceRefused, SiteFilesFetcher
from tests.factories.curriculum import LessonPageFactory, ModulePageFactory
from tests.real_services import service_missing

# Each image has a size of its own, so the sizes of a PDF's images tell which of them it embeds.
OUTSIDE_FILE_SIZE = (37, 23)
OUTSIDE_HOST_SIZE = (41, 19)
DATA_URI_SIZE = (29, 31)
OWN_MEDIA_SIZE = (53, 47)


def png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def poppler(tool: str, content: bytes, *arguments: str) -> str:
    """Run one of poppler's tools (Debian's poppler-utils) on a PDF and return what it prints."""
    executable = shutil.which(tool)
    if executable is None:
        service_missing(f"{tool} is not installed (Debian package poppler-utils)")
    result = subprocess.run([executable, *arguments, "-"], input=content, capture_output=True, check=True, timeout=60)
    return result.stdout.decode()


def image_sizes(content: bytes) -> list[tuple[int, int]]:
    """The width and height of each image the PDF embeds (pdfimages -list: page, num, type, width, height...)."""
    lines = poppler("pdfimages", content, "-list").splitlines()[2:]
    return [(int(line.split()[3]), int(line.split()[4])) for line in lines if line.strip()]


def embedded_fonts(content: bytes) -> list[tuple[str, bool]]:
    """Each font of the PDF and whether it is embedded (pdffonts: name, type..., emb, sub, uni, object, id)."""
    lines = poppler("pdffonts", content).splitlines()[2:]
    return [(line.split()[0], line.split()[-5] == "yes") for line in lines if line.strip()]


def text(content: bytes) -> str:
    executable = shutil.which("pdftotext")
    if executable is None:
        service_missing("pdftotext is not installed (Debian package poppler-utils)")
    result = subprocess.run([executable, "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True, timeout=60)
    return result.stdout.decode()


@pytest.fixture
def outside_host() -> Iterator[tuple[str, list[str]]]:
    """A web server on the loopback that is not the site: its address and the paths it was asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            if self.path.endswith(".css"):
                body, content_type = b'body::after { content: "LEAKED-HTTP-CSS"; }', "text/css"
            else:
                body, content_type = png(OUTSIDE_HOST_SIZE), "image/png"
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def outside_files(tmp_path: Path) -> Path:
    """Files on the server's disk that are neither static nor media files of the site."""
    (tmp_path / "outside.png").write_bytes(png(OUTSIDE_FILE_SIZE))
    (tmp_path / "outside.css").write_text('body::before { content: "LEAKED-FILE-CSS"; }')
    return tmp_path


@pytest.fixture
def own_image(db: None) -> Image:
    """An image uploaded to the site (Wagtail's media storage)."""
    return Image.objects.create(title="Own image", file=ImageFile(io.BytesIO(png(OWN_MEDIA_SIZE)), name="own.png"))


def injected_markup(outside_files: Path, outside_host: str, own_image: Image) -> tuple[str, list[str]]:
    """A lesson paragraph an editor could store, and the outside addresses it names."""
    data_uri = "data:image/png;base64," + base64.b64encode(png(DATA_URI_SIZE)).decode()
    outside = [
        "file:///etc/passwd",
        f"file://{outside_files}/outside.png",
        f"file://{outside_files}/outside.css",
        "http://127.0.0.1:9/x.png",
        f"{outside_host}/x.png",
        f"{outside_host}/x.css",
        "https://example.org/x.css",
        data_uri,
    ]
    markup = f"""
        <p>Ünvan: Bakı, Azərbaycan. Миграция и развитие.</p>
        <img src="file:///etc/passwd" alt="">
        <img src="file://{outside_files}/outside.png" alt="">
        <img src="http://127.0.0.1:9/x.png" alt="">
        <img src="{outside_host}/x.png" alt="">
        <link rel="stylesheet" href="https://example.org/x.css">
        <link rel="stylesheet" href="{outside_host}/x.css">
        <style>@import url("file://{outside_files}/outside.css");</style>
        <div style="height: 30px; background-image: url('file://{outside_files}/outside.png')"></div>
        <div style="height: 30px; background-image: url('{data_uri}')"></div>
        <img src="{data_uri}" alt="">
        <img src="/static/favicon.svg" alt="" width="20" height="20">
        <img src="{own_image.file.url}" alt="">
    """
    return markup, outside


@pytest.fixture
def injected_module(site: None, outside_files: Path, outside_host: tuple[str, list[str]], own_image: Image):
    """A module whose lesson carries the injected markup; with the outside addresses it names."""
    markup, outside = injected_markup(outside_files, outside_host[0], own_image)
    module = ModulePageFactory()
    LessonPageFactory(parent=module, body=[("paragraph", markup)])
    return module, outside


def test_a_module_pack_with_injected_markup_embeds_nothing_from_outside_the_site(injected_module, outside_host):
    module, _outside = injected_module
    _address, asked = outside_host

    content = render_module_pdf(module)

    assert asked == []  # nothing was asked of another host
    written = text(content)
    assert "LEAKED" not in written  # no stylesheet from a file or another host was applied
    sizes = image_sizes(content)
    assert OUTSIDE_FILE_SIZE not in sizes
    assert OUTSIDE_HOST_SIZE not in sizes
    assert DATA_URI_SIZE not in sizes
    # while the site's own files still load: the uploaded image, and the bundled fonts with ə and Cyrillic
    assert OWN_MEDIA_SIZE in sizes
    assert "Azərbaycan" in written
    assert "Миграция и развитие" in written
    fonts = embedded_fonts(content)
    assert fonts
    assert all("Noto-Sans" in name and embedded for name, embedded in fonts), fonts


def test_the_fetcher_refuses_every_outside_address_and_serves_the_sites_own_files(injected_module, monkeypatch, caplog):
    module, outside = injected_module
    calls: list[tuple[str, str]] = []
    fetch = SiteFilesFetcher.fetch

    def recording(self, url, headers=None):
        try:
            response = fetch(self, url, headers)
        except ResourceRefused:
            calls.append((url, "refused"))
            raise
        calls.append((url, "served"))
        return response

    monkeypatch.setattr(SiteFilesFetcher, "fetch", recording)

    render_module_pdf(module)

    outcomes = dict(calls)
    assert {url: outcomes.get(url) for url in outside} == dict.fromkeys(outside, "refused")
    fonts = re.findall(r'url\("([^"]+)"\)', _font_faces())
    own = [*fonts, pdf_base_url() + "static/favicon.svg", pdf_base_url() + Image.objects.get().file.url.lstrip("/")]
    assert {url: outcomes.get(url) for url in own} == dict.fromkeys(own, "served")
    assert {outcome for _url, outcome in calls} == {"refused", "served"}
    refusals = [record.getMessage() for record in caplog.records if record.name == "curriculum.pdf"]
    assert all(any(url[:200] in message for message in refusals) for url in outside)


def site(path: str) -> str:
    return pdf_base_url() + path


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(lambda: f"file://{finders.find('css/site.css')}", id="the site's own stylesheet by file://"),
        pytest.param(lambda: "http://other.example/static/css/site.css", id="a static path on another host"),
        pytest.param(lambda: site("static/../config/settings/base.py"), id="climbing out of static"),
        pytest.param(lambda: site("static/%2e%2e/%2e%2e/etc/passwd"), id="climbing out of static, encoded"),
        pytest.param(lambda: site("media/../manage.py"), id="climbing out of media"),
        pytest.param(lambda: site("manage.py"), id="a path that is neither static nor media"),
        pytest.param(lambda: site("media/documents/private.pdf"), id="a Wagtail document"),
        pytest.param(lambda: "data:text/css,body{color:red}", id="a data: URI our code did not make"),
        pytest.param(lambda: "ftp://127.0.0.1/x.png", id="another protocol"),
    ],
)
def test_the_fetcher_refuses_addresses_outside_the_sites_static_and_media_files(url, db):
    default_storage.save("documents/private.pdf", ContentFile(b"%PDF-1.4 private"))

    with pytest.raises(ResourceRefused):
        SiteFilesFetcher().fetch(url())


def test_the_fetcher_reads_a_static_file_from_disk_and_a_media_file_from_the_storage(db):
    name = default_storage.save("images/own.png", ContentFile(png(OWN_MEDIA_SIZE)))

    stylesheet = SiteFilesFetcher().fetch(site("static/css/site.css"))
    image = SiteFilesFetcher().fetch(site("media/" + name))

    assert stylesheet.read() == Path(finders.find("css/site.css")).read_bytes()
    assert stylesheet.content_type == "text/css"
    assert image.read() == png(OWN_MEDIA_SIZE)
    assert image.content_type == "image/png"


def test_the_only_data_uri_served_is_the_one_our_code_made_for_the_document():
    own = certificates.qr_code_data_uri("https://rtcm.example.org/az/certificates/verify/ABCD/")
    other = certificates.qr_code_data_uri("https://evil.example/")
    fetcher = SiteFilesFetcher(own_data_uris=[own])

    assert fetcher.fetch(own).read().startswith(b"\x89PNG")
    with pytest.raises(ResourceRefused):
        fetcher.fetch(other)
