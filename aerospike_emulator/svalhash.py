# The 64-bit value a string or blob secondary index stores for a value (its "bval", which
# a query answer carries in field 15). sindexdata.py calls bval_of() for index entries and
# for the value of an equality query.

import hashlib


def bval_of(data):
    """The signed 64-bit bval of the bytes of a string or blob value."""
    d = hashlib.new("ripemd160", data).digest()
    return int.from_bytes(d[:8], "little", signed=True)
