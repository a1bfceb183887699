# Record storage: namespaces holding records by digest, expiry against the emulator clock,
# and truncation with a last-update-time cut-off. One Store is shared by all nodes of an
# emulated cluster (emulator.py); record.py, batch.py, scan.py and info.py read and write it.

DEFAULT_NAMESPACES = ("test", "bar")
MAX_RECORD_SIZE = 1024 * 1024


def partition_id(digest):
    """Partition of a digest: its first two bytes, little-endian, low 12 bits."""
    return (digest[0] | (digest[1] << 8)) & 0xFFF


class Record:
    """One stored record. Bins map name bytes to (particle type, value bytes)."""

    __slots__ = ("bins", "gen", "void_time", "lut", "key", "set_name", "digest")

    def __init__(self, digest, set_name, bins, gen, void_time, lut, key=None):
        self.digest = digest
        self.set_name = set_name
        self.bins = bins
        self.gen = gen
        self.void_time = void_time
        self.lut = lut
        self.key = key

    def size(self):
        """An estimate of the stored size, used for RECORD_TOO_BIG and record_size()."""
        n = 39 + (len(self.key) if self.key else 0)
        for name, (_t, data) in self.bins.items():
            n += len(name) + len(data) + 4
        return n


class RecordTable(dict):
    """The records of a namespace by digest. Every store and removal goes through here, so
    the secondary indexes watching the table (sindexdata.py) see each write, delete, expiry
    and truncation without the command modules knowing about indexes."""

    __slots__ = ("watchers",)

    def __init__(self):
        super().__init__()
        self.watchers = []

    def __setitem__(self, digest, rec):
        old = dict.get(self, digest)
        dict.__setitem__(self, digest, rec)
        for w in self.watchers:
            w.record_changed(digest, old, rec)

    def __delitem__(self, digest):
        old = dict.pop(self, digest)
        for w in self.watchers:
            w.record_changed(digest, old, None)

    def pop(self, digest, *default):
        if digest not in self:
            return dict.pop(self, digest, *default)
        old = self[digest]
        del self[digest]
        return old

    def setdefault(self, digest, rec=None):
        if digest not in self:
            self[digest] = rec
        return self[digest]

    def update(self, *args, **kwargs):
        for digest, rec in dict(*args, **kwargs).items():
            self[digest] = rec

    def popitem(self):
        digest, old = dict.popitem(self)
        for w in self.watchers:
            w.record_changed(digest, old, None)
        return digest, old

    def clear(self):
        dict.clear(self)
        for w in self.watchers:
            w.cleared()


class Namespace:
    """A namespace: its configuration, its records and its truncation marks."""

    def __init__(self, name, default_ttl=0, replication_factor=1):
        self.name = name
        self.default_ttl = default_ttl
        self.replication_factor = replication_factor
        self.records = RecordTable()
        self.set_truncate_lut = {}
        self.truncate_lut = 0

    def truncate(self, set_name, lut_ns):
        """Removes the records of a set (or of all sets when None) updated at or before lut."""
        if set_name is None:
            self.truncate_lut = max(self.truncate_lut, lut_ns)
        else:
            prev = self.set_truncate_lut.get(set_name, 0)
            self.set_truncate_lut[set_name] = max(prev, lut_ns)
        doomed = [
            d
            for d, r in self.records.items()
            if (set_name is None or r.set_name == set_name) and r.lut <= lut_ns
        ]
        for d in doomed:
            del self.records[d]
        return len(doomed)

    def sets(self):
        """Names of the sets that hold records, plus sets that were truncated."""
        names = {r.set_name for r in self.records.values() if r.set_name}
        names.update(self.set_truncate_lut)
        return sorted(names)


class Store:
    """All namespaces of an emulated cluster, with the clock that expires their records."""

    def __init__(
        self,
        clock,
        namespaces=DEFAULT_NAMESPACES,
        default_ttl=0,
        replication_factor=1,
        transactions=False,
    ):
        self.clock = clock
        self.namespaces = {}
        for ns in namespaces:
            self.namespaces[ns] = Namespace(ns, default_ttl, replication_factor)
        self.max_record_size = MAX_RECORD_SIZE
        # Multi-record transactions (mrt.py), on for a strong-consistency Enterprise server.
        self.mrt = None
        if transactions:
            from .mrt import Transactions

            self.mrt = Transactions(self)

    def get(self, ns, digest):
        """Returns the live record or None, dropping it first if it has expired."""
        rec = ns.records.get(digest)
        if rec is not None and rec.void_time and rec.void_time <= self.clock.cl_now():
            del ns.records[digest]
            return None
        return rec

    def expire_all(self, ns):
        now = self.clock.cl_now()
        dead = [d for d, r in ns.records.items() if r.void_time and r.void_time <= now]
        for d in dead:
            del ns.records[d]

    def reset(self):
        if self.mrt is not None:
            self.mrt.clear()
        for ns in self.namespaces.values():
            ns.records.clear()
            ns.set_truncate_lut.clear()
            ns.truncate_lut = 0
