"""Writes of the curriculum: progress through lessons, authoring permissions, PDF packs."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from curriculum.models import LessonPage, LessonProgress, ModulePage, ModulePdf
from home.outbox import task_enqueue_on_commit
from people.models import User


def _progress_row(*, user: User, lesson: LessonPage, module: ModulePage) -> LessonProgress:
    try:
        with transaction.atomic():
            row, _ = LessonProgress.objects.get_or_create(
                user=user, lesson_key=lesson.translation_key, defaults={"module_key": module.translation_key}
            )
    except IntegrityError:  # two tabs opened the lesson at once: the other request created the row
        row = LessonProgress.objects.get(user=user, lesson_key=lesson.translation_key)
    return row


def lesson_visit(*, user: User, lesson: LessonPage, module: ModulePage) -> LessonProgress:
    """Record that the trainee opened a lesson (the "continue where you left off" point)."""
    row = _progress_row(user=user, lesson=lesson, module=module)
    LessonProgress.objects.filter(pk=row.pk).update(last_visited_at=timezone.now())
    return row


def lesson_complete(*, user: User, lesson: LessonPage, module: ModulePage) -> LessonProgress:
    """Mark a lesson as completed by the trainee; completing it again changes nothing."""
    row = _progress_row(user=user, lesson=lesson, module=module)
    if row.completed_at is None:
        now = timezone.now()
        LessonProgress.objects.filter(pk=row.pk, completed_at__isnull=True).update(completed_at=now, last_visited_at=now)
        row.refresh_from_db()
    return row


# --- Authoring: who may edit which part, and the approval workflow -------------------------------

PAGE_EDIT = ("add_page", "change_page")
PAGE_MANAGE = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page")
WORKFLOW_NAME = "Coordinator approval"


def part_authors_group_name(part_number: int) -> str:
    """The group whose members may author modules of one curriculum part."""
    return f"Part {part_number} authors"


@transaction.atomic
def authoring_permissions_sync() -> dict[str, int]:
    """Give part-author groups edit (not publish) rights on their part pages in every language,
    coordinators full rights on the catalogue, and put the catalogue under coordinator approval.

    Idempotent; run after curriculum pages are created (the demo loader and a page hook call it).
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

    from curriculum.models import CurriculumIndexPage, CurriculumPartPage
    from people.roles import COORDINATOR

    permissions = {p.codename: p for p in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=PAGE_MANAGE)}
    coordinators, _ = Group.objects.get_or_create(name=COORDINATOR.group_name)
    granted = 0
    for index in CurriculumIndexPage.objects.all():
        for codename in PAGE_MANAGE:
            _, created = GroupPagePermission.objects.get_or_create(group=coordinators, page=index, permission=permissions[codename])
            granted += created
    for part_page in CurriculumPartPage.objects.select_related("part"):
        group, _ = Group.objects.get_or_create(name=part_authors_group_name(part_page.part.number))
        for codename in PAGE_EDIT:
            _, created = GroupPagePermission.objects.get_or_create(group=group, page=part_page, permission=permissions[codename])
            granted += created
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_NAME)
    task.groups.set([coordinators])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for index in CurriculumIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return {"page_permissions_granted": granted}


def trainer_assign_part(*, user: User, part_number: int) -> User:
    """Let a trainer author the modules of one part (in every language)."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=part_authors_group_name(part_number))
    user.groups.add(group)
    return user


def module_pdf_request(*, module: ModulePage) -> ModulePdf:
    """The PDF pack for the module's current content: reuse a ready or pending one, else queue a render."""
    from curriculum.pdf import module_content_key
    from curriculum.tasks import module_pdf_render

    key = module_content_key(module)
    try:
        with transaction.atomic():
            pdf, created = ModulePdf.objects.get_or_create(module=module, content_key=key)
    except IntegrityError:  # another request queued the same pack a moment ago
        return ModulePdf.objects.get(module=module, content_key=key)
    with transaction.atomic():
        if created or pdf.status == ModulePdf.Status.FAILED:
            if not created:
                ModulePdf.objects.filter(pk=pdf.pk).update(status=ModulePdf.Status.PENDING, error="")
                pdf.status = ModulePdf.Status.PENDING
            task_enqueue_on_commit(module_pdf_render, pdf.pk)
    pdf.refresh_from_db()
    return pdf
