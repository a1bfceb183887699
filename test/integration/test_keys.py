# Key forms and digests: str/int/bytes/bytearray user keys, (ns, set, None, digest) keys,
# records without a set, the second namespace, POLICY_KEY_SEND storing the user key, and
# the digest helpers aerospike.calc_digest and Client.get_key_partition_id.

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers.expressions import base as exp
from aerospike_helpers.operations import expression_operations as eo

from .conftest import NS, OTHER_NS

KEY_STORED = [eo.expression_read("stored", exp.KeyExists().compile())]


@pytest.mark.parametrize(
    "user_key",
    ["plain", "日本✓", "", 0, 42, -42, 2**63 - 1, -(2**63), bytearray(b"\x01\x02")],
    ids=[
        "str", "unicode", "empty-str", "zero", "int", "neg-int", "int-max", "int-min", "bytearray"
    ],
)
def test_user_key_forms(client, keys, user_key):
    k = keys.track((NS, keys.set, user_key))
    client.put(k, {"a": 1})
    rkey, meta, bins = client.get(k)
    assert bins == {"a": 1}
    assert rkey[3] == aerospike.calc_digest(NS, keys.set, user_key)
    assert client.exists(k)[1]["gen"] == 1


def test_bytes_key_is_sent_as_a_string_key(client, keys):
    # The reference client sends a Python bytes key with the string particle type, so
    # b"abc" and "abc" name the same record while bytearray(b"abc") names another one.
    # Records written by either client must be found by the other.
    k = keys.track((NS, keys.set, b"abc"))
    client.put(k, {"a": 1})
    assert client.get(k)[2] == {"a": 1}
    assert client.exists(keys.track((NS, keys.set, "abc")))[1]["gen"] == 1
    assert client.exists(keys.track((NS, keys.set, bytearray(b"abc"))))[1] is None


def test_bool_key_is_sent_as_an_integer_key(client, keys):
    # The reference client treats True as the integer key 1 (bool is an int subclass).
    k = keys.track((NS, keys.set, True))
    client.put(k, {"a": 1})
    rkey, meta = client.exists(keys.track((NS, keys.set, 1)))
    assert meta["gen"] == 1
    assert client.get(k)[2] == {"a": 1}


def test_int_and_str_keys_are_different_records(client, keys):
    as_int = keys.track((NS, keys.set, 7))
    as_str = keys.track((NS, keys.set, "7"))
    client.put(as_int, {"t": "int"})
    client.put(as_str, {"t": "str"})
    assert client.get(as_int)[2] == {"t": "int"}
    assert client.get(as_str)[2] == {"t": "str"}


def test_digest_key_reads_a_record_written_by_user_key(client, key):
    client.put(key, {"a": 1})
    digest = aerospike.calc_digest(*key)
    rkey, _, bins = client.get((key[0], key[1], None, digest))
    assert bins == {"a": 1}
    assert rkey[2] is None and rkey[3] == digest


def test_digest_key_writes_a_record_read_by_user_key(client, key):
    digest = aerospike.calc_digest(*key)
    client.put((key[0], key[1], None, digest), {"a": 5})
    assert client.get(key)[2] == {"a": 5}


def test_key_with_both_user_key_and_digest(client, key):
    digest = aerospike.calc_digest(*key)
    client.put((key[0], key[1], key[2], digest), {"a": 6})
    assert client.get(key)[2] == {"a": 6}


def test_every_command_accepts_a_digest_key(client, key):
    dkey = (key[0], key[1], None, aerospike.calc_digest(*key))
    client.put(dkey, {"n": 1, "s": "a"})
    client.increment(dkey, "n", 1)
    client.append(dkey, "s", "b")
    client.prepend(dkey, "s", "z")
    client.touch(dkey)
    client.remove_bin(dkey, ["s"])
    assert client.select(dkey, ["n"])[2] == {"n": 2}
    assert client.exists(dkey)[1]["gen"] == 6
    client.remove(dkey)
    assert client.exists(dkey)[1] is None


def test_record_without_a_set(client, keys):
    k = keys.track((NS, None, "no-set-" + keys.set))
    client.put(k, {"a": 1})
    rkey, _, bins = client.get(k)
    assert bins == {"a": 1}
    assert rkey[:3] == (NS, None, None)
    # A record without a set has the digest of the empty set name.
    assert rkey[3] == aerospike.calc_digest(NS, "", k[2])


def test_same_user_key_in_another_set_is_another_record(client, keys):
    a = keys("shared")
    b = keys("shared", set_name=keys.set + "b")
    client.put(a, {"set": "a"})
    client.put(b, {"set": "b"})
    assert client.get(a)[2] == {"set": "a"}
    assert client.get(b)[2] == {"set": "b"}


def test_second_namespace(client, keys):
    k = keys("other-ns", ns=OTHER_NS)
    client.put(k, {"a": "bar"})
    rkey, _, bins = client.get(k)
    assert rkey[0] == OTHER_NS and bins == {"a": "bar"}
    assert client.exists(keys("other-ns"))[1] is None


def test_unknown_namespace_raises_namespace_not_found(client):
    with pytest.raises(ex.NamespaceNotFound) as info:
        client.get(("no_such_ns", "s", "k"))
    assert info.value.code == 20
    with pytest.raises(ex.NamespaceNotFound):
        client.put(("no_such_ns", "s", "k"), {"a": 1})


def test_key_is_not_stored_by_default(client, key):
    client.put(key, {"a": 1})
    assert client.operate(key, KEY_STORED)[2] == {"stored": False}


@pytest.mark.parametrize(
    "user_key", ["send-str", 12345, bytearray(b"send-blob")], ids=["str", "int", "bytearray"]
)
def test_policy_key_send_stores_the_user_key(client, keys, user_key):
    k = keys.track((NS, keys.set, user_key))
    client.put(k, {"a": 1}, policy={"key": aerospike.POLICY_KEY_SEND})
    assert client.operate(k, KEY_STORED)[2] == {"stored": True}
    # The stored key can be matched by a filter expression of the right type.
    if isinstance(user_key, str):
        keyexp = exp.Eq(exp.KeyStr(), user_key)
    elif isinstance(user_key, int):
        keyexp = exp.Eq(exp.KeyInt(), user_key)
    else:
        keyexp = exp.Eq(exp.KeyBlob(), user_key)
    assert client.get(k, policy={"expressions": keyexp.compile()})[2] == {"a": 1}


def test_policy_key_send_on_read_echoes_the_user_key(client, key):
    client.put(key, {"a": 1})
    rkey = client.get(key, policy={"key": aerospike.POLICY_KEY_SEND})[0]
    assert rkey[:3] == key


def test_remove_with_key_send(client, key):
    client.put(key, {"a": 1}, policy={"key": aerospike.POLICY_KEY_SEND})
    assert client.remove(key, policy={"key": aerospike.POLICY_KEY_SEND}) == 0
    assert client.exists(key)[1] is None


def test_calc_digest_is_a_20_byte_bytearray_and_stable(client, key):
    d = aerospike.calc_digest(*key)
    assert isinstance(d, bytearray) and len(d) == 20
    assert d == aerospike.calc_digest(*key)
    assert d != aerospike.calc_digest(key[0], key[1], key[2] + "x")
    # The namespace does not take part in the digest, the set does.
    assert d == aerospike.calc_digest(OTHER_NS, key[1], key[2])
    assert d != aerospike.calc_digest(key[0], key[1] + "x", key[2])


def test_calc_digest_known_value():
    # Captured from the reference client against a real server (kv/get-int-negative).
    assert aerospike.calc_digest("test", "vkv", "kv/get-int-negative") == bytearray(
        b"(u\xa8\x00\xdcH\x8c\x97\x81\x19\xc7\x03\x84M\x01\xb6G\xf4\x13\xc0"
    )


def test_digest_matches_the_one_the_server_returns(client, keys):
    for user_key in ["a", 1, bytearray(b"b")]:
        k = keys.track((NS, keys.set, user_key))
        client.put(k, {"x": 1})
        assert client.get(k)[0][3] == aerospike.calc_digest(NS, keys.set, user_key)


def test_key_partition_id_is_taken_from_the_digest(client, key):
    digest = aerospike.calc_digest(*key)
    pid = client.get_key_partition_id(*key)
    assert 0 <= pid < 4096
    assert pid == (digest[0] | (digest[1] << 8)) & 0xFFF


def test_key_partition_ids_spread_over_the_partitions(client):
    pids = {client.get_key_partition_id(NS, "s", i) for i in range(500)}
    assert len(pids) > 400
