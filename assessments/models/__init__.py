"""The assessments app's models: survey instruments (surveys), rounds, respondents and answers (responses), the priority matrix (matrix)."""

from assessments.models.matrix import *  # noqa: F403
from assessments.models.responses import *  # noqa: F403
from assessments.models.surveys import *  # noqa: F403
