# The Python half of the msgpack codec between Python and Lua (the Lua half is lua_codec.py):
# pack() turns Python values into the Aerospike msgpack the Lua side decodes into list, map,
# bytes and geojson values; unpack() turns what the Lua side packs back into Python values.
# The client's aggregation (stream.py) uses both; the emulator packs with its own msgpack
# module, which speaks the same format.

import struct

STR_TYPE = 3
BLOB_TYPE = 4
GEO_TYPE = 23


class GeoJSON(str):
    """A GeoJSON text as Lua's geojson type holds it."""


# ---------------------------------------------------------------------------------------
# Python -> Lua.


def pack(value, default=None):
    """The Aerospike msgpack of `value`: None, bool, int (64-bit), float, str, bytes,
    bytearray, GeoJSON, list or tuple, dict. `default(v)` may turn any other object into one
    of those; without it, or when it returns None, such an object raises TypeError."""
    out = bytearray()
    _pack(value, out, default)
    return bytes(out)


def _pack(v, out, default):
    if v is None:
        out.append(0xC0)
    elif v is True or v is False:
        out.append(0xC3 if v else 0xC2)
    elif isinstance(v, int):
        if not -(1 << 63) <= v < (1 << 63):
            raise TypeError(f"integer {v} does not fit in 64 bits")
        out += b"\xd3" + struct.pack(">q", v)
    elif isinstance(v, float):
        out += b"\xcb" + struct.pack(">d", v)
    elif isinstance(v, str):
        raw = v.encode("utf-8", "surrogateescape")
        _str_header(len(raw) + 1, out)
        out.append(GEO_TYPE if isinstance(v, GeoJSON) else STR_TYPE)
        out += raw
    elif isinstance(v, (bytes, bytearray)):
        _str_header(len(v) + 1, out)
        out.append(BLOB_TYPE)
        out += v
    elif isinstance(v, (list, tuple)):
        out += b"\xdd" + struct.pack(">I", len(v))
        for item in v:
            _pack(item, out, default)
    elif isinstance(v, dict):
        out += b"\xdf" + struct.pack(">I", len(v))
        for k, item in v.items():
            _pack(k, out, default)
            _pack(item, out, default)
    else:
        converted = default(v) if default is not None else None
        if converted is None:
            raise TypeError(f"a {type(v).__name__} cannot be passed to Lua")
        _pack(converted, out, None)


def _str_header(n, out):
    if n < 32:
        out.append(0xA0 | n)
    elif n < 0x100:
        out += b"\xd9" + bytes([n])
    elif n < 0x10000:
        out += b"\xda" + struct.pack(">H", n)
    else:
        out += b"\xdb" + struct.pack(">I", n)


# ---------------------------------------------------------------------------------------
# Lua -> Python.


def unpack(data, geojson=GeoJSON):
    """The Python value of one Aerospike msgpack value: lists as list, maps as dict with
    their keys in Aerospike's value order (as the server's Lua maps keep them), strings as
    str, blobs as bytes, geojson as geojson(text). Raises ValueError on bad input."""
    reader = _Reader(bytes(data), geojson)
    value = reader.value()
    if reader.pos != len(reader.data):
        raise ValueError("trailing bytes after the msgpack value")
    return value


_FIXED = {
    0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q",
    0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q",
    0xCA: ">f", 0xCB: ">d",
}
_LENGTH = {0xD9: ">B", 0xDA: ">H", 0xDB: ">I", 0xC4: ">B", 0xC5: ">H", 0xC6: ">I",
           0xDC: ">H", 0xDD: ">I", 0xDE: ">H", 0xDF: ">I"}


class _Reader:
    __slots__ = ("data", "geojson", "pos")

    def __init__(self, data, geojson):
        self.data = data
        self.pos = 0
        self.geojson = geojson

    def take(self, n):
        start = self.pos
        if start + n > len(self.data):
            raise ValueError("truncated msgpack")
        self.pos = start + n
        return self.data[start:start + n]

    def number(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def value(self):
        b = self.take(1)[0]
        if b <= 0x7F:
            return b
        if b >= 0xE0:
            return b - 0x100
        if 0xA0 <= b <= 0xBF:
            return self.string(b & 0x1F)
        if 0x90 <= b <= 0x9F:
            return self.array(b & 0x0F)
        if 0x80 <= b <= 0x8F:
            return self.map(b & 0x0F)
        if b == 0xC0:
            return None
        if b in (0xC2, 0xC3):
            return b == 0xC3
        if b in _FIXED:
            return self.number(_FIXED[b])
        if b in _LENGTH:
            n = self.number(_LENGTH[b])
            if b <= 0xC6:
                return bytes(self.take(n))
            if b <= 0xDB:
                return self.string(n)
            return self.array(n) if b <= 0xDD else self.map(n)
        raise ValueError(f"unexpected msgpack byte 0x{b:02x}")

    def string(self, n):
        raw = self.take(n)
        if not raw:
            return ""
        text = raw[1:]
        if raw[0] == STR_TYPE:
            return text.decode("utf-8", "surrogateescape")
        if raw[0] == GEO_TYPE:
            return self.geojson(text.decode("utf-8", "surrogateescape"))
        return bytes(text)

    def flags(self):
        # An ordered list or map starts with the ext c7 00 <flags>.
        if self.data[self.pos:self.pos + 2] == b"\xc7\x00" and self.pos + 3 <= len(self.data):
            self.pos += 3
            return True
        return False

    def array(self, n):
        if n and self.flags():
            n -= 1
        return [self.value() for _ in range(n)]

    def map(self, n):
        if n and self.flags():
            self.value()  # the nil value of the flags entry
            n -= 1
        items = []
        for _ in range(n):
            key = self.value()
            try:
                hash(key)
            except TypeError:
                raise ValueError(f"a map key of type {type(key).__name__} has no Python "
                                 "equivalent") from None
            items.append((key, self.value()))
        items.sort(key=_key_order)
        return dict(items)


# Aerospike's order of value types (nil, bool, integer, string, list, map, bytes, float,
# geojson); keys of one type sort by value.
_RANK = {type(None): 0, bool: 1, int: 2, str: 3, bytes: 6, float: 7}


def _key_order(item):
    key = item[0]
    rank = 8 if isinstance(key, GeoJSON) else _RANK.get(type(key), 9)
    return (rank, key if rank in (1, 2, 3, 6, 7) else 0)
