# Record expiry: meta ttl values (seconds, TTL_NEVER_EXPIRE, TTL_NAMESPACE_DEFAULT,
# TTL_DONT_UPDATE), the remaining TTL that reads report, and expiry itself, driven by the
# emulator's controllable clock instead of sleeping (those tests skip on a real cluster).

import time

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_helpers.expressions import base as exp
from aerospike_helpers.operations import operations as op

from .conftest import record_or_none

NEVER = 4294967295


def test_meta_ttl_sets_the_remaining_ttl(client, key):
    client.put(key, {"a": 1}, meta={"ttl": 1000})
    _, meta, bins = client.get(key)
    assert meta["gen"] == 1 and bins == {"a": 1}
    assert 990 <= meta["ttl"] <= 1000


def test_remaining_ttl_never_exceeds_the_ttl_written(emulator, client, key):
    # Around a second boundary a client whose clock lags the server's (a coarse or cached
    # clock) reports one second more than was written. The emulator shares this machine's
    # clock, so the reported TTL must never exceed the TTL written; the loop straddles one
    # second boundary, where the error shows.
    while time.time() % 1 < 0.97:
        time.sleep(0.005)
    end = int(time.time()) + 1.03
    seen = []
    while time.time() < end:
        client.put(key, {"a": 1}, meta={"ttl": 1000})
        seen.append(client.get(key)[1]["ttl"])
    assert max(seen) <= 1000 and min(seen) >= 999, sorted(set(seen))


def test_ttl_never_expire(client, key):
    client.put(key, {"a": 1}, meta={"ttl": aerospike.TTL_NEVER_EXPIRE})
    assert client.exists(key)[1]["ttl"] == NEVER
    client.put(key, {"a": 1}, meta={"ttl": -1})
    assert client.exists(key)[1]["ttl"] == NEVER


def test_ttl_namespace_default(emulator, client, key):
    # The emulator's namespaces have default-ttl 0: records never expire.
    client.put(key, {"a": 1}, meta={"ttl": aerospike.TTL_NAMESPACE_DEFAULT})
    assert client.exists(key)[1]["ttl"] == NEVER


def test_ttl_dont_update_keeps_the_ttl(client, key):
    client.put(key, {"a": 1}, meta={"ttl": 1000})
    client.put(key, {"a": 2}, meta={"ttl": aerospike.TTL_DONT_UPDATE})
    _, meta, bins = client.get(key)
    assert bins == {"a": 2} and 990 <= meta["ttl"] <= 1000
    client.put(key, {"a": 3}, meta={"ttl": -2})
    assert 990 <= client.exists(key)[1]["ttl"] <= 1000


def test_a_plain_write_resets_the_ttl_to_the_default(client, key):
    # A write without a ttl applies the namespace default again (never, on the emulator).
    client.put(key, {"a": 1}, meta={"ttl": 1000})
    client.put(key, {"a": 2})
    assert not 990 <= client.exists(key)[1]["ttl"] <= 1000


def test_ttl_through_operate_touch_and_increment(client, key):
    client.put(key, {"i": 1})
    _, meta, _ = client.operate(key, [op.write("a", 1)], meta={"ttl": 600})
    assert 590 <= meta["ttl"] <= 600 and meta["gen"] == 2
    _, meta, _ = client.operate(key, [op.touch(500)])
    assert 490 <= meta["ttl"] <= 500
    client.increment(key, "i", 1, meta={"ttl": 400})
    assert 390 <= client.exists(key)[1]["ttl"] <= 400
    client.touch(key, 300)
    assert 290 <= client.exists(key)[1]["ttl"] <= 300
    client.append(key, "s", "x", meta={"ttl": 200})
    assert 190 <= client.exists(key)[1]["ttl"] <= 200


def test_record_expires_after_its_ttl(client, clock, key):
    client.put(key, {"a": 1}, meta={"ttl": 100})
    clock.advance(50)
    assert client.get(key)[2] == {"a": 1}
    clock.advance(51)
    with pytest.raises(ex.RecordNotFound):
        client.get(key)
    assert client.exists(key)[1] is None
    with pytest.raises(ex.RecordNotFound):
        client.touch(key)


def test_expired_record_can_be_written_again_as_new(client, clock, key):
    client.put(key, {"a": 1, "b": 2}, meta={"ttl": 10})
    client.put(key, {"a": 2}, meta={"ttl": 10})
    clock.advance(11)
    client.put(key, {"c": 3})
    _, meta, bins = client.get(key)
    assert bins == {"c": 3}
    assert meta["ttl"] == NEVER


def test_never_expire_survives_a_long_time(client, clock, key):
    client.put(key, {"a": 1}, meta={"ttl": aerospike.TTL_NEVER_EXPIRE})
    clock.advance(20 * 365 * 24 * 3600)
    assert client.get(key)[2] == {"a": 1}


def test_touch_extends_the_life_of_a_record(client, clock, key):
    client.put(key, {"a": 1}, meta={"ttl": 100})
    clock.advance(90)
    client.touch(key, 100)
    clock.advance(90)
    assert client.get(key)[2] == {"a": 1}
    clock.advance(11)
    assert record_or_none(client, key) is None


def test_ttl_dont_update_keeps_the_original_expiry(client, clock, key):
    client.put(key, {"a": 1}, meta={"ttl": 100})
    clock.advance(60)
    client.put(key, {"a": 2}, meta={"ttl": aerospike.TTL_DONT_UPDATE})
    clock.advance(41)
    assert record_or_none(client, key) is None


def test_ttl_expression_sees_the_server_clock(client, clock, key):
    client.put(key, {"a": 1}, meta={"ttl": 1000})
    younger = {"expressions": exp.LT(exp.TTL(), 600).compile()}
    with pytest.raises(ex.FilteredOut):
        client.get(key, policy=younger)
    clock.advance(500)
    assert client.get(key, policy=younger)[2] == {"a": 1}


def test_since_update_time_expression_sees_the_server_clock(client, clock, key):
    client.put(key, {"a": 1})
    # SinceUpdateTime is in milliseconds.
    old = {"expressions": exp.GT(exp.SinceUpdateTime(), 60_000).compile()}
    with pytest.raises(ex.FilteredOut):
        client.get(key, policy=old)
    clock.advance(120)
    assert client.get(key, policy=old)[2] == {"a": 1}


@pytest.mark.parametrize("ttl", [10 * 365 * 24 * 3600 + 1, 0xFFFFFFF0, -5])
def test_ttl_above_ten_years_is_refused_and_nothing_is_written(client, key, ttl):
    # The server refuses a TTL above its ten-year limit (result 4); -1 and -2 are the
    # special values, other negative numbers are huge unsigned TTLs.
    with pytest.raises(ex.InvalidRequest) as info:
        client.put(key, {"a": 1}, meta={"ttl": ttl})
    assert info.value.code == 4
    assert record_or_none(client, key) is None
