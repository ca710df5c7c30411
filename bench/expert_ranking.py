"""Ranking 5,000 experts for a session: time of the top 20 in the database against a naive Python loop.

Issue 4's target: "bench/ ranks 5,000 experts for a session; prints the time for the top 20 and the
ratio against a naive Python loop over all experts measured in the same run (target: under 200 ms
and at least 5x faster)". The script builds a throwaway database (a SQLite file in a temp dir, or a
PostgreSQL database it creates and drops with --database-url), migrates it, loads the reference data
and writes --experts vetted experts in bulk (1-3 chapters, 2-3 languages with levels, 0-3 countries
of field experience, 1-2 availability windows, 3 organisations, women, men and others). The request
is a session's: two chapters, Russian as the language of delivery, participants from three Central
Asian countries and one organisation, dates in May, and a trainer team of one man.

`experts.matching.rank_experts` ranks in one query and explains the 20 it returns;
`bench.baselines.matching.rank_experts_naively` loads every expert with its chapters, languages, countries and windows and
scores each in Python with the same function. The two are interleaved and must return the same 20
experts in the same order.

    .venv/bin/python bench/expert_ranking.py                  # SQLite, 5,000 experts
    .venv/bin/python bench/expert_ranking.py --quick          # smoke run: 500 experts, fewer rounds
    .venv/bin/python bench/expert_ranking.py --database-url postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time

from catalogue import in_throwaway_database

TARGET_MS = 200.0
TARGET_RATIO = 5.0


def parse_args() -> argparse.Namespace:
    """The command line: roster size, rounds and the database to run against."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experts", type=int, default=5000, help="vetted experts in the roster (default 5000)")
    parser.add_argument("--rounds", type=int, default=30, help="timed rankings in the database (default 30)")
    parser.add_argument("--naive-rounds", type=int, default=5, help="timed naive rankings (default 5)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 500 experts, 10 and 3 rounds")
    parser.add_argument("--database-url", default="", help="postgres://user@host:port/maintenance_db to run on PostgreSQL")
    args = parser.parse_args()
    if args.quick:
        args.experts, args.rounds, args.naive_rounds = 500, 10, 3
    return args


def build_roster(count: int, rng: random.Random) -> None:
    """`count` vetted experts with chapters, languages, countries and windows, written in bulk."""
    from curriculum.models import ThematicChapter
    from experts.models import (
        AvailabilityWindow,
        ExpertChapter,
        ExpertLanguage,
        ExpertProfile,
        ExpertStatus,
        LanguageLevel,
        fold_for_search,
    )
    from people.models import Country, Language, User

    chapters = list(ThematicChapter.objects.all())
    languages = list(Language.objects.filter(code__in=["az", "ru", "en", "kk", "uz", "tg", "ky", "tr"]))
    countries = list(Country.objects.all())
    genders = [User.Gender.FEMALE, User.Gender.MALE, User.Gender.FEMALE, User.Gender.MALE, User.Gender.ANOTHER]
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.org", first_name="Bench", last_name=f"Expert {n}", gender=rng.choice(genders)) for n in range(count)
    )
    organisations = ["Fictional Institute", "Demo Ministry", "Sample University"]
    profiles = []
    for user in users:
        organisation = rng.choice(organisations)
        profiles.append(
            ExpertProfile(
                user=user,
                nationality="Fictional",
                country_of_residence=rng.choice(countries),
                organisation_name=organisation,
                organisation_key=fold_for_search(organisation),
                status=ExpertStatus.VETTED,
                search_text=fold_for_search(f"{user.first_name} {user.last_name} {user.email}"),
            )
        )
    profiles = ExpertProfile.objects.bulk_create(profiles, batch_size=1000)
    chapter_links, language_links, windows, field_links = [], [], [], []
    through = ExpertProfile.field_countries.through
    for expert in profiles:
        for chapter in rng.sample(chapters, rng.randint(1, 3)):
            chapter_links.append(ExpertChapter(expert=expert, chapter=chapter, depth=rng.choice(["lead", "practitioner"])))
        for language in rng.sample(languages, rng.randint(2, 3)):
            language_links.append(ExpertLanguage(expert=expert, language=language, level=rng.choice(LanguageLevel.values)))
        for country in rng.sample(countries, rng.randint(0, 3)):
            field_links.append(through(expertprofile_id=expert.pk, country_id=country.pk))
        for _window in range(rng.randint(1, 2)):
            start = datetime.date(2027, 1, 1) + datetime.timedelta(days=rng.randint(0, 330))
            windows.append(AvailabilityWindow(expert=expert, start=start, end=start + datetime.timedelta(days=rng.randint(5, 60))))
    ExpertChapter.objects.bulk_create(chapter_links, batch_size=2000)
    ExpertLanguage.objects.bulk_create(language_links, batch_size=2000)
    through.objects.bulk_create(field_links, batch_size=2000)
    AvailabilityWindow.objects.bulk_create(windows, batch_size=2000)


def session_request() -> object:
    """A session's request: chapters 13 and 14 in Russian for Central Asian participants in May."""
    from curriculum.models import ThematicChapter
    from experts.matching import MatchRequest
    from people.models import Country, Language, User

    return MatchRequest(
        chapter_ids=tuple(ThematicChapter.objects.filter(number__in=[13, 14]).values_list("pk", flat=True)),
        language_id=Language.objects.get(code="ru").pk,
        country_ids=tuple(Country.objects.filter(iso_code__in=["KZ", "UZ", "TJ"]).values_list("pk", flat=True)),
        start=datetime.date(2027, 5, 10),
        end=datetime.date(2027, 5, 14),
        team_genders=(User.Gender.MALE,),
        participant_organisations=("Demo Ministry",),
    )


def timed_ms(function: object, *args: object, **kwargs: object) -> tuple[float, object]:
    """Milliseconds one call takes, and what it returned."""
    started = time.perf_counter()
    result = function(*args, **kwargs)  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000, result


def p95(samples: list[float]) -> float:
    """The 95th percentile of the samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(args: argparse.Namespace) -> int:
    """Build the roster, time both rankings interleaved, check they agree and print the figures."""
    from django.core.management import call_command
    from django.db import connection

    from bench.baselines.matching import rank_experts_naively
    from experts import matching
    from people import services

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    services.reference_data_load()
    build_roster(args.experts, random.Random(20270510))
    print(f"database: {connection.vendor}; roster of {args.experts} vetted experts built in {time.perf_counter() - started:.1f} s")

    request = session_request()
    for _warmup in range(2):
        matching.rank_experts(request, limit=20)
    fast: list[float] = []
    naive: list[float] = []
    fast_top = naive_top = None
    naive_every = max(1, args.rounds // max(1, args.naive_rounds))
    for round_number in range(args.rounds):
        elapsed, result = timed_ms(matching.rank_experts, request, limit=20)
        fast.append(elapsed)
        fast_top = [(m.expert.pk, round(m.score, 6)) for m in result]
        if round_number % naive_every == 0 and len(naive) < args.naive_rounds:
            elapsed, result = timed_ms(rank_experts_naively, request, limit=20)
            naive.append(elapsed)
            naive_top = [(m.expert.pk, round(m.score, 6)) for m in result]
    same = fast_top == naive_top
    fast_median, naive_median = statistics.median(fast), statistics.median(naive)
    ratio = naive_median / fast_median
    print(f"top 20 in the database: median {fast_median:.1f} ms, p95 {p95(fast):.1f} ms over {len(fast)} rankings")
    print(f"naive Python loop:      median {naive_median:.1f} ms, p95 {p95(naive):.1f} ms over {len(naive)} rankings")
    print(f"ratio naive / database: {ratio:.1f}x; same top 20 in the same order: {'yes' if same else 'NO'}")
    print(
        f"target (issue 4): under {TARGET_MS:.0f} ms and at least {TARGET_RATIO:.0f}x faster -> "
        f"{'met' if fast_median < TARGET_MS and ratio >= TARGET_RATIO else 'NOT met'}"
    )
    return 0 if same else 1


def main() -> int:
    """Run in a throwaway database and remove it afterwards."""
    args = parse_args()
    return in_throwaway_database(args.database_url, lambda _var_dir: run(args))


if __name__ == "__main__":
    sys.exit(main())
