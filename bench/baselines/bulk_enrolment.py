"""The bulk enrolment import the naive way: the same checks and decisions, a model instance and its save() per row.

It goes through the import's public writer seam (`curriculum.bulk_enrolment.EnrolmentWriter`): only
the way rows are stored differs from `enrolment_import_apply`.
"""

from __future__ import annotations

from django.db import models

from curriculum.bulk_enrolment import AccountValue, EnrolmentReport, EnrolmentResult, EnrolmentWriter, enrolment_import_apply
from curriculum.models import TrainingSession
from people.models import User


def rows_insert_one_by_one(model: type[models.Model], columns: tuple[str, ...], rows: list) -> None:
    """The naive way, for comparison: a model instance and its own save() (one INSERT) per row."""
    for row in rows:
        model(**dict(zip(columns, row, strict=True))).save()


def account_rows_insert_one_by_one(model: type[models.Model], columns: tuple[str, ...], template: tuple, accounts: dict[int, str]) -> None:
    """The naive way: each account's row built in Python, then saved on its own."""
    own = {AccountValue.ID: 0, AccountValue.EMAIL: 1}
    rows = [[account[own[value]] if isinstance(value, AccountValue) else value for value in template] for account in accounts.items()]
    rows_insert_one_by_one(model, columns, rows)


ROW_BY_ROW = EnrolmentWriter(rows=rows_insert_one_by_one, per_account=account_rows_insert_one_by_one)


def enrolment_import_apply_row_by_row(
    *, report: EnrolmentReport, session: TrainingSession, enrolled_by: User, only_valid_rows: bool
) -> EnrolmentResult:
    """The same import saving one row at a time: the naive baseline the benchmark and a test compare with; sends no e-mail."""
    return enrolment_import_apply(
        report=report, session=session, enrolled_by=enrolled_by, only_valid_rows=only_valid_rows, writer=ROW_BY_ROW
    )
