"""The priority matrix recomputed the naive way: every priority answer read into Python, medians by sorting."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from assessments.models import Answer, Purpose, QuestionKind


def naive_recompute(round_ids: Iterable[int] | None = None) -> dict[tuple[int, int], Decimal | None]:
    """The baseline for the benchmark: every priority answer read into Python, medians by sorting lists."""
    values: dict[tuple[int, int], list[int]] = defaultdict(list)
    answers = Answer.objects.filter(question__kind=QuestionKind.PRIORITY_GRID, response__instrument__purpose=Purpose.NEEDS_ASSESSMENT)
    if round_ids:
        answers = answers.filter(response__round_id__in=list(round_ids))
    for answer in answers.select_related("response").iterator(chunk_size=5000):
        if answer.score is not None and answer.response.country_id is not None:
            values[(answer.response.country_id, answer.chapter_id)].append(answer.score)
    result = {}
    for key, scores in values.items():
        scores.sort()
        middle = len(scores) // 2
        result[key] = Decimal(scores[middle]) if len(scores) % 2 else Decimal(scores[middle - 1] + scores[middle]) / 2
    return result
