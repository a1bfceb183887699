# User and role administration (the admin_* methods) against a secured server: users
# (create, PKI create, drop, set/change password, grant/revoke roles, query one / all),
# roles (create with privileges, whitelist and quotas, drop, grant/revoke privileges,
# whitelist, quotas, get/query one / all), the documented return shapes, the AdminError
# subclasses for the server's refusals, ParamError for bad arguments, and a Community
# Edition server's SecurityNotSupported. Every test passes with our client and with the
# reference wheel.
#
# Where it runs: by default against an emulator with security enabled that this module
# starts (users={"admin": ...}, the admin holding user-admin and data roles). When
# AEROSPIKE_HOSTS names a real cluster, the module skips unless AEROSPIKE_ADMIN_USER and
# AEROSPIKE_ADMIN_PASSWORD give a user with the user-admin role (and data access) on it;
# it then creates users and roles named "adm-<run tag>-..." and drops them afterwards.
# The tests that need emulator controls or emulator-only semantics skip on a real cluster.

import os
import threading
import time

import pytest

import aerospike
from aerospike import exception as ex
from aerospike_emulator import Emulator

from .conftest import ENV_HOSTS, NS, OUR_CLIENT, RUN_TAG

ENV_USER, ENV_PASSWORD = "AEROSPIKE_ADMIN_USER", "AEROSPIKE_ADMIN_PASSWORD"
EXTERNAL = bool(os.environ.get(ENV_HOSTS))

pytestmark = pytest.mark.skipif(
    EXTERNAL and not os.environ.get(ENV_USER),
    reason="a real cluster needs %s/%s of a user administrator" % (ENV_USER, ENV_PASSWORD),
)

# bcrypt (protocol.md 11) of "secret": the emulator then needs no bcrypt of its own.
ADMIN_HASH = "$2a$10$7EqJtq98hPqEX7fNZaFWoOu7NRZ0i7m5NbgPBEsHTCoJzZDEKQRb."

emulator_only = pytest.mark.skipif(EXTERNAL, reason="emulator controls or semantics")


@pytest.fixture(scope="module")
def secured():
    """(seeds, admin user, admin password, emulator or None)."""
    if EXTERNAL:
        from aerospike_emulator.pytest_plugin import parse_hosts

        seeds = parse_hosts(os.environ[ENV_HOSTS])
        yield seeds, os.environ[ENV_USER], os.environ.get(ENV_PASSWORD, ""), None
        return
    emu = Emulator(port=0, process=True, users={"admin": ADMIN_HASH})
    emu.start()
    try:
        yield emu.seeds, "admin", "secret", emu
    finally:
        emu.stop()


def connect(secured, user=None, password=None):
    seeds, admin_user, admin_password, _ = secured
    return aerospike.client(
        {"hosts": list(seeds), "user": user or admin_user, "password": password or admin_password}
    )


@pytest.fixture(scope="module")
def admin(secured):
    c = connect(secured)
    yield c
    c.close()


_counter = iter(range(1_000_000))


@pytest.fixture
def names(admin):
    """Makes unique user and role names; what a test creates is dropped afterwards."""
    made = {"users": [], "roles": []}

    def user():
        name = "adm-%s-u%d" % (RUN_TAG, next(_counter))
        made["users"].append(name)
        return name

    def role():
        name = "adm-%s-r%d" % (RUN_TAG, next(_counter))
        made["roles"].append(name)
        return name

    yield user, role
    for name in made["users"]:
        try:
            admin.admin_drop_user(name)
        except ex.InvalidUser:
            pass
    for name in made["roles"]:
        try:
            admin.admin_drop_role(name)
        except ex.InvalidRole:
            pass


def priv(code, ns="", set_name=""):
    """A privilege as the queries return it."""
    return {"ns": ns, "set": set_name, "code": code}


# -- users -----------------------------------------------------------------------------


def test_create_user_and_query_it(admin, names):
    user, _ = names
    u = user()
    assert admin.admin_create_user(u, "pw", ["read", "read-write"]) == 0
    info = admin.admin_query_user_info(u)
    assert list(info) == ["roles", "read_info", "write_info", "conns_in_use"]
    assert sorted(info["roles"]) == ["read", "read-write"]
    for key in ("read_info", "write_info"):
        assert info[key] is None or all(isinstance(v, int) for v in info[key])
    assert info["conns_in_use"] == 0


def test_query_users_info_is_keyed_by_name(admin, names, secured):
    user, _ = names
    a, b = user(), user()
    admin.admin_create_user(a, "pw", ["read"])
    admin.admin_create_user(b, "pw", [])
    users = admin.admin_query_users_info()
    assert isinstance(users, dict)
    assert users[a]["roles"] == ["read"]
    assert users[b]["roles"] == []
    me = users[secured[1]]
    assert set(me) == {"roles", "read_info", "write_info", "conns_in_use"}
    # This client's own connections count for its user.
    assert me["conns_in_use"] >= 1


def test_user_errors(admin, names):
    user, _ = names
    u = user()
    admin.admin_create_user(u, "pw", ["read"])
    with pytest.raises(ex.UserExistsError) as info:
        admin.admin_create_user(u, "pw", ["read"])
    assert info.value.code == 61 and isinstance(info.value, ex.AdminError)
    with pytest.raises(ex.InvalidRole) as info:
        admin.admin_create_user(user(), "pw", ["no-such-role-" + RUN_TAG])
    assert info.value.code == 70
    missing = user()
    for call in (
        lambda: admin.admin_query_user_info(missing),
        lambda: admin.admin_drop_user(missing),
        lambda: admin.admin_set_password(missing, "pw"),
        lambda: admin.admin_grant_roles(missing, ["read"]),
        lambda: admin.admin_revoke_roles(missing, ["read"]),
    ):
        with pytest.raises(ex.InvalidUser) as info:
            call()
        assert info.value.code == 60


def test_drop_user(admin, names):
    user, _ = names
    u = user()
    admin.admin_create_user(u, "pw", ["read"])
    assert admin.admin_drop_user(u) == 0
    assert u not in admin.admin_query_users_info()
    with pytest.raises(ex.InvalidUser):
        admin.admin_query_user_info(u)


def test_grant_and_revoke_roles(admin, names):
    user, _ = names
    u = user()
    admin.admin_create_user(u, "pw", ["read"])
    assert admin.admin_grant_roles(u, ["read-write", "sys-admin"]) == 0
    assert sorted(admin.admin_query_user_info(u)["roles"]) == ["read", "read-write", "sys-admin"]
    assert admin.admin_revoke_roles(u, ["read", "sys-admin"]) == 0
    assert admin.admin_query_user_info(u)["roles"] == ["read-write"]
    with pytest.raises(ex.InvalidRole):
        admin.admin_grant_roles(u, ["no-such-role-" + RUN_TAG])


def test_keywords(admin, names):
    user, role = names
    u, r = user(), role()
    # The reference client names the user argument `user`; ours accepts it too.
    assert (
        admin.admin_create_user(user=u, password="pw", roles=["read"], policy={"timeout": 5000})
        == 0
    )
    assert admin.admin_query_user_info(user=u, policy={"timeout": 5000})["roles"] == ["read"]
    assert admin.admin_grant_roles(user=u, roles=["write"]) == 0
    assert (
        admin.admin_create_role(role=r, privileges=[{"code": aerospike.PRIV_READ}], policy={}) == 0
    )
    assert admin.admin_query_role(role=r) == [priv(aerospike.PRIV_READ)]
    assert admin.admin_drop_user(user=u) == 0


def test_new_user_logs_in_and_passwords_change(admin, names, secured):
    user, _ = names
    u = user()
    admin.admin_create_user(u, "first", ["read-write"])
    key = (NS, "adm-" + RUN_TAG, u)
    c = connect(secured, u, "first")
    try:
        c.put(key, {"a": 1})
        assert c.get(key)[2] == {"a": 1}
        assert c.admin_query_user_info(u)["conns_in_use"] >= 1
    finally:
        c.close()
    # A user administrator sets it; the old password no longer logs in.
    assert admin.admin_set_password(u, "second") == 0
    with pytest.raises(ex.InvalidPassword) as info:
        connect(secured, u, "first")
    assert info.value.code == 62
    c = connect(secured, u, "second")
    try:
        # The user changes its own password: this client keeps working, on new
        # connections too, and the new password logs in elsewhere.
        assert c.admin_change_password(u, "third") == 0
        errors = []

        def work(i):
            try:
                for j in range(10):
                    c.put((NS, "adm-" + RUN_TAG, "%s-%d-%d" % (u, i, j)), {"i": i})
            except Exception as e:  # noqa: BLE001 - collected for the assertion below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
    finally:
        c.close()
    connect(secured, u, "third").close()
    with pytest.raises(ex.InvalidPassword):
        connect(secured, u, "second")


@pytest.mark.skipif(not OUR_CLIENT, reason="the reference client reconnects with the old password")
def test_changed_password_is_kept_for_reconnects(admin, names, secured):
    user, _ = names
    u = user()
    admin.admin_create_user(u, "old", ["read"])
    c = connect(secured, u, "old")
    c.admin_change_password(u, "new")
    c.close()
    assert c.connect() is c
    assert c.is_connected()
    c.close()


@emulator_only
def test_change_password_of_another_user_is_refused(admin, names):
    user, _ = names
    u = user()
    admin.admin_create_user(u, "pw", ["read"])
    with pytest.raises(ex.RoleViolation) as info:
        admin.admin_change_password(u, "other")
    assert info.value.code == 81


def test_user_without_user_admin_is_refused(admin, names, secured):
    user, _ = names
    u = user()
    admin.admin_create_user(u, "pw", ["read"])
    c = connect(secured, u, "pw")
    try:
        # Its own record is allowed; administration is not.
        assert c.admin_query_user_info(u)["roles"] == ["read"]
        for call in (
            lambda: c.admin_create_user(user(), "pw", ["read"]),
            lambda: c.admin_query_users_info(),
            lambda: c.admin_grant_roles(u, ["read-write"]),
            lambda: c.admin_get_roles(),
        ):
            with pytest.raises(ex.RoleViolation) as info:
                call()
            assert info.value.code == 81
    finally:
        c.close()


@emulator_only
def test_create_pki_user(admin, names):
    user, _ = names
    u = user()
    assert admin.admin_create_pki_user(u, ["read"]) == 0
    assert admin.admin_query_user_info(u)["roles"] == ["read"]
    with pytest.raises(ex.UserExistsError):
        admin.admin_create_pki_user(u, ["read"])


# -- roles -------------------------------------------------------------------------------


def test_create_role_and_get_it(admin, names):
    _, role = names
    r = role()
    privileges = [
        {"code": aerospike.PRIV_READ, "ns": NS, "set": "demo"},
        {"code": aerospike.PRIV_WRITE, "ns": NS},
        {"code": aerospike.PRIV_SYS_ADMIN},
    ]
    assert admin.admin_create_role(r, privileges, whitelist=["127.0.0.1", "10.1.2.0/24"]) == 0
    want = [priv(aerospike.PRIV_READ, NS, "demo"), priv(aerospike.PRIV_WRITE, NS), priv(1)]
    got = admin.admin_get_role(r)
    assert list(got) == ["privileges", "whitelist", "read_quota", "write_quota"]
    assert got == {
        "privileges": want,
        "whitelist": ["127.0.0.1", "10.1.2.0/24"],
        "read_quota": 0,
        "write_quota": 0,
    }
    assert admin.admin_query_role(r) == want
    assert admin.admin_get_roles()[r] == got
    assert admin.admin_query_roles()[r] == want


def test_predefined_roles_are_listed(admin):
    roles = admin.admin_query_roles()
    assert roles["read"] == [priv(aerospike.PRIV_READ)]
    assert roles["user-admin"] == [priv(aerospike.PRIV_USER_ADMIN)]
    assert admin.admin_get_role("read-write")["privileges"] == [priv(aerospike.PRIV_READ_WRITE)]


def test_grant_and_revoke_privileges(admin, names):
    _, role = names
    r = role()
    admin.admin_create_role(r, [{"code": aerospike.PRIV_READ}])
    grant = [{"code": aerospike.PRIV_TRUNCATE, "ns": NS}, {"code": aerospike.PRIV_UDF_ADMIN}]
    assert admin.admin_grant_privileges(r, grant) == 0
    assert admin.admin_query_role(r) == [
        priv(aerospike.PRIV_READ),
        priv(aerospike.PRIV_TRUNCATE, NS),
        priv(aerospike.PRIV_UDF_ADMIN),
    ]
    assert admin.admin_revoke_privileges(r, [{"code": aerospike.PRIV_READ}]) == 0
    assert admin.admin_query_role(r) == [
        priv(aerospike.PRIV_TRUNCATE, NS),
        priv(aerospike.PRIV_UDF_ADMIN),
    ]


def test_role_with_no_privileges(admin, names):
    _, role = names
    r = role()
    assert admin.admin_create_role(r, [], whitelist=["127.0.0.1"]) == 0
    assert admin.admin_get_role(r) == {
        "privileges": [],
        "whitelist": ["127.0.0.1"],
        "read_quota": 0,
        "write_quota": 0,
    }


def test_whitelist(admin, names):
    _, role = names
    r = role()
    admin.admin_create_role(r, [{"code": aerospike.PRIV_READ}])
    assert admin.admin_set_whitelist(r, ["10.0.0.1", "192.168.0.0/16"]) == 0
    assert admin.admin_get_role(r)["whitelist"] == ["10.0.0.1", "192.168.0.0/16"]
    assert admin.admin_set_whitelist(r, None) == 0
    assert admin.admin_get_role(r)["whitelist"] == []
    with pytest.raises(ex.InvalidWhitelist) as info:
        admin.admin_set_whitelist(r, ["not an address"])
    assert info.value.code == 73


@emulator_only
def test_whitelist_refuses_other_addresses(admin, names, secured):
    user, role = names
    u, r = user(), role()
    admin.admin_create_role(r, [{"code": aerospike.PRIV_READ}], whitelist=["10.9.9.9"])
    admin.admin_create_user(u, "pw", [r])
    with pytest.raises(ex.NotWhitelisted) as info:
        connect(secured, u, "pw")
    assert info.value.code == 82
    admin.admin_set_whitelist(r, ["127.0.0.0/8", "::1"])
    connect(secured, u, "pw").close()


@emulator_only
def test_quotas(admin, names):
    user, role = names
    u, r = user(), role()
    assert (
        admin.admin_create_role(r, [{"code": aerospike.PRIV_READ}], read_quota=100, write_quota=200)
        == 0
    )
    got = admin.admin_get_role(r)
    assert (got["read_quota"], got["write_quota"]) == (100, 200)
    assert admin.admin_set_quotas(r, 5, 6) == 0
    got = admin.admin_get_role(r)
    assert (got["read_quota"], got["write_quota"]) == (5, 6)
    admin.admin_set_quotas(r, read_quota=0, write_quota=0)
    assert admin.admin_get_role(r)["read_quota"] == 0
    # A user's read/write info starts with its quota.
    admin.admin_set_quotas(r, 7, 8)
    admin.admin_create_user(u, "pw", [r])
    info = admin.admin_query_user_info(u)
    assert info["read_info"][0] == 7 and info["write_info"][0] == 8
    with pytest.raises(ex.InvalidQuota) as exc:
        admin.admin_set_quotas(r, -5, 1)
    assert exc.value.code == 75
    # Positionally: role, privileges, policy, whitelist, read_quota, write_quota.
    r2 = role()
    assert admin.admin_create_role(r2, [], {"timeout": 5000}, ["127.0.0.1"], 3, 4) == 0
    assert admin.admin_get_role(r2) == {
        "privileges": [],
        "whitelist": ["127.0.0.1"],
        "read_quota": 3,
        "write_quota": 4,
    }


def test_role_errors(admin, names):
    _, role = names
    r = role()
    admin.admin_create_role(r, [{"code": aerospike.PRIV_READ}])
    with pytest.raises(ex.RoleExistsError) as info:
        admin.admin_create_role(r, [{"code": aerospike.PRIV_READ}])
    assert info.value.code == 71
    with pytest.raises(ex.RoleExistsError):
        admin.admin_create_role("read", [{"code": aerospike.PRIV_READ}])
    with pytest.raises(ex.InvalidPrivilege) as info:
        admin.admin_create_role(role(), [{"code": 99}])
    assert info.value.code == 72
    missing = role()
    for call in (
        lambda: admin.admin_get_role(missing),
        lambda: admin.admin_query_role(missing),
        lambda: admin.admin_drop_role(missing),
        lambda: admin.admin_grant_privileges(missing, [{"code": aerospike.PRIV_READ}]),
        lambda: admin.admin_set_whitelist(missing, ["10.0.0.1"]),
    ):
        with pytest.raises(ex.InvalidRole) as info:
            call()
        assert info.value.code == 70


def test_drop_role_removes_it_from_users(admin, names):
    user, role = names
    u, r = user(), role()
    admin.admin_create_role(r, [{"code": aerospike.PRIV_READ}])
    admin.admin_create_user(u, "pw", [r, "write"])
    assert admin.admin_drop_role(r) == 0
    assert r not in admin.admin_query_roles()
    assert admin.admin_query_user_info(u)["roles"] == ["write"]


# -- arguments and clients -----------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.admin_create_user(1, "pw", ["read"]),
        lambda c: c.admin_create_user("u", 1, ["read"]),
        lambda c: c.admin_create_user("u", "pw", "read"),
        lambda c: c.admin_create_user("u", "pw", ("read",)),
        lambda c: c.admin_create_user("u", "pw", ["read"], "not a policy"),
        lambda c: c.admin_drop_user(None),
        lambda c: c.admin_set_password("u", None),
        lambda c: c.admin_change_password("u", 5),
        lambda c: c.admin_query_user_info(1),
        lambda c: c.admin_query_users_info("not a policy"),
        lambda c: c.admin_create_role(5, [{"code": 10}]),
        lambda c: c.admin_create_role("r", {"code": 10}),
        lambda c: c.admin_create_role("r", [{"ns": NS}]),
        lambda c: c.admin_create_role("r", [{"code": aerospike.PRIV_SYS_ADMIN, "ns": NS}]),
        lambda c: c.admin_create_role("r", [{"code": 10}], whitelist="127.0.0.1"),
        lambda c: c.admin_create_role("r", [{"code": 10}], whitelist=None),
        lambda c: c.admin_grant_privileges("r", None),
        lambda c: c.admin_set_whitelist("r", "127.0.0.1"),
        lambda c: c.admin_set_quotas("r", "a"),
        lambda c: c.admin_set_quotas("r", 2**40),
        lambda c: c.admin_get_role(None),
        lambda c: c.admin_create_pki_user("u", "read"),
    ],
)
def test_bad_arguments_raise_param_error(admin, call):
    with pytest.raises(ex.ParamError) as info:
        call(admin)
    assert info.value.code == -2


def test_long_names_are_refused_before_sending(admin):
    # The reference raises ClientError; ours its subclass ParamError.
    with pytest.raises(ex.ClientError):
        admin.admin_create_user("x" * 64, "pw", ["read"])
    with pytest.raises(ex.ClientError):
        admin.admin_create_user("x", "p" * 64, ["read"])


def test_closed_client(secured):
    c = connect(secured)
    c.close()
    with pytest.raises(ex.ClusterError) as info:
        c.admin_query_users_info()
    assert info.value.code == 11


@emulator_only
def test_admin_waits_do_not_block_other_threads(admin, secured):
    """A delayed admin reply: other Python threads keep running meanwhile (the GIL is
    released), and a short timeout ends the call with TimeoutError."""
    node = secured[3].node(0)
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.01)

    t = threading.Thread(target=tick)
    node.delay(0.4)
    try:
        t.start()
        started = time.monotonic()
        admin.admin_query_users_info({"timeout": 5000})
        elapsed = time.monotonic() - started
        with pytest.raises(ex.TimeoutError):
            admin.admin_get_roles({"timeout": 100})
    finally:
        node.clear_faults()
        done.set()
        t.join()
    assert elapsed >= 0.35
    assert len(ticks) >= 10
    # The client still works once the delay is gone.
    time.sleep(0.5)
    assert "read" in admin.admin_query_roles()


@emulator_only
def test_community_edition_does_not_support_security(client):
    # The session's emulator runs without users, as Community Edition.
    for call in (
        lambda: client.admin_query_users_info(),
        lambda: client.admin_create_user("u", "pw", ["read"]),
        lambda: client.admin_get_role("read"),
    ):
        with pytest.raises(ex.SecurityNotSupported) as info:
            call()
        assert info.value.code == 51


# -- data commands by role ------------------------------------------------------------------


def test_data_commands_follow_the_roles(admin, names, secured):
    user, role = names
    reader, writer, scoped, r = user(), user(), user(), role()
    set_a, set_b = "adm-%s-a" % RUN_TAG, "adm-%s-b" % RUN_TAG
    admin.admin_create_role(r, [{"code": aerospike.PRIV_READ_WRITE, "ns": NS, "set": set_a}])
    admin.admin_create_user(reader, "pw", ["read"])
    admin.admin_create_user(writer, "pw", ["write"])
    admin.admin_create_user(scoped, "pw", [r])
    key = (NS, set_a, "k")
    admin.put(key, {"x": 1})
    clients = [connect(secured, name, "pw") for name in (reader, writer, scoped)]
    try:
        rc, wc, sc = clients
        assert rc.get(key)[2] == {"x": 1}
        with pytest.raises(ex.RoleViolation) as info:
            rc.put(key, {"x": 2})
        assert info.value.code == 81
        assert wc.put(key, {"x": 3}) == 0
        with pytest.raises(ex.RoleViolation):
            wc.get(key)
        with pytest.raises(ex.RoleViolation):
            wc.query(NS, set_a).results()
        assert [rec[2] for rec in rc.query(NS, set_a).results()] == [{"x": 3}]
        # A privilege scoped to a namespace and set allows that set only.
        assert sc.put((NS, set_a, "s"), {"y": 1}) == 0
        assert sc.get((NS, set_a, "s"))[2] == {"y": 1}
        with pytest.raises(ex.RoleViolation):
            sc.put((NS, set_b, "s"), {"y": 1})
        # Granting a role takes effect for a logged-in user.
        admin.admin_grant_roles(reader, ["read-write"])
        assert rc.put(key, {"x": 4}) == 0
    finally:
        for c in clients:
            c.close()


@emulator_only
def test_batch_truncate_and_udf_follow_the_roles(admin, names, secured):
    user, _ = names
    writer, reader = user(), user()
    admin.admin_create_user(writer, "pw", ["write"])
    admin.admin_create_user(reader, "pw", ["read-write"])
    set_name = "adm-%s-c" % RUN_TAG
    wc, rc = connect(secured, writer, "pw"), connect(secured, reader, "pw")
    try:
        # The batch is refused as a whole: every row stays without an answer.
        batch = wc.batch_read([(NS, set_name, 1), (NS, set_name, 2)])
        assert batch.result == 81
        assert [b.result for b in batch.batch_records] == [-15, -15]
        with pytest.raises(ex.RoleViolation):
            rc.truncate(NS, set_name, 0)
        with pytest.raises(ex.RoleViolation):
            rc.apply((NS, set_name, 1), "no_module", "no_function", [])
    finally:
        wc.close()
        rc.close()
