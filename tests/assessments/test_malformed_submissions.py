"""A thousand malformed submissions through a personal link: each gets a 4xx, none stores anything."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Answer, Respondent, Response
from tests.factories.assessments import RespondentFactory, sample_instrument

pytestmark = pytest.mark.django_db

_any_text = st.text(st.characters(codec="utf-8"), max_size=80)
_values = st.lists(st.one_of(_any_text, st.sampled_from(["a", "b", "c", "1", "4", "na", "12,5", "-0", "NaN", "1e999"])), max_size=3)


def _invalid_part(fields: dict[str, str]):
    """One value that no instrument accepts, for a known or unknown field."""
    return st.one_of(
        st.builds(lambda n, v: (f"q-{n}", [v]), st.integers(min_value=10_000_000, max_value=10**10), _any_text),  # unknown question
        st.builds(
            lambda name, v: (name, [v]),
            st.sampled_from([fields["single"], fields["likert"]]),
            # blank text is no answer (valid in a saved draft), so not malformed
            st.text(min_size=1).filter(lambda v: v.strip() and v.strip() not in {"a", "b", "c", "1", "2", "3", "4", "5"}),
        ),
        st.builds(lambda v: (fields["single"], ["a", v]), st.sampled_from(["b", "c"])),  # two answers to a single choice
        st.builds(
            lambda v: (fields["number"], [v]),
            st.text(min_size=1).filter(lambda v: not v.strip().lstrip("-").replace(",", "").replace(".", "").isdigit() and v.strip() != ""),
        ),
        st.builds(lambda n: (fields["number"], [str(n)]), st.integers(min_value=1001, max_value=10**30)),  # above the maximum
        st.builds(lambda v: (fields["short"], ["x" * 51 + v]), _any_text),  # too long
        st.builds(lambda v: (fields["long"], [v + "\x00"]), _any_text),  # NUL
        st.builds(
            lambda c, v: (f"{fields['grid']}-c{c}", [v]),
            st.integers(min_value=1, max_value=22),
            st.text(min_size=1).filter(lambda v: v.strip() and v.strip().lower() not in {"1", "2", "3", "4", "na"}),
        ),
        st.builds(lambda c: (f"{fields['grid']}-c{c}", ["3"]), st.integers(min_value=23, max_value=999)),  # no such chapter
        st.builds(lambda v: (fields["multiple"], ["a", "a", v]), _any_text),  # the same option twice
    )


@pytest.fixture(autouse=True)
def _no_survey_rate_limit(settings) -> None:
    """Each submission must reach the validation, not the rate limit's 429 (tests/assessments/test_survey_rate_limit.py)."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "survey_submit": None}


@pytest.fixture
def respondent(site):
    instrument = sample_instrument(required=True)
    respondent = RespondentFactory(instrument=instrument)
    respondent.round.instruments.add(instrument)
    return respondent


def test_a_thousand_malformed_submissions_get_a_4xx_and_store_nothing(client, respondent):
    fields = {question.code: question.field_name for question in respondent.instrument.questions.all()}
    url = f"/ru/surveys/link/{respondent.token}/"
    statuses: list[int] = []

    @settings(
        max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], database=None
    )
    @given(
        noise=st.dictionaries(st.sampled_from(sorted(fields.values())), _values, max_size=6),
        bad=_invalid_part(fields),
        action=st.sampled_from(["submit", "save"]),
    )
    def post(noise: dict[str, list[str]], bad: tuple[str, list[str]], action: str) -> None:
        data = {**noise, bad[0]: bad[1], "action": action}
        response = client.post(url, data)
        statuses.append(response.status_code)
        assert 400 <= response.status_code < 500 and response.status_code != 429, (data, response.status_code)

    post()

    assert len(statuses) >= 1000
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    stored = Respondent.objects.get(pk=respondent.pk)
    assert stored.draft == {} and stored.submitted_at is None and stored.draft_saved_at is None
