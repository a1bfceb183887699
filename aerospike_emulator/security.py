# security.py: optional user/password security for the emulator, as an Enterprise server
# with security enabled does it for a client (protocol.md 11): LOGIN with the bcrypt hash
# of the password answers a session token, AUTHENTICATE with that token is accepted, and
# on a connection that has not logged in every command is refused with result 80
# (info: "ERROR:80:not authenticated"). Without `users` the emulator behaves like
# Community Edition and answers every security message with 51 (server.py).
# Called by server.Connection; configured through Emulator(users={...}).

import os
import struct

from .wire import T_ADMIN, T_INFO, msg_response, proto_header

SALT = "$2a$10$7EqJtq98hPqEX7fNZaFWoO"
LOGIN, AUTHENTICATE = 20, 0
F_USER, F_CREDENTIAL, F_SESSION_TOKEN, F_SESSION_TTL = 0, 3, 5, 6
OK, INVALID_COMMAND, INVALID_USER, INVALID_PASSWORD = 0, 54, 60, 62
INVALID_CREDENTIAL, NOT_AUTHENTICATED = 65, 80
SESSION_TTL = 24 * 3600


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


def _reply(result, fields=b"", n_fields=0):
    header = bytes([0, result, 0, n_fields]) + bytes(12)
    return proto_header(T_ADMIN, 16 + len(fields)) + header + fields


def _field(fid, data):
    return struct.pack(">IB", len(data) + 1, fid) + data


class Security:
    """The users of a secured emulator and the session tokens handed out."""

    def __init__(self, users):
        self.hashes = {name: password_hash(pw) for name, pw in users.items()}
        self.tokens = set()

    def handle(self, conn, body):
        """Answers one admin message on `conn`, marking it authenticated on success."""
        if len(body) < 16:
            return _reply(INVALID_COMMAND)
        command, n_fields = body[2], body[3]
        fields = _fields(body, n_fields)
        user = fields.get(F_USER, b"").decode("utf-8", "replace")
        if command == LOGIN:
            expected = self.hashes.get(user)
            if expected is None:
                return _reply(INVALID_USER)
            if fields.get(F_CREDENTIAL, b"").decode("ascii", "replace") != expected:
                return _reply(INVALID_PASSWORD)
            token = os.urandom(16)
            self.tokens.add(token)
            conn.authenticated = True
            out = _field(F_SESSION_TOKEN, token) + _field(F_SESSION_TTL, struct.pack(">I", SESSION_TTL))
            return _reply(OK, out, 2)
        if command == AUTHENTICATE:
            if user in self.hashes and fields.get(F_SESSION_TOKEN) in self.tokens:
                conn.authenticated = True
                return _reply(OK)
            return _reply(INVALID_CREDENTIAL)
        if not getattr(conn, "authenticated", False):
            return _reply(NOT_AUTHENTICATED)
        # User and role administration is not emulated.
        return _reply(INVALID_COMMAND)

    @staticmethod
    def refuse(ptype):
        """The answer to a command on a connection that has not logged in."""
        if ptype == T_INFO:
            text = b"ERROR:80:not authenticated\n"
            return proto_header(T_INFO, len(text)) + text
        return msg_response(NOT_AUTHENTICATED)
