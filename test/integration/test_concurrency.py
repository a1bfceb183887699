# Threads: one client shared by 8 threads doing mixed commands (every result checked, a
# shared counter exact at the end), and the GIL released while a command waits for a
# slow reply (the emulator delays the node's replies while another thread keeps counting).

import threading
import time

import pytest

from aerospike import exception as ex
from aerospike_helpers.operations import list_operations as lo
from aerospike_helpers.operations import operations as op

THREADS = 8
ROUNDS = 60


def test_eight_threads_share_one_client(client, keys):
    counter = keys("shared-counter")
    client.put(counter, {"n": 0})
    errors = []
    start = threading.Barrier(THREADS)

    def worker(t):
        try:
            start.wait()
            for i in range(ROUNDS):
                k = keys("t%d-%d" % (t, i % 5))
                client.put(k, {"t": t, "i": i, "s": "x%d" % i})
                _, meta, bins = client.get(k)
                assert bins["t"] == t and bins["i"] == i and bins["s"] == "x%d" % i
                client.increment(counter, "n", 1)
                _, _, bins = client.operate(k, [lo.list_append("l", i), op.read("i")])
                assert bins["i"] == i and bins["l"] >= 1
                assert client.select(k, ["s"])[2] == {"s": "x%d" % i}
                assert client.exists(k)[1]["gen"] == meta["gen"] + 1
                if i % 7 == 0:
                    client.remove(k)
                    assert client.exists(k)[1] is None
                with pytest.raises(ex.RecordNotFound):
                    client.get(keys("t%d-missing" % t))
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append((t, repr(e)))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not any(th.is_alive() for th in threads)
    assert errors == []
    assert client.get(counter)[2] == {"n": THREADS * ROUNDS}


def test_concurrent_increments_of_one_bin_are_all_counted(client, key):
    client.put(key, {"n": 0})
    per_thread = 100

    def worker():
        for _ in range(per_thread):
            client.increment(key, "n", 1)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    _, meta, bins = client.get(key)
    assert bins == {"n": THREADS * per_thread}
    assert meta["gen"] == 1 + THREADS * per_thread


class Counter:
    """Counts in a background thread until stopped; it only runs when it holds the GIL."""

    def __init__(self):
        self.count = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop:
            self.count += 1

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop = True
        self._thread.join(5)


@pytest.mark.parametrize("command", ["get", "put", "operate"])
def test_gil_is_released_while_waiting_for_a_slow_reply(fresh_client, node0, key, command):
    c = fresh_client()
    c.put(key, {"a": 1})
    calls = {
        "get": lambda: c.get(key, policy={"total_timeout": 5000}),
        "put": lambda: c.put(key, {"a": 2}, policy={"total_timeout": 5000}),
        "operate": lambda: c.operate(key, [op.increment("a", 1)], policy={"total_timeout": 5000}),
    }
    delay = 0.5
    with Counter() as counter:
        time.sleep(0.1)
        # The rate at which the thread counts while this thread sleeps.
        base_start = counter.count
        time.sleep(0.1)
        per_second = (counter.count - base_start) / 0.1
        node0.delay(delay)
        before = counter.count
        t0 = time.monotonic()
        calls[command]()
        elapsed = time.monotonic() - t0
        during = counter.count - before
    node0.clear_faults()
    assert elapsed >= delay * 0.9
    # Had the GIL been held for the whole wait, the counter could not have moved.
    assert during > 0.2 * per_second * delay, (during, per_second)
