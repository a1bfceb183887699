# TLS end to end: the client against a TLS-only emulator (its own, with certificates made
# by the openssl command in a temporary directory). Connect, tend (peers over TLS), single
# records, operate, batch, scan and query with 1 and 3 nodes; mutual TLS; what a wrong CA,
# a wrong TLS name, a blacklisted certificate, a protocol or cipher mismatch, a plain peer
# or a silent one do (a clean error of the documented class, never a hang). Both clients
# must pass.
#
# With AEROSPIKE_HOSTS set, the module is skipped unless a TLS cluster is named too:
#   AEROSPIKE_TLS_HOSTS   host:port:tls_name[,host:port:tls_name...]
#   AEROSPIKE_TLS_CAFILE  the CA that signed the cluster's certificates
#   AEROSPIKE_TLS_CERTFILE, AEROSPIKE_TLS_KEYFILE  a client certificate, if the cluster
#                         requires one
# Then only the tests that need no emulator controls run against that cluster.

import os
import socket
import threading
import time

import pytest

import aerospike
from aerospike import exception as ex
from aerospike import predicates as p
from aerospike_emulator import Emulator
from aerospike_emulator.tlscerts import have_openssl, make_certs
from aerospike_helpers.operations import operations as op

from .conftest import ENV_HOSTS, NS, OUR_CLIENT, RUN_TAG

TLS_NAME = "emu-tls-it"
ENV_TLS_HOSTS = "AEROSPIKE_TLS_HOSTS"
SETTLE = 10.0


def _external_hosts():
    spec = os.environ.get(ENV_TLS_HOSTS, "")
    hosts = []
    for part in spec.split(","):
        if part.strip():
            host, port, name = part.strip().rsplit(":", 2)
            hosts.append((host.strip("[]"), int(port), name))
    return hosts


EXTERNAL = _external_hosts()

pytestmark = [
    pytest.mark.skipif(
        bool(os.environ.get(ENV_HOSTS)) and not EXTERNAL,
        reason="a real cluster without %s: no TLS cluster to test" % ENV_TLS_HOSTS,
    ),
    pytest.mark.skipif(not EXTERNAL and not have_openssl(), reason="needs the openssl command"),
]

needs_emulator = pytest.mark.skipif(bool(EXTERNAL), reason="needs the TLS emulator's controls")


# ---------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(str(tmp_path_factory.mktemp("tls")), TLS_NAME)


class ExternalTlsCluster:
    external = True
    tls_seeds = EXTERNAL
    cafile = os.environ.get("AEROSPIKE_TLS_CAFILE")
    client_cert = os.environ.get("AEROSPIKE_TLS_CERTFILE")
    client_key = os.environ.get("AEROSPIKE_TLS_KEYFILE")
    nodes = None


def start_emulator(certs, nodes=1, **tls):
    options = {"certfile": certs["server_cert"], "keyfile": certs["server_key"]}
    options.update(tls)
    emu = Emulator(port=0, nodes=nodes, process=True, tls=options)
    emu.start()
    emu.external = False
    emu.cafile = certs["ca"]
    emu.client_cert = emu.client_key = None
    emu.nodes = nodes
    return emu


@pytest.fixture(scope="module", params=[1, 3], ids=["1node", "3nodes"])
def cluster(request, certs):
    """A TLS cluster: the emulator with 1 and with 3 nodes, or AEROSPIKE_TLS_HOSTS."""
    if EXTERNAL:
        if request.param != 1:
            pytest.skip("the external cluster is tested once")
        yield ExternalTlsCluster()
        return
    emu = start_emulator(certs, nodes=request.param)
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="module")
def single(certs):
    """A one-node TLS emulator for the tests of failures and options."""
    if EXTERNAL:
        pytest.skip("needs the TLS emulator's controls")
    emu = start_emulator(certs)
    try:
        yield emu
    finally:
        emu.stop()


def tls_config(cluster, **extra):
    tls = {"enable": True, "cafile": cluster.cafile}
    if cluster.client_cert:
        tls.update(certfile=cluster.client_cert, keyfile=cluster.client_key)
    tls.update(extra)
    return tls


_clients = []


def connect(hosts, tls=None, **config):
    cfg = {"hosts": list(hosts), "tls": tls}
    cfg.update(config)
    c = aerospike.client(cfg).connect()
    _clients.append(c)
    return c


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    while _clients:
        c = _clients.pop()
        try:
            c.close()
        except ex.AerospikeError:
            pass


def wait_for(condition, what, timeout=SETTLE):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


@pytest.fixture
def client(cluster):
    """A client seeded with one node, which finds the others through peers-tls-std."""
    c = connect(cluster.tls_seeds[:1], tls_config(cluster), tend_interval=250)
    if cluster.nodes:
        wait_for(lambda: len(c.get_nodes()) == cluster.nodes, "the client to see every node")
    return c


_set_counter = iter(range(1, 1 << 30))


@pytest.fixture
def set_name():
    return "tls%s_%d" % (RUN_TAG, next(_set_counter))


def refused(hosts, tls, cls=ex.ConnectionError, **config):
    """Connects expecting `cls`; the failure must come quickly (no hang)."""
    start = time.time()
    with pytest.raises(cls) as info:
        connect(hosts, tls, **config)
    assert time.time() - start < 5
    return info.value


# ---------------------------------------------------------------------------------------
# Commands over TLS (1 and 3 nodes)


def test_single_record_commands(client, set_name):
    key = (NS, set_name, "one")
    client.put(key, {"a": 1, "s": "x" * 3000})
    _, meta, bins = client.get(key)
    assert bins == {"a": 1, "s": "x" * 3000} and meta["gen"] == 1
    assert client.exists(key)[1]["gen"] == 1
    _, _, bins = client.operate(key, [op.increment("a", 41), op.read("a")])
    assert bins == {"a": 42}
    client.touch(key, 100)
    client.remove(key)
    with pytest.raises(ex.RecordNotFound):
        client.get(key)


def test_large_record_crosses_many_tls_records(client, set_name):
    key = (NS, set_name, "big")
    blob = bytes(range(256)) * 2000  # 512 KB: dozens of TLS records each way
    client.put(key, {"b": blob})
    assert client.get(key)[2]["b"] == blob
    client.remove(key)


def test_batch_commands(client, set_name):
    ks = [(NS, set_name, "b%d" % i) for i in range(40)]
    for i, k in enumerate(ks):
        client.put(k, {"i": i})
    missing = (NS, set_name, "absent")
    res = client.batch_read(ks + [missing])
    got = [r.record[2]["i"] for r in res.batch_records[:-1]]
    assert got == list(range(40))
    assert res.batch_records[-1].result == 2
    res = client.batch_operate(ks, [op.increment("i", 100), op.read("i")])
    assert sorted(r.record[2]["i"] for r in res.batch_records) == list(range(100, 140))
    client.batch_remove(ks)


def test_scan_and_query(client, set_name):
    ks = [(NS, set_name, "s%d" % i) for i in range(60)]
    for i, k in enumerate(ks):
        client.put(k, {"i": i})
    try:
        records = client.scan(NS, set_name).results()
        assert sorted(r[2]["i"] for r in records) == list(range(60))
        query = client.query(NS, set_name)
        query.select("i")
        assert len(query.results()) == 60
        seen = []
        client.scan(NS, set_name).foreach(lambda r: seen.append(r[2]["i"]))
        assert sorted(seen) == list(range(60))
    finally:
        for k in ks:
            client.remove(k)


def test_info_reaches_every_node(client, cluster):
    answers = client.info_all("service-tls-std")
    if cluster.nodes:
        assert len(answers) == cluster.nodes
    for node, (err, text) in answers.items():
        assert err is None and ":" in text


@needs_emulator
def test_every_node_is_reached_over_tls(client, cluster, set_name):
    for i in range(200):
        client.put((NS, set_name, i), {"i": i})
    for i in range(cluster.nodes):
        sessions = cluster.node(i).tls_sessions
        assert sum(sessions["versions"].values()) >= 2  # the tend connection and commands
    client.batch_remove([(NS, set_name, i) for i in range(200)])


@needs_emulator
def test_concurrent_commands_share_tls_connections(client, set_name):
    errors = []

    def work(t):
        try:
            for i in range(50):
                key = (NS, set_name, "t%d-%d" % (t, i))
                client.put(key, {"v": i})
                assert client.get(key)[2] == {"v": i}
                client.remove(key)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_wrong_ca_fails_cleanly(cluster, certs):
    err = refused(cluster.tls_seeds[:1], tls_config(cluster, cafile=certs["other_ca"]))
    assert err.code == -10


def test_wrong_tls_name_fails_cleanly(cluster):
    host, port, _ = cluster.tls_seeds[0]
    err = refused([(host, port, "not-" + TLS_NAME)], tls_config(cluster))
    assert err.code == -10


# ---------------------------------------------------------------------------------------
# Tending over TLS


def _writes_succeed(c, set_name):
    """True once every partition is served: while the client holds a map that still names
    a stopped node, some commands fail."""
    try:
        for i in range(30):
            c.put((NS, set_name, i), {"i": i})
    except ex.AerospikeError:
        return False
    return True


@needs_emulator
def test_stopped_node_is_dropped_and_found_again(certs, set_name):
    emu = start_emulator(certs, nodes=3)
    try:
        c = connect(emu.tls_seeds[:1], tls_config(emu), tend_interval=250)
        wait_for(lambda: len(c.get_nodes()) == 3, "the client to see every node")
        emu.node(2).stop()
        wait_for(lambda: len(c.get_nodes()) == 2, "the client to drop the stopped node")
        wait_for(lambda: _writes_succeed(c, set_name), "the client to use the new partition map")
        emu.node(2).restart()
        wait_for(lambda: len(c.get_nodes()) == 3, "the client to find the node again")
        wait_for(lambda: _writes_succeed(c, set_name), "the client to use the rebalanced map")
        assert len(c.batch_read([(NS, set_name, i) for i in range(30)]).batch_records) == 30
        assert sum(emu.node(2).tls_sessions["versions"].values()) >= 2
    finally:
        emu.stop()


@needs_emulator
def test_connections_closed_by_the_server_are_replaced(single, set_name):
    c = connect(single.tls_seeds, tls_config(single))
    key = (NS, set_name, "k")
    c.put(key, {"a": 1})
    single.node(0).close_connections()
    time.sleep(0.2)  # pooled connections are checked once idle for a while
    assert c.get(key)[2] == {"a": 1}
    single.node(0).close_mid_reply(1)
    with pytest.raises(ex.ConnectionError):
        c.get(key, policy={"max_retries": 0})
    assert c.get(key)[2] == {"a": 1}
    c.remove(key)


@needs_emulator
def test_tls_reads_respect_the_deadline(single, set_name):
    c = connect(single.tls_seeds, tls_config(single))
    key = (NS, set_name, "slow")
    c.put(key, {"a": 1})
    single.node(0).delay(2)
    try:
        start = time.time()
        with pytest.raises(ex.TimeoutError):
            c.get(key, policy={"total_timeout": 400, "socket_timeout": 300})
        assert time.time() - start < 1.5
        start = time.time()
        with pytest.raises(ex.TimeoutError):
            c.scan(NS, set_name).results(policy={"total_timeout": 400, "socket_timeout": 300})
        assert time.time() - start < 1.5
    finally:
        single.node(0).clear_faults()
    time.sleep(2)  # let the delayed answers drain from the emulator
    c.remove(key)


# ---------------------------------------------------------------------------------------
# Certificates and names


def test_without_tls_name_the_host_name_is_verified(single, tmp_path_factory):
    # The certificate names "localhost": seeding with "localhost" and no TLS name works;
    # with "127.0.0.1" the certificate does not match.
    local = make_certs(str(tmp_path_factory.mktemp("tls-localhost")), "localhost")
    emu = Emulator(
        port=0,
        process=True,
        tls={"certfile": local["server_cert"], "keyfile": local["server_key"]},
    )
    emu.start()
    try:
        port = emu.seeds[0][1]
        tls = {"enable": True, "cafile": local["ca"]}
        c = connect([("localhost", port)], tls)
        assert c.is_connected()
        refused([("127.0.0.1", port)], tls)
    finally:
        emu.stop()


def test_capath_is_a_directory_of_trusted_certificates(single, certs):
    c = connect(single.tls_seeds, {"enable": True, "capath": certs["capath"]})
    assert c.is_connected()


def test_missing_cafile_is_a_tls_error(single, tmp_path):
    refused(single.tls_seeds, {"enable": True, "cafile": str(tmp_path / "none.pem")}, ex.TLSError)


def test_cert_blacklist(single, certs, tmp_path):
    listed = tmp_path / "blacklist"
    listed.write_text("%s /O=aerospike-emulator/CN=Emulator Test CA\n" % certs["server_serial"])
    refused(single.tls_seeds, tls_config(single, cert_blacklist=str(listed)))
    by_serial = tmp_path / "by-serial"
    by_serial.write_text(
        "# serials in upper-case hex, as openssl prints them\n%s\n" % certs["server_serial"]
    )
    refused(single.tls_seeds, tls_config(single, cert_blacklist=str(by_serial)))
    other = tmp_path / "other"
    other.write_text("ABCDEF\n%s /CN=Someone Else\n" % certs["server_serial"])
    assert connect(single.tls_seeds, tls_config(single, cert_blacklist=str(other))).is_connected()
    missing = str(tmp_path / "missing")
    refused(single.tls_seeds, tls_config(single, cert_blacklist=missing), ex.TLSError)


def test_crl_check_without_a_crl_refuses_the_server(single):
    refused(single.tls_seeds, tls_config(single, crl_check=True))
    refused(single.tls_seeds, tls_config(single, crl_check_all=True))


def test_log_session_info(single):
    assert connect(single.tls_seeds, tls_config(single, log_session_info=True)).is_connected()


def test_login_over_tls(certs, set_name):
    if EXTERNAL:
        pytest.skip("needs an emulator with security enabled")
    # The bcrypt hash of "secret" (protocol.md 11), as test_security.py uses it.
    users = {"admin": "$2a$10$7EqJtq98hPqEX7fNZaFWoOu7NRZ0i7m5NbgPBEsHTCoJzZDEKQRb."}
    tls = {"certfile": certs["server_cert"], "keyfile": certs["server_key"]}
    emu = Emulator(port=0, nodes=2, process=True, users=users, tls=tls)
    emu.start()
    try:
        config = {"tls": {"enable": True, "cafile": certs["ca"]}, "tend_interval": 250}
        c = connect(emu.tls_seeds[:1], user="admin", password="secret", **config)
        wait_for(lambda: len(c.get_nodes()) == 2, "the client to see every node")
        c.put((NS, set_name, "k"), {"a": 1})
        assert c.get((NS, set_name, "k"))[2] == {"a": 1}
        with pytest.raises(ex.InvalidPassword):
            connect(emu.tls_seeds[:1], user="admin", password="wrong", **config)
    finally:
        emu.stop()


# ---------------------------------------------------------------------------------------
# Mutual TLS


@pytest.fixture(scope="module")
def mutual(certs):
    if EXTERNAL:
        pytest.skip("needs the TLS emulator's controls")
    emu = start_emulator(certs, nodes=3, cafile=certs["ca"])
    try:
        yield emu
    finally:
        emu.stop()


def test_mutual_tls(mutual, certs, set_name):
    tls = tls_config(mutual, certfile=certs["client_cert"], keyfile=certs["client_key"])
    c = connect(mutual.tls_seeds[:1], tls, tend_interval=250)
    wait_for(lambda: len(c.get_nodes()) == 3, "the client to see every node")
    key = (NS, set_name, "m")
    c.put(key, {"a": 1})
    assert c.get(key)[2] == {"a": 1}
    c.remove(key)
    for i in range(3):
        assert mutual.node(i).tls_sessions["client_certs"].get("emulator-client", 0) >= 1


def test_mutual_tls_with_an_encrypted_key(mutual, certs):
    tls = tls_config(
        mutual,
        certfile=certs["client_cert"],
        keyfile=certs["client_key_encrypted"],
        keyfile_pw=certs["client_key_password"],
    )
    assert connect(mutual.tls_seeds, tls).is_connected()


def test_mutual_tls_without_a_client_certificate_fails_cleanly(mutual):
    refused(mutual.tls_seeds[:1], tls_config(mutual))


def test_mutual_tls_with_a_wrong_key_password(mutual, certs):
    tls = tls_config(
        mutual,
        certfile=certs["client_cert"],
        keyfile=certs["client_key_encrypted"],
        keyfile_pw="wrong",
    )
    refused(mutual.tls_seeds, tls, ex.TLSError)


def test_encrypted_key_without_a_password_is_a_tls_error(mutual, certs):
    # Never a prompt on the terminal.
    tls = tls_config(mutual, certfile=certs["client_cert"], keyfile=certs["client_key_encrypted"])
    refused(mutual.tls_seeds, tls, ex.TLSError)


def test_mutual_tls_with_a_certificate_but_no_key(mutual, certs):
    # The reference fails the handshake (ConnectionError); ours refuses the config
    # (TLSError). Both are client errors.
    refused(mutual.tls_seeds, tls_config(mutual, certfile=certs["client_cert"]), ex.ClientError)


# ---------------------------------------------------------------------------------------
# Protocols and ciphers


@pytest.fixture(scope="module")
def tls12_only(certs):
    if EXTERNAL:
        pytest.skip("needs the TLS emulator's controls")
    emu = start_emulator(certs, max_version="TLSv1.2")
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="module")
def tls13_only(certs):
    if EXTERNAL:
        pytest.skip("needs the TLS emulator's controls")
    emu = start_emulator(certs, min_version="TLSv1.3")
    try:
        yield emu
    finally:
        emu.stop()


def _versions(emu):
    return set(emu.node(0).tls_sessions["versions"])


def test_default_protocol_is_tls_1_2(single):
    # The reference's documented default, "-all +TLSv1.2", also against a TLS 1.3 server.
    before = single.node(0).tls_sessions["versions"].get("TLSv1.3", 0)
    connect(single.tls_seeds, tls_config(single))
    assert single.node(0).tls_sessions["versions"].get("TLSv1.3", 0) == before


@pytest.mark.parametrize("words", ["TLSv1.2", "+TLSv1.2", "-all +TLSv1.2", "all"])
def test_protocols_allowing_tls_1_2(tls12_only, words):
    assert connect(tls12_only.tls_seeds, tls_config(tls12_only, protocols=words)).is_connected()
    assert _versions(tls12_only) == {"TLSv1.2"}


def test_protocols_restriction_refuses_a_server_without_them(tls13_only):
    refused(tls13_only.tls_seeds, tls_config(tls13_only))
    refused(tls13_only.tls_seeds, tls_config(tls13_only, protocols="TLSv1.2"))
    assert _versions(tls13_only) <= {"TLSv1.3"}


def test_tls_1_3(tls13_only):
    if not OUR_CLIENT:
        pytest.skip("the reference rejects the word TLSv1.3 (TLSError: unknown TLS protocol)")
    for words in ("TLSv1.3", "TLSv1.2 TLSv1.3", "-all +TLSv1.3"):
        c = connect(tls13_only.tls_seeds, tls_config(tls13_only, protocols=words))
        assert c.is_connected()
    assert _versions(tls13_only) == {"TLSv1.3"}


@pytest.mark.parametrize("words", ["bogus", "SSLv3", "SSLv2", "+TLSv1.2 -TLSv1.9"])
def test_invalid_protocols_are_tls_errors(single, words):
    err = refused(single.tls_seeds, tls_config(single, protocols=words), ex.TLSError)
    assert err.code == -9


def test_cipher_suite(tls12_only):
    cipher = "ECDHE-ECDSA-AES128-GCM-SHA256"
    assert connect(tls12_only.tls_seeds, tls_config(tls12_only, cipher_suite=cipher))
    assert cipher in tls12_only.node(0).tls_sessions["ciphers"]
    refused(
        tls12_only.tls_seeds, tls_config(tls12_only, cipher_suite="NO-SUCH-CIPHER"), ex.TLSError
    )


# ---------------------------------------------------------------------------------------
# Mismatched peers and options


def test_plain_client_against_a_tls_server_fails_cleanly(single):
    refused([s[:2] for s in single.tls_seeds], None)
    refused(single.tls_seeds, {"enable": False, "cafile": single.cafile})


def test_tls_client_against_a_plain_server_fails_cleanly(certs):
    if EXTERNAL:
        pytest.skip("needs an emulator")
    emu = Emulator(port=0, process=True)
    emu.start()
    try:
        host, port = emu.seeds[0]
        refused([(host, port, TLS_NAME)], {"enable": True, "cafile": certs["ca"]})
    finally:
        emu.stop()


def test_silent_server_times_out_the_handshake(certs):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    try:
        port = listener.getsockname()[1]
        start = time.time()
        with pytest.raises(ex.ConnectionError):
            connect(
                [("127.0.0.1", port, TLS_NAME)],
                {"enable": True, "cafile": certs["ca"]},
                connect_timeout=500,
            )
        assert time.time() - start < 3
    finally:
        listener.close()


def test_for_login_only(single):
    if not OUR_CLIENT:
        pytest.skip("the reference accepts the key but then fails to connect (ConnectionError)")
    with pytest.raises(ex.ParamError, match="for_login_only"):
        aerospike.client(
            {"hosts": single.tls_seeds, "tls": tls_config(single, for_login_only=True)}
        )


def test_bad_tls_config_types(single):
    if not OUR_CLIENT:
        pytest.skip("the reference ignores ill-typed tls values")
    with pytest.raises(ex.ParamError, match="tls"):
        aerospike.client({"hosts": single.tls_seeds, "tls": "yes"})
    with pytest.raises(ex.ParamError, match="cafile"):
        aerospike.client({"hosts": single.tls_seeds, "tls": {"enable": True, "cafile": 1}})


def test_query_with_an_index_over_tls(client, cluster, set_name):
    if getattr(cluster, "external", False):
        pytest.skip("creates an index")
    index = "tls_idx_%s" % set_name
    client.index_integer_create(NS, set_name, "n", index)
    try:
        for i in range(20):
            client.put((NS, set_name, i), {"n": i})
        query = client.query(NS, set_name)
        query.where(p.between("n", 5, 9))
        assert sorted(r[2]["n"] for r in query.results()) == [5, 6, 7, 8, 9]
    finally:
        client.index_remove(NS, index)
        for i in range(20):
            client.remove((NS, set_name, i))
