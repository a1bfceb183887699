# The emulator with TLS on, seen through Python's ssl module: every node listens with TLS
# only, announces its TLS address and name in service-tls-std / peers-tls-std (the clear
# variants list nothing), verifies client certificates when given a CA, and drops plain
# connections without hanging. Certificates come from the openssl command (tlscerts.py).

import os
import signal
import socket
import ssl
import subprocess
import sys

import pytest

from aerospike_emulator import Emulator
from aerospike_emulator.tls import certificate_name, check_options
from aerospike_emulator.tlscerts import CertError, have_openssl, make_certs

from .rawclient import Conn, digest_for, get_all, info_request, put_int

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TLS_NAME = "emu-tls-test"

pytestmark = pytest.mark.skipif(not have_openssl(), reason="needs the openssl command")


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(str(tmp_path_factory.mktemp("tls")), TLS_NAME)


def server_tls(certs, **extra):
    out = {"certfile": certs["server_cert"], "keyfile": certs["server_key"]}
    out.update(extra)
    return out


def client_context(certs, cafile=None, client_cert=False):
    ctx = ssl.create_default_context(cafile=cafile or certs["ca"])
    if client_cert:
        ctx.load_cert_chain(certs["client_cert"], certs["client_key"])
    return ctx


class TlsConn(Conn):
    """rawclient's Conn over TLS."""

    def __init__(self, address, context, server_hostname=TLS_NAME, timeout=5.0):
        raw = socket.create_connection(address, timeout=timeout)
        try:
            self.sock = context.wrap_socket(raw, server_hostname=server_hostname)
        except BaseException:
            raw.close()
            raise


def test_certificates_are_made_for_the_tls_name(certs):
    assert certificate_name(certs["server_cert"]) == TLS_NAME
    assert certificate_name(certs["client_cert"]) == "emulator-client"
    for key in ("ca", "client_key_encrypted", "other_ca"):
        assert os.path.isfile(certs[key])


def test_info_and_records_over_tls(certs):
    with Emulator(port=0, tls=server_tls(certs)) as emu:
        assert emu.tls_name == TLS_NAME
        host, port = emu.seeds[0]
        assert emu.tls_seeds == [(host, port, TLS_NAME)]
        with TlsConn(emu.seeds[0], client_context(certs)) as c:
            assert c.info("node") == emu.node(0).name
            assert c.info("service-tls-std") == "%s:%d" % (host, port)
            assert c.info("service-clear-std") == ""
            assert c.info("peers-clear-std") == "1,,[]"
            assert c.info("peers-tls-std") == "1,%d,[]" % port
            assert c.info("services") == ""
            d = digest_for(7)
            assert c.call(put_int(d, b"a", 42)).result == 0
            reply = c.call(get_all(d))
            assert reply.result == 0 and reply.bins == {b"a": 42}
        sessions = emu.node(0).tls_sessions
        assert sum(sessions["versions"].values()) == 1
        assert sessions["client_certs"] == {}


@pytest.mark.parametrize("process", [False, True])
def test_three_nodes_announce_tls_peers(certs, process):
    with Emulator(port=0, nodes=3, process=process, tls=server_tls(certs)) as emu:
        seeds = emu.seeds
        for i, (host, port) in enumerate(seeds):
            with TlsConn((host, port), client_context(certs)) as c:
                peers = c.info("peers-tls-std")
                others = [
                    "[%s,%s,[%s:%d]]" % (emu.node(j).name, TLS_NAME, h, p)
                    for j, (h, p) in enumerate(seeds)
                    if j != i
                ]
                assert peers == "1,%d,[%s]" % (port, ",".join(others))
                assert c.info("peers-clear-std") == "1,,[]"
        emu.node(2).stop()
        with TlsConn(seeds[0], client_context(certs)) as c:
            assert c.info("peers-tls-std").count(TLS_NAME) == 1


def test_tls_name_option_overrides_the_certificate(certs):
    with Emulator(port=0, nodes=2, tls=server_tls(certs, tls_name="announced")) as emu:
        assert emu.tls_name == "announced"
        assert emu.tls_seeds[0][2] == "announced"
        with TlsConn(emu.seeds[0], client_context(certs)) as c:
            assert ",announced,[" in c.info("peers-tls-std")


def test_server_certificate_checks_fail_on_the_client(certs):
    with Emulator(port=0, tls=server_tls(certs)) as emu:
        with pytest.raises(ssl.SSLCertVerificationError):
            TlsConn(emu.seeds[0], client_context(certs, cafile=certs["other_ca"]))
        with pytest.raises(ssl.SSLCertVerificationError):
            TlsConn(emu.seeds[0], client_context(certs), server_hostname="wrong-name")
        # The node keeps serving after failed handshakes.
        with TlsConn(emu.seeds[0], client_context(certs)) as c:
            assert c.info("build") == "8.1.2.0"


def test_plain_connection_to_a_tls_node_is_dropped(certs):
    with Emulator(port=0, tls=server_tls(certs)) as emu:
        with socket.create_connection(emu.seeds[0], timeout=5) as s:
            s.sendall(info_request("node"))
            try:
                data = s.recv(100)
            except ConnectionResetError:
                data = b""
            # Whatever arrives is a TLS alert record, never an info answer.
            assert not data or data[0] == 0x15
        with TlsConn(emu.seeds[0], client_context(certs)) as c:
            assert c.info("node") == emu.node(0).name


def test_mutual_tls_requires_a_client_certificate(certs):
    tls = server_tls(certs, cafile=certs["ca"])
    with Emulator(port=0, process=True, tls=tls) as emu:
        with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
            # TLS 1.3 reports the refusal on the first read, not in the handshake.
            with TlsConn(emu.seeds[0], client_context(certs)) as c:
                c.info("node")
        with TlsConn(emu.seeds[0], client_context(certs, client_cert=True)) as c:
            assert c.info("node") == emu.node(0).name
        assert emu.node(0).tls_sessions["client_certs"] == {"emulator-client": 1}


def test_protocol_versions_can_be_limited(certs):
    tls = server_tls(certs, max_version="TLSv1.2")
    with Emulator(port=0, tls=tls) as emu:
        with TlsConn(emu.seeds[0], client_context(certs)) as c:
            assert c.sock.version() == "TLSv1.2"
            c.info("node")
        ctx = client_context(certs)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        with pytest.raises(ssl.SSLError):
            TlsConn(emu.seeds[0], ctx)
        assert emu.node(0).tls_sessions["versions"] == {"TLSv1.2": 1}


def test_options_are_checked(certs, tmp_path):
    with pytest.raises(ValueError, match="keyfile"):
        check_options({"certfile": certs["server_cert"]})
    with pytest.raises(ValueError, match="unknown"):
        check_options(server_tls(certs, protocols="TLSv1.2"))
    with pytest.raises(FileNotFoundError):
        check_options(server_tls(certs, cafile=str(tmp_path / "missing.pem")))
    with pytest.raises(ValueError, match="max_version"):
        check_options(server_tls(certs, max_version="SSLv3"))
    with pytest.raises(ssl.SSLError):
        # A key that does not belong to the certificate fails at once, not at the first client.
        Emulator(port=0, tls={"certfile": certs["server_cert"], "keyfile": certs["client_key"]})
    assert check_options(None) is None


def test_certificate_tool_reports_a_missing_openssl(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CertError, match="not installed"):
        make_certs(str(tmp_path / "certs"))


def test_cli_serves_tls(certs):
    env = dict(os.environ, PYTHONPATH=ROOT)
    args = ["--port", "0", "--tls-cert", certs["server_cert"], "--tls-key", certs["server_key"]]
    proc = subprocess.Popen(
        [sys.executable, "-m", "aerospike_emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = []
        seed = None
        for _ in range(5):
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("seed "):
                host, port = line.split()[1].rsplit(":", 1)
                seed = (host, int(port))
                break
        assert seed, proc.stderr.read()
        assert any("tls_name %s" % TLS_NAME in line for line in lines)
        with TlsConn(seed, client_context(certs)) as c:
            assert c.info("service-tls-std") == "%s:%d" % seed
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0


def test_cli_refuses_half_a_tls_setup(certs):
    out = subprocess.run(
        [sys.executable, "-m", "aerospike_emulator", "--tls-cert", certs["server_cert"]],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=ROOT),
        timeout=30,
    )
    assert out.returncode == 2 and "--tls-key" in out.stderr
