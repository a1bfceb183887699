# The pytest plugin (entry point `aerospike_emulator` in pyproject.toml): a session-scoped
# emulator fixture and a per-test clean namespace. With AEROSPIKE_HOSTS set, no emulator is
# started and the fixtures point at that cluster instead. Users enable it by installing the
# package or with `-p aerospike_emulator.pytest_plugin`.

import os
import socket

import pytest

from .emulator import Emulator

ENV_HOSTS = "AEROSPIKE_HOSTS"
ENV_NODES = "AEROSPIKE_EMULATOR_NODES"
DEFAULT_NAMESPACE = "test"


class ExternalCluster:
    """Stands in for Emulator when AEROSPIKE_HOSTS names a real cluster."""

    external = True

    def __init__(self, spec):
        self.seeds = parse_hosts(spec)

    def truncate(self, namespace, set_name=None):
        cmd = "truncate-namespace:namespace=%s" % namespace
        if set_name:
            cmd = "truncate:namespace=%s;set=%s" % (namespace, set_name)
        info(self.seeds[0], cmd)

    def reset(self):
        pass


def parse_hosts(spec):
    """Parses `host[:port][,host[:port]...]` (IPv6 in brackets) into (host, port) tuples."""
    out = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if part.startswith("["):
            host, _, rest = part[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") else 3000
        elif part.count(":") == 1:
            host, port = part.split(":")
            port = int(port)
        else:
            host, port = part, 3000
        out.append((host, port))
    return out


def info(address, command, timeout=5.0):
    """Sends one info command over a raw socket and returns its value."""
    body = (command + "\n").encode()
    head = ((2 << 56) | (1 << 48) | len(body)).to_bytes(8, "big")
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(head + body)
        data = b""
        while len(data) < 8:
            chunk = s.recv(8 - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        size = int.from_bytes(data, "big") & 0xFFFFFFFFFFFF
        rest = b""
        while len(rest) < size:
            chunk = s.recv(size - len(rest))
            if not chunk:
                raise ConnectionError("closed")
            rest += chunk
    line = rest.decode("utf-8", "replace").rstrip("\n")
    return line.partition("\t")[2]


@pytest.fixture(scope="session")
def aerospike_emulator():
    """A running emulator for the whole session (or the AEROSPIKE_HOSTS cluster).

    The emulator runs in a child process, so client calls that hold the GIL cannot stall it;
    its Python API (clock, node faults, partition moves, counters) works the same."""
    spec = os.environ.get(ENV_HOSTS)
    if spec:
        yield ExternalCluster(spec)
        return
    nodes = int(os.environ.get(ENV_NODES, "1"))
    emu = Emulator(port=0, nodes=nodes, process=True)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def aerospike_namespace(aerospike_emulator):
    """The name of a namespace emptied before the test ("test")."""
    aerospike_emulator.truncate(DEFAULT_NAMESPACE)
    return DEFAULT_NAMESPACE


@pytest.fixture
def aerospike_seeds(aerospike_emulator):
    """The seed addresses as a list of (host, port) tuples, ready for a client config."""
    return list(aerospike_emulator.seeds)
