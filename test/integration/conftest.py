# Shared fixtures of the integration suite: the server (a session emulator, or the real
# cluster named by AEROSPIKE_HOSTS), a session client, per-test unique sets and keys,
# emulator-only controls (clock, faults) that skip on a real cluster, and the one central
# list of known bugs of our client (KNOWN_BUGS, applied through known_bug()).

import os
import threading
import time
import uuid

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_emulator import Emulator
from aerospike_emulator.pytest_plugin import parse_hosts

NS = "test"
OTHER_NS = "bar"
ENV_HOSTS = "AEROSPIKE_HOSTS"

_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUR_SRC = os.path.join(_REPO, "src") + os.sep

# True when the `aerospike` package under test is ours (src/), not the reference wheel.
# Ours is a package (also when a sanitizer build copies it elsewhere); the reference wheel
# is a single extension module.
OUR_CLIENT = os.path.realpath(aerospike.__file__).startswith(os.path.realpath(OUR_SRC)) or (
    hasattr(aerospike, "__path__")
)

# A short random tag that makes this run's set names unique on a shared cluster.
RUN_TAG = uuid.uuid4().hex[:6]

# The known bugs of our client, by test id (file::test, parametrised ids allowed). Each
# entry marks the test as an expected failure only when our client is under test; the
# reference client must always pass it. Keep this the only place where xfail is used.
KNOWN_BUGS = {}


def known_bug(reason):
    """Marks a test as failing with our client only (never with the reference wheel)."""
    return pytest.mark.xfail(condition=OUR_CLIENT, reason="our client: " + reason, strict=False)


def pytest_configure(config):
    # The reference client warns about deprecated helper arguments the suite uses on
    # purpose (meta ttl, value_byte_size, string append); they are not under test here.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning")


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.nodeid.split("test/integration/", 1)[-1]
        base = name.split("[", 1)[0]
        reason = KNOWN_BUGS.get(name) or KNOWN_BUGS.get(base)
        if reason:
            item.add_marker(known_bug(reason))


def pytest_report_header(config):
    where = os.environ.get(ENV_HOSTS) or "aerospike_emulator (child process)"
    return "integration: client %s; server %s" % (aerospike.__file__, where)


class ExternalCluster:
    """Stands in for the Emulator when AEROSPIKE_HOSTS names a real cluster."""

    external = True

    def __init__(self, spec):
        self.seeds = parse_hosts(spec)


@pytest.fixture(scope="session")
def server():
    """The session's server: a one-node emulator in a child process, or the real cluster."""
    spec = os.environ.get(ENV_HOSTS)
    if spec:
        yield ExternalCluster(spec)
        return
    emu = Emulator(port=0, nodes=1, process=True)
    emu.external = False
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def own_emulator(server, **options):
    """A module's own emulator (several nodes, replication, ...), started for a module-scoped
    fixture to yield from and stopped after it; skips on a real cluster."""
    if getattr(server, "external", False):
        pytest.skip("needs an emulator of its own (node controls, topology)")
    emu = Emulator(port=0, process=True, **options)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def client_of(emu, nodes):
    """A client seeded with the first node only, once it has found `nodes` nodes."""
    c = aerospike.client({"hosts": [emu.seeds[0]]})
    deadline = time.time() + 10
    while len(c.get_nodes()) < nodes and time.time() < deadline:
        time.sleep(0.05)
    return c


@pytest.fixture(scope="session")
def is_external(server):
    return getattr(server, "external", False)


@pytest.fixture
def emulator(server):
    """The emulator itself, for tests that need its controls; skips on a real cluster."""
    if getattr(server, "external", False):
        pytest.skip("needs the emulator's controls (clock, faults, counters)")
    return server


@pytest.fixture(scope="session")
def seeds(server):
    return list(server.seeds)


@pytest.fixture(scope="session")
def config(seeds):
    """A client config for the session's server (a fresh dict each time it is asked for)."""
    return {"hosts": list(seeds)}


@pytest.fixture(scope="session")
def client(seeds):
    """One connected client shared by the tests that do not change its state."""
    c = aerospike.client({"hosts": list(seeds)})
    yield c
    c.close()


@pytest.fixture
def fresh_client(seeds):
    """A client of its own, for tests that close it or inject faults under it."""
    clients = []

    def make(**extra):
        cfg = {"hosts": list(seeds)}
        cfg.update(extra)
        c = aerospike.client(cfg)
        clients.append(c)
        return c

    yield make
    for c in clients:
        try:
            c.close()
        except ex.AerospikeError:
            pass


_counter = iter(range(1, 1 << 30))
_counter_lock = threading.Lock()


class Keys:
    """Unique keys of one test: set names carry the run tag and a per-test number, and
    every key handed out is removed at teardown (so a shared real cluster stays clean)."""

    def __init__(self, client):
        with _counter_lock:
            n = next(_counter)
        self.client = client
        self.set = "it%s_%d" % (RUN_TAG, n)
        self.made = []

    def __call__(self, name="k", set_name=None, ns=NS):
        key = (ns, self.set if set_name is None else set_name, name)
        self.made.append(key)
        return key

    def track(self, key):
        self.made.append(key)
        return key

    def cleanup(self):
        for key in self.made:
            try:
                self.client.remove(key)
            except ex.AerospikeError:
                pass


@pytest.fixture
def keys(client):
    """A factory of unique keys: keys("name") -> ("test", <unique set>, "name")."""
    k = Keys(client)
    yield k
    k.cleanup()


@pytest.fixture
def key(keys):
    """One unique key for the test."""
    return keys("k")


class TrackedClock:
    """The emulator's clock; every advance is undone at teardown so that later tests see
    server time and client time agree again (remaining TTLs depend on it)."""

    def __init__(self, clock):
        self._clock = clock
        self.total = 0.0

    def advance(self, seconds):
        self._clock.advance(seconds)
        self.total += seconds

    def time(self):
        return self._clock.time()

    def restore(self):
        if self.total:
            self._clock.advance(-self.total)
            self.total = 0.0


@pytest.fixture
def clock(emulator):
    c = TrackedClock(emulator.clock)
    yield c
    c.restore()


@pytest.fixture
def node0(emulator, keys):
    """Fault control of the session emulator's only node; faults are cleared at teardown
    (before the test's keys are removed, which is why this fixture asks for `keys`)."""
    n = emulator.node(0)
    n.clear_faults()
    yield n
    n.clear_faults()


def record_or_none(client, key):
    """The bins of a record, or None when it does not exist."""
    try:
        return client.get(key)[2]
    except ex.RecordNotFound:
        return None
