"""Recomputing the priority matrix over 1,000,000 answers: `snapshot_compute` against the naive Python loop.

Issue (priority matrix): "recompute over 1,000,000 answers; under 2 s on PostgreSQL and at least 20x faster than a
naive Python loop measured in the same run". The script builds a throwaway database (a SQLite file in a temp dir,
or a PostgreSQL database it creates next to the one --database-url names, and drops afterwards), migrates it, loads
the reference data and stores one needs-assessment questionnaire with a 22-chapter priority grid and --answers
priority answers: ceil(answers / 22) responses spread over the 13 countries and 3 stakeholder categories
(government, civil society, media), each rating every chapter 1-4, or "not applicable" about 5% of the time. Each
country and chapter leans towards a score of its own, so the medians differ from cell to cell. Responses go in with
bulk_create, answers with executemany (SQLite) or COPY (PostgreSQL).

(a) `assessments.matrix.snapshot_compute` of a median snapshot over every round: median, fastest and slowest of
    --runs runs, and where its time goes: the priority GROUP BY (`priority_tallies`), the evaluation and delivery
    aggregates (four more queries), and the rest (building the 22 x 13 x 4 cells in Python and writing them);
(b) `bench.baselines.matrix.naive_recompute`, every answer read into Python and the medians taken by sorting, once;
and checks that both give the same median for every country and chapter (the all-categories cells).

    .venv/bin/python bench/matrix_recompute.py                  # SQLite, 1,000,000 answers
    .venv/bin/python bench/matrix_recompute.py --answers 100000 # smaller
    .venv/bin/python bench/matrix_recompute.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from catalogue import in_throwaway_database, writes_unsynced

TARGET_SECONDS = 2.0
TARGET_RATIO = 20.0
CHAPTERS = 22
NOT_APPLICABLE_SHARE = 0.05
RESPONSE_BATCH = 5_000
ANSWER_BATCH = 50_000
CATEGORY_CODES = ("government", "cso", "media")


def parse_args() -> argparse.Namespace:
    """The command line: how many answers, timed runs, and the database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000, help="priority answers stored (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of snapshot_compute (default 3)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="postgres://user@host:port/maintenance_db: a throwaway database is created beside it (default: $DATABASE_URL, else SQLite)",
    )
    args = parser.parse_args()
    if args.answers < CHAPTERS or args.runs < 1:
        parser.error(f"--answers must be at least {CHAPTERS} (one response), --runs at least 1")
    if args.database_url and urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("--database-url must start with postgres:// or postgresql://")
    return args


def _answer_rows(
    response_ids: list[int],
    question_id: int,
    chapters: list[int],
    leaning: dict[tuple[int, int], int],
    countries: dict[int, int],
    randomly: random.Random,
) -> Iterator[tuple[Any, ...]]:
    """(response, question, option, chapter, score, not applicable, number, text) of every chapter of each response."""
    for response_id in response_ids:
        country = countries[response_id]
        for chapter in chapters:
            draw = randomly.random()
            if draw < NOT_APPLICABLE_SHARE:
                yield (response_id, question_id, None, chapter, None, True, None, "")
            elif draw < 0.5:
                yield (response_id, question_id, None, chapter, leaning[(country, chapter)], False, None, "")
            else:
                yield (response_id, question_id, None, chapter, randomly.randint(1, 4), False, None, "")


def _insert_answers(rows: list[tuple[Any, ...]]) -> None:
    """Write answer rows the fastest way the database offers: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    from assessments.models import Answer

    table = connection.ops.quote_name(Answer._meta.db_table)
    columns = "response_id, question_id, option_id, chapter_id, score, not_applicable, number, text"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)  # noqa: S608 - our own table name


def build(answers: int) -> dict[str, int]:
    """Migrate, load the reference data and store the questionnaire, its responses and `answers` priority answers."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from assessments.models import Instrument, InstrumentStatus, Purpose, Question, QuestionKind, Response, Round, RoundStatus
    from curriculum.models import ThematicChapter
    from people import services
    from people.models import Country, StakeholderCategory

    call_command("migrate", verbosity=0, interactive=False)
    services.reference_data_load()
    instrument = Instrument.objects.create(
        code="bench-needs",
        title_az="Ehtiyacların qiymətləndirilməsi",
        title_ru="Оценка потребностей",
        title_en="Needs assessment",
        purpose=Purpose.NEEDS_ASSESSMENT,
        status=InstrumentStatus.PUBLISHED,
    )
    question = Question.objects.create(
        instrument=instrument,
        code="priorities",
        kind=QuestionKind.PRIORITY_GRID,
        text_az="Prioritetlər",
        text_ru="Приоритеты",
        text_en="Priorities",
        required=False,
        sort_order=1,
    )
    survey_round = Round.objects.create(
        year=2026, title_az="Raund", title_ru="Раунд", title_en="Round", deadline=datetime.date(2026, 12, 31), status=RoundStatus.OPEN
    )
    survey_round.instruments.add(instrument)
    countries = list(Country.objects.values_list("pk", flat=True))
    categories = list(StakeholderCategory.objects.filter(code__in=CATEGORY_CODES).values_list("pk", flat=True))
    chapters = list(ThematicChapter.objects.order_by("number").values_list("pk", flat=True))
    randomly = random.Random(20260522)  # the same data every run
    leaning = {(country, chapter): randomly.randint(1, 4) for country in countries for chapter in chapters}
    responses = math.ceil(answers / CHAPTERS)
    today = datetime.date.today()
    stored = 0
    with writes_unsynced(), transaction.atomic():
        for start in range(0, responses, RESPONSE_BATCH):
            batch = Response.objects.bulk_create(
                Response(
                    instrument=instrument,
                    round=survey_round,
                    country_id=randomly.choice(countries),
                    category_id=randomly.choice(categories),
                    language="az",
                    submitted_on=today,
                )
                for _ in range(min(RESPONSE_BATCH, responses - start))
            )
            country_of = {response.pk: response.country_id for response in batch}
            rows = list(_answer_rows(list(country_of), question.pk, chapters, leaning, country_of, randomly))
            rows = rows[: answers - stored]  # the last response may rate fewer chapters, to store exactly `answers`
            for offset in range(0, len(rows), ANSWER_BATCH):
                _insert_answers(rows[offset : offset + ANSWER_BATCH])
            stored += len(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would give a real database after a bulk load
    return {"responses": responses, "answers": stored}


def timed(function: Any, *args: Any) -> tuple[float, Any]:
    """Seconds one call takes, and what it returned."""
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def run(args: argparse.Namespace) -> int:
    """Build the data, time both recomputes, check they agree and print the figures."""
    from django.db import connection

    from assessments import matrix
    from assessments.models import MatrixCell, MatrixRule, MatrixSnapshot, SnapshotKind
    from bench.baselines.matrix import naive_recompute

    started = time.perf_counter()
    counts = build(args.answers)
    built = time.perf_counter() - started
    vendor = connection.vendor
    print(f"database: {vendor}; {counts['answers']:,} priority answers in {counts['responses']:,} responses stored in {built:.1f} s")

    def new_snapshot() -> MatrixSnapshot:
        return MatrixSnapshot.objects.create(kind=SnapshotKind.RECOMPUTE, label="bench", rule=MatrixRule.MEDIAN, parameters={"rounds": []})

    matrix.snapshot_compute(new_snapshot())  # warm-up: caches, the query planner, the first bulk insert
    MatrixSnapshot.objects.all().delete()
    computes: list[float] = []
    snapshot = None
    for _run in range(args.runs):
        if snapshot is not None:
            snapshot.delete()  # the cell table stays the size of one snapshot
        snapshot = new_snapshot()
        elapsed, _result = timed(matrix.snapshot_compute, snapshot)
        computes.append(elapsed)
    tallies_s, _tallies = timed(matrix.priority_tallies, None)
    others_s = sum(
        timed(function)[0] for function in (matrix.further_training_means, matrix.relevance_means, matrix.knowledge_gains, matrix.delivery)
    )
    naive_s, naive = timed(naive_recompute)

    cells = {
        (cell.country_id, cell.chapter_id): cell.value
        for cell in MatrixCell.objects.filter(snapshot=snapshot, category__isnull=True).only("country_id", "chapter_id", "value")
    }
    scored = {key: value for key, value in cells.items() if value is not None}
    same = scored.keys() == naive.keys() and all(scored[key] == Decimal(value) for key, value in naive.items())
    median = statistics.median(computes)
    ratio = naive_s / median
    print(f"snapshot_compute:   median {median:.2f} s (fastest {min(computes):.2f}, slowest {max(computes):.2f}) over {len(computes)} runs")
    rest = max(0.0, median - tallies_s - others_s)
    print(
        f"  where the time goes: priority GROUP BY {tallies_s:.2f} s, evaluation and delivery aggregates {others_s:.2f} s, "
        f"cells built and written {rest:.2f} s ({len(cells)} all-categories cells, {MatrixCell.objects.filter(snapshot=snapshot).count()} in all)"
    )
    print(f"naive Python loop:  {naive_s:.2f} s (1 run)")
    print(f"ratio naive / snapshot_compute: {ratio:.1f}x; same median in all {len(scored)} scored cells: {'yes' if same else 'NO'}")
    target = f"target: under {TARGET_SECONDS:.0f} s on PostgreSQL and at least {TARGET_RATIO:.0f}x faster"
    if vendor == "postgresql":
        print(f"{target} -> {'met' if median < TARGET_SECONDS and ratio >= TARGET_RATIO else 'NOT met'}")
    else:
        print(f"{target} -> ratio {'met' if ratio >= TARGET_RATIO else 'NOT met'} here; the time target is for PostgreSQL")
    return 0 if same else 1


def main() -> int:
    """Run in a throwaway database and remove it afterwards."""
    args = parse_args()
    return in_throwaway_database(args.database_url, lambda _var_dir: run(args))


if __name__ == "__main__":
    sys.exit(main())
