# test_digest.py: key digests and partition ids with no server: the known answers of
# protocol.md section 6 and the seed documents, through aerospike.calc_digest,
# get_partition_id and Client.get_key_partition_id.

import pytest

import aerospike

KNOWN = [
    ("set", 0, "93d943aae37b017ad7e011b0c1d2e2143c2fb37d", 2451),
    ("set", -1, "22116d253745e29fc63fdf760b6e26f7e197e01d", None),
    ("set", -(2**63), "7185c2a47fb02c996daed26b4e01b83240aee9d4", None),
    ("set", 2**63 - 1, "1698328974afa62c8e069860c1516f780d63dbb8", None),
    ("set", "", "2819b1ff6e346a43b4f5f6b77a88bc3eaac22a83", None),
    ("set", "a" * 10, "5979fb32a80da070ff356f7695455592272e36c2", 2393),
    ("set", bytearray(), "327e2877b8815c7aeede0d5a8620d4ef8df4a4b4", None),
    ("set", bytearray(b"s"), "ca2d96dc9a184d15a7fa2927565e844e9254e001", None),
    ("demo", "key1", "ec91192d4b7f8ce35d5d78d34bca65cbaaaac960", 492),
]


@pytest.mark.parametrize("set_name,key,digest,pid", KNOWN)
def test_known_digests(set_name, key, digest, pid):
    got = aerospike.calc_digest("test", set_name, key)
    assert isinstance(got, bytearray)
    assert got.hex() == digest
    if pid is not None:
        assert aerospike.get_partition_id(got) == pid


def test_seed_document_example():
    # The key-tuple example of the Client reference (seeds/004).
    expected = bytearray(b"b\xc7[\xbb\xa4K\xe2\x9al\xd12!&\xbf<\xd9\xf9\x1bPo")
    assert aerospike.calc_digest("test", "setname", "pkname") == expected


def test_namespace_is_not_part_of_the_digest():
    assert aerospike.calc_digest("a", "s", "k") == aerospike.calc_digest("b", "s", "k")


def test_bytes_key_hashes_like_a_string_and_bytearray_like_a_blob():
    assert aerospike.calc_digest("test", "s", b"abc") == aerospike.calc_digest("test", "s", "abc")
    assert aerospike.calc_digest("test", "s", bytearray(b"abc")) != aerospike.calc_digest(
        "test", "s", "abc"
    )


def test_partition_id_is_low_12_bits_of_first_two_bytes_le():
    digest = bytearray(20)
    digest[0], digest[1] = 0x34, 0xF2
    assert aerospike.get_partition_id(digest) == 0x234


def test_client_partition_id_matches_module():
    client = aerospike._core.Client({"hosts": [("127.0.0.1", 1)]})
    assert client.get_key_partition_id("test", "demo", "key1") == 492


@pytest.mark.parametrize("key", [1.5, None, [1], {"a": 1}])
def test_bad_keys_raise_param_error(key):
    with pytest.raises(aerospike.exception.ParamError):
        aerospike.calc_digest("test", "s", key)


def test_int_key_out_of_range():
    with pytest.raises(aerospike.exception.ParamError):
        aerospike.calc_digest("test", "s", 2**63)


@pytest.mark.parametrize("digest", [b"", bytearray(19), "x" * 20, 5])
def test_bad_digest_for_partition_id(digest):
    with pytest.raises(aerospike.exception.ParamError):
        aerospike.get_partition_id(digest)


def test_bool_key_is_the_integer_key():
    assert aerospike.calc_digest("test", "s", True) == aerospike.calc_digest("test", "s", 1)
