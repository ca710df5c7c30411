"""A module's activity text is searchable as soon as the module is published."""

from wagtail.models import Locale

from curriculum import selectors
from curriculum.models import ModuleActivity, ModulePage
from tests.factories.curriculum import ModulePageFactory


def test_words_of_a_new_activity_are_found_after_one_publish(reference_data, site):
    module = ModulePageFactory(title="Border module", summary="About borders.")
    locale = Locale.objects.get(language_code=module.locale.language_code)
    assert module.pk not in selectors.catalogue_module_ids(locale=locale, filters={"q": "zebrafish"})

    page = ModulePage.objects.get(pk=module.pk)
    page.activities.add(ModuleActivity(number="99.1", title="Zebrafish migration studies", locale=page.locale))
    page.save_revision().publish()

    assert module.pk in selectors.catalogue_module_ids(locale=locale, filters={"q": "zebrafish"})
