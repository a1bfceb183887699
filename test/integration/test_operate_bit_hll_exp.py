# Bitwise, HyperLogLog and expression operations through operate(): a representative set
# of each family (modify and read ops, flags, overflow actions), expression reads and
# writes with their flags, and the server errors these ops raise.

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers import expressions as exp
from aerospike_helpers.operations import bitwise_operations as bo
from aerospike_helpers.operations import expression_operations as eo
from aerospike_helpers.operations import hll_operations as ho
from aerospike_helpers.operations import operations as op

BITS = bytearray(b"\x0f\xf0\x55\xaa\x01")
FAIL, SATURATE, WRAP = (
    aerospike.BIT_OVERFLOW_FAIL,
    aerospike.BIT_OVERFLOW_SATURATE,
    aerospike.BIT_OVERFLOW_WRAP,
)


def _uint8(offset):
    return bo.bit_get_int("b", offset, 8, False)


# -- bitwise -------------------------------------------------------------------------------


BIT_CASES = {
    "get": ([bo.bit_get("b", 8, 16)], {"b": b"\xf0\x55"}),
    "get-int": ([bo.bit_get_int("b", 0, 8, False)], {"b": 15}),
    "get-int-signed": ([bo.bit_get_int("b", 8, 8, True)], {"b": -16}),
    "count": ([bo.bit_count("b", 0, 40)], {"b": 17}),
    "lscan": ([bo.bit_lscan("b", 0, 40, True)], {"b": 4}),
    "rscan": ([bo.bit_rscan("b", 0, 40, True)], {"b": 39}),
    "set": ([bo.bit_set("b", 0, 8, 1, b"\xff"), op.read("b")], {"b": b"\xff\xf0\x55\xaa\x01"}),
    "set-int": ([bo.bit_set_int("b", 0, 8, 0x42), op.read("b")], {"b": b"\x42\xf0\x55\xaa\x01"}),
    "or": ([bo.bit_or("b", 0, 8, 1, b"\xf0"), bo.bit_get("b", 0, 8)], {"b": b"\xff"}),
    "xor": ([bo.bit_xor("b", 0, 8, 1, b"\xff"), bo.bit_get("b", 0, 8)], {"b": b"\xf0"}),
    "and": ([bo.bit_and("b", 0, 8, 1, b"\x3c"), bo.bit_get("b", 0, 8)], {"b": b"\x0c"}),
    "not": ([bo.bit_not("b", 0, 8), bo.bit_get("b", 0, 8)], {"b": b"\xf0"}),
    "lshift": ([bo.bit_lshift("b", 0, 8, 2), bo.bit_get("b", 0, 8)], {"b": b"\x3c"}),
    "rshift": ([bo.bit_rshift("b", 8, 8, 4), bo.bit_get("b", 8, 8)], {"b": b"\x0f"}),
    "add": (
        [bo.bit_add("b", 0, 8, 1, False, FAIL), _uint8(0)],
        {"b": 16},
    ),
    "subtract": (
        [bo.bit_subtract("b", 0, 8, 1, False, FAIL), _uint8(0)],
        {"b": 14},
    ),
    "add-saturate": (
        [bo.bit_add("b", 8, 8, 100, False, SATURATE), _uint8(8)],
        {"b": 255},
    ),
    "add-wrap": (
        [bo.bit_add("b", 8, 8, 16, False, WRAP), _uint8(8)],
        {"b": 0},
    ),
    "resize-grow": ([bo.bit_resize("b", 7), op.read("b")], {"b": bytes(BITS) + b"\x00\x00"}),
    "resize-shrink-from-front": (
        [bo.bit_resize("b", 3, resize_flags=aerospike.BIT_RESIZE_FROM_FRONT), op.read("b")],
        {"b": b"\x55\xaa\x01"},
    ),
    "insert": (
        [bo.bit_insert("b", 1, 2, b"\x11\x22"), op.read("b")],
        {"b": b"\x0f\x11\x22\xf0\x55\xaa\x01"},
    ),
    "remove": ([bo.bit_remove("b", 1, 2), op.read("b")], {"b": b"\x0f\xaa\x01"}),
}


@pytest.mark.parametrize("case", sorted(BIT_CASES))
def test_bit_operation(client, key, case):
    ops, expected = BIT_CASES[case]
    client.put(key, {"b": BITS})
    assert client.operate(key, ops)[2] == expected


def test_bit_add_overflow_fail_raises_op_not_applicable(client, key):
    client.put(key, {"b": BITS})
    with pytest.raises(ex.OpNotApplicable):
        client.operate(key, [bo.bit_add("b", 8, 8, 100, False, aerospike.BIT_OVERFLOW_FAIL)])
    assert client.get(key)[2]["b"] == bytes(BITS)


def test_bit_op_out_of_range_raises_op_not_applicable(client, key):
    client.put(key, {"b": BITS})
    with pytest.raises(ex.OpNotApplicable):
        client.operate(key, [bo.bit_get("b", 64, 8)])


def test_bit_write_flags(client, key):
    client.put(key, {"b": BITS})
    create_only = {"bit_write_flags": aerospike.BIT_WRITE_CREATE_ONLY}
    with pytest.raises(ex.AerospikeError) as info:
        client.operate(key, [bo.bit_resize("b", 8, policy=create_only)])
    assert info.value.code == 6
    no_fail = {"bit_write_flags": aerospike.BIT_WRITE_CREATE_ONLY | aerospike.BIT_WRITE_NO_FAIL}
    client.operate(key, [bo.bit_resize("b", 8, policy=no_fail)])
    assert client.get(key)[2]["b"] == bytes(BITS)


def test_bit_resize_creates_a_blob(client, key):
    client.operate(key, [bo.bit_resize("b", 4)])
    assert client.get(key)[2] == {"b": b"\x00\x00\x00\x00"}


# -- HyperLogLog ---------------------------------------------------------------------------


def test_hll_add_count_and_describe(client, key):
    _, _, bins = client.operate(key, [ho.hll_add("h", ["a", "b", "c", "d", "e"], 10)])
    assert bins == {"h": 5}
    assert client.operate(key, [ho.hll_get_count("h")])[2] == {"h": 5}
    assert client.operate(key, [ho.hll_describe("h")])[2] == {"h": [10, 0]}
    # Adding values already counted changes nothing.
    assert client.operate(key, [ho.hll_add("h", ["a", "b"])])[2] == {"h": 0}


def test_hll_init_with_minhash_and_refresh(client, key):
    client.operate(key, [ho.hll_init("h", 12, 8)])
    assert client.operate(key, [ho.hll_describe("h")])[2] == {"h": [12, 8]}
    client.operate(key, [ho.hll_add("h", ["x", "y"])])
    assert client.operate(key, [ho.hll_refresh_count("h")])[2] == {"h": 2}


def test_hll_union_intersection_and_similarity(client, keys):
    k1, k2 = keys("hll-1"), keys("hll-2")
    client.operate(k1, [ho.hll_add("h", ["a", "b", "c", "d"], 10, 8)])
    client.operate(k2, [ho.hll_add("h", ["c", "d", "e", "f"], 10, 8)])
    other = client.get(k2)[2]["h"]
    assert client.operate(k1, [ho.hll_get_union_count("h", [other])])[2] == {"h": 6}
    assert client.operate(k1, [ho.hll_get_intersect_count("h", [other])])[2] == {"h": 2}
    similarity = client.operate(k1, [ho.hll_get_similarity("h", [other])])[2]["h"]
    assert abs(similarity - 2 / 6) < 0.05
    union = client.operate(k1, [ho.hll_get_union("h", [other])])[2]["h"]
    assert isinstance(union, bytes)
    client.operate(k1, [ho.hll_set_union("h", [other])])
    assert client.operate(k1, [ho.hll_get_count("h")])[2] == {"h": 6}


def test_hll_fold(client, key):
    client.operate(key, [ho.hll_add("h", ["a", "b", "c"], 12)])
    client.operate(key, [ho.hll_fold("h", 8)])
    assert client.operate(key, [ho.hll_describe("h")])[2] == {"h": [8, 0]}
    assert client.operate(key, [ho.hll_get_count("h")])[2] == {"h": 3}


def test_hll_flags_and_errors(client, key):
    client.put(key, {"s": "text"})
    with pytest.raises(ex.BinIncompatibleType):
        client.operate(key, [ho.hll_add("s", ["a"], 8)])
    client.operate(key, [ho.hll_init("h", 8)])
    create_only = {"flags": aerospike.HLL_WRITE_CREATE_ONLY}
    with pytest.raises(ex.AerospikeError) as info:
        client.operate(key, [ho.hll_init("h", 8, policy=create_only)])
    assert info.value.code == 6
    no_fail = {"flags": aerospike.HLL_WRITE_CREATE_ONLY | aerospike.HLL_WRITE_NO_FAIL}
    client.operate(key, [ho.hll_init("h", 8, policy=no_fail)])
    with pytest.raises(ex.InvalidRequest):
        client.operate(key, [ho.hll_init("h2", 3)])


# -- expression operations -----------------------------------------------------------------


@pytest.fixture
def exp_record(client, key):
    client.put(
        key,
        {
            "i": 10,
            "f": 2.5,
            "s": "hello",
            "l": [1, 2, 3, 4, 2],
            "m": {"a": 1, "b": 2, "c": 3},
            "bits": b"\xf0\x0f",
        },
    )
    return key


EXPRESSION_READS = {
    "arith": (exp.Sub(exp.Mul(exp.Add(exp.IntBin("i"), 5), 2), 3), 27),
    "div": (exp.Div(exp.IntBin("i"), 3), 3),
    "float": (exp.Add(exp.FloatBin("f"), 0.25, 1.0), 3.75),
    "min-max": (exp.Sub(exp.Max(exp.IntBin("i"), 3, 42), exp.Min(7, exp.IntBin("i"))), 35),
    "int-bits": (exp.IntXOr(exp.IntOr(exp.IntAnd(exp.IntBin("i"), 6), 16), 1), 19),
    "int-not": (exp.IntNot(exp.IntBin("i")), -11),
    "cond": (
        exp.Cond(
            exp.LT(exp.IntBin("i"), 5), "small", exp.LT(exp.IntBin("i"), 50), "medium", "large"
        ),
        "medium",
    ),
    "let": (exp.Let(exp.Def("x", exp.IntBin("i")), exp.Mul(exp.Var("x"), exp.Var("x"))), 100),
    "list-bin": (exp.ListBin("l"), [1, 2, 3, 4, 2]),
    "list-get-by-index": (
        exp.ListGetByIndex(None, aerospike.LIST_RETURN_VALUE, exp.ResultType.INTEGER, 1, "l"),
        2,
    ),
    "list-value-range": (
        exp.ListGetByValueRange(None, aerospike.LIST_RETURN_VALUE, 2, 4, "l"),
        [2, 3, 2],
    ),
    "map-size": (exp.MapSize(None, exp.MapBin("m")), 3),
    "map-put-local": (exp.MapPut(None, None, "z", 26, "m"), {"a": 1, "b": 2, "c": 3, "z": 26}),
    "bit-count": (exp.BitCount(0, 16, exp.BlobBin("bits")), 8),
    "bit-get": (exp.BitGet(0, 8, "bits"), b"\xf0"),
    "bin-exists": (exp.BinExists("zz"), False),
    "str-eq": (exp.Eq(exp.StrBin("s"), "hello"), True),
}


@pytest.mark.parametrize("case", sorted(EXPRESSION_READS))
def test_expression_read(client, exp_record, case):
    expression, expected = EXPRESSION_READS[case]
    result = client.operate(exp_record, [eo.expression_read("r", expression.compile())])[2]
    assert result == {"r": expected}


def test_expression_read_of_hll(client, key):
    client.operate(key, [ho.hll_add("h", ["a", "b", "c"], 8)])
    ops = [
        eo.expression_read("n", exp.HLLGetCount("h").compile()),
        eo.expression_read("d", exp.HLLDescribe("h").compile()),
    ]
    assert client.operate(key, ops)[2] == {"n": 3, "d": [8, 0]}


def test_expression_read_failure_and_no_fail_flag(client, exp_record):
    missing = exp.Add(exp.IntBin("zz"), 1).compile()
    with pytest.raises(ex.OpNotApplicable):
        client.operate(exp_record, [eo.expression_read("r", missing)])
    ops = [eo.expression_read("r", missing, aerospike.EXP_READ_EVAL_NO_FAIL)]
    assert client.operate(exp_record, ops)[2] == {"r": None}
    with pytest.raises(ex.OpNotApplicable):
        client.operate(exp_record, [eo.expression_read("r", exp.Div(exp.IntBin("i"), 0).compile())])


def test_expression_write(client, exp_record):
    ops = [eo.expression_write("n", exp.Add(exp.IntBin("i"), 1).compile()), op.read("n")]
    _, meta, bins = client.operate(exp_record, ops)
    assert bins == {"n": 11} and meta["gen"] == 2


def test_expression_write_flags(client, exp_record):
    missing = exp.Add(exp.IntBin("zz"), 1).compile()
    with pytest.raises(ex.AerospikeError) as info:
        one = exp.Val(1).compile()
        client.operate(exp_record, [eo.expression_write("i", one, aerospike.EXP_WRITE_CREATE_ONLY)])
    assert info.value.code == 6
    with pytest.raises(ex.OpNotApplicable):
        client.operate(exp_record, [eo.expression_write("n", missing)])
    ops = [
        eo.expression_write("n", missing, aerospike.EXP_WRITE_EVAL_NO_FAIL),
        op.read("n"),
    ]
    assert client.operate(exp_record, ops)[2] == {"n": None}


def test_expression_read_and_write_in_order(client, exp_record):
    ops = [
        eo.expression_read("r", exp.IntBin("i").compile()),
        eo.expression_write("i", exp.Mul(exp.IntBin("i"), 3).compile()),
        op.read("i"),
    ]
    _, meta, bins = client.operate_ordered(exp_record, ops)
    assert meta["gen"] == 2
    assert bins == [("r", 10), ("i", None), ("i", 30)]


def test_metadata_expressions(client, exp_record):
    ops = [
        eo.expression_read("ttl", exp.TTL().compile()),
        eo.expression_read("set", exp.SetName().compile()),
        eo.expression_read("size", exp.GT(exp.RecordSize(), 10).compile()),
        eo.expression_read("mod", exp.DigestMod(256).compile()),
    ]
    bins = client.operate(exp_record, ops)[2]
    assert bins["ttl"] == -1 and bins["set"] == exp_record[1] and bins["size"] is True
    assert isinstance(bins["mod"], int) and 0 <= bins["mod"] < 256
