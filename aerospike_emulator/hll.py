# HyperLogLog bins (operations.md section 3h): the particle layout, MurmurHash3 hashing of
# elements, the HLL ops (wire ops 15/16) and the cardinality estimator.
# ops.py calls read_op/modify_op; expressions.py calls expr_call for HLL expressions.

import math

from .errors import (
    BIN_EXISTS,
    BIN_NOT_FOUND,
    INCOMPATIBLE_TYPE,
    OP_NOT_APPLICABLE,
    PARAMETER,
    AsError,
)
from .msgpack import Blob, pack
from .opargs import int_arg, op_args
from .values import P_HLL, float_particle, int_particle

M64 = 0xFFFFFFFFFFFFFFFF
C1 = 0x87C37B91114253D5
C2 = 0x4CF5AD432745937F

F_CREATE_ONLY = 1
F_UPDATE_ONLY = 2
F_NO_FAIL = 4
F_ALLOW_FOLD = 8

MIN_INDEX_BITS = 4
MAX_INDEX_BITS = 16
MIN_MH_BITS = 4
MAX_MH_BITS = 51
HEADER = 11


def _rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def _fmix(k):
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & M64
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & M64
    k ^= k >> 33
    return k


def murmur3_x64_128(data, seed=0):
    """MurmurHash3 x64 128-bit; returns the two 64-bit halves (h1, h2)."""
    n = len(data)
    h1 = h2 = seed
    nblocks = n // 16
    for i in range(nblocks):
        k1 = int.from_bytes(data[16 * i : 16 * i + 8], "little")
        k2 = int.from_bytes(data[16 * i + 8 : 16 * i + 16], "little")
        k1 = (k1 * C1) & M64
        k1 = _rotl(k1, 31)
        k1 = (k1 * C2) & M64
        h1 ^= k1
        h1 = _rotl(h1, 27)
        h1 = (h1 + h2) & M64
        h1 = (h1 * 5 + 0x52DCE729) & M64
        k2 = (k2 * C2) & M64
        k2 = _rotl(k2, 33)
        k2 = (k2 * C1) & M64
        h2 ^= k2
        h2 = _rotl(h2, 31)
        h2 = (h2 + h1) & M64
        h2 = (h2 * 5 + 0x38495AB5) & M64
    tail = data[16 * nblocks :]
    t = len(tail)
    if t > 8:
        k2 = int.from_bytes(tail[8:], "little")
        k2 = (k2 * C2) & M64
        k2 = _rotl(k2, 33)
        k2 = (k2 * C1) & M64
        h2 ^= k2
    if t > 0:
        k1 = int.from_bytes(tail[:8], "little")
        k1 = (k1 * C1) & M64
        k1 = _rotl(k1, 31)
        k1 = (k1 * C2) & M64
        h1 ^= k1
    h1 ^= n
    h2 ^= n
    h1 = (h1 + h2) & M64
    h2 = (h2 + h1) & M64
    h1 = _fmix(h1)
    h2 = _fmix(h2)
    h1 = (h1 + h2) & M64
    h2 = (h2 + h1) & M64
    return h1, h2


def _ctz(x):
    return 64 if x == 0 else (x & -x).bit_length() - 1


class HLL:
    """An unpacked HLL: index bits, minhash bits and one int per register."""

    __slots__ = ("ib", "mh", "regs")

    def __init__(self, ib, mh, regs=None):
        self.ib = ib
        self.mh = mh
        self.regs = regs if regs is not None else [0] * (1 << ib)

    @classmethod
    def parse(cls, data):
        data = bytes(data)
        if len(data) < HEADER or data[0] != 0:
            raise AsError(PARAMETER)
        ib, mh = data[1], data[2]
        if not _valid_bits(ib, mh):
            raise AsError(PARAMETER)
        width = 6 + mh
        nregs = 1 << ib
        need = (nregs * width + 7) // 8
        if len(data) != HEADER + need:
            raise AsError(PARAMETER)
        big = int.from_bytes(data[HEADER:], "big")
        total = need * 8
        mask = (1 << width) - 1
        regs = [(big >> (total - (i + 1) * width)) & mask for i in range(nregs)]
        return cls(ib, mh, regs)

    def to_bytes(self):
        width = 6 + self.mh
        nregs = len(self.regs)
        need = (nregs * width + 7) // 8
        big = 0
        for r in self.regs:
            big = (big << width) | r
        big <<= need * 8 - nregs * width
        return bytes([0, self.ib, self.mh]) + bytes(8) + big.to_bytes(need, "big")

    def add_hash(self, data):
        h0, h1 = murmur3_x64_128(data)
        idx = h0 & ((1 << self.ib) - 1)
        minhash = (h0 >> self.ib) & ((1 << self.mh) - 1)
        zeros = min(_ctz(h1) + 1, 63)
        value = (zeros << self.mh) | minhash
        if value > self.regs[idx]:
            self.regs[idx] = value
            return True
        return False

    def nlz(self, i):
        return self.regs[i] >> self.mh

    def fold(self, ib):
        if ib == self.ib:
            return self
        step = 1 << (self.ib - ib)
        out = HLL(ib, self.mh)
        for i, r in enumerate(self.regs):
            j = i & ((1 << ib) - 1)
            if r > out.regs[j]:
                out.regs[j] = r
        del step
        return out

    def drop_minhash(self):
        if self.mh == 0:
            return self
        return HLL(self.ib, 0, [r >> self.mh for r in self.regs])


def _valid_bits(ib, mh):
    if not MIN_INDEX_BITS <= ib <= MAX_INDEX_BITS:
        return False
    if mh != 0 and not MIN_MH_BITS <= mh <= MAX_MH_BITS:
        return False
    return ib + mh <= 64


def _sigma(x):
    if x == 1.0:
        return math.inf
    y = 1.0
    z = x
    while True:
        x = x * x
        z_old = z
        z += x * y
        y += y
        if z == z_old:
            return z


def _tau(x):
    if x == 0.0 or x == 1.0:
        return 0.0
    y = 1.0
    z = 1.0 - x
    while True:
        x = math.sqrt(x)
        z_old = z
        y *= 0.5
        z -= (1.0 - x) ** 2 * y
        if z == z_old:
            return z / 3.0


def estimate(h):
    """Ertl's improved raw estimator over the registers' leading-zero counts."""
    m = 1 << h.ib
    q = 64 - h.ib
    counts = [0] * (q + 2)
    for i in range(m):
        v = min(h.nlz(i), q + 1)
        counts[v] += 1
    z = m * _tau(1.0 - counts[q + 1] / m)
    for k in range(q, 0, -1):
        z = 0.5 * (z + counts[k])
    z += m * _sigma(counts[0] / m)
    if z == math.inf or z == 0:
        return 0
    return int(round(m * m / (2.0 * math.log(2)) / z))


def union_of(hlls):
    ib = min(h.ib for h in hlls)
    mhs = {h.mh for h in hlls}
    mh = mhs.pop() if len(mhs) == 1 else 0
    out = HLL(ib, mh)
    for h in hlls:
        if h.mh != mh:
            h = h.drop_minhash()
        h = h.fold(ib)
        for i, r in enumerate(h.regs):
            if r > out.regs[i]:
                out.regs[i] = r
    return out


def _element_bytes(v):
    if isinstance(v, (list, dict)):
        raise AsError(PARAMETER)
    return pack(v)


# ---------------------------------------------------------------------------
# Op execution.


def _hll_list(v):
    items = v if isinstance(v, list) else [v]
    out = []
    for it in items:
        if not isinstance(it, (bytes, bytearray)):
            raise AsError(PARAMETER)
        out.append(HLL.parse(it))
    return out


def _bin_hll(bins, name):
    p = bins.get(name)
    if p is None:
        return None
    if p[0] != P_HLL:
        raise AsError(INCOMPATIBLE_TYPE)
    return HLL.parse(p[1])


def _check_flags(flags, allowed):
    if flags & ~allowed or (flags & F_CREATE_ONLY and flags & F_UPDATE_ONLY):
        raise AsError(PARAMETER)


def _check_bits(ib, mh):
    if ib != -1 and not MIN_INDEX_BITS <= ib <= MAX_INDEX_BITS:
        raise AsError(PARAMETER)
    if mh != -1 and mh != 0 and not MIN_MH_BITS <= mh <= MAX_MH_BITS:
        raise AsError(PARAMETER)
    if ib != -1 and mh not in (-1, 0) and ib + mh > 64:
        raise AsError(PARAMETER)


def modify_op(ctx, name, value):
    code, args = op_args(value, whole=False)
    bins = ctx.bins
    cur_p = bins.get(name)
    if cur_p is not None and cur_p[0] != P_HLL:
        raise AsError(INCOMPATIBLE_TYPE)
    h = HLL.parse(cur_p[1]) if cur_p is not None else None
    result, new = _modify(h, code, args)
    if new is not None:
        bins[name] = (P_HLL, new.to_bytes())
    return result


def _modify(h, code, args):
    # Returns (result particle or None, new HLL or None).
    if code == 0:
        ib = int_arg(args, 0, -1)
        mh = int_arg(args, 1, -1)
        flags = int_arg(args, 2, 0)
        _check_flags(flags, F_CREATE_ONLY | F_UPDATE_ONLY | F_NO_FAIL)
        _check_bits(ib, mh)
        if _flag_refuses(h, flags):
            return None, None
        if h is None:
            if ib == -1:
                raise AsError(OP_NOT_APPLICABLE)
            mh = 0 if mh == -1 else mh
        else:
            ib = h.ib if ib == -1 else ib
            mh = h.mh if mh == -1 else mh
        if not _valid_bits(ib, mh):
            raise AsError(PARAMETER)
        return None, HLL(ib, mh)
    if code == 1:
        if not args or not isinstance(args[0], list):
            raise AsError(PARAMETER)
        ib = int_arg(args, 1, -1)
        mh = int_arg(args, 2, -1)
        flags = int_arg(args, 3, 0)
        _check_flags(flags, F_CREATE_ONLY | F_NO_FAIL)
        _check_bits(ib, mh)
        if _flag_refuses(h, flags):
            return None, None
        if h is None:
            if ib == -1:
                raise AsError(OP_NOT_APPLICABLE)
            mh = 0 if mh == -1 else mh
            if not _valid_bits(ib, mh):
                raise AsError(PARAMETER)
            h = HLL(ib, mh)
        changed = 0
        for item in args[0]:
            if h.add_hash(_element_bytes(item)):
                changed += 1
        return int_particle(changed), h
    if code == 2:
        if not args:
            raise AsError(PARAMETER)
        others = _hll_list(args[0])
        flags = int_arg(args, 1, 0)
        _check_flags(flags, F_CREATE_ONLY | F_UPDATE_ONLY | F_NO_FAIL | F_ALLOW_FOLD)
        if _flag_refuses(h, flags):
            return None, None
        if h is None:
            return None, union_of(others)
        min_ib = min(o.ib for o in others)
        mhs = {o.mh for o in others}
        common_mh = mhs.pop() if len(mhs) == 1 else 0
        if not flags & F_ALLOW_FOLD:
            if h.ib > min_ib or (h.mh != 0 and h.mh != common_mh):
                raise AsError(OP_NOT_APPLICABLE)
        return None, union_of([h] + others)
    if code == 3:
        if h is None:
            raise AsError(BIN_NOT_FOUND)
        return int_particle(estimate(h)), h
    if code == 4:
        ib = int_arg(args, 0)
        if h is None:
            raise AsError(BIN_NOT_FOUND)
        if not MIN_INDEX_BITS <= ib <= MAX_INDEX_BITS:
            raise AsError(PARAMETER)
        if h.mh != 0 or ib > h.ib:
            raise AsError(OP_NOT_APPLICABLE)
        return None, h.fold(ib)
    raise AsError(PARAMETER)


def _flag_refuses(h, flags):
    if h is not None and flags & F_CREATE_ONLY:
        if flags & F_NO_FAIL:
            return True
        raise AsError(BIN_EXISTS)
    if h is None and flags & F_UPDATE_ONLY:
        if flags & F_NO_FAIL:
            return True
        raise AsError(BIN_NOT_FOUND)
    return False


def read_op(ctx, name, value):
    code, args = op_args(value, whole=False)
    p = ctx.bins.get(name)
    if p is None:
        return None
    if p[0] != P_HLL:
        raise AsError(INCOMPATIBLE_TYPE)
    h = HLL.parse(p[1])
    r = _read(h, code, args)
    if isinstance(r, Blob):
        return (P_HLL, bytes(r))
    if isinstance(r, float):
        return float_particle(r)
    if isinstance(r, list):
        from .values import to_particle

        return to_particle(r)
    return int_particle(r)


def _read(h, code, args):
    if code == 50:
        return estimate(h)
    if code == 55:
        return [h.ib, h.mh]
    if code in (51, 52, 53, 54, 56):
        if not args:
            raise AsError(PARAMETER)
        if code == 56:
            items = args[0] if isinstance(args[0], list) else [args[0]]
            probe = HLL(h.ib, h.mh)
            hits = 0
            for it in items:
                probe.regs = list(h.regs)
                if not probe.add_hash(_element_bytes(it)):
                    hits += 1
            return 1 if hits == len(items) else 0
        others = _hll_list(args[0])
        if code == 51:
            return Blob(union_of([h] + others).to_bytes(), P_HLL)
        if code == 52:
            return estimate(union_of([h] + others))
        allh = [h] + others
        if len(allh) > 2:
            mhs = {x.mh for x in allh}
            if len(mhs) != 1 or 0 in mhs:
                raise AsError(OP_NOT_APPLICABLE)
        union = estimate(union_of(allh))
        inter = _intersect_estimate(allh)
        if code == 53:
            return inter
        return float(inter) / union if union else 0.0
    raise AsError(PARAMETER)


def _intersect_estimate(hlls):
    # Inclusion-exclusion over the sets; exact for the small cardinalities tests use.
    n = len(hlls)
    total = 0
    for mask in range(1, 1 << n):
        subset = [hlls[i] for i in range(n) if mask >> i & 1]
        sign = 1 if len(subset) % 2 else -1
        total += sign * estimate(union_of(subset))
    return max(0, total)


def expr_call(value, code, args, ctx, modify):
    """Runs an HLL op inside an expression on the HLL value `value`."""
    if not isinstance(value, (bytes, bytearray)):
        raise AsError(INCOMPATIBLE_TYPE)
    h = HLL.parse(value)
    if modify:
        _res, new = _modify(h, code, list(args))
        return Blob((new or h).to_bytes(), P_HLL)
    return _read(h, code, list(args))
