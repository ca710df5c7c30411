"""Search reindex after publishing (the one use of signals the house style allows).

Wagtail indexes a page when it is saved, but a module's activities (inline children) are written
after that save, so text in a new or changed activity would become searchable only at the next
publish. Reindexing once the publish is complete fixes that.
"""

from __future__ import annotations

from typing import Any

from wagtail.search import index
from wagtail.signals import page_published

from curriculum.models import ModulePage


def reindex_published_module(sender: type, instance: Any, **kwargs: Any) -> None:
    """Reindex a module with its activities once its publish is complete."""
    index.insert_or_update_object(instance.specific)


def connect() -> None:
    """Connect the handler for modules (called from the app config)."""
    page_published.connect(reindex_published_module, sender=ModulePage, dispatch_uid="curriculum_reindex_module")
