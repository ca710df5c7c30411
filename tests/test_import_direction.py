"""Imports go one way: lib <- people <- curriculum <- {assessments, experts} <- home <- config.

Every module of the apps is read with `ast` and every import is collected, the lazy ones inside functions included.
Product code never imports `bench` (the benchmarks and their naive baselines in bench/baselines).
An import of a higher app (or of the sibling at the same level) is an upward edge. The edges the code still has are
listed in ALLOWED with the way out; the list only shrinks: a new upward edge fails, and so does an entry whose edge
is gone (delete it).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.real_services import REPOSITORY

LEVELS = {"lib": 0, "people": 1, "curriculum": 2, "assessments": 3, "experts": 3, "home": 4, "config": 5}

# (importing module, imported module as written) -> why it is still there and how it goes.
ALLOWED = {
    # A person's erasure reaches every app's personal data. To fix: an erasure seam in people that each app registers in ready().
    ("people.erasure", "curriculum"): "erasure of curriculum data; to fix: erasure seam",
    ("people.erasure", "curriculum.models"): "erasure of applications and progress; to fix: erasure seam",
    ("people.erasure", "assessments.models"): "erasure of responses; to fix: erasure seam",
    ("people.erasure", "experts.models"): "erasure of expert profiles; to fix: erasure seam",
    # people.services loads the thematic parts and chapters. To fix: curriculum loads them (design: people/services.py no longer loads chapters).
    ("people.services", "curriculum.models"): "people loads curriculum's chapters; to fix: move the loader to curriculum",
    ("people.services", "curriculum.reference"): "people loads curriculum's chapters; to fix: move the loader to curriculum",
    # The outbox's QueuedTask model lives in home; the helper task_enqueue_on_commit is used by every app.
    # To fix: the outbox (model and helper) moves below people, e.g. lib with its model in a small app, with a migration.
    ("people.services", "home.outbox"): "outbox helper in home; to fix: move the outbox down",
    ("curriculum.certificates", "home.outbox"): "outbox helper in home; to fix: move the outbox down",
    ("curriculum.services", "home.outbox"): "outbox helper in home; to fix: move the outbox down",
    ("assessments.exports", "home.outbox"): "outbox helper in home; to fix: move the outbox down",
    ("assessments.matrix", "home.outbox"): "outbox helper in home; to fix: move the outbox down",
    ("assessments.reports", "home.outbox"): "outbox helper in home; to fix: move the outbox down",
    ("assessments.services", "home.outbox"): "outbox helper in home; to fix: move the outbox down",
    # curriculum shows or uses things of the apps built on it. To fix: the named seams of docs/architecture.md.
    ("curriculum.bulk_enrolment", "experts.spreadsheets"): "spreadsheet reading; to fix: lib/tables.py",
    ("curriculum.demo", "home.models"): "demo pages under the home page; to fix: home's load_demo_data builds them",
    ("curriculum.enrolment", "assessments.models"): "SurveyNotice in session messages; to fix: 'session_messages' hook",
    ("curriculum.session_admin_views", "assessments.selectors"): "knowledge gain; to fix: 'session_admin_panels' hook",
    ("curriculum.views", "assessments.services"): "pending surveys on My learning; to fix: 'my_learning_sections' hook",
    ("curriculum.views", "experts"): "trainers' expert profiles on the module page; to fix: read TrainingSession.trainers",
    # home uses the project package's Celery app and storage. To fix: celery.current_app; storage via lib/storage.py.
    ("home.health", "config.celery"): "worker ping; to fix: celery.current_app",
    ("home.outbox", "config.celery"): "task dispatch; to fix: celery.current_app",
    ("home.middleware", "config.storage"): "private storage; to fix: lib/storage.py",
    ("home.views", "config.storage"): "private storage; to fix: lib/storage.py",
}


def imports_in(source: str) -> list[str]:
    """Every absolute module a source imports, at module level or inside functions, classes and conditions."""
    modules = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.append(node.module)
    return modules


def is_upward(importer_app: str, imported_app: str) -> bool:
    """Whether an import from one app of the order to another goes up (or sideways between assessments and experts)."""
    if importer_app == imported_app or imported_app not in LEVELS:
        return False
    return LEVELS[imported_app] >= LEVELS[importer_app]


def app_modules() -> dict[str, Path]:
    """The dotted name and file of every module of the apps, migrations and tests left out."""
    modules = {}
    for app in LEVELS:
        for path in sorted((REPOSITORY / app).rglob("*.py")):
            relative = path.relative_to(REPOSITORY).with_suffix("")
            if {"migrations", "tests"} & set(relative.parts):
                continue
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            modules[".".join(parts)] = path
    return modules


def upward_edges() -> set[tuple[str, str]]:
    """Every (module, imported module) pair of the apps that goes up the order."""
    edges = set()
    for module, path in app_modules().items():
        for imported in imports_in(path.read_text()):
            if is_upward(module.split(".")[0], imported.split(".")[0]):
                edges.add((module, imported))
    return edges


def test_the_walker_sees_imports_at_module_level_and_inside_functions():
    source = (
        "import people.models\n"
        "from curriculum import attendance\n"
        "from . import sibling\n"
        "def later():\n"
        "    from assessments.services import post_test_passes\n"
        "    import experts.models as profiles\n"
        "class Page:\n"
        "    def render(self):\n"
        "        if True:\n"
        "            from home.outbox import task_enqueue_on_commit\n"
    )

    assert imports_in(source) == ["people.models", "curriculum", "assessments.services", "experts.models", "home.outbox"]


def test_an_import_of_a_higher_app_or_of_the_sibling_app_goes_up():
    assert is_upward("people", "curriculum")
    assert is_upward("curriculum", "home")
    assert is_upward("assessments", "experts") and is_upward("experts", "assessments")
    assert not is_upward("curriculum", "people")
    assert not is_upward("config", "home")
    assert not is_upward("curriculum", "curriculum")
    assert not is_upward("lib", "django")


def test_every_app_is_read():
    apps_read = {module.split(".")[0] for module in app_modules()}

    assert apps_read == set(LEVELS)
    assert "curriculum.attendance" in app_modules() and "config" in app_modules()


def test_no_module_imports_a_higher_app_beyond_the_known_edges():
    assert sorted(upward_edges() - set(ALLOWED)) == []


def test_every_known_upward_edge_still_exists_so_the_list_only_shrinks():
    assert sorted(set(ALLOWED) - upward_edges()) == []


def bench_imports() -> set[tuple[str, str]]:
    """Every (module, imported module) pair of the apps that reaches into the benchmarks' `bench` folder."""
    return {
        (module, imported)
        for module, path in app_modules().items()
        for imported in imports_in(path.read_text())
        if imported.split(".")[0] == "bench"
    }


def test_no_module_of_the_apps_imports_the_benchmarks_or_their_baselines():
    assert sorted(bench_imports()) == []
