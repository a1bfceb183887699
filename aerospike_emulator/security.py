# security.py: optional security for the emulator, as an Enterprise server with security
# enabled does it for a client (protocol.md 11). LOGIN with the bcrypt hash of the password
# answers a session token, AUTHENTICATE with that token is accepted, and on a connection that
# has not logged in every command is refused with result 80 (info: "ERROR:80:not
# authenticated"). Users and roles are administered with the admin commands (create/drop
# user, set/change password, grant/revoke roles, query users; create/drop role,
# grant/revoke privileges, whitelist, quotas, query roles) with the server's result codes.
# Without `users` the emulator behaves like Community Edition and answers every security
# message with 51 (server.py).
#
# Configuration, through Emulator(users={...}): each value is either a password (or its
# bcrypt hash), which makes a user holding the roles of SUPERUSER_ROLES, or a dict
# {"password": ..., "roles": [...]} naming the user's roles.
#
# Data and info commands are checked against the privileges of the user's roles
# (permissions.py); a refused one gets result 81. Whitelists are checked when a user logs
# in. Differences from a real server: quotas are accepted as if the server ran with
# enable-quotas but not enforced, and the rates in a user's read/write info are always 0.
#
# Called by server.Connection; configured through Emulator(users={...}).

import ipaddress
import os
import struct

from .permissions import refusal
from .wire import T_ADMIN, T_INFO, msg_response, proto_header

SALT = "$2a$10$7EqJtq98hPqEX7fNZaFWoO"
SESSION_TTL = 24 * 3600
NAME_MAX = 63

# Commands.
AUTHENTICATE, CREATE_USER, DROP_USER, SET_PASSWORD, CHANGE_PASSWORD = 0, 1, 2, 3, 4
GRANT_ROLES, REVOKE_ROLES, QUERY_USERS = 5, 6, 9
CREATE_ROLE, DROP_ROLE, GRANT_PRIVILEGES, REVOKE_PRIVILEGES = 10, 11, 12, 13
SET_WHITELIST, SET_QUOTAS, QUERY_ROLES, LOGIN = 14, 15, 16, 20

# Field ids.
F_USER, F_PASSWORD, F_OLD_PASSWORD, F_CREDENTIAL, F_CLEAR_PASSWORD = 0, 1, 2, 3, 4
F_SESSION_TOKEN, F_SESSION_TTL = 5, 6
F_ROLES, F_ROLE, F_PRIVILEGES, F_WHITELIST, F_READ_QUOTA, F_WRITE_QUOTA = 10, 11, 12, 13, 14, 15
F_READ_INFO, F_WRITE_INFO, F_CONNECTIONS = 16, 17, 18

# Result codes.
OK, QUERY_END, INVALID_COMMAND, INVALID_FIELD = 0, 50, 54, 55
INVALID_USER, USER_ALREADY_EXISTS, INVALID_PASSWORD = 60, 61, 62
INVALID_CREDENTIAL = 65
INVALID_ROLE, ROLE_ALREADY_EXISTS, INVALID_PRIVILEGE, INVALID_WHITELIST = 70, 71, 72, 73
INVALID_QUOTA = 75
NOT_AUTHENTICATED, ROLE_VIOLATION, NOT_WHITELISTED = 80, 81, 82

# Privilege codes (aerospike.PRIV_*). Codes from 10 up may be scoped to a namespace/set.
USER_ADMIN, SYS_ADMIN, DATA_ADMIN, UDF_ADMIN, SINDEX_ADMIN = 0, 1, 2, 3, 4
READ, READ_WRITE, READ_WRITE_UDF, WRITE, TRUNCATE = 10, 11, 12, 13, 14
GLOBAL_CODES = (USER_ADMIN, SYS_ADMIN, DATA_ADMIN, UDF_ADMIN, SINDEX_ADMIN)
SCOPED_CODES = (READ, READ_WRITE, READ_WRITE_UDF, WRITE, TRUNCATE)

# The server's predefined roles: each holds the one global privilege of its name.
PREDEFINED = {
    "user-admin": USER_ADMIN,
    "sys-admin": SYS_ADMIN,
    "data-admin": DATA_ADMIN,
    "udf-admin": UDF_ADMIN,
    "sindex-admin": SINDEX_ADMIN,
    "read": READ,
    "read-write": READ_WRITE,
    "read-write-udf": READ_WRITE_UDF,
    "write": WRITE,
    "truncate": TRUNCATE,
}

# The roles of a user configured with a password only: full administration and data access.
SUPERUSER_ROLES = ("data-admin", "read-write-udf", "sys-admin", "user-admin")


def password_hash(password):
    """bcrypt with the protocol's fixed salt. A value already in that form is kept, so
    users can be configured with hashes where no bcrypt implementation is available."""
    if password.startswith(SALT):
        return password
    try:
        import crypt  # noqa: PLC0415 - deprecated module, needed only with security on
    except ImportError as e:
        raise RuntimeError(
            "hashing emulator passwords needs the crypt module; pass bcrypt hashes instead"
        ) from e
    return crypt.crypt(password, SALT)


def _is_hash(data):
    """True for a 60-character bcrypt string of the 2a/2b/2y variants."""
    return len(data) == 60 and data[:4] in (b"$2a$", b"$2b$", b"$2y$") and data[6:7] == b"$"


class Refused(Exception):
    """An admin command refused with a result code."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


# -- message layout ------------------------------------------------------------------


def _fields(body, count):
    """Parses `count` admin fields after the 16-byte header: {id: bytes}."""
    out = {}
    pos = 16
    for _ in range(count):
        if pos + 5 > len(body):
            break
        size = struct.unpack_from(">I", body, pos)[0]
        if size < 1 or pos + 4 + size > len(body):
            break
        out[body[pos + 4]] = bytes(body[pos + 5 : pos + 4 + size])
        pos += 4 + size
    return out


def _record(result, fields=()):
    """One 16-byte admin header (result at +1, field count at +3) and its fields."""
    return bytes([0, result, 0, len(fields)]) + bytes(12) + b"".join(fields)


def _reply(result, fields=b"", n_fields=0):
    header = bytes([0, result, 0, n_fields]) + bytes(12)
    return proto_header(T_ADMIN, 16 + len(fields)) + header + fields


def _stream(records):
    """A query answer: the records in one proto, then a proto whose record ends the stream."""
    body = b"".join(records)
    out = proto_header(T_ADMIN, len(body)) + body if body else b""
    return out + _reply(QUERY_END)


def _field(fid, data):
    return struct.pack(">IB", len(data) + 1, fid) + data


def _names_field(fid, names):
    out = bytes([len(names)])
    for name in names:
        raw = name.encode()
        out += bytes([len(raw)]) + raw
    return _field(fid, out)


def _privileges_field(privileges):
    out = bytes([len(privileges)])
    for code, ns, set_name in privileges:
        out += bytes([code])
        if code in SCOPED_CODES:
            for part in (ns, set_name):
                raw = part.encode()
                out += bytes([len(raw)]) + raw
    return _field(F_PRIVILEGES, out)


def _info_field(fid, values):
    return _field(fid, bytes([len(values)]) + b"".join(struct.pack(">I", v) for v in values))


def _name(fields, fid, code):
    """A required name field (user or role) as a str; `code` when absent or invalid."""
    raw = fields.get(fid)
    if not raw or len(raw) > NAME_MAX:
        raise Refused(code)
    try:
        return raw.decode()
    except UnicodeDecodeError:
        raise Refused(code) from None


def _parse_names(data):
    """A ROLES field: a count, then (length, name) per entry."""
    if not data:
        raise Refused(INVALID_FIELD)
    count, pos, names = data[0], 1, []
    for _ in range(count):
        if pos >= len(data) or pos + 1 + data[pos] > len(data):
            raise Refused(INVALID_FIELD)
        size = data[pos]
        if size == 0:
            raise Refused(INVALID_ROLE)
        names.append(data[pos + 1 : pos + 1 + size].decode("utf-8", "replace"))
        pos += 1 + size
    return names


def _parse_privileges(data):
    """A PRIVILEGES field: a count, then per privilege its code and, for a scoped code,
    (length, namespace) and (length, set)."""
    if not data:
        raise Refused(INVALID_FIELD)
    count, pos, out = data[0], 1, []
    for _ in range(count):
        if pos >= len(data):
            raise Refused(INVALID_FIELD)
        code = data[pos]
        pos += 1
        if code not in GLOBAL_CODES and code not in SCOPED_CODES:
            raise Refused(INVALID_PRIVILEGE)
        ns = set_name = ""
        if code in SCOPED_CODES:
            parts = []
            for _ in range(2):
                if pos >= len(data) or pos + 1 + data[pos] > len(data):
                    raise Refused(INVALID_FIELD)
                parts.append(data[pos + 1 : pos + 1 + data[pos]].decode("utf-8", "replace"))
                pos += 1 + data[pos]
            ns, set_name = parts
            if set_name and not ns:
                raise Refused(INVALID_PRIVILEGE)
        out.append((code, ns, set_name))
    return out


def _parse_whitelist(data):
    """A WHITELIST field: addresses or CIDR blocks joined by commas."""
    out = []
    for entry in data.decode("utf-8", "replace").split(","):
        entry = entry.strip()
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise Refused(INVALID_WHITELIST) from None
        out.append(entry)
    return out


def _quota(fields, fid):
    raw = fields.get(fid)
    if raw is None:
        return 0
    if len(raw) != 4:
        raise Refused(INVALID_QUOTA)
    value = struct.unpack(">I", raw)[0]
    if value > 0x7FFFFFFF:
        raise Refused(INVALID_QUOTA)
    return value


# -- users and roles -----------------------------------------------------------------


class User:
    """A user: the bcrypt hash of its password and its role names."""

    def __init__(self, hash_, roles):
        self.hash = hash_
        self.roles = sorted(set(roles))


class Role:
    """A role: its privileges as (code, ns, set), whitelist and quotas."""

    def __init__(self, privileges=(), whitelist=(), read_quota=0, write_quota=0, predefined=False):
        self.privileges = list(privileges)
        self.whitelist = list(whitelist)
        self.read_quota = read_quota
        self.write_quota = write_quota
        self.predefined = predefined


def _configured_user(value):
    if isinstance(value, dict):
        return User(password_hash(value["password"]), value.get("roles", ()))
    return User(password_hash(value), SUPERUSER_ROLES)


class Security:
    """The users and roles of a secured emulator and the session tokens handed out."""

    def __init__(self, users):
        self.users = {name: _configured_user(value) for name, value in users.items()}
        self.roles = {
            name: Role([(code, "", "")], predefined=True) for name, code in PREDEFINED.items()
        }
        self.tokens = {}  # token -> user name

    # -- the dispatcher -----------------------------------------------------------

    def handle(self, conn, body):
        """Answers one admin message on `conn`, marking it authenticated on success."""
        if len(body) < 16:
            return _reply(INVALID_COMMAND)
        command, n_fields = body[2], body[3]
        fields = _fields(body, n_fields)
        try:
            if command == LOGIN:
                return self._login(conn, fields)
            if command == AUTHENTICATE:
                return self._authenticate(conn, fields)
            if not getattr(conn, "authenticated", False):
                return _reply(NOT_AUTHENTICATED)
            actor = self.users.get(getattr(conn, "user", None))
            if actor is None:
                # The user was dropped since the connection logged in.
                return _reply(NOT_AUTHENTICATED)
            handler = self._COMMANDS.get(command)
            if handler is None:
                return _reply(INVALID_COMMAND)
            return handler(self, conn, actor, fields)
        except Refused as e:
            return _reply(e.code)

    def guard(self, conn, ptype, body):
        """The refusal of a data or info command that the roles of the connection's user
        do not allow (or that a dropped user sends), else None to let the node answer."""
        user = self.users.get(getattr(conn, "user", None))
        if user is None:
            return self.refuse(ptype)
        privileges = [p for r in user.roles if r in self.roles for p in self.roles[r].privileges]
        return refusal(privileges, conn.node, ptype, body)

    @staticmethod
    def refuse(ptype):
        """The answer to a command on a connection that has not logged in."""
        if ptype == T_INFO:
            text = b"ERROR:80:not authenticated\n"
            return proto_header(T_INFO, len(text)) + text
        return msg_response(NOT_AUTHENTICATED)

    # -- logging in ---------------------------------------------------------------

    def _login(self, conn, fields):
        name = fields.get(F_USER, b"").decode("utf-8", "replace")
        user = self.users.get(name)
        if user is None:
            raise Refused(INVALID_USER)
        if fields.get(F_CREDENTIAL, b"").decode("ascii", "replace") != user.hash:
            raise Refused(INVALID_PASSWORD)
        if not self._whitelisted(user, getattr(conn, "peer", "")):
            raise Refused(NOT_WHITELISTED)
        token = os.urandom(16)
        self.tokens[token] = name
        conn.authenticated, conn.user = True, name
        out = _field(F_SESSION_TOKEN, token) + _field(F_SESSION_TTL, struct.pack(">I", SESSION_TTL))
        return _reply(OK, out, 2)

    def _authenticate(self, conn, fields):
        name = fields.get(F_USER, b"").decode("utf-8", "replace")
        if name not in self.users or self.tokens.get(fields.get(F_SESSION_TOKEN)) != name:
            raise Refused(INVALID_CREDENTIAL)
        conn.authenticated, conn.user = True, name
        return _reply(OK)

    def _whitelisted(self, user, peer):
        """A user whose roles carry whitelists may log in only from an address in one."""
        allowed = [w for r in user.roles if r in self.roles for w in self.roles[r].whitelist]
        if not allowed:
            return True
        host = peer.rsplit("+", 1)[0]
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        for entry in allowed:
            network = ipaddress.ip_network(entry, strict=False)
            if address.version == network.version and address in network:
                return True
        return False

    # -- permissions --------------------------------------------------------------

    def _codes(self, user):
        return {
            code for r in user.roles if r in self.roles for code, _, _ in self.roles[r].privileges
        }

    def _require_user_admin(self, actor):
        if USER_ADMIN not in self._codes(actor):
            raise Refused(ROLE_VIOLATION)

    # -- users --------------------------------------------------------------------

    def _user(self, fields):
        name = _name(fields, F_USER, INVALID_USER)
        user = self.users.get(name)
        if user is None:
            raise Refused(INVALID_USER)
        return name, user

    def _role_names(self, fields):
        names = _parse_names(fields[F_ROLES]) if F_ROLES in fields else []
        for role in names:
            if role not in self.roles:
                raise Refused(INVALID_ROLE)
        return names

    def _create_user(self, conn, actor, fields):
        self._require_user_admin(actor)
        name = _name(fields, F_USER, INVALID_USER)
        if name in self.users:
            raise Refused(USER_ALREADY_EXISTS)
        hash_ = fields.get(F_PASSWORD, b"")
        if not _is_hash(hash_):
            raise Refused(INVALID_PASSWORD)
        roles = self._role_names(fields)
        self.users[name] = User(hash_.decode("ascii"), roles)
        return _reply(OK)

    def _drop_user(self, conn, actor, fields):
        self._require_user_admin(actor)
        name, _ = self._user(fields)
        del self.users[name]
        self.tokens = {t: u for t, u in self.tokens.items() if u != name}
        return _reply(OK)

    def _set_password(self, conn, actor, fields):
        self._require_user_admin(actor)
        _, user = self._user(fields)
        hash_ = fields.get(F_PASSWORD, b"")
        if not _is_hash(hash_):
            raise Refused(INVALID_PASSWORD)
        user.hash = hash_.decode("ascii")
        return _reply(OK)

    def _change_password(self, conn, actor, fields):
        name, user = self._user(fields)
        if name != conn.user:
            # Another user's password: a user administrator uses SET_PASSWORD.
            raise Refused(ROLE_VIOLATION)
        if fields.get(F_OLD_PASSWORD, b"").decode("ascii", "replace") != user.hash:
            raise Refused(INVALID_PASSWORD)
        hash_ = fields.get(F_PASSWORD, b"")
        if not _is_hash(hash_):
            raise Refused(INVALID_PASSWORD)
        user.hash = hash_.decode("ascii")
        return _reply(OK)

    def _grant_roles(self, conn, actor, fields):
        self._require_user_admin(actor)
        _, user = self._user(fields)
        roles = self._role_names(fields)
        if not roles:
            raise Refused(INVALID_ROLE)
        user.roles = sorted(set(user.roles) | set(roles))
        return _reply(OK)

    def _revoke_roles(self, conn, actor, fields):
        self._require_user_admin(actor)
        _, user = self._user(fields)
        roles = self._role_names(fields)
        if not roles:
            raise Refused(INVALID_ROLE)
        user.roles = [r for r in user.roles if r not in roles]
        return _reply(OK)

    def _connections(self, conn, name):
        nodes = getattr(getattr(getattr(conn, "node", None), "cluster", None), "nodes", ())
        return sum(
            1
            for node in nodes
            for c in node.connections
            if getattr(c, "authenticated", False) and getattr(c, "user", None) == name
        )

    def _user_record(self, conn, name, user):
        read_quota = max(
            (self.roles[r].read_quota for r in user.roles if r in self.roles), default=0
        )
        write_quota = max(
            (self.roles[r].write_quota for r in user.roles if r in self.roles), default=0
        )
        return _record(
            OK,
            [
                _field(F_USER, name.encode()),
                _names_field(F_ROLES, user.roles),
                _info_field(F_READ_INFO, [read_quota, 0, 0, 0]),
                _info_field(F_WRITE_INFO, [write_quota, 0, 0, 0]),
                _field(F_CONNECTIONS, struct.pack(">I", self._connections(conn, name))),
            ],
        )

    def _query_users(self, conn, actor, fields):
        if F_USER in fields:
            name, user = self._user(fields)
            if name != conn.user:
                self._require_user_admin(actor)
            return _stream([self._user_record(conn, name, user)])
        self._require_user_admin(actor)
        return _stream([self._user_record(conn, n, self.users[n]) for n in sorted(self.users)])

    # -- roles --------------------------------------------------------------------

    def _role(self, fields, custom=True):
        name = _name(fields, F_ROLE, INVALID_ROLE)
        role = self.roles.get(name)
        if role is None or (custom and role.predefined):
            raise Refused(INVALID_ROLE)
        return name, role

    def _create_role(self, conn, actor, fields):
        self._require_user_admin(actor)
        name = _name(fields, F_ROLE, INVALID_ROLE)
        if name in self.roles:
            raise Refused(ROLE_ALREADY_EXISTS)
        privileges = _parse_privileges(fields[F_PRIVILEGES]) if F_PRIVILEGES in fields else []
        whitelist = _parse_whitelist(fields[F_WHITELIST]) if F_WHITELIST in fields else []
        read_quota, write_quota = _quota(fields, F_READ_QUOTA), _quota(fields, F_WRITE_QUOTA)
        unique = []
        for p in privileges:
            if p not in unique:
                unique.append(p)
        self.roles[name] = Role(unique, whitelist, read_quota, write_quota)
        return _reply(OK)

    def _drop_role(self, conn, actor, fields):
        self._require_user_admin(actor)
        name, _ = self._role(fields)
        del self.roles[name]
        for user in self.users.values():
            if name in user.roles:
                user.roles.remove(name)
        return _reply(OK)

    def _grant_privileges(self, conn, actor, fields):
        self._require_user_admin(actor)
        _, role = self._role(fields)
        privileges = _parse_privileges(fields.get(F_PRIVILEGES, b""))
        if not privileges:
            raise Refused(INVALID_PRIVILEGE)
        for p in privileges:
            if p not in role.privileges:
                role.privileges.append(p)
        return _reply(OK)

    def _revoke_privileges(self, conn, actor, fields):
        self._require_user_admin(actor)
        _, role = self._role(fields)
        privileges = _parse_privileges(fields.get(F_PRIVILEGES, b""))
        if not privileges:
            raise Refused(INVALID_PRIVILEGE)
        role.privileges = [p for p in role.privileges if p not in privileges]
        return _reply(OK)

    def _set_whitelist(self, conn, actor, fields):
        self._require_user_admin(actor)
        _, role = self._role(fields)
        role.whitelist = _parse_whitelist(fields[F_WHITELIST]) if F_WHITELIST in fields else []
        return _reply(OK)

    def _set_quotas(self, conn, actor, fields):
        self._require_user_admin(actor)
        _, role = self._role(fields)
        read_quota, write_quota = _quota(fields, F_READ_QUOTA), _quota(fields, F_WRITE_QUOTA)
        if F_READ_QUOTA in fields:
            role.read_quota = read_quota
        if F_WRITE_QUOTA in fields:
            role.write_quota = write_quota
        return _reply(OK)

    def _role_record(self, name, role):
        fields = [_field(F_ROLE, name.encode()), _privileges_field(role.privileges)]
        if role.whitelist:
            fields.append(_field(F_WHITELIST, ",".join(role.whitelist).encode()))
        fields.append(_field(F_READ_QUOTA, struct.pack(">I", role.read_quota)))
        fields.append(_field(F_WRITE_QUOTA, struct.pack(">I", role.write_quota)))
        return _record(OK, fields)

    def _query_roles(self, conn, actor, fields):
        if F_ROLE in fields:
            name, role = self._role(fields, custom=False)
            if name not in actor.roles:
                self._require_user_admin(actor)
            return _stream([self._role_record(name, role)])
        self._require_user_admin(actor)
        return _stream([self._role_record(n, self.roles[n]) for n in sorted(self.roles)])

    _COMMANDS = {
        CREATE_USER: _create_user,
        DROP_USER: _drop_user,
        SET_PASSWORD: _set_password,
        CHANGE_PASSWORD: _change_password,
        GRANT_ROLES: _grant_roles,
        REVOKE_ROLES: _revoke_roles,
        QUERY_USERS: _query_users,
        CREATE_ROLE: _create_role,
        DROP_ROLE: _drop_role,
        GRANT_PRIVILEGES: _grant_privileges,
        REVOKE_PRIVILEGES: _revoke_privileges,
        SET_WHITELIST: _set_whitelist,
        SET_QUOTAS: _set_quotas,
        QUERY_ROLES: _query_roles,
    }
