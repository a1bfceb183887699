"""compile() of the expression classes: golden tables, the compiled node
format the C binding consumes, and the operator overloads.
"""

import inspect

import pytest

from aerospike_helpers.expressions import resources

from . import goldens_expressions as golden
from .support import NAMESPACE, case_ids, evaluate, exp

TABLES = [
    "BASE_EXPRESSIONS",
    "ARITHMETIC_EXPRESSIONS",
    "OPERATOR_EXPRESSIONS",
    "LIST_EXPRESSIONS",
    "MAP_EXPRESSIONS",
    "BITWISE_EXPRESSIONS",
    "HLL_EXPRESSIONS",
]
ALL_CASES = [case for name in TABLES for case in getattr(golden, name)]
END = resources._ExprOp._AS_EXP_CODE_END_OF_VA_ARGS


@pytest.mark.parametrize("source, expected", ALL_CASES, ids=case_ids(ALL_CASES))
def test_compile_matches_reference(source, expected):
    assert evaluate(source) == expected


def _expression_classes():
    from aerospike_helpers.expressions import (
        arithmetic,
        base,
        bitwise,
        bitwise_operators,
        hll,
    )
    from aerospike_helpers.expressions import list as list_module
    from aerospike_helpers.expressions import map as map_module

    modules = [arithmetic, base, bitwise, bitwise_operators, hll, list_module, map_module]
    return sorted(
        name
        for module in modules
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, resources._BaseExpr)
        and value.__module__ == module.__name__
        and value.__name__ == name
        and not name.startswith("_")
    )


def test_every_expression_class_has_a_golden_case():
    used = " ".join(source for source, _ in ALL_CASES)
    missing = [name for name in _expression_classes() if "exp.%s(" % name not in used]
    assert missing == []


def _check_tree(compiled, position=0):
    """Walk one pre-order subtree; return the position after it."""
    node = compiled[position]
    assert isinstance(node, tuple) and len(node) == 4
    op, rt, fixed, n_children = node
    assert isinstance(op, int) and isinstance(n_children, int)
    assert rt is None or isinstance(rt, int)
    assert fixed is None or isinstance(fixed, dict)
    position += 1
    for _ in range(n_children):
        position = _check_tree(compiled, position)
    return position


@pytest.mark.parametrize("source, expected", ALL_CASES, ids=case_ids(ALL_CASES))
def test_compiled_list_is_one_preorder_tree(source, expected):
    compiled = eval(source, dict(NAMESPACE)).compile()
    assert isinstance(compiled, list)
    assert _check_tree(compiled) == len(compiled)


def test_literal_children_become_val_nodes():
    assert exp.Eq(exp.IntBin("a"), [1, 2]).compile()[2] == (200, None, {"val": [1, 2]}, 0)


def test_variadic_classes_end_with_the_end_marker():
    for cls in (exp.And, exp.Or, exp.Exclusive, exp.Cond, exp.Let, exp.Add, exp.Sub):
        assert cls(1, 2).compile()[-1] == (END, 0, {}, 0)
    for cls in (exp.Mul, exp.Div, exp.Min, exp.Max, exp.IntAnd, exp.IntOr, exp.IntXOr):
        compiled = cls(1).compile()
        assert compiled[0][3] == 2 and compiled[-1] == (END, 0, {}, 0)


def test_operator_chains_end_with_a_bare_end_marker():
    assert (exp.IntBin("a") + 1).compile()[-1] == (END, None, None, 0)


def test_no_reflected_or_unary_minus_overloads():
    with pytest.raises(TypeError):
        1 + exp.IntBin("a")  # noqa: B018
    with pytest.raises(TypeError):
        -exp.IntBin("a")  # noqa: B018


def test_operators_do_not_change_their_operands():
    left = exp.Add(exp.IntBin("a"), 1)
    before = left.compile()
    _ = left + 2
    assert left.compile() == before


def test_compile_is_repeatable():
    expression = exp.And(exp.Eq(exp.IntBin("a"), 1), exp.BinExists("b"))
    assert expression.compile() == expression.compile()


def test_deep_expressions_compile_without_recursion():
    expression = exp.IntBin("a")
    for _ in range(5000):
        expression = exp.Add(expression, 1)
    compiled = expression.compile()
    assert len(compiled) == 1 + 5000 * 3
    assert compiled[0] == (20, None, None, 3)


def test_result_remove_is_remove_result():
    assert exp.ResultRemove is exp.RemoveResult
    assert exp.ResultRemove().compile() == [(100, None, None, 0)]


def test_modify_by_path_keeps_mod_exp_as_given():
    mod = exp.Mul(exp.LoopVarInt(1), 2).compile()
    fixed = exp.ModifyByPath(None, exp.ResultType.LIST, mod, 0, exp.ListBin("l")).compile()[0][2]
    assert fixed["mod_exp"] is mod


def test_range_end_none_becomes_infinity_where_the_reference_does():
    assert evaluate("exp.ListRemoveByValueRange(None, 1, None, 'l')")[2] == (
        200,
        None,
        {"val": ("inf",)},
        0,
    )
    assert evaluate("exp.ListGetByValueRange(None, 7, 1, None, 'l')")[2] == (
        200,
        None,
        {"val": None},
        0,
    )


def test_python_side_codes():
    op = resources._ExprOp
    assert (op.META_SINCE_UPDATE_TIME, op.META_VOID_TIME, op.META_TTL) == (71, 67, 68)
    assert (op.META_SET_NAME, op.META_KEY_EXISTS, op.BIN_EXISTS, op.DEF) == (69, 70, 83, 126)
    assert (op._AS_EXP_CODE_AS_VAL, op.VAL, END, op._AS_EXP_BIT_FLAGS) == (128, 200, 150, 153)
    assert [
        op._AS_EXP_CODE_CDT_LIST_CRMOD,
        op._AS_EXP_CODE_CDT_LIST_MOD,
        op._AS_EXP_CODE_CDT_MAP_CRMOD,
        op._AS_EXP_CODE_CDT_MAP_CR,
        op._AS_EXP_CODE_CDT_MAP_MOD,
    ] == [140, 141, 142, 143, 144]


def test_result_and_return_types():
    assert [getattr(exp.ResultType, name) for name in ("NIL", "BOOLEAN", "LIST", "HLL")] == [
        0,
        1,
        4,
        9,
    ]
    assert exp.ReturnType.LIST_RETURN_INVERTED == exp.ReturnType.MAP_RETURN_INVERTED == 0x10000
