"""Reads of the expert roster."""

from __future__ import annotations

from django.db.models import QuerySet

from experts.models import ExpertProfile, ExpertStatus


def roster() -> QuerySet[ExpertProfile]:
    """Every expert with the account and country the admin listing shows."""
    return ExpertProfile.objects.select_related("user", "country_of_residence", "organisation_type")


def public_expert(expert_id: int) -> ExpertProfile | None:
    """A vetted expert who consented to be listed, with what the public page may show, or None."""
    return (
        ExpertProfile.objects.filter(pk=expert_id, status=ExpertStatus.VETTED, consent_to_be_listed=True)
        .select_related("user", "country_of_residence")
        .prefetch_related("chapter_links__chapter", "language_links__language")
        .first()
    )
