"""Bulk enrolment of 10,000 participants: dry run plus bulk import, against the same import saving row by row.

Issue 5's target: "bulk enrolment of 10,000 participants (target: under 30 s on SQLite, at least 10x
faster than saving row by row, measured in the same run)". The script builds a throwaway database
(a SQLite file in a temp dir, or a PostgreSQL database it creates and drops with --database-url),
migrates it, loads the reference data, the home pages and one module. Each round opens two sessions
of it with seats for everyone and writes a CSV of --participants rows for each: about one in five
already has an account, names in Azerbaijani, Russian, Kazakh and Latin letters, people from the 13
countries, organisations that exist (named in another case now and then), new ones with their type,
and none. Each file has its own e-mail addresses and new organisations, so both imports create the
same kind of rows.

One session is enrolled with `enrolment_import_parse` and `enrolment_import_apply` (one statement
per table: executemany INSERT on SQLite or COPY on PostgreSQL for organisations, accounts and
applications, INSERT ... SELECT from the accounts table for roles and e-mail addresses), the other
with the same dry run and `bench.baselines.bulk_enrolment.enrolment_import_apply_row_by_row` (a model instance and its save() per
organisation, account, role, e-mail address and application). Both writers get the same plan, so only the writing differs,
and both must report the same counts. The rounds alternate which import goes first, as the tables
grow; the figures are the medians over the rounds (the machine's noise is a few tenths of a second).

    .venv/bin/python bench/bulk_enrolment.py                  # SQLite, 10,000 participants
    .venv/bin/python bench/bulk_enrolment.py --quick          # smoke run: 1,000 participants, one round
    .venv/bin/python bench/bulk_enrolment.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import random
import statistics
import sys
import time
from dataclasses import astuple, dataclass
from urllib.parse import urlsplit

from catalogue import in_throwaway_database

TARGET_SECONDS = 30.0
TARGET_RATIO = 10.0
EXISTING_SHARE = 0.2
HEADER = ["email", "first_name", "last_name", "gender", "country", "organisation", "organisation_type", "position_level", "language"]
FIRST_NAMES = ["Aysel", "Şəhla", "Gülnarə", "Rəşad", "Elçin", "Ирина", "Дмитрий", "Наталья", "Жанар", "Нұрлан", "Timur", "Nino", "Olena"]
LAST_NAMES = ["Məmmədova", "Əliyev", "Hüseynova", "Qasımov", "Петрова", "Смирнов", "Әбдірахманова", "Иванов", "Beridze", "Kovalenko"]
EXISTING_ORGANISATIONS = [("State Migration Service", "government"), ("Migration Research Centre", "hei"), ("Migrant Support NGO", "cso")]
NEW_ORGANISATION_TYPES = ["government", "cso", "media", "io", "private"]
NEW_ORGANISATIONS = 6


def parse_args() -> argparse.Namespace:
    """The command line: how many participants and the database to run against."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000, help="rows of the file each import reads (default 10000)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 1,000 participants")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both imports; the figures are their medians (default 3)")
    parser.add_argument("--database-url", default="", help="postgres://user@host:port/maintenance_db to run on PostgreSQL")
    args = parser.parse_args()
    if args.quick:
        args.participants, args.rounds = 1_000, 1
    if not 1 <= args.participants <= 20_000:
        parser.error("--participants must be between 1 and 20000 (the largest file an import takes)")
    if args.database_url and urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must start with postgres:// or postgresql://")
    return args


def build_site() -> tuple[object, object]:
    """Migrations, reference data, roles, home pages and one published module; returns the module and a coordinator."""
    from django.core.management import call_command
    from wagtail.models import Locale

    from curriculum.models import CurriculumIndexPage, CurriculumPartPage, ModulePage, ThematicPart
    from home import demo as home_demo
    from home.models import HomePage
    from people import services
    from people.models import Country, Organisation, StakeholderCategory, User

    call_command("migrate", verbosity=0, interactive=False)
    services.reference_data_load()
    services.roles_sync()
    home_demo.load()
    locale = Locale.objects.get(language_code="az")
    catalogue = HomePage.objects.get(locale=locale).add_child(
        instance=CurriculumIndexPage(slug="curriculum", title="Tədris planı", locale=locale)
    )
    part = ThematicPart.objects.get(number=1)
    part_page = catalogue.add_child(instance=CurriculumPartPage(slug="part-1", title=part.name_az, part=part, locale=locale))
    module = part_page.add_child(
        instance=ModulePage(
            slug="m1", code="M1", title="Miqrasiya idarəçiliyi", summary="Miqrasiya idarəçiliyinin əsasları.", locale=locale
        )
    )
    categories = {category.code: category for category in StakeholderCategory.objects.all()}
    Organisation.objects.bulk_create(
        Organisation(name=name, country=country, category=categories[code])
        for country in Country.objects.all()
        for name, code in EXISTING_ORGANISATIONS
    )
    coordinator = User.objects.create_user("coordinator@example.org", first_name="Bench", last_name="Coordinator")
    services.user_add_role(user=coordinator, role_code="coordinator")
    return module, coordinator


def open_session(module: object, capacity: int) -> object:
    """An open session of the module in Baku, a month away, with `capacity` seats."""
    from curriculum.models import SessionStatus, TrainingSession
    from people.models import Country, Language

    start = datetime.date.today() + datetime.timedelta(days=30)
    return TrainingSession.objects.create(
        module=module,
        language=Language.objects.get(code="az"),
        start_date=start,
        end_date=start + datetime.timedelta(days=4),
        application_deadline=start - datetime.timedelta(days=7),
        venue_city="Bakı",
        venue_country=Country.objects.get(iso_code="AZ"),
        capacity=capacity,
        status=SessionStatus.OPEN,
    )


def participants_file(count: int, prefix: str, seed: int) -> bytes:
    """A CSV of `count` participants with e-mail addresses `<prefix>-<n>@...`; about one in five gets an account first."""
    from people.models import Country, User

    rng = random.Random(seed)  # the same seed for both files: the same mix of rows, only the addresses and new names differ
    countries = list(Country.objects.values_list("iso_code", flat=True))
    levels = ["senior", "middle", "practitioner", "researcher", ""]
    rows = []
    existing = []
    for n in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        country = rng.choice(countries)
        email = f"{prefix}-{n}@example.org"
        kind = rng.random()
        if kind < 0.5:
            name, _code = rng.choice(EXISTING_ORGANISATIONS)
            organisation, organisation_type = (name.upper() if rng.random() < 0.1 else name), ""
        elif kind < 0.8:
            number = rng.randrange(NEW_ORGANISATIONS)
            organisation, organisation_type = (
                f"{prefix} organisation {number}",
                NEW_ORGANISATION_TYPES[number % len(NEW_ORGANISATION_TYPES)],
            )
        else:
            organisation, organisation_type = "", ""
        gender = rng.choice(["female", "female", "male", "male", "another", ""])
        rows.append(
            [email, first, last, gender, country, organisation, organisation_type, rng.choice(levels), rng.choice(["az", "ru", "en", ""])]
        )
        if rng.random() < EXISTING_SHARE:
            existing.append(User(email=email, first_name=first, last_name=last, gender=gender or "undisclosed"))
    User.objects.bulk_create(existing, batch_size=1000)
    output = io.StringIO(newline="")
    writer = csv.writer(output)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


def timed(function: object, **kwargs: object) -> tuple[float, object]:
    """Seconds one call takes, and what it returned."""
    started = time.perf_counter()
    result = function(**kwargs)  # type: ignore[operator]
    return time.perf_counter() - started, result


@dataclass
class Figures:
    """One import's seconds: its dry run and its writing."""

    parse: float
    apply: float


def enrol(writer: object, module: object, coordinator: object, count: int, prefix: str) -> tuple[Figures, object]:
    """A new session and file of `count` participants, read in a dry run and imported with `writer`; seconds and result."""
    from curriculum.bulk_enrolment import enrolment_import_parse

    session = open_session(module, capacity=10_000)
    file = participants_file(count, prefix, 20270510)
    parse_seconds, report = timed(enrolment_import_parse, session=session, file=file, filename="participants.csv")
    apply_seconds, result = timed(writer, report=report, session=session, enrolled_by=coordinator, only_valid_rows=False)
    return Figures(parse_seconds, apply_seconds), result


def run(args: argparse.Namespace) -> int:
    """Build the site, enrol the files (bulk and row by row, alternating), check they agree and print the medians."""
    from django.db import connection

    from bench.baselines.bulk_enrolment import enrolment_import_apply_row_by_row
    from curriculum.bulk_enrolment import enrolment_import_apply, enrolment_import_parse

    started = time.perf_counter()
    module, coordinator = build_site()
    count = args.participants
    print(
        f"database: {connection.vendor}; site built in {time.perf_counter() - started:.1f} s; "
        f"{args.rounds} rounds, each enrolling two new files of {count} participants in two new sessions, "
        "one in bulk and one row by row (the first in odd rounds, the second in even ones)"
    )
    # An untimed dry run first, so neither import pays for loading translations and compiling validators.
    enrolment_import_parse(session=open_session(module, capacity=10), file=participants_file(10, "warm-up", 1), filename="p.csv")
    bulk: list[Figures] = []
    naive: list[Figures] = []
    same = True
    for number in range(1, args.rounds + 1):
        order = [("bulk", enrolment_import_apply, bulk), ("naive", enrolment_import_apply_row_by_row, naive)]
        results = {}
        for name, writer, figures in order if number % 2 else order[::-1]:
            measured, results[name] = enrol(writer, module, coordinator, count, f"{name}{number}")
            figures.append(measured)
        same = same and astuple(results["bulk"])[1:] == astuple(results["naive"])[1:] and results["bulk"].written
        print(
            f"round {number}: bulk {bulk[-1].parse:.2f} s dry run + {bulk[-1].apply:.2f} s import; "
            f"row by row {naive[-1].parse:.2f} s dry run + {naive[-1].apply:.2f} s import"
        )
    result = results["bulk"]
    parse_seconds = statistics.median(f.parse for f in bulk)
    bulk_seconds = statistics.median(f.apply for f in bulk)
    naive_seconds = statistics.median(f.apply for f in naive)
    total = statistics.median(f.parse + f.apply for f in bulk)
    naive_total = statistics.median(f.parse + f.apply for f in naive)
    ratio, total_ratio = naive_seconds / bulk_seconds, naive_total / total
    print(
        f"each file: {count} valid rows; {result.users_created} accounts created, {result.users_matched} matched, "
        f"{result.approved} approved, {result.waitlisted} waitlisted, {result.organisations_created} organisations created"
    )
    print(f"medians of {args.rounds} rounds:")
    print(f"dry run (parse):         {parse_seconds:6.2f} s  {count / parse_seconds:8.0f} rows/s")
    print(f"bulk import (apply):     {bulk_seconds:6.2f} s  {count / bulk_seconds:8.0f} rows/s")
    print(f"dry run + bulk import:   {total:6.2f} s  {count / total:8.0f} rows/s")
    print(f"row-by-row import:       {naive_seconds:6.2f} s  {count / naive_seconds:8.0f} rows/s")
    print(f"ratio row by row / bulk: {ratio:.1f}x for the import, {total_ratio:.1f}x with the (identical) dry run included")
    print(f"same counts from both imports in every round: {'yes' if same else 'NO'}")
    met = total < TARGET_SECONDS and ratio >= TARGET_RATIO
    print(
        f"target (issue 5): {count} participants under {TARGET_SECONDS:.0f} s on SQLite, at least {TARGET_RATIO:.0f}x faster "
        f"than saving row by row -> {'met' if met else 'NOT met'} on {connection.vendor}"
        + ("" if count == 10_000 else f" (measured with {count}, not 10,000)")
    )
    return 0 if same else 1


def main() -> int:
    """Run in a throwaway database and remove it afterwards."""
    args = parse_args()
    return in_throwaway_database(args.database_url, lambda _var_dir: run(args))


if __name__ == "__main__":
    sys.exit(main())
