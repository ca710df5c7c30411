"""The completion rule's seam for the knowledge tests, which live in a higher app.

`assessments` registers its post-test check here in its `ready()`. The seam fails closed: while nothing is registered,
a participant of a session that has a post-test has not passed it (an ERROR is logged once per process), so a missing
registration holds certificates back instead of issuing them to everyone. A session without a post-test is unaffected.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from curriculum.models import SessionApplication, TrainingSession

logger = logging.getLogger(__name__)

# (session) -> (application -> passed?), asked once per session so the check reads every participant in a few queries.
PostTestCheck = Callable[[TrainingSession], Callable[[SessionApplication], bool]]

# The value of a session's post-test survey purpose (`assessments.models.Purpose.POST_TEST`), read here by value so
# curriculum needs no import from assessments.
POST_TEST_PURPOSE = "post_test"

_registered: list[PostTestCheck] = []
_missing_logged: list[bool] = []


def register_post_test_check(check: PostTestCheck) -> None:
    """Register the post-test check (the latest registration wins, so a reloaded app does not stack checks)."""
    _registered[:] = [check]


def session_has_post_test(session: TrainingSession) -> bool:
    """Whether the session uses a post-test; False while no app adds surveys to sessions."""
    surveys = getattr(session, "surveys", None)
    return surveys is not None and surveys.filter(purpose=POST_TEST_PURPOSE).exists()


def _not_passed(application: SessionApplication) -> bool:
    return False


def _passed(application: SessionApplication) -> bool:
    return True


def post_test_check(session: TrainingSession) -> Callable[[SessionApplication], bool]:
    """The registered check for this session's participants; without one, not passed when the session has a post-test."""
    if _registered:
        return _registered[0](session)
    if not session_has_post_test(session):
        return _passed
    if not _missing_logged:
        _missing_logged.append(True)
        logger.error(
            "No post-test check is registered (curriculum.completion.register_post_test_check): participants of sessions "
            "with a post-test are held as not passed, so these sessions complete no one."
        )
    return _not_passed
