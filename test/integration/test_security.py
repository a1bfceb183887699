# Logging in: a secured emulator (users configured, as an Enterprise server with security
# enabled) accepts the right user and password, refuses a wrong one with the documented
# classes, and refuses a client that does not log in. These tests start their own
# emulator, so they skip when AEROSPIKE_HOSTS names a real cluster.

import os

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_emulator import Emulator

from .conftest import ENV_HOSTS, NS, RUN_TAG

pytestmark = pytest.mark.skipif(
    bool(os.environ.get(ENV_HOSTS)), reason="needs an emulator with security enabled"
)


# The bcrypt hashes (protocol.md 11) of "secret" and "pw": given as hashes, the emulator
# needs no bcrypt of its own (Python's crypt module is deprecated and gone in 3.13).
USERS = {
    "admin": "$2a$10$7EqJtq98hPqEX7fNZaFWoOu7NRZ0i7m5NbgPBEsHTCoJzZDEKQRb.",
    "reader": "$2a$10$7EqJtq98hPqEX7fNZaFWoOlrb4wZ3oZ6Djw9VVBeTqr60b2/Jm5zC",
}


@pytest.fixture(scope="module")
def secured():
    emu = Emulator(port=0, process=True, users=USERS)
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def test_login_in_the_config(secured):
    key = (NS, "sec-" + RUN_TAG, "config")
    c = aerospike.client({"hosts": secured.seeds, "user": "admin", "password": "secret"})
    try:
        c.put(key, {"a": 1})
        assert c.get(key)[2] == {"a": 1}
        assert "build" in c.info_random_node("build")
    finally:
        c.close()


def test_login_through_connect(secured):
    key = (NS, "sec-" + RUN_TAG, "connect")
    c = aerospike.client({"hosts": secured.seeds, "user": "reader", "password": "pw"})
    c.close()
    assert not c.is_connected()
    assert c.connect("admin", "secret") is c
    try:
        c.put(key, {"b": 2})
        assert c.get(key)[2] == {"b": 2}
    finally:
        c.close()


@pytest.mark.parametrize(
    "user,password,cls,code",
    [
        ("admin", "wrong", ex.InvalidPassword, 62),
        ("nobody", "secret", ex.InvalidUser, 60),
    ],
)
def test_bad_credentials_are_refused(secured, user, password, cls, code):
    with pytest.raises(cls) as info:
        aerospike.client({"hosts": secured.seeds, "user": user, "password": password})
    assert info.value.code == code
    assert isinstance(info.value, ex.AdminError)


def test_no_login_on_a_secured_cluster_is_not_authenticated(secured):
    with pytest.raises(ex.NotAuthenticated) as info:
        aerospike.client({"hosts": secured.seeds})
    assert info.value.code == 80


def test_new_pooled_connections_log_in_too(secured):
    # Many threads force the pool to open new connections; each must log in first.
    import threading

    c = aerospike.client({"hosts": secured.seeds, "user": "admin", "password": "secret"})
    errors = []

    def work(i):
        try:
            for j in range(20):
                key = (NS, "sec-" + RUN_TAG, f"t{i}-{j}")
                c.put(key, {"i": i})
                assert c.get(key)[2] == {"i": i}
        except Exception as e:  # noqa: BLE001 - collected for the assertion below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    c.close()
    assert errors == []
