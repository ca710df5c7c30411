"""Naive baselines the benchmarks (and a few tests) compare the product code with; no product module imports them.

- `matrix.naive_recompute`: the priority matrix's medians from every answer read into Python.
- `matching.rank_experts_naively`: every candidate expert loaded and scored in a Python loop.
- `bulk_enrolment.enrolment_import_apply_row_by_row`: the bulk enrolment import saving one row at a time.
"""
