# A tiny raw-socket client for the emulator's tests: builds info and single-record AS_MSG
# requests and parses the answers, so the tests need no Aerospike client library.

import socket
import struct

HDR = struct.Struct(">BBBBBBIIIHH")


def field(ftype, data):
    return struct.pack(">IB", len(data) + 1, ftype) + data


def op(optype, name, ptype=0, value=b""):
    return struct.pack(">IBBBB", 4 + len(name) + len(value), optype, ptype, 0, len(name)) + (
        name + value
    )


def msg(info1=0, info2=0, info3=0, fields=(), ops=(), gen=0, ttl=0, timeout=1000):
    body = HDR.pack(22, info1, info2, info3, 0, 0, gen, ttl, timeout, len(fields), len(ops))
    body += b"".join(fields) + b"".join(ops)
    return ((2 << 56) | (3 << 48) | len(body)).to_bytes(8, "big") + body


def key_fields(digest, ns=b"test", set_name=b"s"):
    return [field(0, ns), field(1, set_name), field(4, digest)]


def put_int(digest, name, value, ns=b"test", ttl=0, info2=0x01, info3=0):
    return msg(
        info2=info2,
        info3=info3,
        ttl=ttl,
        fields=key_fields(digest, ns),
        ops=[op(2, name, 1, struct.pack(">q", value))],
    )


def get_all(digest, ns=b"test"):
    return msg(info1=0x03, fields=key_fields(digest, ns))


def remove(digest, ns=b"test"):
    return msg(info2=0x03, fields=key_fields(digest, ns))


def info_request(*commands):
    body = "".join(c + "\n" for c in commands).encode()
    return ((2 << 56) | (1 << 48) | len(body)).to_bytes(8, "big") + body


def recv_exact(sock, n):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk:
            raise ConnectionError("closed")
        out += chunk
    return out


def recv_proto(sock):
    head = recv_exact(sock, 8)
    return head + recv_exact(sock, int.from_bytes(head, "big") & 0xFFFFFFFFFFFF)


class Reply:
    """A parsed single-record answer: result code, generation, void time and bins."""

    def __init__(self, data):
        (_, _, _, _, _, self.result, self.gen, self.void_time, _, nf, no) = HDR.unpack_from(
            data, 8
        )
        p = 30
        for _ in range(nf):
            p += 4 + struct.unpack_from(">I", data, p)[0]
        self.bins = {}
        for _ in range(no):
            size, _o, ptype, _f, nlen = struct.unpack_from(">IBBBB", data, p)
            name = data[p + 8 : p + 8 + nlen]
            val = data[p + 8 + nlen : p + 4 + size]
            self.bins[name] = struct.unpack(">q", val)[0] if ptype == 1 else val
            p += 4 + size


class Conn:
    def __init__(self, address, timeout=5.0):
        self.sock = socket.create_connection(address, timeout=timeout)

    def call(self, request):
        self.sock.sendall(request)
        return Reply(recv_proto(self.sock))

    def info(self, *commands):
        self.sock.sendall(info_request(*commands))
        text = recv_proto(self.sock)[8:].decode()
        out = {}
        for line in text.splitlines():
            cmd, _, value = line.partition("\t")
            out[cmd] = value
        return out if len(commands) > 1 else out[commands[0]]

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def digest_for(i):
    """A digest whose partition id is `i % 4096` (the server never recomputes digests)."""
    pid = i % 4096
    return bytes([pid & 0xFF, pid >> 8]) + i.to_bytes(18, "big")
