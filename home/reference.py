"""Everything a production installation needs before anyone signs in, loaded from the apps' data files.

The composition root of the reference data: the lists of the 2021 needs assessment (countries,
stakeholder categories, participant levels, languages), the 2 parts and 22 thematic chapters, the
roles, the built-in survey instruments and the 2021 baseline of the priority matrix (Table 7). Each
step creates or updates rows by their code, so loading again changes nothing that is already right.
"""

from __future__ import annotations

from django.db import transaction

from assessments import builtin, matrix
from people import services as people_services


@transaction.atomic
def reference_data_load() -> dict[str, int]:
    """Load or update all reference data, roles, built-in instruments and the 2021 baseline; counts of what is there."""
    builtin.instruments()  # read and check the instrument files before anything is written
    counts = people_services.reference_data_load()
    counts["roles"] = len(people_services.roles_sync())
    counts.update(builtin.load())
    counts["priority-matrix cells (2021 baseline)"] = matrix.baseline_load().cells.count()
    return counts
