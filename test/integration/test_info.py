# Cluster-level calls: info_all / info_random_node / info_single_node, get_nodes /
# get_node_names, truncate (all records, with a last-update cut-off through the
# emulator's clock, future cut-offs refused), and secondary index create/remove.

import re
import time

import pytest

from aerospike import exception as ex

from .conftest import NS, RUN_TAG, record_or_none

VERSION = re.compile(r"^\d+\.\d+\.\d+(\.\d+)?\n$")


def test_get_nodes_and_node_names(client, seeds):
    nodes = client.get_nodes()
    assert isinstance(nodes, list) and nodes
    for host, port in nodes:
        assert isinstance(host, str) and isinstance(port, int)
    names = client.get_node_names()
    assert len(names) == len(nodes)
    for entry in names:
        assert set(entry) == {"address", "port", "node_name"}
        assert (entry["address"], entry["port"]) in nodes
        assert isinstance(entry["node_name"], str) and entry["node_name"]


def test_info_all_returns_one_entry_per_node(client):
    result = client.info_all("build")
    names = {n["node_name"] for n in client.get_node_names()}
    assert set(result) == names
    for err, value in result.values():
        # The value comes without the echoed command name.
        assert err is None
        assert VERSION.match(value), value


def test_info_all_with_a_policy(client):
    result = client.info_all("namespaces", policy={"timeout": 2000})
    for _, value in result.values():
        assert NS in value.strip().split(";")


def test_info_random_node_echoes_the_command(client):
    value = client.info_random_node("build")
    assert value.startswith("build\t") and VERSION.match(value.split("\t", 1)[1])
    assert len(client.info_random_node("node")) > len("node\t\n")


def test_info_random_node_with_several_commands(client):
    value = client.info_random_node("build\nnode\n")
    lines = value.rstrip("\n").split("\n")
    assert [line.split("\t")[0] for line in lines] == ["build", "node"]


def test_info_single_node_by_node_name(client):
    name = client.get_node_names()[0]["node_name"]
    value = client.info_single_node("namespaces", name)
    assert value.startswith("namespaces\t")
    assert NS in value.split("\t", 1)[1].strip().split(";")
    assert client.info_single_node("node", name) == "node\t%s\n" % name


def test_info_single_node_unknown_node_is_a_param_error(client):
    with pytest.raises(ex.ParamError):
        client.info_single_node("build", "NO_SUCH_NODE")


def test_unknown_info_command_raises_invalid_request(client):
    with pytest.raises(ex.InvalidRequest) as info:
        client.info_random_node("no-such-command")
    assert info.value.code == 4
    with pytest.raises(ex.InvalidRequest):
        client.info_all("no-such-command")


def test_info_command_must_be_a_string(client):
    with pytest.raises(ex.ParamError):
        client.info_random_node(5)
    with pytest.raises(ex.ParamError):
        client.info_all(None)


def test_info_sets_lists_a_written_set(client, keys):
    k = keys("info-sets")
    client.put(k, {"a": 1})
    value = client.info_random_node("sets/%s/%s" % (NS, k[1]))
    assert "objects=1" in value


def _wait_gone(client, key, timeout=5.0):
    # A truncate is asynchronous on a real server; the emulator applies it at once.
    deadline = time.time() + timeout
    while time.time() < deadline:
        if record_or_none(client, key) is None:
            return True
        time.sleep(0.05)
    return False


def test_truncate_a_set(client, keys):
    gone = [keys("t%d" % i) for i in range(5)]
    other = keys("kept", set_name=keys.set + "x")
    for k in gone + [other]:
        client.put(k, {"a": 1})
    assert client.truncate(NS, keys.set, 0) == 0
    for k in gone:
        assert _wait_gone(client, k)
    assert client.get(other)[2] == {"a": 1}


def test_writes_after_a_truncate_are_kept(client, keys, is_external):
    k = keys("after")
    client.put(k, {"a": 1})
    client.truncate(NS, keys.set, 0)
    assert _wait_gone(client, k)
    if is_external:
        time.sleep(1.1)  # The real server refuses writes in the truncate's millisecond.
    client.put(k, {"a": 2})
    assert client.get(k)[2] == {"a": 2}


def test_truncate_with_a_cut_off_time(client, clock, keys):
    old, new = keys("old"), keys("new")
    clock.advance(-100)
    client.put(old, {"v": "old"})
    clock.advance(100)
    client.put(new, {"v": "new"})
    cut_off = int((time.time() - 50) * 1e9)
    assert client.truncate(NS, keys.set, cut_off) == 0
    assert record_or_none(client, old) is None
    assert client.get(new)[2] == {"v": "new"}


def test_truncate_cut_off_in_the_future_is_refused(client, keys):
    k = keys("future")
    client.put(k, {"a": 1})
    with pytest.raises(ex.InvalidRequest):
        client.truncate(NS, keys.set, int((time.time() + 3600) * 1e9))
    assert client.get(k)[2] == {"a": 1}


def test_truncate_unknown_namespace_answers_ok(client):
    assert client.truncate("no_such_ns", None, 0) == 0


@pytest.mark.parametrize("nanos", ["x", -1, 1.5], ids=["str", "negative", "float"])
def test_truncate_bad_cut_off_is_a_param_error(client, keys, nanos):
    k = keys("bad-nanos")
    client.put(k, {"a": 1})
    with pytest.raises(ex.ParamError):
        client.truncate(NS, keys.set, nanos)
    assert client.get(k)[2] == {"a": 1}


def test_secondary_index_create_and_remove(client, keys):
    # Index creation is slow with the reference client (it waits before polling), so one
    # test covers both datatypes, the idempotent re-create, the conflict and the removal.
    set_name = keys.set
    num, text = "it%s_num" % RUN_TAG, "it%s_str" % RUN_TAG
    try:
        assert client.index_integer_create(NS, set_name, "i", num) == 0
        assert client.index_string_create(NS, set_name, "s", text) == 0
        listing = client.info_random_node("sindex-list:ns=%s" % NS)
        assert "indexname=%s" % num in listing and "indexname=%s" % text in listing
        with pytest.raises(ex.IndexFoundError) as info:
            client.index_integer_create(NS, set_name, "other", num)
        assert info.value.code == 200
        assert client.index_remove(NS, num) == 0
        exists = client.info_random_node("sindex-exists:namespace=%s;indexname=%s" % (NS, num))
        assert exists.rstrip("\n").endswith("false")
    finally:
        for name in (num, text):
            try:
                client.index_remove(NS, name)
            except ex.AerospikeError:
                pass


def test_index_remove_of_a_missing_index_answers_ok(client):
    assert client.index_remove(NS, "it%s_never_created" % RUN_TAG) == 0


def test_index_create_bad_arguments(client, keys):
    with pytest.raises(ex.ParamError):
        client.index_integer_create(NS, keys.set, 5, "it%s_bad" % RUN_TAG)
    with pytest.raises(ex.NamespaceNotFound):
        client.index_integer_create("no_such_ns", keys.set, "i", "it%s_bad" % RUN_TAG)
