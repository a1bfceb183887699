# Aerospike-flavoured msgpack: decoding into Python values and encoding back.
# Used by every module that handles CDT values (cdt/, expressions, hll, bits, udf, sindex).
# Strings and blobs carry a particle-type prefix byte inside the msgpack str family;
# ordered lists and maps carry an ext header with their flags (protocol.md section 7).

import struct

STR_TYPE = 3
BLOB_TYPE = 4
GEO_TYPE = 23


class MsgpackError(ValueError):
    """Raised when bytes are not valid msgpack (the server answers PARAMETER)."""


class Blob(bytes):
    """A msgpack blob; `subtype` is the particle type byte that prefixed it (4 = plain)."""

    subtype = BLOB_TYPE

    def __new__(cls, data=b"", subtype=BLOB_TYPE):
        obj = super().__new__(cls, data)
        if subtype != BLOB_TYPE:
            obj.subtype = subtype
        return obj

    def __repr__(self):
        return "Blob(%s, %d)" % (bytes.__repr__(self), self.subtype)


class GeoJSON(str):
    """A GeoJSON string stored inside a CDT (particle type 23)."""


class Ext:
    """A msgpack ext value; WILDCARD and INF are the two Aerospike specials."""

    __slots__ = ("type", "data")

    def __init__(self, type_, data):
        self.type = type_
        self.data = data

    def __eq__(self, other):
        return isinstance(other, Ext) and other.type == self.type and other.data == self.data

    def __hash__(self):
        return hash((self.type, self.data))

    def __repr__(self):
        if self is WILDCARD or self == WILDCARD:
            return "WILDCARD"
        if self == INF:
            return "INF"
        return "Ext(%d, %r)" % (self.type, self.data)


WILDCARD = Ext(0xFF, b"\x00")
INF = Ext(0xFF, b"\x01")


class CList(list):
    """A list carrying its Aerospike flags (1 = ordered, 0x10 = persist index)."""

    def __init__(self, items=(), flags=0):
        super().__init__(items)
        self.flags = flags

    @property
    def ordered(self):
        return bool(self.flags & 1)


class CMap(dict):
    """A map carrying its Aerospike flags (1 = key ordered, 3 = key-value ordered)."""

    def __init__(self, items=(), flags=0):
        super().__init__(items)
        self.flags = flags

    @property
    def ordered(self):
        return bool(self.flags & 1)


def list_flags(value):
    return getattr(value, "flags", 0)


# ---------------------------------------------------------------------------
# Decoding.


class Unpacker:
    """Reads msgpack values one after another from a buffer."""

    __slots__ = ("buf", "pos", "end")

    def __init__(self, buf, pos=0, end=None):
        self.buf = buf
        self.pos = pos
        self.end = len(buf) if end is None else end

    def at_end(self):
        return self.pos >= self.end

    def _take(self, n):
        p = self.pos
        if n < 0 or p + n > self.end:
            raise MsgpackError("truncated msgpack")
        self.pos = p + n
        return self.buf[p : p + n]

    def _byte(self):
        p = self.pos
        if p >= self.end:
            raise MsgpackError("truncated msgpack")
        self.pos = p + 1
        return self.buf[p]

    def _uint(self, n):
        return int.from_bytes(self._take(n), "big")

    def _int(self, n):
        return int.from_bytes(self._take(n), "big", signed=True)

    def skip(self):
        """Skips one value and returns its raw bytes."""
        start = self.pos
        self.unpack()
        return bytes(self.buf[start : self.pos])

    def read_array_header(self):
        b = self._byte()
        if 0x90 <= b <= 0x9F:
            return b & 0x0F
        if b == 0xDC:
            return self._uint(2)
        if b == 0xDD:
            return self._uint(4)
        raise MsgpackError("expected an array")

    def unpack(self):
        b = self._byte()
        if b <= 0x7F:
            return b
        if b >= 0xE0:
            return b - 0x100
        if 0xA0 <= b <= 0xBF:
            return self._str(b & 0x1F)
        if 0x90 <= b <= 0x9F:
            return self._array(b & 0x0F)
        if 0x80 <= b <= 0x8F:
            return self._map(b & 0x0F)
        if b == 0xC0:
            return None
        if b == 0xC2:
            return False
        if b == 0xC3:
            return True
        if b == 0xCC:
            return self._uint(1)
        if b == 0xCD:
            return self._uint(2)
        if b == 0xCE:
            return self._uint(4)
        if b == 0xCF:
            return self._uint(8)
        if b == 0xD0:
            return self._int(1)
        if b == 0xD1:
            return self._int(2)
        if b == 0xD2:
            return self._int(4)
        if b == 0xD3:
            return self._int(8)
        if b == 0xCA:
            return struct.unpack(">f", self._take(4))[0]
        if b == 0xCB:
            return struct.unpack(">d", self._take(8))[0]
        if b == 0xD9:
            return self._str(self._uint(1))
        if b == 0xDA:
            return self._str(self._uint(2))
        if b == 0xDB:
            return self._str(self._uint(4))
        if b in (0xC4, 0xC5, 0xC6):
            n = self._uint({0xC4: 1, 0xC5: 2, 0xC6: 4}[b])
            return Blob(bytes(self._take(n)))
        if b == 0xDC:
            return self._array(self._uint(2))
        if b == 0xDD:
            return self._array(self._uint(4))
        if b == 0xDE:
            return self._map(self._uint(2))
        if b == 0xDF:
            return self._map(self._uint(4))
        if 0xD4 <= b <= 0xD8:
            n = 1 << (b - 0xD4)
            t = self._byte()
            return Ext(t, bytes(self._take(n)))
        if b in (0xC7, 0xC8, 0xC9):
            n = self._uint({0xC7: 1, 0xC8: 2, 0xC9: 4}[b])
            t = self._byte()
            return Ext(t, bytes(self._take(n)))
        raise MsgpackError("bad msgpack byte 0x%02x" % b)

    def _str(self, n):
        raw = self._take(n)
        if n == 0:
            return ""
        t = raw[0]
        if t == STR_TYPE:
            return bytes(raw[1:]).decode("utf-8", "surrogateescape")
        if t == GEO_TYPE:
            return GeoJSON(bytes(raw[1:]).decode("utf-8", "surrogateescape"))
        return Blob(bytes(raw[1:]), t)

    def _array(self, n):
        if n and self.pos < self.end and self.buf[self.pos] == 0xC7:
            save = self.pos
            flags = self._ext_flags()
            if flags is not None:
                return CList([self.unpack() for _ in range(n - 1)], flags)
            self.pos = save
        return [self.unpack() for _ in range(n)]

    def _ext_flags(self):
        # An ordered collection starts with `c7 00 <flags>`: an ext of length 0.
        if self.pos + 3 <= self.end and self.buf[self.pos + 1] == 0:
            flags = self.buf[self.pos + 2]
            self.pos += 3
            return flags
        return None

    def _map(self, n):
        flags = None
        if n and self.pos < self.end and self.buf[self.pos] == 0xC7:
            save = self.pos
            flags = self._ext_flags()
            if flags is not None:
                self.unpack()
                n -= 1
            else:
                self.pos = save
        out = CMap(flags=flags) if flags is not None else {}
        for _ in range(n):
            k = self.unpack()
            v = self.unpack()
            try:
                out[k] = v
            except TypeError:
                raise MsgpackError("unhashable map key") from None
        return out


def unpack(data):
    """Decodes one whole msgpack value; trailing bytes are an error."""
    u = Unpacker(data)
    v = u.unpack()
    if not u.at_end():
        raise MsgpackError("trailing bytes after msgpack value")
    return v


# ---------------------------------------------------------------------------
# Encoding.


def _pack_int(v, out):
    if v >= 0:
        if v < 0x80:
            out.append(v)
        elif v < 0x100:
            out += b"\xcc" + v.to_bytes(1, "big")
        elif v < 0x10000:
            out += b"\xcd" + v.to_bytes(2, "big")
        elif v < 0x100000000:
            out += b"\xce" + v.to_bytes(4, "big")
        else:
            out += b"\xcf" + (v & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")
    elif v >= -32:
        out.append(v & 0xFF)
    elif v >= -128:
        out += b"\xd0" + v.to_bytes(1, "big", signed=True)
    elif v >= -32768:
        out += b"\xd1" + v.to_bytes(2, "big", signed=True)
    elif v >= -(1 << 31):
        out += b"\xd2" + v.to_bytes(4, "big", signed=True)
    else:
        out += b"\xd3" + v.to_bytes(8, "big", signed=True)


def _pack_str_header(n, out):
    if n < 32:
        out.append(0xA0 | n)
    elif n < 0x100:
        out += b"\xd9" + n.to_bytes(1, "big")
    elif n < 0x10000:
        out += b"\xda" + n.to_bytes(2, "big")
    else:
        out += b"\xdb" + n.to_bytes(4, "big")


def pack_array_header(n, out):
    if n < 16:
        out.append(0x90 | n)
    elif n < 0x10000:
        out += b"\xdc" + n.to_bytes(2, "big")
    else:
        out += b"\xdd" + n.to_bytes(4, "big")


def pack_map_header(n, out):
    if n < 16:
        out.append(0x80 | n)
    elif n < 0x10000:
        out += b"\xde" + n.to_bytes(2, "big")
    else:
        out += b"\xdf" + n.to_bytes(4, "big")


def pack_into(v, out):
    """Appends the Aerospike msgpack encoding of `v` to the bytearray `out`."""
    t = type(v)
    if t is int:
        _pack_int(v, out)
    elif t is str or t is GeoJSON:
        raw = v.encode("utf-8", "surrogateescape")
        _pack_str_header(len(raw) + 1, out)
        out.append(GEO_TYPE if t is GeoJSON else STR_TYPE)
        out += raw
    elif v is None:
        out.append(0xC0)
    elif t is bool:
        out.append(0xC3 if v else 0xC2)
    elif t is float:
        out += b"\xcb" + struct.pack(">d", v)
    elif t is Blob or t is bytes or t is bytearray:
        _pack_str_header(len(v) + 1, out)
        out.append(getattr(v, "subtype", BLOB_TYPE))
        out += v
    elif isinstance(v, list):
        flags = getattr(v, "flags", 0)
        if flags:
            pack_array_header(len(v) + 1, out)
            out += b"\xc7\x00" + bytes([flags])
        else:
            pack_array_header(len(v), out)
        for item in v:
            pack_into(item, out)
    elif isinstance(v, dict):
        flags = getattr(v, "flags", 0)
        if flags:
            pack_map_header(len(v) + 1, out)
            out += b"\xc7\x00" + bytes([flags]) + b"\xc0"
        else:
            pack_map_header(len(v), out)
        for k, item in v.items():
            pack_into(k, out)
            pack_into(item, out)
    elif t is Ext:
        n = len(v.data)
        if n in (1, 2, 4, 8, 16):
            out.append(0xD4 + (1, 2, 4, 8, 16).index(n))
        elif n < 0x100:
            out += b"\xc7" + bytes([n])
        elif n < 0x10000:
            out += b"\xc8" + n.to_bytes(2, "big")
        else:
            out += b"\xc9" + n.to_bytes(4, "big")
        out.append(v.type)
        out += v.data
    elif isinstance(v, int):
        _pack_int(int(v), out)
    elif isinstance(v, str):
        pack_into(str(v), out)
    else:
        raise TypeError("cannot pack %r" % (v,))


def pack(v):
    out = bytearray()
    pack_into(v, out)
    return bytes(out)
