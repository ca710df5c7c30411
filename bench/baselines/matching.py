"""Experts ranked the naive way: every candidate loaded and scored in a Python loop."""

from __future__ import annotations

from experts.matching import ExplainContext, Match, MatchRequest, candidates, for_explaining, score_expert


def rank_experts_naively(request: MatchRequest, *, limit: int = 20) -> list[Match]:
    """The baseline of the benchmark and the tests: every candidate loaded and scored in a Python loop."""
    context = ExplainContext.load(request)
    excluded = set(request.exclude_expert_ids)
    matches = []
    for expert in for_explaining(candidates()):
        if expert.pk in excluded:
            continue
        score, reasons = score_expert(expert, request, context)
        matches.append(Match(expert=expert, score=score, reasons=reasons))
    matches.sort(key=lambda match: (-match.score, match.expert.pk))
    return matches[:limit]
