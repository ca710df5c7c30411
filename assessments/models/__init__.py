"""The assessments app's models: survey instruments and answers (surveys), the priority matrix (matrix)."""

from assessments.models.matrix import *  # noqa: F403
from assessments.models.surveys import *  # noqa: F403
