# client_worker.py: one benchmark run of whichever `aerospike` package the interpreter
# imports (ours or the reference wheel). Started by bench/run.py in each virtualenv; prints
# one JSON line per workload: ops/s (wall clock) and client CPU microseconds per op (this
# process's user+sys time, so the server's work is not counted).
#   python bench/client_worker.py HOST:PORT[,HOST:PORT] --ops 20000 [--workloads put,get,...]

import argparse
import json
import os
import resource
import sys
import time


def rss_kb():
    """The process's resident set size now, in KiB (Linux /proc)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def workload_put(client, keys, ops, payload):
    for i in range(ops):
        client.put(keys[i % len(keys)], payload)


def workload_get(client, keys, ops, payload):
    for i in range(ops):
        client.get(keys[i % len(keys)])


def workload_operate(client, keys, ops, payload):
    from aerospike_helpers.operations import operations as op

    ops_list = [op.increment("n", 1), op.read("n"), op.read("s")]
    for i in range(ops):
        client.operate(keys[i % len(keys)], ops_list)


def workload_batch(client, keys, ops, payload):
    batch_keys = keys[:1000]
    rounds = max(1, ops // 1000)
    for _ in range(rounds):
        client.batch_read(batch_keys)
    return rounds * len(batch_keys)


def workload_scan(client, keys, ops, payload):
    # Each op is one record delivered by a query over the benchmark's set.
    set_name = keys[0][1]
    rounds = max(1, ops // len(keys))
    got = 0
    for _ in range(rounds):
        got += len(client.query("test", set_name).results())
    return got


WORKLOADS = {
    "put": workload_put,
    "get": workload_get,
    "operate": workload_operate,
    "batch": workload_batch,
    "scan": workload_scan,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hosts")
    parser.add_argument("--ops", type=int, default=20000)
    parser.add_argument("--workloads", default="put,get,operate,batch,scan")
    parser.add_argument("--label", default="")
    args = parser.parse_args()

    base_rss = rss_kb()
    t0 = time.perf_counter()
    import aerospike

    import_ms = (time.perf_counter() - t0) * 1000
    import_rss = rss_kb()
    hosts = []
    for item in args.hosts.split(","):
        host, _, port = item.rpartition(":")
        hosts.append((host, int(port)))
    client = aerospike.client({"hosts": hosts})
    set_name = "bench_" + str(os.getpid())
    keys = [("test", set_name, "k%d" % i) for i in range(1000)]
    payload = {"n": 1, "s": "x" * 100, "f": 1.5, "l": [1, 2, 3], "m": {"a": 1}}
    for key in keys:
        client.put(key, payload)
    connected_rss = rss_kb()

    for name in args.workloads.split(","):
        fn = WORKLOADS[name]
        if name == "batch" and not hasattr(client, "batch_read"):
            print(json.dumps({"workload": name, "skipped": "batch_read not available"}))
            continue
        # A short warm-up so connection setup is not measured.
        fn(client, keys, min(500, args.ops), payload)
        t0, c0 = time.perf_counter(), cpu_seconds()
        done = fn(client, keys, args.ops, payload) or args.ops
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        print(json.dumps({
            "workload": name,
            "ops": done,
            "ops_per_s": done / wall,
            "cpu_us_per_op": cpu * 1e6 / done,
        }))
        sys.stdout.flush()
    # Memory: what importing the module and a connected client with 1000 records
    # written cost, and the peak over every workload run above.
    print(json.dumps({
        "workload": "memory",
        "import_ms": import_ms,
        "import_kb": import_rss - base_rss,
        "connected_kb": connected_rss - base_rss,
        "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base_rss,
    }))
    client.truncate("test", set_name, 0)
    client.close()


if __name__ == "__main__":
    main()
