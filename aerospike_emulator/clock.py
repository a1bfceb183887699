# The emulator's controllable clock. Record void times, last-update times and TTL
# expressions all read it, so tests can move time forward instead of sleeping.
# Created by Emulator (emulator.py) and read by storage.py, record.py and expressions.py.

import threading
import time

CITRUSLEAF_EPOCH = 1262304000


class Clock:
    """Wall-clock time plus an offset that tests can advance (or freeze)."""

    def __init__(self):
        self._offset = 0.0
        self._frozen = None
        self._lock = threading.Lock()

    def time(self):
        """Seconds since the Unix epoch, as a float."""
        if self._frozen is not None:
            return self._frozen
        return time.time() + self._offset

    def time_ns(self):
        """Nanoseconds since the Unix epoch (used for last-update times)."""
        if self._frozen is not None:
            return int(self._frozen * 1e9)
        return time.time_ns() + int(self._offset * 1e9)

    def cl_now(self):
        """Whole seconds since 2010-01-01, the unit of record void times."""
        return int(self.time()) - CITRUSLEAF_EPOCH

    def advance(self, seconds):
        """Moves time forward (or back, with a negative value) by `seconds`."""
        with self._lock:
            if self._frozen is not None:
                self._frozen += seconds
            else:
                self._offset += seconds

    def freeze(self, at=None):
        """Stops the clock at `at` (Unix seconds) or at the current time."""
        with self._lock:
            self._frozen = self.time() if at is None else float(at)

    def unfreeze(self):
        """Lets the clock run again from where it stood."""
        with self._lock:
            if self._frozen is not None:
                self._offset = self._frozen - time.time()
                self._frozen = None
