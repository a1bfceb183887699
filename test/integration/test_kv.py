# The single-record commands end to end: put/get/select/exists/remove/touch/append/
# prepend/increment/remove_bin, their return values and result shapes (key tuples with a
# bytearray digest, the meta dict, (key, None) from exists on a missing record), and the
# generation counting every write does.

import pytest

import aerospike
from aerospike import exception as ex

from .conftest import record_or_none

NEVER = 4294967295  # the remaining TTL reported for a record that never expires


def _assert_key_tuple(returned, key, user_key):
    ns, set_name, pk, digest = returned
    assert (ns, set_name) == key[:2]
    assert pk == user_key
    assert isinstance(digest, bytearray) and len(digest) == 20
    assert digest == aerospike.calc_digest(key[0], key[1], key[2])


def test_put_returns_zero_and_get_returns_a_record_tuple(client, key):
    assert client.put(key, {"a": 1, "s": "x"}) == 0
    record = client.get(key)
    assert isinstance(record, tuple) and len(record) == 3
    rkey, meta, bins = record
    # get() answers with the digest only: the user key is not echoed back.
    _assert_key_tuple(rkey, key, None)
    assert meta == {"ttl": NEVER, "gen": 1}
    assert bins == {"a": 1, "s": "x"}


def test_get_missing_record_raises_record_not_found(client, key):
    with pytest.raises(ex.RecordNotFound) as info:
        client.get(key)
    err = info.value
    assert err.code == 2
    assert isinstance(err, ex.RecordError) and isinstance(err, ex.ServerError)
    assert err.in_doubt is False


def test_put_merges_bins_into_an_existing_record(client, key):
    client.put(key, {"a": 1, "b": 2})
    client.put(key, {"b": 20, "c": 30})
    assert client.get(key)[2] == {"a": 1, "b": 20, "c": 30}


def test_generation_counts_every_write(client, key):
    client.put(key, {"a": 1})
    assert client.get(key)[1]["gen"] == 1
    client.put(key, {"a": 2})
    client.increment(key, "a", 1)
    client.append(key, "s", "x")
    client.touch(key)
    assert client.get(key)[1]["gen"] == 5
    assert client.exists(key)[1]["gen"] == 5


def test_reads_do_not_change_the_generation(client, key):
    client.put(key, {"a": 1})
    client.get(key)
    client.select(key, ["a"])
    client.exists(key)
    assert client.get(key)[1]["gen"] == 1


def test_select_returns_only_the_named_bins(client, key):
    client.put(key, {"a": 1, "b": 2, "c": 3})
    rkey, meta, bins = client.select(key, ["a", "c"])
    # select() echoes the user key back, unlike get().
    _assert_key_tuple(rkey, key, key[2])
    assert meta == {"ttl": NEVER, "gen": 1}
    assert bins == {"a": 1, "c": 3}


def test_select_missing_bin_is_left_out(client, key):
    client.put(key, {"a": 1, "b": 2})
    assert client.select(key, ["a", "zz"])[2] == {"a": 1}
    assert client.select(key, ["zz"])[2] == {}


def test_select_accepts_a_tuple_of_bin_names(client, key):
    client.put(key, {"a": 1, "b": 2})
    assert client.select(key, ("b",))[2] == {"b": 2}


def test_select_missing_record_raises_record_not_found(client, key):
    with pytest.raises(ex.RecordNotFound) as info:
        client.select(key, ["a"])
    assert info.value.code == 2


def test_exists_returns_key_and_meta(client, key):
    client.put(key, {"a": 1})
    result = client.exists(key)
    assert isinstance(result, tuple) and len(result) == 2
    rkey, meta = result
    _assert_key_tuple(rkey, key, key[2])
    assert meta == {"ttl": NEVER, "gen": 1}


def test_exists_on_missing_record_returns_key_and_none(client, key):
    rkey, meta = client.exists(key)
    _assert_key_tuple(rkey, key, key[2])
    assert meta is None


def test_remove_deletes_the_record(client, key):
    client.put(key, {"a": 1})
    assert client.remove(key) == 0
    assert client.exists(key)[1] is None
    with pytest.raises(ex.RecordNotFound):
        client.get(key)


def test_remove_missing_record_raises_record_not_found(client, key):
    with pytest.raises(ex.RecordNotFound) as info:
        client.remove(key)
    assert info.value.code == 2


def test_record_can_be_recreated_after_remove(client, key):
    client.put(key, {"a": 1})
    client.put(key, {"a": 2})
    client.remove(key)
    client.put(key, {"b": 3})
    _, meta, bins = client.get(key)
    assert bins == {"b": 3}
    assert meta["gen"] >= 1


def test_touch_bumps_generation_and_keeps_bins(client, key):
    client.put(key, {"a": 1})
    assert client.touch(key) == 0
    _, meta, bins = client.get(key)
    assert meta["gen"] == 2
    assert bins == {"a": 1}


def test_touch_with_ttl_sets_the_ttl(client, key):
    client.put(key, {"a": 1})
    client.touch(key, 120)
    meta = client.exists(key)[1]
    assert meta["gen"] == 2
    assert 110 <= meta["ttl"] <= 120


def test_touch_missing_record_raises_record_not_found(client, key):
    with pytest.raises(ex.RecordNotFound):
        client.touch(key)
    assert client.exists(key)[1] is None


def test_append_and_prepend_strings(client, key):
    client.put(key, {"s": "abc"})
    assert client.append(key, "s", "def") == 0
    assert client.prepend(key, "s", "xyz") == 0
    assert client.get(key)[2] == {"s": "xyzabcdef"}


def test_append_and_prepend_unicode(client, key):
    client.put(key, {"s": "é"})
    client.append(key, "s", "✓")
    client.prepend(key, "s", "日本")
    assert client.get(key)[2]["s"] == "日本é✓"


def test_append_and_prepend_bytes(client, key):
    client.put(key, {"b": b"\x01"})
    client.append(key, "b", b"\x02")
    client.prepend(key, "b", b"\x00")
    assert client.get(key)[2]["b"] == b"\x00\x01\x02"


def test_append_creates_missing_bin_and_record(client, key):
    client.append(key, "s", "first")
    assert client.get(key)[2] == {"s": "first"}


def test_increment_integer(client, key):
    client.put(key, {"i": 10})
    assert client.increment(key, "i", 5) == 0
    client.increment(key, "i", -20)
    assert client.get(key)[2] == {"i": -5}


def test_increment_float(client, key):
    client.put(key, {"f": 1.5})
    client.increment(key, "f", 0.25)
    assert client.get(key)[2] == {"f": 1.75}


def test_increment_creates_missing_bin_and_record(client, key):
    client.increment(key, "i", 3)
    _, meta, bins = client.get(key)
    assert bins == {"i": 3}
    assert meta["gen"] == 1


def test_increment_overflow_wraps_around_on_the_server(client, key):
    client.put(key, {"i": 2**63 - 1})
    client.increment(key, "i", 1)
    assert client.get(key)[2] == {"i": -(2**63)}


def test_increment_on_a_string_bin_raises_bin_incompatible_type(client, key):
    client.put(key, {"s": "x"})
    with pytest.raises(ex.BinIncompatibleType) as info:
        client.increment(key, "s", 1)
    assert info.value.code == 12
    assert client.get(key)[1:] == ({"ttl": NEVER, "gen": 1}, {"s": "x"})


@pytest.mark.parametrize(
    "bins, offset",
    [({"v": 1}, 0.5), ({"v": 1.5}, 1), ({"v": [1]}, 1), ({"v": b"x"}, 1)],
    ids=["int-bin-float-offset", "float-bin-int-offset", "list-bin", "blob-bin"],
)
def test_increment_of_mismatched_types_raises_bin_incompatible_type(client, key, bins, offset):
    client.put(key, bins)
    with pytest.raises(ex.BinIncompatibleType):
        client.increment(key, "v", offset)
    assert client.get(key)[1:] == ({"ttl": NEVER, "gen": 1}, bins)


def test_append_on_an_integer_bin_raises_bin_incompatible_type(client, key):
    client.put(key, {"i": 1})
    with pytest.raises(ex.BinIncompatibleType) as info:
        client.append(key, "i", "x")
    assert info.value.code == 12
    assert client.get(key)[2] == {"i": 1}


def test_remove_bin_removes_only_the_named_bins(client, key):
    client.put(key, {"a": 1, "b": 2, "c": 3})
    assert client.remove_bin(key, ["a", "c"]) == 0
    _, meta, bins = client.get(key)
    assert bins == {"b": 2}
    assert meta["gen"] == 2


def test_remove_bin_of_the_last_bin_deletes_the_record(client, key):
    client.put(key, {"a": 1})
    client.remove_bin(key, ["a"])
    assert record_or_none(client, key) is None


def test_remove_bin_with_meta_and_policy(client, key):
    client.put(key, {"a": 1, "b": 2})
    client.remove_bin(
        key, ["a"], meta={"gen": 1}, policy={"gen": aerospike.POLICY_GEN_EQ}
    )
    assert client.get(key)[2] == {"b": 2}
    with pytest.raises(ex.RecordGenerationError):
        client.remove_bin(key, ["b"], meta={"gen": 1}, policy={"gen": aerospike.POLICY_GEN_EQ})
    assert client.get(key)[2] == {"b": 2}


def test_write_commands_accept_keyword_arguments(client, key):
    client.put(key, bins={"a": 1}, meta={"ttl": 100}, policy={"total_timeout": 2000})
    client.increment(key, "a", 1, meta={"ttl": 200}, policy={"total_timeout": 2000})
    client.append(key, "s", "x", meta=None, policy=None)
    client.touch(key, val=300)
    assert client.get(key, policy={"total_timeout": 2000})[2] == {"a": 2, "s": "x"}
    client.remove(key, policy={"total_timeout": 2000})
    assert client.exists(key, policy={"total_timeout": 2000})[1] is None
