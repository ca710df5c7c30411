"""Curriculum models: the page tree (pages.py) and the deliveries of modules, with their applications (sessions.py)."""

from curriculum.models.certificates import *  # noqa: F403
from curriculum.models.pages import *  # noqa: F403
from curriculum.models.pages import __all__ as _pages_all
from curriculum.models.sessions import *  # noqa: F403
from curriculum.models.sessions import __all__ as _sessions_all

__all__ = [*_pages_all, *_sessions_all]
