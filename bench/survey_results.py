"""Survey results over 100,000 responses: the summary and the CSV export against naive per-row versions.

Issue (surveys): "100,000 responses". The script builds a throwaway database (a SQLite file in a
temp dir, or a PostgreSQL database it creates and drops when --database-url or DATABASE_URL is
set), migrates it, loads the reference data and stores --responses responses of the sample
instrument (single, multiple, Likert, a priority grid of the 22 chapters, number, short and long
text, two knowledge questions), written with bulk_create in batches: about 30 answers a response,
spread over 13 countries, 6 categories, 4 genders and 2 rounds, with "not applicable" and unrated
chapters, and texts in Azerbaijani, Russian and English.

(a) summary: `assessments.results.summarise` over every response, median and p95 of --runs runs,
    and its queries; against a naive summary that loops over every response and its answers in
    Python (one query per response, as a first draft would). The naive summary is time-boxed by
    --naive-seconds: when it stops early its time is extrapolated from the responses it covered,
    and the output says so. Then both again over one country's responses (a filter).
(b) export: `assessments.exports.export_table` + `write_csv` of every response to a file (seconds,
    rows per second, queries, size); against a naive export that queries each response's answers,
    country, category, round and respondent one row at a time (time-boxed the same way).

Both naive versions are checked against the real ones: the summary of one country's responses, and
the first rows of the export, must be identical. On PostgreSQL the tables are analysed after the
load, as autovacuum does in production (the planner needs the new row counts).

    .venv/bin/python bench/survey_results.py                   # SQLite, 100,000 responses
    .venv/bin/python bench/survey_results.py --quick           # smoke run: 5,000 responses
    .venv/bin/python bench/survey_results.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from catalogue import in_throwaway_database, writes_unsynced

BATCH = 5_000
TARGET = "issue (surveys): results and exports over 100,000 responses in constant queries (no time target set)"
TEXTS = [
    "Miqrasiya statistikası üzrə təlim lazımdır.",
    "Нужны тренинги по интеграции мигрантов и по борьбе с торговлей людьми.",
    "More practice on border management and data sharing.",
    "Qısa kurslar daha faydalı olardı, ə ğ ı ş ç ö ü.",
    "Онлайн-формат удобнее для региональных сотрудников.",
]


def parse_args() -> argparse.Namespace:
    """The command line: responses, timed runs, time boxes of the naive versions, and the database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000, help="responses stored (default 100,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the summary (default 5)")
    parser.add_argument(
        "--naive-seconds", type=float, default=60.0, help="time box of each naive version before extrapolating (default 60)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 5,000 responses, 3 runs, 20 s time boxes")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://user@host:port/maintenance_db to run on PostgreSQL (default: $DATABASE_URL, else SQLite)",
    )
    args = parser.parse_args()
    if args.quick:
        args.responses, args.runs, args.naive_seconds = 5_000, 3, 20.0
    if args.responses < 10 or args.runs < 1 or args.naive_seconds <= 0:
        parser.error("--responses must be at least 10, --runs at least 1, --naive-seconds positive")
    if args.database_url and urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must start with postgres:// or postgresql://")
    return args


def build(responses: int) -> Any:
    """Migrate, load the reference data and store the responses of the sample instrument; returns the instrument."""
    from django.core.management import call_command

    from assessments.models import Answer, Response
    from curriculum.models import ThematicChapter
    from people import services
    from people.models import Country, StakeholderCategory
    from tests.factories.assessments import RoundFactory, sample_instrument

    call_command("migrate", verbosity=0, interactive=False)
    services.reference_data_load()
    services.roles_sync()
    instrument = sample_instrument()
    rounds = [RoundFactory(year=2025), RoundFactory(year=2026)]
    questions = {question.code: question for question in instrument.questions.prefetch_related("options")}
    options = {code: list(question.options.all()) for code, question in questions.items()}
    chapters = list(ThematicChapter.objects.order_by("number"))
    countries = list(Country.objects.values_list("pk", flat=True))
    categories = list(StakeholderCategory.objects.values_list("pk", flat=True))
    genders = ["female", "female", "male", "male", "male", "another", "undisclosed"]
    randomly = random.Random(2021)  # the same data every run
    today = datetime.date.today()
    for start in range(0, responses, BATCH):
        size = min(BATCH, responses - start)
        batch = Response.objects.bulk_create(
            Response(
                instrument=instrument,
                round=rounds[randomly.random() < 0.6],
                country_id=randomly.choice(countries),
                category_id=randomly.choice(categories),
                gender=randomly.choice(genders),
                language=randomly.choice(["az", "az", "ru", "en"]),
                submitted_on=today - datetime.timedelta(days=randomly.randrange(60)),
            )
            for _ in range(size)
        )
        answers: list[Answer] = []
        for response in batch:
            for code in ("single", "likert", "knowledge"):
                option = randomly.choice(options[code])
                answers.append(Answer(response=response, question=questions[code], option=option, score=option.score))
            for option in randomly.sample(options["multiple"], randomly.randint(1, 3)):
                answers.append(Answer(response=response, question=questions["multiple"], option=option))
            for option in randomly.sample(options["knowledge_multi"], randomly.randint(1, 2)):
                answers.append(Answer(response=response, question=questions["knowledge_multi"], option=option))
            for chapter in chapters:
                draw = randomly.random()
                if draw < 0.08:
                    continue  # left unrated
                if draw < 0.18:
                    answers.append(Answer(response=response, question=questions["grid"], chapter=chapter, not_applicable=True))
                else:
                    answers.append(Answer(response=response, question=questions["grid"], chapter=chapter, score=randomly.randint(1, 4)))
            answers.append(Answer(response=response, question=questions["number"], number=Decimal(randomly.randrange(0, 100_000)) / 100))
            if randomly.random() < 0.3:
                answers.append(Answer(response=response, question=questions["short"], text=randomly.choice(TEXTS)[:50]))
            if randomly.random() < 0.1:
                answers.append(Answer(response=response, question=questions["long"], text=" ".join(randomly.sample(TEXTS, 3))))
        Answer.objects.bulk_create(answers, batch_size=2_000)
    return instrument


# --- naive versions ------------------------------------------------------------------------


def naive_summary(instrument: Any, responses: Any, seconds: float) -> tuple[dict[str, Any], int, float]:
    """The summary's figures as a first draft computes them: every response and its answers loaded in Python.

    Returns the figures, the responses covered and the seconds taken (it stops after `seconds`)."""
    from assessments.instruments import instrument_questions

    questions = {question.pk: question for question in instrument_questions(instrument)}
    options: dict[int, int] = defaultdict(int)
    grid: dict[tuple[int, int, Any], int] = defaultdict(int)
    numbers: dict[int, list[Decimal]] = defaultdict(list)
    answered: dict[int, set[int]] = defaultdict(set)
    chosen: dict[tuple[int, int], set[int]] = defaultdict(set)
    texts: dict[int, list[str]] = defaultdict(list)
    covered = 0
    started = time.perf_counter()
    for response in responses:
        for answer in response.answers.all():  # one query per response
            if answer.chapter_id is None:  # the summary does not count who answered a grid (see each chapter's "no answer")
                answered[answer.question_id].add(response.pk)
            if answer.option_id is not None:
                options[answer.option_id] += 1
                chosen[(response.pk, answer.question_id)].add(answer.option_id)
            elif answer.chapter_id is not None:
                grid[(answer.question_id, answer.chapter_id, "na" if answer.not_applicable else answer.score)] += 1
            elif answer.number is not None:
                numbers[answer.question_id].append(answer.number)
            elif answer.text:
                texts[answer.question_id].append(answer.text)
        covered += 1
        if time.perf_counter() - started > seconds:
            break
    elapsed = time.perf_counter() - started
    right: dict[int, int] = defaultdict(int)
    for (_response, question_id), ids in chosen.items():
        question = questions[question_id]
        if question.kind == "knowledge" and ids == {o.pk for o in question.options.all() if o.is_correct}:
            right[question_id] += 1
    figures = {
        "answered": {pk: len(ids) for pk, ids in answered.items()},
        "options": dict(options),
        "grid": dict(grid),
        "number_median": {pk: float(statistics.median(values)) for pk, values in numbers.items()},
        "number_mean": {pk: round(float(sum(values) / len(values)), 6) for pk, values in numbers.items()},
        "right": dict(right),
        "texts": {pk: len(values) for pk, values in texts.items()},
    }
    return figures, covered, elapsed


def figures_of(results: Any) -> dict[str, Any]:
    """The same figures read from `summarise`'s result."""
    figures: dict[str, Any] = {"answered": {}, "options": {}, "grid": {}, "number_median": {}, "number_mean": {}, "right": {}, "texts": {}}
    for result in results.questions:
        pk = result.question.pk
        if result.answered:
            figures["answered"][pk] = result.answered
        for item in result.options:
            if item.count:
                figures["options"][item.option.pk] = item.count
        for chapter in result.chapters:
            for score, count in chapter.scores.items():
                if count:
                    figures["grid"][(pk, chapter.chapter.pk, score)] = count
            if chapter.not_applicable:
                figures["grid"][(pk, chapter.chapter.pk, "na")] = chapter.not_applicable
        if result.is_number and result.answered:
            figures["number_median"][pk] = result.median
            figures["number_mean"][pk] = round(result.mean, 6)
        if result.is_knowledge and result.right:
            figures["right"][pk] = result.right
        if result.is_text and result.answered:
            figures["texts"][pk] = result.answered
    return figures


def naive_export(instrument: Any, language: str, seconds: float) -> tuple[list[list[str]], int, float]:
    """The export as a first draft writes it: for each response, its answers, country, category, round, session and
    respondent queried one at a time. Returns the CSV rows (as text), the responses covered and the seconds taken."""
    from django.utils import translation

    from assessments import exports
    from assessments.instruments import chapters, instrument_questions
    from assessments.models import Response, in_language
    from people.models import User

    questions = instrument_questions(instrument)
    chapter_list = chapters()
    with translation.override(language):
        genders = {value: str(label) for value, label in User.Gender.choices}
    rows: list[list[str]] = []
    covered = 0
    started = time.perf_counter()
    for number, response in enumerate(Response.objects.filter(instrument=instrument).order_by("pk"), start=1):
        row: list[Any] = [
            number,
            response.submitted_on,
            in_language(response.country, "name", language) if response.country_id else "",  # a query
            in_language(response.category, "name", language) if response.category_id else "",  # a query
            genders.get(response.gender, response.gender),
            f"{response.round.year}: {in_language(response.round, 'title', language)}" if response.round_id else "",  # a query
            str(response.session) if response.session_id else "",
        ]
        if not instrument.is_anonymous:
            row.append(response.respondent.organisation_name if response.respondent_id else "")
        answers = list(response.answers.all())  # a query
        for question in questions:
            mine = [answer for answer in answers if answer.question_id == question.pk]
            if question.kind == "multiple":
                ids = {answer.option_id for answer in mine}
                row += [(1 if option.pk in ids else 0) if mine else None for option in question.options.all()]
            elif question.kind == "priority_grid":
                by_chapter = {answer.chapter_id: "NA" if answer.not_applicable else answer.score for answer in mine}
                row += [by_chapter.get(chapter.pk) for chapter in chapter_list]
            elif question.kind == "knowledge":
                values = {option.pk: option.value for option in question.options.all()}
                correct = {option.pk for option in question.options.all() if option.is_correct}
                ids = [answer.option_id for answer in mine]
                row += ["; ".join(values[pk] for pk in ids) or None, question.points if ids and set(ids) == correct else 0]
            elif not mine:
                row.append(None)
            elif question.kind == "likert":
                row.append(next(o.score for o in question.options.all() if o.pk == mine[0].option_id))
            elif question.kind == "single":
                row.append(next(o.value for o in question.options.all() if o.pk == mine[0].option_id))
            elif question.kind == "number":
                row.append(mine[0].number)
            else:
                row.append(mine[0].text)
        rows.append([exports._csv_text(value) for value in row])
        covered += 1
        if time.perf_counter() - started > seconds:
            break
    return rows, covered, time.perf_counter() - started


# --- measuring -----------------------------------------------------------------------------


class QueryCount:
    """Counts the queries run inside it (without keeping them, unlike CaptureQueriesContext's 9,000)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __len__(self) -> int:
        return self.count


@contextmanager
def counting_queries() -> Iterator[QueryCount]:
    from django.db import connection

    counter = QueryCount()
    with connection.execute_wrapper(counter):
        yield counter


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def extrapolated(seconds: float, covered: int, total: int) -> tuple[float, str]:
    """The time for every response, and a note when it was extrapolated from fewer."""
    if covered >= total:
        return seconds, "measured over every response"
    return (
        seconds * total / covered,
        f"EXTRAPOLATED: measured over the first {covered:,} responses in {seconds:.1f} s, times {total / covered:.1f}",
    )


def run(args: argparse.Namespace, var_dir: Path) -> int:
    """Build the responses, time the summary and the export against their naive versions, check them and print the figures."""
    from django.db import connection

    from assessments import exports
    from assessments.models import Answer, Response
    from assessments.results import ResultFilters, summarise
    from people.models import Country

    started = time.perf_counter()
    with writes_unsynced():
        instrument = build(args.responses)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load: the planner needs the new row counts
    total = Response.objects.filter(instrument=instrument).count()
    answers = Answer.objects.filter(response__instrument=instrument).count()
    print(f"database: {connection.vendor}; {total:,} responses with {answers:,} answers stored in {time.perf_counter() - started:.1f} s")
    print(f"machine: {os.cpu_count()} CPUs; target: {TARGET}")

    # (a) the summary
    summarise(instrument, ResultFilters(), "az")  # warm-up
    seconds: list[float] = []
    with counting_queries() as queries:
        for _ in range(args.runs):
            one = time.perf_counter()
            summarise(instrument, ResultFilters(), "az")
            seconds.append(time.perf_counter() - one)
    summary_queries = len(queries) // args.runs
    summary_median = statistics.median(seconds)
    print(f"(a) summarise: median {summary_median:.3f} s, p95 {p95(seconds):.3f} s over {args.runs} runs; {summary_queries} queries a run")
    responses = Response.objects.filter(instrument=instrument).order_by("pk")
    with counting_queries() as queries:
        _figures, covered, naive_seconds = naive_summary(instrument, responses, args.naive_seconds)
    naive_total, note = extrapolated(naive_seconds, covered, total)
    print(
        f"    naive summary (a query per response, answers looped in Python): {naive_total:.1f} s, {len(queries):,} queries ({note}); "
        f"ratio naive / summarise {naive_total / summary_median:.0f}x"
    )
    country = Country.objects.get(iso_code="AZ")
    group = ResultFilters(country_id=country.pk)
    summarise(instrument, group, "az")  # warm-up
    one = time.perf_counter()
    group_results = summarise(instrument, group, "az")
    group_seconds = time.perf_counter() - one
    naive_group, _covered, naive_group_seconds = naive_summary(instrument, responses.filter(country=country), float("inf"))
    same_summary = naive_group == figures_of(group_results)
    print(
        f"    filtered to one country ({group_results.responses:,} responses from Azerbaijan): summarise {group_seconds:.3f} s, "
        f"naive {naive_group_seconds:.1f} s; same figures: {'yes' if same_summary else 'NO'}"
    )

    # (b) the export
    path = var_dir / "export.csv"
    with counting_queries() as queries:
        one = time.perf_counter()
        header, rows = exports.export_table(instrument, ResultFilters(), "ru")
        written = exports.write_csv(path, header, rows)
        export_seconds = time.perf_counter() - one
    size = path.stat().st_size
    print(
        f"(b) CSV export: {written:,} rows x {len(header)} columns in {export_seconds:.1f} s ({written / export_seconds:,.0f} rows per second), "
        f"{len(queries)} queries, {size / 1_000_000:.1f} MB"
    )
    with counting_queries() as queries:
        naive_rows, covered, naive_seconds = naive_export(instrument, "ru", args.naive_seconds)
    naive_total, note = extrapolated(naive_seconds, covered, total)
    per_row = len(queries) / covered
    print(
        f"    naive export (queries per row): {naive_total:.1f} s, {per_row:.1f} queries a row, {per_row * total:,.0f} for every row ({note}); "
        f"ratio naive / export {naive_total / export_seconds:.0f}x"
    )
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        next(reader)
        fast_rows = [row for _n, row in zip(range(len(naive_rows)), reader, strict=False)]
    same_rows = fast_rows == naive_rows
    print(f"    same cells as the naive export in the first {len(naive_rows):,} rows: {'yes' if same_rows else 'NO'}")
    return 0 if same_summary and same_rows and written == total else 1


def main() -> int:
    """Run in a throwaway database and remove it afterwards."""
    args = parse_args()
    return in_throwaway_database(args.database_url, lambda var_dir: run(args, var_dir))


if __name__ == "__main__":
    sys.exit(main())
