"""What a module's fields decide on their own: who may take it without a session, and its code."""

import pytest
from django.core.exceptions import ValidationError

from curriculum.models import ModuleFormat, ModulePage
from tests.factories.curriculum import ModulePageFactory

SELF_PACED = {ModuleFormat.E_LEARNING, ModuleFormat.BLENDED}


@pytest.mark.parametrize("module_format", ModuleFormat.values)
def test_only_e_learning_and_blended_modules_are_self_paced(module_format):
    module = ModulePage(format=module_format)

    assert module.is_self_paced == (module_format in SELF_PACED)


def test_module_code_is_stored_in_capitals_without_spaces(part_one):
    module = ModulePageFactory(parent=part_one, code=" m7 ")

    module.full_clean()

    assert module.code == "M7"


def test_two_modules_of_one_language_cannot_share_a_code(part_one):
    ModulePageFactory(parent=part_one, code="M7")
    other = ModulePageFactory(parent=part_one, code="M8")
    other.code = "m7"

    with pytest.raises(ValidationError) as error:
        other.full_clean()

    assert "code" in error.value.message_dict
