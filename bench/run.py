# run.py: the client benchmark. Runs our client (.venv, src/) and the reference wheel
# (.venv-ref) side by side in one run against the same server: the emulator by default, or
# the cluster in AEROSPIKE_HOSTS. For each workload it prints ops/s and client CPU µs per op
# for both clients and the ratio ours/reference (lower CPU is better), and the import time
# and memory (RSS) of each client.
#   make bench            or   .venv/bin/python bench/run.py [--ops 20000] [--rounds 3]

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKER = os.path.join(ROOT, "bench", "client_worker.py")
CLIENTS = {
    "ours": (os.path.join(ROOT, ".venv", "bin", "python"), os.path.join(ROOT, "src")),
    "reference": (os.path.join(ROOT, ".venv-ref", "bin", "python"), None),
}


def run_client(name, hosts, ops, workloads):
    python, extra_path = CLIENTS[name]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (extra_path, ROOT) if p)
    out = subprocess.run(
        [python, WORKER, hosts, "--ops", str(ops), "--workloads", workloads],
        env=env, capture_output=True, text=True, check=False, timeout=1800,
    )
    if out.returncode != 0:
        raise SystemExit(f"{name} client failed:\n{out.stderr}")
    return {r["workload"]: r for r in map(json.loads, out.stdout.splitlines())}


def best(runs, workload):
    """The run with the least CPU per op (the least disturbed by the machine)."""
    usable = [r[workload] for r in runs if "cpu_us_per_op" in r.get(workload, {})]
    return min(usable, key=lambda r: r["cpu_us_per_op"]) if usable else None


def print_memory(results):
    """Import time and memory of each client (the least of the rounds), and the ratio."""
    keys = (("import_ms", "import ms"), ("import_kb", "import KiB"),
            ("connected_kb", "client KiB"), ("peak_kb", "peak KiB"))
    rows = {}
    for name in ("ours", "reference"):
        runs = [r["memory"] for r in results[name] if "memory" in r]
        if runs:
            rows[name] = {k: min(run[k] for run in runs) for k, _ in keys}
    if len(rows) < 2:
        return
    print(f"{'memory':10} {'client':10} " + " ".join(f"{label:>11}" for _, label in keys))
    for name in ("ours", "reference"):
        print(f"{'memory':10} {name:10} " + " ".join(f"{rows[name][k]:11.0f}" for k, _ in keys))
    ratios = [rows["ours"][k] / rows["reference"][k] if rows["reference"][k] else float("nan")
              for k, _ in keys]
    print(f"{'memory':10} {'ratio':10} " + " ".join(f"{r:11.2f}" for r in ratios)
          + "   (ours / reference)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workloads", default="put,get,operate,batch,scan")
    args = parser.parse_args()

    emulator = None
    hosts = os.environ.get("AEROSPIKE_HOSTS")
    if not hosts:
        sys.path.insert(0, ROOT)
        from aerospike_emulator import Emulator

        emulator = Emulator(port=0, process=True)
        emulator.start()
        hosts = ",".join(f"{h}:{p}" for h, p in emulator.seeds)
    try:
        results = {"ours": [], "reference": []}
        for _ in range(args.rounds):
            for name in ("reference", "ours"):
                results[name].append(run_client(name, hosts, args.ops, args.workloads))
    finally:
        if emulator:
            emulator.stop()

    server = "AEROSPIKE_HOSTS=" + hosts if os.environ.get("AEROSPIKE_HOSTS") else "emulator"
    print(f"client benchmark against {server}: {args.ops} ops per workload, best of {args.rounds}")
    print(f"{'workload':10} {'client':10} {'ops/s':>10} {'CPU us/op':>10}")
    print_memory(results)
    for workload in args.workloads.split(","):
        ours, ref = best(results["ours"], workload), best(results["reference"], workload)
        for name, r in (("ours", ours), ("reference", ref)):
            if r:
                print(f"{workload:10} {name:10} {r['ops_per_s']:10.0f} {r['cpu_us_per_op']:10.1f}")
            else:
                print(f"{workload:10} {name:10} {'n/a':>10} {'n/a':>10}")
        if ours and ref:
            print(f"{workload:10} {'ratio':10} {ours['ops_per_s'] / ref['ops_per_s']:10.2f} "
                  f"{ours['cpu_us_per_op'] / ref['cpu_us_per_op']:10.2f}   (ours / reference)")


if __name__ == "__main__":
    main()
