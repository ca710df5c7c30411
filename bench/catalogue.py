"""Catalogue latency with 200 modules in each of az, ru and en: median and p95 against a naive catalogue.

Issue 3's target: "bench/ measures catalogue latency with 200 modules and 3 languages and prints
median and p95". The script builds its own throwaway database (a SQLite file in a temp dir, or a
PostgreSQL database it creates and drops with --database-url): migrations, reference data, the home
pages, then the catalogue with its two part pages and --modules live modules per language, each a
variant of a draft-curriculum module (chapters, audiences, levels, languages, 2-4 activities). It
requests /<lang>/curriculum/ through django.test.Client (all middleware and Wagtail routing, no
network), unfiltered and with an audience filter and a search word, and prints per case the median
and p95 latency, the queries of one request and the ratio against the naive catalogue.

The naive catalogue answers the same URL through the same routing (a before_serve_page hook picks
it for requests carrying a header), applies the same filters and renders the same template, and the
script checks that both render the same rows. It loads modules as a first draft would: no
prefetch_related; each module's chapters, audiences, levels and languages queried one module at a
time, and its part page with get_parent(). Its requests are interleaved with the real ones so both
see the same machine load. A case stops after --case-seconds and prints how many requests it timed.

    .venv/bin/python bench/catalogue.py                      # SQLite, 200 modules, up to 200 requests
    .venv/bin/python bench/catalogue.py --quick              # smoke run: 40 modules, 20 requests
    .venv/bin/python bench/catalogue.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("az", "ru", "en")
# a search word each catalogue holds in its own language, with an audience filter
FILTERED_QUERY = {"az": "audience=government&q=miqrasiya", "ru": "audience=government&q=миграция", "en": "audience=government&q=migration"}
NAIVE_HEADER = "X-Bench-Naive"
TARGET = "issue 3: measure catalogue latency with 200 modules and 3 languages, print median and p95 (no figure set)"


@dataclass(frozen=True)
class Timing:
    """Latencies of one case, the queries one request makes, and what it rendered."""

    samples: int
    median_ms: float
    p95_ms: float
    queries: int
    result_count: str
    rows_html: str


def parse_args() -> argparse.Namespace:
    """The command line: sizes, request counts, time limit and the database to run against."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=200, help="modules per language (default 200)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests of the catalogue per case (default 200)")
    parser.add_argument("--naive-every", type=int, default=4, help="one naive request after every N real ones (default 4)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests of each kind before each case (default 3)")
    parser.add_argument(
        "--case-seconds",
        type=float,
        default=10.0,
        help="stop a case's timed requests after this many seconds and print how many ran (default 10; 0 for no limit)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 40 modules, 20 requests, 1 warm-up, 4 s per case")
    parser.add_argument("--database-url", default="", help="postgres://user@host:port/maintenance_db to run on PostgreSQL")
    args = parser.parse_args()
    if args.quick:
        args.modules, args.requests, args.warmup, args.case_seconds = 40, 20, 1, 4.0
    if args.modules < 1 or args.requests < 2 or args.naive_every < 1 or args.warmup < 0 or args.case_seconds < 0:
        parser.error("--modules and --naive-every must be at least 1, --requests at least 2, the others not negative")
    if args.database_url and urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must start with postgres:// or postgresql://")
    return args


def postgres_create(maintenance_url: str) -> tuple[str, str]:
    """Create a throwaway database next to the maintenance one; return its URL and name."""
    import psycopg

    name = f"rtcm_bench_{os.getpid()}"
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(maintenance_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment)), name


def postgres_drop(maintenance_url: str, name: str) -> None:
    """Drop the throwaway database, closing Django's connections to it first."""
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure(var_dir: Path, database_url: str) -> None:
    """Point Django at the test settings and the throwaway database, with nothing external."""
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["RTCM_VAR_DIR"] = str(var_dir)
    os.environ["MEDIA_ROOT"] = str(var_dir / "media")
    for name in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        os.environ.pop(name, None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def load_data(modules_per_language: int) -> tuple[dict[str, int], dict[str, float]]:
    """Migrate, load reference data and home pages, then build the catalogue; time each phase."""
    from django.core.management import call_command

    from home import demo as home_demo
    from people import services

    phases: dict[str, float] = {}
    with writes_unsynced():
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        phases["migrate"] = time.perf_counter() - started
        started = time.perf_counter()
        services.reference_data_load()
        services.roles_sync()
        home_demo.load()
        phases["reference data and home"] = time.perf_counter() - started
        started = time.perf_counter()
        counts = build_catalogue(modules_per_language)
        phases["catalogue"] = time.perf_counter() - started
    return counts, phases


@contextmanager
def writes_unsynced() -> Iterator[None]:
    """Skip waiting for the disk on commit while the throwaway database is built (the measured requests only read)."""
    from django.db import connection

    off, on = ("PRAGMA synchronous = OFF", "PRAGMA synchronous = NORMAL")  # NORMAL: the settings' init_command
    if connection.vendor == "postgresql":
        off, on = ("SET synchronous_commit TO off", "RESET synchronous_commit")
    with connection.cursor() as cursor:
        cursor.execute(off)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(on)


@dataclass(frozen=True)
class ModuleSpec:
    """One generated module, the same in every language: a variant of a draft-curriculum module."""

    number: int
    base: dict[str, Any]
    chapters: list[Any]
    activities: list[dict[str, Any]]
    languages: list[Any]
    duration: int | None
    translation_key: uuid.UUID
    activity_keys: list[uuid.UUID]

    @property
    def code(self) -> str:
        return self.base["code"] if self.number == 0 else f"{self.base['code']}-{self.number + 1}"

    def title(self, language: str) -> str:
        return self.base["title"][language] if self.number == 0 else f"{self.base['title'][language]} ({self.number + 1})"


def module_specs(count: int) -> list[ModuleSpec]:
    """`count` modules cycling through the 17 draft modules, with a reproducible mix of facts."""
    from curriculum.draft_curriculum import DRAFT_CURRICULUM
    from curriculum.models import ThematicChapter
    from people.models import Language

    rng = random.Random(2021)
    chapters = {chapter.number: chapter for chapter in ThematicChapter.objects.all()}
    languages = list(Language.objects.filter(code__in=["az", "ru", "en", "tr", "ka", "kk", "uz"]))
    specs = []
    for index in range(count):
        base = DRAFT_CURRICULUM[index % len(DRAFT_CURRICULUM)]
        main = chapters[base["chapter"]]
        siblings = [c for c in chapters.values() if c.part_id == main.part_id and c.pk != main.pk]
        activities = base["activities"]
        first = rng.randrange(len(activities))
        specs.append(
            ModuleSpec(
                number=index // len(DRAFT_CURRICULUM),
                base=base,
                chapters=[main, *rng.sample(siblings, rng.randint(0, 1))],
                activities=[activities[(first + k) % len(activities)] for k in range(rng.randint(2, 4))],
                languages=sorted(rng.sample(languages, rng.randint(1, 3)), key=lambda language: language.sort_order),
                duration=rng.choice([None, 4, 8, 12, 16, 24, 40]),
                translation_key=uuid.uuid4(),
                activity_keys=[uuid.uuid4() for _ in range(4)],
            )
        )
    return specs


def build_catalogue(modules_per_language: int) -> dict[str, int]:
    """The catalogue and its two part pages in az, ru and en, each with `modules_per_language` live modules.

    The catalogue and parts are added with Page.add_child. Modules are written in bulk, without
    revisions (the publishing workflow is not what is measured): tree paths computed here, pages
    saved without the per-save search and reference indexing, relations and activities inserted
    with bulk_create, then the search index built once, the same way a save would build it.
    """
    from django.db import transaction
    from django.db.models.signals import post_save
    from django.utils import timezone
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.models import Locale
    from wagtail.search.backends import get_search_backend
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from curriculum.demo import CATALOGUE_TEXT
    from curriculum.models import CurriculumIndexPage, CurriculumPartPage, ModuleActivity, ModulePage, ThematicPart
    from home.models import HomePage
    from people.models import ParticipantLevel, StakeholderCategory

    audiences = {category.code: category for category in StakeholderCategory.objects.all()}
    levels = {level.code: level for level in ParticipantLevel.objects.all()}
    specs = module_specs(modules_per_language)
    now = timezone.now()
    index_key = uuid.uuid4()
    part_keys = {part.number: uuid.uuid4() for part in ThematicPart.objects.all()}
    modules: list[ModulePage] = []
    relations: dict[str, list[tuple[ModulePage, list[Any]]]] = {"chapters": [], "audiences": [], "levels": [], "delivery_languages": []}
    activities: list[tuple[ModuleActivity, list[Any], list[Any]]] = []
    post_save.disconnect(post_save_signal_handler, sender=ModulePage)
    try:
        with transaction.atomic(), disable_reference_index_auto_update():
            for language in LANGUAGES:
                locale = Locale.objects.get(language_code=language)
                catalogue = CurriculumIndexPage(slug="curriculum", locale=locale, translation_key=index_key, **CATALOGUE_TEXT[language])
                HomePage.objects.get(locale=locale).add_child(instance=catalogue)
                parts = {}
                for part in ThematicPart.objects.all():
                    part_page = CurriculumPartPage(
                        slug=f"part-{part.number}",
                        title=getattr(part, f"name_{language}"),
                        part=part,
                        locale=locale,
                        translation_key=part_keys[part.number],
                    )
                    catalogue.add_child(instance=part_page)
                    parts[part.number] = part_page
                for spec in specs:
                    parent = parts[spec.chapters[0].part.number]
                    parent.numchild += 1
                    module = ModulePage(
                        locale=locale,
                        translation_key=spec.translation_key,
                        slug=spec.code.lower(),
                        code=spec.code,
                        title=spec.title(language),
                        draft_title=spec.title(language),
                        summary=spec.base["summary"][language],
                        format=spec.base["format"],
                        duration_hours=spec.duration,
                        depth=parent.depth + 1,
                        path=ModulePage._get_path(parent.path, parent.depth + 1, parent.numchild),
                        first_published_at=now,
                        last_published_at=now,
                    )
                    module.save(clean=False)
                    modules.append(module)
                    module_audiences = {code for activity in spec.activities for code in activity["audiences"]}
                    module_levels = {code for activity in spec.activities for code in activity["levels"]}
                    relations["chapters"].append((module, spec.chapters))
                    relations["audiences"].append((module, [audiences[code] for code in sorted(module_audiences)]))
                    relations["levels"].append((module, [levels[code] for code in sorted(module_levels)]))
                    relations["delivery_languages"].append((module, spec.languages))
                    for order, (data, key) in enumerate(zip(spec.activities, spec.activity_keys, strict=False)):
                        activity = ModuleActivity(
                            module=module,
                            locale=locale,
                            translation_key=key,
                            sort_order=order,
                            number=data["number"],
                            title=data["title"][language],
                            kind=data["kind"],
                        )
                        activities.append(
                            (activity, [audiences[code] for code in data["audiences"]], [levels[code] for code in data["levels"]])
                        )
                for part_page in parts.values():
                    CurriculumPartPage.objects.filter(pk=part_page.pk).update(numchild=part_page.numchild)
            for name, rows in relations.items():
                _bulk_relate(ModulePage, name, rows)
            ModuleActivity.objects.bulk_create([activity for activity, _audiences, _levels in activities])
            _bulk_relate(ModuleActivity, "audiences", [(activity, related) for activity, related, _levels in activities])
            _bulk_relate(ModuleActivity, "levels", [(activity, related) for activity, _audiences, related in activities])
    finally:
        post_save.connect(post_save_signal_handler, sender=ModulePage)
    with _stems_cached():
        pages = ModulePage.objects.filter(pk__in=[module.pk for module in modules]).select_related("locale").prefetch_related("activities")
        get_search_backend().add_bulk(ModulePage, list(pages))
    return {language: ModulePage.objects.live().filter(locale__language_code=language).count() for language in LANGUAGES}


def _bulk_relate(model: Any, name: str, rows: list[tuple[Any, list[Any]]]) -> None:
    """Insert the rows of a many-to-many relation in one statement."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [through(**{f"{source}_id": obj.pk, f"{target}_id": other.pk}) for obj, related in rows for other in related]
    )


@contextmanager
def _stems_cached() -> Iterator[None]:
    """Remember word stems while indexing: the generated modules repeat the draft curriculum's words."""
    from curriculum import search

    original = search._stemmer

    class CachedStemmer:
        def __init__(self, stemmer: Any) -> None:
            self.stemWord = functools.cache(stemmer.stemWord)

    @functools.cache
    def cached(language: str) -> Any:
        stemmer = original(language)
        return CachedStemmer(stemmer) if stemmer else None

    search._stemmer = cached
    try:
        yield
    finally:
        search._stemmer = original


def naive_catalogue(request: Any, page: Any) -> Any:
    """The catalogue as a first draft would load it: the same filters and template, no prefetch."""
    from django.core.paginator import Paginator
    from django.template.response import TemplateResponse

    from curriculum.forms import CatalogueFilterForm
    from curriculum.models import ModulePage
    from curriculum.search import searchable_text
    from curriculum.views import PAGE_SIZE

    form = CatalogueFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return TemplateResponse(request, "curriculum/curriculum_index_page.html", {"page": page, "form": form}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    modules = ModulePage.objects.live().filter(locale=page.locale)
    for name, lookup in (
        ("chapter", "chapters"),
        ("part", "chapters__part"),
        ("audience", "audiences"),
        ("level", "levels"),
        ("format", "format"),
        ("language", "delivery_languages"),
    ):
        if filters.get(name):
            modules = modules.filter(**{lookup: filters[name]})
    modules = modules.distinct().order_by("path")
    query = searchable_text(filters.get("q") or "", page.locale.language_code)
    if query:
        ranked_ids = [found.pk for found in ModulePage.objects.live().filter(locale=page.locale).search(query, operator="and")]
        by_id = {module.pk: module for module in modules.filter(pk__in=ranked_ids)}
        listed = [by_id[pk] for pk in ranked_ids if pk in by_id]
    else:
        listed = list(modules)
    for module in listed:
        # one module at a time, stored where the template looks so that it renders the same rows
        module._prefetched_objects_cache = {}
        for relation in ("chapters", "audiences", "levels", "delivery_languages"):
            related = getattr(module, relation).all()
            list(related)
            module._prefetched_objects_cache[relation] = related
        module.part_page = module.get_parent()  # a first draft looks the part up per module too
    listing = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "listing": listing,
            "result_count": len(listed),
            "is_filtered": form.is_bound and any(v for k, v in request.GET.items() if k != "page"),
            "querystring": query_without_page.urlencode(),
        }
    )
    return TemplateResponse(request, "curriculum/curriculum_index_page.html", context)


def install_naive_hook() -> None:
    """Answer catalogue requests carrying the bench header with the naive catalogue."""
    from wagtail import hooks

    from curriculum.models import CurriculumIndexPage

    def serve_naive(page: Any, request: Any, serve_args: Any, serve_kwargs: Any) -> Any:
        if request.headers.get(NAIVE_HEADER) and isinstance(page, CurriculumIndexPage):
            return naive_catalogue(request, page)
        return None

    hooks.register("before_serve_page", serve_naive)


def measure(client: Any, url: str, args: argparse.Namespace) -> tuple[Timing, Timing]:
    """Time the real and the naive catalogue at one URL, interleaved so both see the same load."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(naive: bool) -> str:
        response = client.get(url, headers={NAIVE_HEADER: "1"} if naive else {})
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}{' (naive)' if naive else ''}")
        return response.content.decode()

    def timed(naive: bool) -> float:
        started = time.perf_counter()
        get(naive)
        return (time.perf_counter() - started) * 1000

    for _ in range(args.warmup):
        get(False)
        get(True)
    real_ms: list[float] = []
    naive_ms: list[float] = []
    deadline = time.perf_counter() + args.case_seconds if args.case_seconds else float("inf")
    while len(real_ms) < args.requests and time.perf_counter() < deadline:
        real_ms.append(timed(False))
        if len(real_ms) % args.naive_every == 0:
            naive_ms.append(timed(True))
    while len(naive_ms) < 2:  # a p95 needs two samples even when the time limit came first
        naive_ms.append(timed(True))
    timings = []
    for naive, samples in ((False, real_ms), (True, naive_ms)):
        with CaptureQueriesContext(connection) as captured:
            html = get(naive)
        rows = re.search(r'<ul class="module-list">.*?</ul>', html, re.S)
        count = re.search(r'<p class="result-count" role="status">(.*?)</p>', html, re.S)
        timings.append(
            Timing(
                samples=len(samples),
                median_ms=statistics.median(samples),
                p95_ms=statistics.quantiles(samples, n=20, method="inclusive")[18],
                queries=len(captured),
                result_count=" ".join(count.group(1).split()) if count else "?",
                rows_html=rows.group(0) if rows else "",
            )
        )
    return timings[0], timings[1]


def run(args: argparse.Namespace) -> int:
    """Build the data, measure every case, print one line per case; 1 if real and naive rows differ."""
    from django.db import connection
    from django.test import Client

    started = time.perf_counter()
    counts, phases = load_data(args.modules)
    install_naive_hook()
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    print(f"Catalogue benchmark on {vendor} {version}: {', '.join(f'{k} {v}' for k, v in counts.items())} live modules")
    print("Data built in " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()))
    limit = f", at most {args.case_seconds:g} s per case" if args.case_seconds else ""
    print(
        f"Up to {args.requests} timed requests per case{limit}; one naive request after every {args.naive_every} real ones; "
        f"{args.warmup} warm-up of each; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"Target ({TARGET})")
    client = Client()
    mismatches = 0
    for language in LANGUAGES:
        for label, query in (("unfiltered", ""), ("filter+search", FILTERED_QUERY[language])):
            url = f"/{language}/curriculum/" + (f"?{query}" if query else "")
            real, naive = measure(client, url, args)
            same = bool(real.rows_html) and real.rows_html == naive.rows_html and real.result_count == naive.result_count
            mismatches += not same
            print(
                f"catalogue {language} {label}: median {real.median_ms:.1f} ms, p95 {real.p95_ms:.1f} ms, "
                f"{real.queries} queries/request (n={real.samples}) | naive: median {naive.median_ms:.1f} ms, "
                f"p95 {naive.p95_ms:.1f} ms, {naive.queries} queries (n={naive.samples}) | {naive.median_ms / real.median_ms:.1f}x faster "
                f"[{real.result_count}{'' if same else '; ROWS DIFFER from the naive catalogue'}]"
            )
    print(f"Total {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}")
    return 1 if mismatches else 0


def in_throwaway_database(maintenance_url: str, run: Callable[[Path], int]) -> int:
    """Point Django at a throwaway database (a SQLite file in a temp dir, or a PostgreSQL database made from
    `maintenance_url`), call `run` with the temp dir, and remove both whatever happens."""
    var_dir = Path(tempfile.mkdtemp(prefix="rtcm-bench-"))
    database_url, name = postgres_create(maintenance_url) if maintenance_url else ("", "")
    try:
        configure(var_dir, database_url)
        return run(var_dir)
    finally:
        if name:
            postgres_drop(maintenance_url, name)
        shutil.rmtree(var_dir, ignore_errors=True)


def main() -> int:
    """Set up the throwaway database, run the benchmark, clean up whatever happens."""
    args = parse_args()
    return in_throwaway_database(args.database_url, lambda _var_dir: run(args))


if __name__ == "__main__":
    sys.exit(main())
