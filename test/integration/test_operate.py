# operate() and operate_ordered() with the basic operations (read, write, increment,
# append, prepend, touch, delete): result shapes (bins dict vs ordered list of pairs),
# one generation bump per transaction, meta and policies, select/modify by path.

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers import cdt_ctx as ctx
from aerospike_helpers import expressions as exp
from aerospike_helpers.operations import list_operations as lo
from aerospike_helpers.operations import map_operations as mo
from aerospike_helpers.operations import operations as op

from .conftest import record_or_none

NEVER = 4294967295


def test_operate_returns_a_record_tuple(client, key):
    rkey, meta, bins = client.operate(key, [op.write("a", 1), op.read("a")])
    assert rkey[:3] == key
    assert isinstance(rkey[3], bytearray) and rkey[3] == aerospike.calc_digest(*key)
    assert meta == {"ttl": NEVER, "gen": 1}
    assert bins == {"a": 1}


def test_operate_is_one_transaction_with_one_generation_bump(client, key):
    client.put(key, {"age": 25, "career": "delivery boy"})
    ops = [
        op.increment("age", 1000),
        op.write("name", "J."),
        op.prepend("name", "Phillip "),
        op.append("name", " Fry"),
        op.read("name"),
        op.read("career"),
        op.read("age"),
    ]
    _, meta, bins = client.operate(key, ops)
    assert meta["gen"] == 2
    assert bins == {"name": "Phillip J. Fry", "career": "delivery boy", "age": 1025}


def test_operate_ordered_returns_pairs_in_op_order(client, key):
    client.put(key, {"age": 25, "career": "delivery boy"})
    ops = [
        op.increment("age", 1000),
        op.write("name", "J."),
        op.prepend("name", "Phillip "),
        op.append("name", " Fry"),
        op.read("name"),
        op.read("career"),
        op.read("age"),
    ]
    rkey, meta, bins = client.operate_ordered(key, ops)
    assert rkey[:3] == key and meta["gen"] == 2
    assert bins == [("name", "Phillip J. Fry"), ("career", "delivery boy"), ("age", 1025)]


def test_operate_ordered_keeps_every_read_of_the_same_bin(client, key):
    client.put(key, {"i": 0})
    ops = [op.increment("i", 1), op.read("i"), op.increment("i", 1), op.read("i")]
    assert client.operate_ordered(key, ops)[2] == [("i", 1), ("i", 2)]
    # operate() keeps only the last value per bin.
    assert client.operate(key, ops)[2] == {"i": 4}


def test_operate_ordered_with_cdt_ops(client, key):
    client.put(key, {"l": [1, 2], "m": {"a": 1}})
    ops = [
        lo.list_append("l", 9),
        lo.list_size("l"),
        lo.list_get("l", -1),
        op.read("l"),
        mo.map_put("m", "b", 2),
        mo.map_get_by_key("m", "a", aerospike.MAP_RETURN_VALUE),
    ]
    _, meta, bins = client.operate_ordered(key, ops)
    assert meta["gen"] == 2
    assert bins == [("l", 3), ("l", 3), ("l", 9), ("l", [1, 2, 9]), ("m", 2), ("m", 1)]


def test_operate_write_only_returns_no_bins(client, key):
    _, meta, bins = client.operate(key, [op.write("a", 1), op.increment("n", 1)])
    assert meta == {"ttl": NEVER, "gen": 1}
    assert bins == {}
    assert client.get(key)[2] == {"a": 1, "n": 1}


def test_operate_read_of_a_missing_bin_is_left_out(client, key):
    client.put(key, {"a": 1})
    assert client.operate(key, [op.read("a"), op.read("zz")])[2] == {"a": 1}


def test_operate_read_on_a_missing_record_raises_record_not_found(client, key):
    with pytest.raises(ex.RecordNotFound):
        client.operate(key, [op.read("a")])
    with pytest.raises(ex.RecordNotFound):
        client.operate_ordered(key, [op.read("a")])


def test_operate_touch(client, key):
    client.put(key, {"a": 1})
    rkey, meta, bins = client.operate(key, [op.touch(500)])
    assert meta["gen"] == 2 and 490 <= meta["ttl"] <= 500 and bins == {}
    assert client.operate_ordered(key, [op.touch(), op.read("a")])[2] == [("a", 1)]


def test_operate_delete(client, key):
    client.put(key, {"a": 1})
    _, meta, bins = client.operate(key, [op.delete()])
    assert bins == {} and meta["gen"] == 0
    assert record_or_none(client, key) is None


def test_operate_delete_then_write_recreates_the_record(client, key):
    client.put(key, {"a": 1})
    client.operate(key, [op.delete(), op.write("b", 2)])
    _, meta, bins = client.get(key)
    assert bins == {"b": 2}
    assert meta["gen"] == 2


def test_operate_write_none_removes_the_bin(client, key):
    client.put(key, {"a": 1, "b": 2})
    client.operate(key, [op.write("a", None)])
    assert client.get(key)[2] == {"b": 2}


def test_operate_with_meta_ttl_and_gen(client, key):
    _, meta, _ = client.operate(key, [op.write("a", 1)], meta={"ttl": 600})
    assert 590 <= meta["ttl"] <= 600
    eq = {"gen": aerospike.POLICY_GEN_EQ}
    _, meta, _ = client.operate(key, [op.write("a", 2)], meta={"gen": 1}, policy=eq)
    assert meta["gen"] == 2
    with pytest.raises(ex.RecordGenerationError):
        client.operate_ordered(key, [op.write("a", 3)], meta={"gen": 1}, policy=eq)
    assert client.get(key)[2] == {"a": 2}


def test_operate_policy_key_send_stores_the_key(client, key):
    client.operate(key, [op.write("a", 1)], policy={"key": aerospike.POLICY_KEY_SEND})
    keyexp = exp.Eq(exp.KeyStr(), key[2]).compile()
    assert client.get(key, policy={"expressions": keyexp})[2] == {"a": 1}


def test_operate_wants_a_list_not_a_tuple_of_ops(client, key):
    with pytest.raises(ex.ParamError):
        client.operate(key, (op.write("a", 1), op.read("a")))
    assert record_or_none(client, key) is None


def test_operate_raw_op_dicts(client, key):
    ops = [
        {"op": aerospike.OPERATOR_WRITE, "bin": "a", "val": 1},
        {"op": aerospike.OPERATOR_INCR, "bin": "a", "val": 2},
        {"op": aerospike.OPERATOR_APPEND, "bin": "s", "val": "y"},
        {"op": aerospike.OPERATOR_PREPEND, "bin": "s", "val": "x"},
        {"op": aerospike.OPERATOR_READ, "bin": "a"},
        {"op": aerospike.OPERATOR_READ, "bin": "s"},
    ]
    assert client.operate(key, ops)[2] == {"a": 3, "s": "xy"}


def test_operate_float_increment(client, key):
    client.put(key, {"f": 1.0})
    assert client.operate(key, [op.increment("f", 1.5), op.read("f")])[2] == {"f": 2.5}


def test_select_by_path(client, key):
    client.put(key, {"m": {"a": {"x": 1, "y": 2}, "b": {"x": 3}}})
    path = [ctx.cdt_ctx_map_key("a"), ctx.cdt_ctx_all_children()]
    ops = [op.select_by_path("m", path, aerospike.EXP_PATH_SELECT_VALUE)]
    assert client.operate(key, ops)[2] == {"m": [1, 2]}


def test_modify_by_path(client, key):
    client.put(key, {"m": {"a": {"x": 1, "y": 2}, "b": {"x": 3}}})
    path = [ctx.cdt_ctx_map_key("a"), ctx.cdt_ctx_all_children()]
    plus_ten = exp.Add(exp.LoopVarInt(aerospike.EXP_LOOPVAR_VALUE), 10).compile()
    ops = [op.modify_by_path("m", path, plus_ten, aerospike.EXP_PATH_MODIFY_DEFAULT), op.read("m")]
    _, meta, bins = client.operate(key, ops)
    assert meta["gen"] == 2
    assert bins == {"m": {"a": {"x": 11, "y": 12}, "b": {"x": 3}}}
