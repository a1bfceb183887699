# List and map operations through operate(): a representative set of modify and read ops,
# return types, inverted selections, write flags, ordered lists and key-ordered maps,
# nested contexts (with create-on-miss), wildcard/infinite values, and the CDT errors.

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers import cdt_ctx as ctx
from aerospike_helpers.operations import list_operations as lo
from aerospike_helpers.operations import map_operations as mo
from aerospike_helpers.operations import operations as op

L = [1, 4, 7, 3, 9, 4, 12]
M = {"a": 1, "b": 2, "c": 3, "d": 4}
MV = aerospike.MAP_RETURN_VALUE
MK = aerospike.MAP_RETURN_KEY


def _run(client, key, bins, ops):
    client.put(key, bins)
    return client.operate(key, ops)[2]


# -- lists ---------------------------------------------------------------------------------


LIST_CASES = {
    "append": ([lo.list_append("l", 5), op.read("l")], {"l": L + [5]}),
    "append-items": ([lo.list_append_items("l", [4, "five", [6]])], {"l": 10}),
    "insert": ([lo.list_insert("l", 1, "x"), lo.list_get("l", 1)], {"l": "x"}),
    "insert-pads": ([lo.list_insert("l", 9, "x"), op.read("l")], {"l": L + [None, None, "x"]}),
    "increment": ([lo.list_increment("l", 1, 10), lo.list_get("l", 1)], {"l": 14}),
    "pop": ([lo.list_pop("l", -1)], {"l": 12}),
    "pop-range": ([lo.list_pop_range("l", 1, 2)], {"l": [4, 7]}),
    "remove-range": ([lo.list_remove_range("l", 1, 5), op.read("l")], {"l": [1, 12]}),
    "set": ([lo.list_set("l", 0, "first"), lo.list_get("l", 0)], {"l": "first"}),
    "trim": ([lo.list_trim("l", 1, 2), op.read("l")], {"l": [4, 7]}),
    "clear": ([lo.list_clear("l"), lo.list_size("l")], {"l": 0}),
    "sort": ([lo.list_sort("l"), op.read("l")], {"l": sorted(L)}),
    "sort-drop-dups": (
        [lo.list_sort("l", aerospike.LIST_SORT_DROP_DUPLICATES), op.read("l")],
        {"l": sorted(set(L))},
    ),
    "size": ([lo.list_size("l")], {"l": 7}),
    "get-negative": ([lo.list_get("l", -2)], {"l": 4}),
    "get-range-past-end": ([lo.list_get_range("l", 5, 10)], {"l": [4, 12]}),
    "by-index-value": ([lo.list_get_by_index("l", 1, aerospike.LIST_RETURN_VALUE)], {"l": 4}),
    "by-index-rank": ([lo.list_get_by_index("l", 1, aerospike.LIST_RETURN_RANK)], {"l": 2}),
    "by-index-reverse-index": (
        [lo.list_get_by_index("l", 1, aerospike.LIST_RETURN_REVERSE_INDEX)],
        {"l": 5},
    ),
    "by-index-range": (
        [lo.list_get_by_index_range("l", 1, aerospike.LIST_RETURN_VALUE, 3)],
        {"l": [4, 7, 3]},
    ),
    "by-rank": ([lo.list_get_by_rank("l", -1, aerospike.LIST_RETURN_INDEX)], {"l": 6}),
    "by-rank-range-inverted": (
        [lo.list_get_by_rank_range("l", 2, aerospike.LIST_RETURN_RANK, None, True)],
        {"l": [0, 1]},
    ),
    "by-value-inverted": (
        [lo.list_get_by_value("l", 4, aerospike.LIST_RETURN_VALUE, True)],
        {"l": [1, 7, 3, 9, 12]},
    ),
    "by-value-exists-missing": (
        [lo.list_get_by_value("l", 99, aerospike.LIST_RETURN_EXISTS)],
        {"l": False},
    ),
    "by-value-count": ([lo.list_get_by_value("l", 4, aerospike.LIST_RETURN_COUNT)], {"l": 2}),
    "by-value-list": (
        [lo.list_get_by_value_list("l", [4, 9], aerospike.LIST_RETURN_INDEX)],
        {"l": [1, 4, 5]},
    ),
    "by-value-range": (
        [lo.list_get_by_value_range("l", aerospike.LIST_RETURN_VALUE, 3, 8)],
        {"l": [4, 7, 3, 4]},
    ),
    "by-value-range-open-end": (
        [lo.list_get_by_value_range("l", aerospike.LIST_RETURN_REVERSE_INDEX, 7, None)],
        {"l": [4, 2, 0]},
    ),
    "by-value-rel-rank": (
        [lo.list_get_by_value_rank_range_relative("l", 5, -1, aerospike.LIST_RETURN_VALUE, 2)],
        {"l": [4, 7]},
    ),
    "remove-by-index": (
        [lo.list_remove_by_index("l", 0, aerospike.LIST_RETURN_VALUE), op.read("l")],
        {"l": L[1:]},
    ),
    "remove-by-value-returns-count": (
        [lo.list_remove_by_value("l", 4, aerospike.LIST_RETURN_COUNT)],
        {"l": 2},
    ),
    "remove-by-rank-range": (
        [lo.list_remove_by_rank_range("l", 0, aerospike.LIST_RETURN_NONE, 3), op.read("l")],
        {"l": [7, 9, 4, 12]},
    ),
    "remove-by-value-range-inverted": (
        [lo.list_remove_by_value_range("l", aerospike.LIST_RETURN_NONE, 3, 8, True), op.read("l")],
        {"l": [4, 7, 3, 4]},
    ),
}


@pytest.mark.parametrize("case", sorted(LIST_CASES))
def test_list_operation(client, key, case):
    ops, expected = LIST_CASES[case]
    assert _run(client, key, {"l": list(L)}, ops) == expected


def test_list_add_unique_fails_with_element_exists(client, key):
    client.put(key, {"l": [1, 2, 3]})
    unique = {"write_flags": aerospike.LIST_WRITE_ADD_UNIQUE}
    with pytest.raises(ex.ElementExistsError):
        client.operate(key, [lo.list_append("l", 2, unique)])
    no_fail = {"write_flags": aerospike.LIST_WRITE_ADD_UNIQUE | aerospike.LIST_WRITE_NO_FAIL}
    client.operate(key, [lo.list_append("l", 2, no_fail)])
    partial = {
        "write_flags": aerospike.LIST_WRITE_ADD_UNIQUE
        | aerospike.LIST_WRITE_NO_FAIL
        | aerospike.LIST_WRITE_PARTIAL
    }
    client.operate(key, [lo.list_append_items("l", [3, 4, 5], partial)])
    assert client.get(key)[2] == {"l": [1, 2, 3, 4, 5]}


def test_ordered_list_keeps_its_order(client, key):
    ordered = {"list_order": aerospike.LIST_ORDERED}
    client.operate(key, [lo.list_append_items("l", [9, 1, 7, 3], ordered)])
    client.operate(key, [lo.list_append("l", 5, ordered)])
    assert client.get(key)[2] == {"l": [1, 3, 5, 7, 9]}
    ops = [lo.list_get_by_value_rank_range_relative("l", 5, 0, aerospike.LIST_RETURN_VALUE, 2)]
    assert client.operate(key, ops)[2] == {"l": [5, 7]}


def test_list_set_order_and_sort_of_mixed_types(client, key):
    client.put(key, {"l": [2.5, b"b", "str", [1], {"k": 1}, True, None, 7]})
    client.operate(key, [lo.list_sort("l")])
    # Aerospike's cross-type order: nil, bool, int, str, list, map, bytes, float.
    assert client.get(key)[2] == {"l": [None, True, 7, "str", [1], {"k": 1}, b"b", 2.5]}
    client.put(key, {"o": [3, 1, 2]})
    client.operate(key, [lo.list_set_order("o", aerospike.LIST_ORDERED)])
    assert client.get(key)[2]["o"] == [1, 2, 3]


def test_list_wildcard_and_infinite_values(client, key):
    client.put(key, {"l": [["a", 1], ["b", 2], ["a", 3]], "r": [[1, "a"], [2, "b"], [2], [3, "c"]]})
    ops = [lo.list_get_by_value("l", ["a", aerospike.CDTWildcard()], aerospike.LIST_RETURN_VALUE)]
    assert client.operate(key, ops)[2] == {"l": [["a", 1], ["a", 3]]}
    ops = [
        lo.list_get_by_value_range(
            "r", aerospike.LIST_RETURN_VALUE, [2], [aerospike.CDTInfinite()]
        )
    ]
    assert client.operate(key, ops)[2] == {"r": [[2, "b"], [2], [3, "c"]]}


def test_list_ops_in_a_nested_context(client, key):
    client.put(key, {"l": [[1, 2], [3, [4, 5]]]})
    inner = [ctx.cdt_ctx_list_index(1), ctx.cdt_ctx_list_index(1)]
    ops = [lo.list_append("l", 6, ctx=inner), lo.list_size("l", ctx=inner)]
    assert client.operate(key, ops)[2] == {"l": 3}
    assert client.get(key)[2] == {"l": [[1, 2], [3, [4, 5, 6]]]}


def test_list_index_create_context_pads(client, key):
    client.put(key, {"l": [[1], [2]]})
    create = [ctx.cdt_ctx_list_index_create(3, aerospike.LIST_UNORDERED, True)]
    ops = [lo.list_append("l", "x", ctx=create)]
    client.operate(key, ops)
    assert client.get(key)[2] == {"l": [[1], [2], None, ["x"]]}


def test_list_errors(client, key):
    client.put(key, {"l": [1], "s": "text", "n": ["a"]})
    with pytest.raises(ex.OpNotApplicable):
        client.operate(key, [lo.list_get("l", 5)])
    with pytest.raises(ex.BinIncompatibleType):
        client.operate(key, [lo.list_append("s", 1)])
    with pytest.raises(ex.InvalidRequest):
        client.operate(key, [lo.list_increment("n", 0, 1)])
    assert client.get(key)[1]["gen"] == 1


def test_list_append_creates_the_bin_and_record(client, key):
    assert client.operate(key, [lo.list_append("l", 1)])[2] == {"l": 1}
    assert client.get(key)[2] == {"l": [1]}


# -- maps ----------------------------------------------------------------------------------


MAP_CASES = {
    "put": ([mo.map_put("m", "e", 5), mo.map_size("m")], {"m": 5}),
    "put-items": ([mo.map_put_items("m", {"e": 5, "a": 0}), mo.map_size("m")], {"m": 5}),
    "increment": ([mo.map_increment("m", "a", 10), mo.map_get_by_key("m", "a", MV)], {"m": 11}),
    "decrement": ([mo.map_decrement("m", "b", 5), mo.map_get_by_key("m", "b", MV)], {"m": -3}),
    "clear": ([mo.map_clear("m"), mo.map_size("m")], {"m": 0}),
    "by-key-missing": ([mo.map_get_by_key("m", "zz", MV)], {"m": None}),
    "by-key-key-value": (
        [mo.map_get_by_key("m", "b", aerospike.MAP_RETURN_KEY_VALUE)],
        {"m": ["b", 2]},
    ),
    "by-key-list": ([mo.map_get_by_key_list("m", ["a", "c"], MV)], {"m": [1, 3]}),
    "by-key-range": ([mo.map_get_by_key_range("m", "b", "d", MK)], {"m": ["b", "c"]}),
    "by-value": ([mo.map_get_by_value("m", 3, aerospike.MAP_RETURN_KEY)], {"m": ["c"]}),
    "by-value-range-inverted": (
        [mo.map_get_by_value_range("m", 2, 4, aerospike.MAP_RETURN_KEY, True)],
        {"m": ["a", "d"]},
    ),
    "by-index": ([mo.map_get_by_index("m", 0, aerospike.MAP_RETURN_KEY)], {"m": "a"}),
    "by-rank-range": ([mo.map_get_by_rank_range("m", -2, 2, MV)], {"m": [3, 4]}),
    "by-rank-count": ([mo.map_get_by_rank_range("m", 0, 3, aerospike.MAP_RETURN_COUNT)], {"m": 3}),
    "remove-by-key": ([mo.map_remove_by_key("m", "a", aerospike.MAP_RETURN_VALUE)], {"m": 1}),
    "remove-by-key-list": (
        [mo.map_remove_by_key_list("m", ["a", "b"], aerospike.MAP_RETURN_NONE), op.read("m")],
        {"m": {"c": 3, "d": 4}},
    ),
    "remove-by-value-range": (
        [mo.map_remove_by_value_range("m", 2, 4, aerospike.MAP_RETURN_COUNT)],
        {"m": 2},
    ),
    "remove-by-rank": ([mo.map_remove_by_rank("m", 0, aerospike.MAP_RETURN_KEY)], {"m": "a"}),
    "unordered-map-return": (
        [mo.map_get_by_key_list("m", ["a", "b"], aerospike.MAP_RETURN_UNORDERED_MAP)],
        {"m": {"a": 1, "b": 2}},
    ),
    "ordered-map-return": (
        [mo.map_get_by_key_list("m", ["b", "a"], aerospike.MAP_RETURN_ORDERED_MAP)],
        {"m": {"a": 1, "b": 2}},
    ),
}


@pytest.mark.parametrize("case", sorted(MAP_CASES))
def test_map_operation(client, key, case):
    ops, expected = MAP_CASES[case]
    assert _run(client, key, {"m": dict(M)}, ops) == expected


def test_map_key_value_return_type_is_a_flat_key_value_list(client, key):
    client.put(key, {"m": dict(M)})
    ops = [mo.map_get_by_rank_range("m", 0, 2, aerospike.MAP_RETURN_KEY_VALUE)]
    assert client.operate(key, ops)[2] == {"m": ["a", 1, "b", 2]}


def test_key_ordered_map_policy(client, key):
    ordered = {"map_order": aerospike.MAP_KEY_ORDERED}
    client.operate(key, [mo.map_put_items("m", {"z": 1, "a": 2, "m": 3}, ordered)])
    got = client.get(key)[2]["m"]
    assert list(got) == ["a", "m", "z"]
    ops = [mo.map_get_by_index_range("m", 0, 2, aerospike.MAP_RETURN_KEY)]
    assert client.operate(key, ops)[2] == {"m": ["a", "m"]}


def test_map_set_policy_orders_an_existing_map(client, key):
    client.put(key, {"m": {"c": 3, "a": 1, "b": 2}})
    client.operate(key, [mo.map_set_policy("m", {"map_order": aerospike.MAP_KEY_ORDERED})])
    assert list(client.get(key)[2]["m"]) == ["a", "b", "c"]


def test_map_write_flags(client, key):
    client.put(key, {"m": {"a": 1}})
    create_only = {"map_write_flags": aerospike.MAP_WRITE_FLAGS_CREATE_ONLY}
    with pytest.raises(ex.ElementExistsError):
        client.operate(key, [mo.map_put("m", "a", 2, create_only)])
    update_only = {"map_write_flags": aerospike.MAP_WRITE_FLAGS_UPDATE_ONLY}
    with pytest.raises(ex.ElementNotFoundError):
        client.operate(key, [mo.map_put("m", "b", 2, update_only)])
    no_fail = {
        "map_write_flags": aerospike.MAP_WRITE_FLAGS_CREATE_ONLY | aerospike.MAP_WRITE_FLAGS_NO_FAIL
    }
    client.operate(key, [mo.map_put("m", "a", 2, no_fail)])
    assert client.get(key)[2] == {"m": {"a": 1}}


def test_map_ops_in_nested_contexts(client, key):
    client.put(key, {"m": {"users": {"ann": {"score": 1}, "bob": {"score": 5}}}})
    path = [ctx.cdt_ctx_map_key("users"), ctx.cdt_ctx_map_key("ann")]
    ops = [
        mo.map_increment("m", "score", 10, ctx=path),
        mo.map_get_by_key("m", "score", MV, ctx=path),
    ]
    assert client.operate(key, ops)[2] == {"m": 11}
    by_rank = [ctx.cdt_ctx_map_key("users"), ctx.cdt_ctx_map_rank(-1)]
    ops = [mo.map_get_by_key("m", "score", aerospike.MAP_RETURN_VALUE, ctx=by_rank)]
    assert client.operate(key, ops)[2] == {"m": 11}


def test_map_key_create_context(client, key):
    client.put(key, {"m": {"x": 1}})
    path = [ctx.cdt_ctx_map_key_create("new", aerospike.MAP_KEY_ORDERED)]
    client.operate(key, [mo.map_put("m", "k", "v", ctx=path)])
    assert client.get(key)[2] == {"m": {"x": 1, "new": {"k": "v"}}}


def test_list_inside_a_map_and_map_inside_a_list(client, key):
    client.put(key, {"m": {"tags": ["a"]}, "l": [{"n": 1}]})
    ops = [
        lo.list_append("m", "b", ctx=[ctx.cdt_ctx_map_key("tags")]),
        mo.map_put("l", "n", 2, ctx=[ctx.cdt_ctx_list_index(0)]),
    ]
    client.operate(key, ops)
    assert client.get(key)[2] == {"m": {"tags": ["a", "b"]}, "l": [{"n": 2}]}


def test_map_errors(client, key):
    client.put(key, {"m": {"x": {}}, "s": "text"})
    with pytest.raises(ex.BinIncompatibleType):
        client.operate(key, [mo.map_put("s", "a", 1)])
    with pytest.raises(ex.OpNotApplicable):
        client.operate(key, [mo.map_put("m", "a", 1, ctx=[ctx.cdt_ctx_map_key("missing")])])
    assert client.get(key)[1]["gen"] == 1


def test_map_op_on_a_missing_record(client, key):
    with pytest.raises(ex.RecordNotFound):
        client.operate(key, [mo.map_get_by_key("m", "a", aerospike.MAP_RETURN_VALUE)])
    assert client.operate(key, [mo.map_put("m", "a", 1)])[2] == {"m": 1}
