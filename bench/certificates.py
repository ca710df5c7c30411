"""Certificates per second: issuing and rendering the PDFs of a completed session, in one process and with 2 workers.

Issue 5's target: "certificates per second and median seconds per certificate on this machine
(target: at least 3 per second with 2 worker processes)". The script builds a throwaway database (a
SQLite file in a temp dir, or a PostgreSQL database it creates and drops with --database-url),
migrates it, loads the reference data, the home pages and one published module with 24 hours (and
its Russian translation), and a five-day session in Baku that ended two days ago, marked completed,
with --participants approved participants: names in Azerbaijani, Russian and Latin letters, each
with az, ru or en as their language, most present every day, some on two days (participation).

Each certificate is issued with `curriculum.certificates.certificate_issue`, as the Celery task does
it: the row, then the PDF (WeasyPrint, QR code, the bundled Noto Sans fonts) stored as a file in the
private storage (a folder in the temp dir here, not the test settings' in-memory storage).

(a) one process issues every certificate in turn: median and p95 seconds per certificate, and
    certificates per second over the whole run;
(b) the certificates are deleted, then --workers processes (forked, each with its own database
    connection) issue their share at the same time: certificates per second, wall clock from the
    first fork to the last worker's end. Each worker parses the fonts for its first certificate
    (about 0.35 s), as each Celery pool process does once; run (a) did that in its warm-up.

    .venv/bin/python bench/certificates.py                  # SQLite, 60 participants
    .venv/bin/python bench/certificates.py --quick          # smoke run: 12 participants
    .venv/bin/python bench/certificates.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime
import logging
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from catalogue import in_throwaway_database

TARGET_PER_SECOND = 3.0
TARGET_WORKERS = 2
NAMES = [
    ("Gülçöhrə", "Ağaşıyeva", "az"),
    ("Rəşad", "Qasımov", "az"),
    ("Şəhla", "Hüseynova", "az"),
    ("Ирина", "Петрова", "ru"),
    ("Дмитрий", "Смирнов", "ru"),
    ("Нұрлан", "Әбдірахманов", "ru"),
    ("Nino", "Beridze", "en"),
    ("Olena", "Kovalenko", "en"),
]


def parse_args() -> argparse.Namespace:
    """The command line: participants, worker processes and the database to run against."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=60, help="participants of the completed session (default 60)")
    parser.add_argument("--workers", type=int, default=TARGET_WORKERS, help=f"worker processes of run (b) (default {TARGET_WORKERS})")
    parser.add_argument("--quick", action="store_true", help="smoke run: 12 participants")
    parser.add_argument("--database-url", default="", help="postgres://user@host:port/maintenance_db to run on PostgreSQL")
    args = parser.parse_args()
    if args.quick:
        args.participants = 12
    if not 2 <= args.participants <= 500 or not 1 <= args.workers <= 16:
        parser.error("--participants must be between 2 and 500 (a session's seats), --workers between 1 and 16")
    if args.database_url and urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must start with postgres:// or postgresql://")
    return args


def build_session(participants: int) -> list[int]:
    """Site, module, a completed session and its approved participants with their attendance; returns the application ids."""
    from django.core.management import call_command
    from wagtail.models import Locale

    from curriculum.models import (
        ApplicationStatus,
        Attendance,
        CurriculumIndexPage,
        CurriculumPartPage,
        ModulePage,
        SessionApplication,
        SessionStatus,
        ThematicPart,
        TrainingSession,
    )
    from home import demo as home_demo
    from home.models import HomePage
    from people import services
    from people.models import Country, Language, User

    call_command("migrate", verbosity=0, interactive=False)
    services.reference_data_load()
    services.roles_sync()
    home_demo.load()
    locale = Locale.objects.get(language_code="az")
    catalogue = HomePage.objects.get(locale=locale).add_child(
        instance=CurriculumIndexPage(slug="curriculum", title="Tədris planı", locale=locale)
    )
    part = ThematicPart.objects.get(number=2)
    part_page = catalogue.add_child(instance=CurriculumPartPage(slug="part-2", title=part.name_az, part=part, locale=locale))
    module = part_page.add_child(
        instance=ModulePage(
            slug="m13",
            code="M13",
            title="Əmək miqrasiyasının idarə olunması",
            summary="Əmək miqrasiyası siyasətinin əsasları.",
            duration_hours=24,
            locale=locale,
        )
    )
    module.save_revision().publish()
    russian = module.copy_for_translation(Locale.objects.get(language_code="ru"), copy_parents=True)
    russian.title = "Управление трудовой миграцией"
    russian.save_revision().publish()
    today = datetime.date.today()
    session = TrainingSession.objects.create(
        module=module,
        language=Language.objects.get(code="az"),
        start_date=today - datetime.timedelta(days=6),
        end_date=today - datetime.timedelta(days=2),
        application_deadline=today - datetime.timedelta(days=10),
        venue_city="Bakı",
        venue_country=Country.objects.get(iso_code="AZ"),
        capacity=max(participants, 1),
        status=SessionStatus.COMPLETED,
    )
    users = User.objects.bulk_create(
        User(
            email=f"participant{n}@example.org",
            first_name=NAMES[n % len(NAMES)][0],
            last_name=NAMES[n % len(NAMES)][1],
            preferred_language=NAMES[n % len(NAMES)][2],
        )
        for n in range(participants)
    )
    applications = SessionApplication.objects.bulk_create(
        SessionApplication(session=session, trainee=user, motivation="Bench.", status=ApplicationStatus.APPROVED) for user in users
    )
    days = session.days()
    Attendance.objects.bulk_create(
        Attendance(application=application, day=day, present=True)
        for n, application in enumerate(applications)
        for day in (days[:2] if n % 5 == 4 else days)  # one in five came on two days: a participation certificate
    )
    return [application.pk for application in applications]


def issue_share(application_ids: list[int]) -> tuple[int, float]:
    """In a worker process: issue the certificates of these applications; returns how many and the seconds taken."""
    from curriculum.certificates import certificate_issue, fonts_release
    from curriculum.models import SessionApplication

    started = time.perf_counter()
    kinds = dict(zip(application_ids, kinds_of(application_ids), strict=True))
    for application in SessionApplication.objects.filter(pk__in=application_ids):
        certificate_issue(application=application, kind=kinds[application.pk])
    elapsed = time.perf_counter() - started
    fonts_release()  # as a Celery pool process does before it ends: pool processes skip atexit
    return len(application_ids), elapsed


def kinds_of(application_ids: list[int]) -> list[str]:
    """The kind each application's certificate is, from its attendance, as certificates_issue_for_session decides it."""
    from curriculum.attendance import completions
    from curriculum.models import CertificateKind, SessionApplication

    session = SessionApplication.objects.get(pk=application_ids[0]).session
    by_application = {
        c.application.pk: CertificateKind.COMPLETION if c.completed else CertificateKind.PARTICIPATION for c in completions(session)
    }
    return [by_application[pk] for pk in application_ids]


def certificates_clear() -> None:
    """Delete every certificate and its file, for the next run."""
    from curriculum.models import Certificate

    for certificate in Certificate.objects.exclude(file=""):
        certificate.file.delete(save=False)
    Certificate.objects.all().delete()


def p95(samples: list[float]) -> float:
    """The 95th percentile of the samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(args: argparse.Namespace, var_dir: Path) -> int:
    """Build the session, time the sequential and the parallel issuing, check the certificates and print the figures."""
    from django.core.files.storage import FileSystemStorage
    from django.db import connection, connections

    from curriculum.certificates import certificate_issue
    from curriculum.models import Certificate, SessionApplication

    for noisy in ("weasyprint", "fontTools", "curriculum.certificates"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # files on disk, as in production (the test settings keep them in memory)
    Certificate._meta.get_field("file").storage = FileSystemStorage(location=var_dir / "private", base_url=None)

    started = time.perf_counter()
    ids = build_session(args.participants)
    kinds = dict(zip(ids, kinds_of(ids), strict=True))
    print(f"database: {connection.vendor}; completed session with {len(ids)} participants built in {time.perf_counter() - started:.1f} s")
    print(f"machine: {os.cpu_count()} CPUs; certificates are issued with their PDF written to a folder")

    # warm-up: templates, fonts and WeasyPrint's first document, then forgotten
    certificate_issue(application=SessionApplication.objects.get(pk=ids[0]), kind=kinds[ids[0]])
    certificates_clear()

    seconds: list[float] = []
    sequential_started = time.perf_counter()
    for application in SessionApplication.objects.filter(pk__in=ids).order_by("pk"):
        one = time.perf_counter()
        certificate_issue(application=application, kind=kinds[application.pk])
        seconds.append(time.perf_counter() - one)
    sequential_total = time.perf_counter() - sequential_started
    sequential_ok = Certificate.objects.exclude(file="").count() == len(ids)
    sequential_rate = len(ids) / sequential_total
    print(
        f"(a) 1 process:   median {statistics.median(seconds):.3f} s per certificate, p95 {p95(seconds):.3f} s; "
        f"{sequential_rate:.2f} certificates per second ({len(ids)} in {sequential_total:.1f} s)"
    )

    certificates_clear()
    shares = [ids[worker :: args.workers] for worker in range(args.workers)]
    connections.close_all()  # each forked worker opens its own connection
    parallel_started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes=args.workers) as pool:
        results = pool.map(issue_share, shares)
    parallel_total = time.perf_counter() - parallel_started
    parallel_rate = len(ids) / parallel_total
    per_worker = ", ".join(f"{count} in {elapsed:.1f} s" for count, elapsed in results)
    parallel_ok = Certificate.objects.exclude(file="").count() == len(ids) and sum(count for count, _elapsed in results) == len(ids)
    print(
        f"(b) {args.workers} processes: {parallel_rate:.2f} certificates per second ({len(ids)} in {parallel_total:.1f} s wall clock; "
        f"workers: {per_worker}); speed-up over 1 process {parallel_rate / sequential_rate:.2f}x"
    )
    print(f"every certificate issued once with its PDF: {'yes' if sequential_ok and parallel_ok else 'NO'}")
    met = args.workers == TARGET_WORKERS and parallel_rate >= TARGET_PER_SECOND
    print(
        f"target (issue 5): at least {TARGET_PER_SECOND:.0f} per second with {TARGET_WORKERS} worker processes -> "
        f"{'met' if met else 'NOT met'}" + ("" if args.workers == TARGET_WORKERS else f" (this run used {args.workers} workers)")
    )
    return 0 if sequential_ok and parallel_ok else 1


def main() -> int:
    """Run in a throwaway database and remove it afterwards."""
    args = parse_args()
    return in_throwaway_database(args.database_url, lambda var_dir: run(args, var_dir))


if __name__ == "__main__":
    sys.exit(main())
