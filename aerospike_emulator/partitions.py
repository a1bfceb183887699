# Partition ownership across the emulated nodes: which node is master and which are
# replicas of each of the 4096 partitions, the `replicas` bitmaps the clients read, and
# moves of ownership. Owned by Emulator (emulator.py); read by info.py and server.py.

import base64

N_PARTITIONS = 4096


class PartitionMap:
    """Owners of every partition: a list of node indexes, master first, then replicas."""

    def __init__(self, replication_factor=1):
        self.replication_factor = replication_factor
        self.owners = [() for _ in range(N_PARTITIONS)]

    def rebalance(self, live):
        """Spreads the partitions evenly over the live node indexes (sorted)."""
        live = sorted(live)
        n = len(live)
        if n == 0:
            self.owners = [() for _ in range(N_PARTITIONS)]
            return
        rf = min(self.replication_factor, n)
        owners = []
        for pid in range(N_PARTITIONS):
            start = pid % n
            owners.append(tuple(live[(start + i) % n] for i in range(rf)))
        self.owners = owners

    def effective_rf(self):
        return max((len(o) for o in self.owners), default=0)

    def move(self, pids, node_index, live):
        """Makes `node_index` the master of `pids`; the old master becomes a replica."""
        rf = min(self.replication_factor, len(live))
        for pid in pids:
            cur = [i for i in self.owners[pid] if i != node_index]
            self.owners[pid] = tuple([node_index] + cur)[: max(rf, 1)]

    def bitmap(self, node_index, column):
        bits = bytearray(N_PARTITIONS // 8)
        for pid, owners in enumerate(self.owners):
            if len(owners) > column and owners[column] == node_index:
                bits[pid >> 3] |= 0x80 >> (pid & 7)
        return base64.b64encode(bytes(bits)).decode("ascii")

    def replicas_value(self, node_index, namespaces, max_columns=None):
        """The value of the `replicas` info command for one node."""
        rf = self.effective_rf()
        if max_columns is not None:
            rf = min(rf, max_columns)
        cols = [self.bitmap(node_index, c) for c in range(rf)]
        parts = []
        for ns in namespaces:
            parts.append("%s:0,%d,%s" % (ns, rf, ",".join(cols)))
        return ";".join(parts)

    def master_count(self, node_index):
        return sum(1 for o in self.owners if o and o[0] == node_index)
