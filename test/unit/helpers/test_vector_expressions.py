"""The expressions and contexts of the wire vectors compile as in the reference."""

import pytest

from . import goldens_vectors as golden
from .support import case_ids, evaluate


@pytest.mark.parametrize(
    "source, expected", golden.VECTOR_EXPRESSIONS, ids=case_ids(golden.VECTOR_EXPRESSIONS)
)
def test_vector_expression_compiles_as_reference(source, expected):
    assert evaluate(source) == expected


@pytest.mark.parametrize(
    "source, expected", golden.VECTOR_CONTEXTS, ids=case_ids(golden.VECTOR_CONTEXTS)
)
def test_vector_context_matches_reference(source, expected):
    assert evaluate(source) == expected
