"""Op dicts of aerospike_helpers.operations.*: golden tables and the behaviours
the tables cannot show (warnings, sorting, the presence rules the C binding
relies on).
"""

import inspect
import warnings

import pytest

from . import goldens_operations as golden
from .support import bo, case_ids, eo, evaluate, ho, lo, mo, op

TABLES = {
    "OP_CASES": op,
    "LO_CASES": lo,
    "MO_CASES": mo,
    "BO_CASES": bo,
    "HO_CASES": ho,
    "EO_CASES": eo,
}
ALL_CASES = [case for name in TABLES for case in getattr(golden, name)]


@pytest.mark.parametrize("source, expected", ALL_CASES, ids=case_ids(ALL_CASES))
def test_op_dict_matches_reference(source, expected):
    assert evaluate(source) == expected


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_helper_has_golden_cases(table):
    module = TABLES[table]
    alias = table[:2].lower()
    functions = {
        name
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }
    covered = {source.split("(")[0].split(".")[1] for source, _ in getattr(golden, table)}
    assert all(source.startswith(alias + ".") for source, _ in getattr(golden, table))
    assert functions == covered


def test_op_dicts_are_fresh_objects():
    first = lo.list_append("b", 1)
    first["val"] = 2
    assert lo.list_append("b", 1) == {"op": 1001, "bin": "b", "val": 1}


def test_touch_with_ttl_warns_and_copies_ttl():
    with pytest.warns(DeprecationWarning, match="TTL should be specified in the policy"):
        assert op.touch(30) == {"op": 11, "val": 30}


@pytest.mark.parametrize("ttl", [None, 0])
def test_touch_without_ttl_does_not_warn(ttl):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert op.touch(ttl) == {"op": 11}


@pytest.mark.parametrize(
    "call, message_end",
    [
        (lambda: bo.bit_set("b", 0, 8, 1, b"\x01"), "release"),
        (lambda: bo.bit_or("b", 0, 8, 1, b"\x01"), "release"),
        (lambda: bo.bit_xor("b", 0, 8, 1, b"\x01"), "release."),
        (lambda: bo.bit_and("b", 0, 8, 1, b"\x01"), "release"),
        (lambda: bo.bit_insert("b", 0, 1, b"\x01"), "release"),
    ],
)
def test_value_byte_size_is_deprecated(call, message_end):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    assert len(caught) == 1
    warning = caught[0]
    assert warning.category is DeprecationWarning
    assert str(warning.message).startswith("value_byte_size is deprecated")
    assert str(warning.message).endswith(message_end)
    # The warning points at the caller, not at the helper module.
    assert warning.filename == __file__


@pytest.mark.parametrize(
    "call",
    [
        lambda: bo.bit_resize("b", 1),
        lambda: bo.bit_lshift("b", 0, 8, 1),
        lambda: bo.bit_get("b", 0, 8),
        lambda: bo.bit_add("b", 0, 8, 1, False, 0),
    ],
)
def test_other_bit_helpers_do_not_warn(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call()


def test_map_put_items_sorts_the_items_by_key():
    result = mo.map_put_items("m", {"c": 3, "a": 1, "b": 2})
    assert list(result["val"].items()) == [("a", 1), ("b", 2), ("c", 3)]
    assert type(result["val"]) is dict


def test_map_put_items_keeps_unsortable_items_as_given():
    items = {2: "x", "a": 1}
    assert mo.map_put_items("m", items)["val"] is items


def test_map_put_items_accepts_non_dicts_unchanged():
    pairs = [("b", 1), ("a", 2)]
    assert mo.map_put_items("m", pairs)["val"] is pairs


@pytest.mark.parametrize("inverted", [True, 1, "yes"])
def test_relative_map_ops_store_inverted_as_true(inverted):
    result = mo.map_get_by_value_rank_range_relative("m", 5, 0, 7, inverted=inverted)
    assert result["inverted"] is True


@pytest.mark.parametrize("inverted", [False, 0, None, ""])
def test_relative_map_ops_leave_out_false_inverted(inverted):
    result = mo.map_remove_by_key_index_range_relative("m", "k", 0, 7, inverted=inverted)
    assert "inverted" not in result


def test_list_inverted_is_passed_through_unchanged():
    assert lo.list_get_by_value("l", 1, 7, inverted=1)["inverted"] == 1


def test_hll_bit_counts_default_to_minus_one():
    result = ho.hll_add("h", ["a"])
    assert (result["index_bit_count"], result["mh_bit_count"]) == (-1, -1)
    assert ho.hll_init("h", 0, 0)["index_bit_count"] == 0


def test_expression_operations_keep_the_compiled_expression():
    compiled = [(1, None, None, 2)]
    assert eo.expression_read("x", compiled)["expr"] is compiled
