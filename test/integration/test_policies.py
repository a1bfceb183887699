# Policy and meta keys of the single-record commands: exists (CREATE/UPDATE/REPLACE/
# CREATE_OR_REPLACE), generation checks (EQ/GT), meta ttl/gen, commit level, durable
# delete, read modes, replica choices, timeouts and retries, compress, and filter
# expressions that make every command answer FilteredOut (27) and change nothing.

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers.expressions import base as exp
from aerospike_helpers.operations import operations as op

from .conftest import record_or_none

NEVER = 4294967295


# -- exists policies -----------------------------------------------------------------


def test_exists_create_on_a_new_record(client, key):
    client.put(key, {"a": 1}, policy={"exists": aerospike.POLICY_EXISTS_CREATE})
    assert client.get(key)[2] == {"a": 1}


def test_exists_create_on_an_existing_record_fails_with_5(client, key):
    client.put(key, {"a": 1})
    with pytest.raises(ex.RecordExistsError) as info:
        client.put(key, {"a": 2}, policy={"exists": aerospike.POLICY_EXISTS_CREATE})
    assert info.value.code == 5
    assert client.get(key)[1:] == ({"ttl": NEVER, "gen": 1}, {"a": 1})


def test_exists_update_merges_into_an_existing_record(client, key):
    client.put(key, {"a": 1})
    client.put(key, {"b": 2}, policy={"exists": aerospike.POLICY_EXISTS_UPDATE})
    assert client.get(key)[2] == {"a": 1, "b": 2}


def test_exists_update_on_a_missing_record_fails_with_2(client, key):
    with pytest.raises(ex.RecordNotFound) as info:
        client.put(key, {"a": 1}, policy={"exists": aerospike.POLICY_EXISTS_UPDATE})
    assert info.value.code == 2
    assert record_or_none(client, key) is None


def test_exists_replace_drops_the_other_bins(client, key):
    client.put(key, {"a": 1, "c": 3})
    client.put(key, {"b": 2}, policy={"exists": aerospike.POLICY_EXISTS_REPLACE})
    _, meta, bins = client.get(key)
    assert bins == {"b": 2}
    assert meta["gen"] == 2


def test_exists_replace_on_a_missing_record_fails_with_2(client, key):
    with pytest.raises(ex.RecordNotFound):
        client.put(key, {"a": 1}, policy={"exists": aerospike.POLICY_EXISTS_REPLACE})
    assert record_or_none(client, key) is None


def test_exists_create_or_replace(client, key):
    client.put(key, {"a": 1}, policy={"exists": aerospike.POLICY_EXISTS_CREATE_OR_REPLACE})
    client.put(key, {"b": 2}, policy={"exists": aerospike.POLICY_EXISTS_CREATE_OR_REPLACE})
    assert client.get(key)[2] == {"b": 2}


def test_exists_ignore_is_the_default_upsert(client, key):
    client.put(key, {"a": 1}, policy={"exists": aerospike.POLICY_EXISTS_IGNORE})
    client.put(key, {"b": 2}, policy={"exists": aerospike.POLICY_EXISTS_IGNORE})
    assert client.get(key)[2] == {"a": 1, "b": 2}


def test_exists_policies_through_operate(client, key):
    with pytest.raises(ex.RecordNotFound):
        client.operate(key, [op.write("a", 1)], policy={"exists": aerospike.POLICY_EXISTS_UPDATE})
    client.operate(key, [op.write("a", 1)], policy={"exists": aerospike.POLICY_EXISTS_CREATE})
    with pytest.raises(ex.RecordExistsError):
        client.operate(key, [op.write("a", 2)], policy={"exists": aerospike.POLICY_EXISTS_CREATE})
    client.put(key, {"c": 3})
    client.operate(key, [op.write("b", 2)], policy={"exists": aerospike.POLICY_EXISTS_REPLACE})
    assert client.get(key)[2] == {"b": 2}


# -- generation ---------------------------------------------------------------------


def test_gen_eq_write_succeeds_on_the_current_generation(client, key):
    client.put(key, {"a": 1})
    client.put(key, {"a": 2})
    client.put(key, {"a": 3}, meta={"gen": 2}, policy={"gen": aerospike.POLICY_GEN_EQ})
    _, meta, bins = client.get(key)
    assert bins == {"a": 3} and meta["gen"] == 3


def test_gen_eq_write_on_a_stale_generation_fails_with_3(client, key):
    client.put(key, {"a": 1})
    client.put(key, {"a": 2})
    with pytest.raises(ex.RecordGenerationError) as info:
        client.put(key, {"a": 3}, meta={"gen": 1}, policy={"gen": aerospike.POLICY_GEN_EQ})
    assert info.value.code == 3
    assert client.get(key)[1:] == ({"ttl": NEVER, "gen": 2}, {"a": 2})


def test_gen_gt_write_needs_a_greater_generation(client, key):
    client.put(key, {"a": 1})
    client.put(key, {"a": 5}, meta={"gen": 5}, policy={"gen": aerospike.POLICY_GEN_GT})
    assert client.get(key)[2] == {"a": 5}
    current = client.get(key)[1]["gen"]
    with pytest.raises(ex.RecordGenerationError):
        client.put(key, {"a": 6}, meta={"gen": current}, policy={"gen": aerospike.POLICY_GEN_GT})
    assert client.get(key)[2] == {"a": 5}


def test_gen_ignore_disregards_meta_gen(client, key):
    client.put(key, {"a": 1})
    client.put(key, {"a": 2}, meta={"gen": 99}, policy={"gen": aerospike.POLICY_GEN_IGNORE})
    assert client.get(key)[2] == {"a": 2}


def test_gen_eq_on_remove_touch_and_operate(client, key):
    client.put(key, {"a": 1})
    with pytest.raises(ex.RecordGenerationError):
        client.touch(key, 0, meta={"gen": 7}, policy={"gen": aerospike.POLICY_GEN_EQ})
    client.touch(key, 0, meta={"gen": 1}, policy={"gen": aerospike.POLICY_GEN_EQ})
    with pytest.raises(ex.RecordGenerationError):
        client.operate(
            key, [op.write("a", 9)], meta={"gen": 1}, policy={"gen": aerospike.POLICY_GEN_EQ}
        )
    _, meta, _ = client.operate(
        key, [op.write("a", 9)], meta={"gen": 2}, policy={"gen": aerospike.POLICY_GEN_EQ}
    )
    assert meta["gen"] == 3
    with pytest.raises(ex.RecordGenerationError) as info:
        client.remove(key, meta={"gen": 5}, policy={"gen": aerospike.POLICY_GEN_EQ})
    assert info.value.code == 3
    assert client.get(key)[2] == {"a": 9}
    client.remove(key, meta={"gen": 3}, policy={"gen": aerospike.POLICY_GEN_EQ})
    assert record_or_none(client, key) is None


def test_gen_eq_on_increment_append_prepend(client, key):
    client.put(key, {"i": 1, "s": "b"})
    eq = {"gen": aerospike.POLICY_GEN_EQ}
    with pytest.raises(ex.RecordGenerationError):
        client.increment(key, "i", 1, meta={"gen": 9}, policy=eq)
    client.increment(key, "i", 1, meta={"gen": 1}, policy=eq)
    client.append(key, "s", "c", meta={"gen": 2}, policy=eq)
    client.prepend(key, "s", "a", meta={"gen": 3}, policy=eq)
    with pytest.raises(ex.RecordGenerationError):
        client.append(key, "s", "z", meta={"gen": 3}, policy=eq)
    assert client.get(key)[1:] == ({"ttl": NEVER, "gen": 4}, {"i": 2, "s": "abc"})


# -- other write policy keys ------------------------------------------------------------


def test_commit_level_master_and_all(client, key):
    client.put(key, {"a": 1}, policy={"commit_level": aerospike.POLICY_COMMIT_LEVEL_MASTER})
    client.put(key, {"b": 2}, policy={"commit_level": aerospike.POLICY_COMMIT_LEVEL_ALL})
    client.remove_bin(key, ["a"], policy={"commit_level": aerospike.POLICY_COMMIT_LEVEL_MASTER})
    assert client.get(key)[2] == {"b": 2}


def test_durable_delete_flag_on_a_write_is_accepted(client, key):
    client.put(key, {"a": 1}, policy={"durable_delete": True})
    assert client.get(key)[2] == {"a": 1}


def test_durable_delete_of_a_record(client, key):
    # Community Edition refuses durable deletes with result 25; Enterprise performs them.
    client.put(key, {"a": 1})
    try:
        client.remove(key, policy={"durable_delete": True})
    except ex.AerospikeError as e:
        assert e.code == 25
        assert client.get(key)[2] == {"a": 1}
    else:
        assert record_or_none(client, key) is None


def test_policy_ttl_is_used_when_meta_has_none(client, key):
    client.put(key, {"a": 1}, policy={"ttl": 500})
    assert 490 <= client.exists(key)[1]["ttl"] <= 500


def test_meta_ttl_client_default_takes_the_policy_ttl(client, key):
    client.put(key, {"a": 1}, meta={"ttl": aerospike.TTL_CLIENT_DEFAULT}, policy={"ttl": 700})
    assert 690 <= client.exists(key)[1]["ttl"] <= 700


@pytest.mark.parametrize(
    "policy",
    [
        {"total_timeout": 4321},
        {"total_timeout": 3000, "socket_timeout": 700},
        {"total_timeout": 0, "socket_timeout": 0},
        {"max_retries": 3, "sleep_between_retries": 10},
        {"read_mode_ap": aerospike.POLICY_READ_MODE_AP_ALL},
        {"read_mode_ap": aerospike.POLICY_READ_MODE_AP_ONE},
        {"read_mode_sc": aerospike.POLICY_READ_MODE_SC_SESSION},
        {"read_mode_sc": aerospike.POLICY_READ_MODE_SC_LINEARIZE},
        {"replica": aerospike.POLICY_REPLICA_MASTER},
        {"replica": aerospike.POLICY_REPLICA_ANY},
        {"replica": aerospike.POLICY_REPLICA_SEQUENCE},
        {"replica": aerospike.POLICY_REPLICA_PREFER_RACK},
        {"replica": aerospike.POLICY_REPLICA_RANDOM},
        {"compress": True},
        {"deserialize": True},
    ],
    ids=lambda p: "-".join("%s=%s" % kv for kv in p.items()),
)
def test_read_policy_keys_are_accepted(client, key, policy):
    client.put(key, {"a": 1, "b": "x"})
    assert client.get(key, policy=policy)[2] == {"a": 1, "b": "x"}
    assert client.select(key, ["a"], policy=policy)[2] == {"a": 1}
    assert client.exists(key, policy=policy)[1]["gen"] == 1


@pytest.mark.parametrize(
    "policy",
    [
        {"total_timeout": 4321},
        {"socket_timeout": 500, "total_timeout": 2000},
        {"max_retries": 2, "sleep_between_retries": 5},
        {"replica": aerospike.POLICY_REPLICA_MASTER},
        {"replica": aerospike.POLICY_REPLICA_SEQUENCE},
        {"key": aerospike.POLICY_KEY_DIGEST},
    ],
    ids=lambda p: "-".join("%s=%s" % kv for kv in p.items()),
)
def test_write_policy_keys_are_accepted(client, key, policy):
    client.put(key, {"a": 1}, policy=policy)
    client.increment(key, "a", 1, policy=policy)
    client.touch(key, 0, policy=policy)
    client.remove_bin(key, ["zz"], policy=policy)
    client.operate(key, [op.write("b", 2)], policy=policy)
    assert client.get(key)[2] == {"a": 2, "b": 2}
    client.remove(key, policy=policy)
    assert record_or_none(client, key) is None


def test_compressed_write_of_a_large_record(client, key):
    # Community Edition refuses compressed requests with result 25; Enterprise takes them.
    try:
        client.put(key, {"b": b"z" * 400}, policy={"compress": True})
    except ex.AerospikeError as e:
        assert e.code == 25
        assert record_or_none(client, key) is None
    else:
        assert client.get(key)[2] == {"b": b"z" * 400}


def test_compressed_write_of_a_small_record_is_sent_plain(client, key):
    # Below the 128-byte threshold the request is not compressed, so any server takes it.
    client.put(key, {"a": 1}, policy={"compress": True})
    assert client.get(key, policy={"compress": True})[2] == {"a": 1}


# -- filter expressions --------------------------------------------------------------------


MATCH = exp.Eq(exp.IntBin("i"), 10).compile()
MISS = exp.Eq(exp.IntBin("i"), 11).compile()

FILTERED_COMMANDS = {
    "get": lambda c, k, p: c.get(k, policy=p),
    "select": lambda c, k, p: c.select(k, ["i"], policy=p),
    "exists": lambda c, k, p: c.exists(k, policy=p),
    "put": lambda c, k, p: c.put(k, {"n": 1}, policy=p),
    "remove": lambda c, k, p: c.remove(k, policy=p),
    "touch": lambda c, k, p: c.touch(k, 100, policy=p),
    "append": lambda c, k, p: c.append(k, "s", "x", policy=p),
    "prepend": lambda c, k, p: c.prepend(k, "s", "x", policy=p),
    "increment": lambda c, k, p: c.increment(k, "i", 1, policy=p),
    "remove_bin": lambda c, k, p: c.remove_bin(k, ["s"], policy=p),
    "operate": lambda c, k, p: c.operate(k, [op.increment("i", 1), op.read("i")], policy=p),
    "operate_ordered": lambda c, k, p: c.operate_ordered(k, [op.read("i")], policy=p),
}


@pytest.mark.parametrize("command", sorted(FILTERED_COMMANDS))
def test_filter_expression_miss_raises_filtered_out_and_changes_nothing(client, key, command):
    client.put(key, {"i": 10, "s": "v"})
    with pytest.raises(ex.FilteredOut) as info:
        FILTERED_COMMANDS[command](client, key, {"expressions": MISS})
    assert info.value.code == 27
    assert client.get(key)[1:] == ({"ttl": NEVER, "gen": 1}, {"i": 10, "s": "v"})


@pytest.mark.parametrize("command", sorted(FILTERED_COMMANDS))
def test_filter_expression_match_runs_the_command(client, key, command):
    client.put(key, {"i": 10, "s": "v"})
    FILTERED_COMMANDS[command](client, key, {"expressions": MATCH})


def test_filter_on_a_missing_record_is_record_not_found(client, key):
    with pytest.raises(ex.RecordNotFound):
        client.get(key, policy={"expressions": MATCH})


def test_filter_combinations(client, key):
    client.put(key, {"i": 10, "s": "hello", "f": 2.5, "l": [1, 2, 3]})
    match = [
        exp.And(exp.GT(exp.IntBin("i"), 5), exp.LT(exp.IntBin("i"), 20)),
        exp.Or(exp.Eq(exp.StrBin("s"), "x"), exp.Eq(exp.IntBin("i"), 10)),
        exp.Not(exp.Eq(exp.IntBin("i"), 3)),
        exp.GE(exp.FloatBin("f"), 2.5),
        exp.BinExists("l"),
        exp.Eq(exp.SetName(), key[1]),
        exp.CmpRegex(aerospike.REGEX_EXTENDED | aerospike.REGEX_ICASE, "^HEL+O$", exp.StrBin("s")),
    ]
    for e in match:
        assert client.get(key, policy={"expressions": e.compile()})[2]["i"] == 10
    miss = [
        exp.Exclusive(exp.Eq(exp.IntBin("i"), 10), exp.Eq(exp.StrBin("s"), "hello")),
        exp.BinExists("zz"),
        exp.LT(exp.IntBin("i"), 10),
        # Without REGEX_EXTENDED the pattern is a POSIX basic one, where "+" is a literal.
        exp.CmpRegex(aerospike.REGEX_ICASE, "^HEL+O$", exp.StrBin("s")),
    ]
    for e in miss:
        with pytest.raises(ex.FilteredOut):
            client.get(key, policy={"expressions": e.compile()})
