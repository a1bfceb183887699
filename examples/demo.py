# demo.py: the README's first example. Starts a local aerospike_emulator (unless
# AEROSPIKE_HOSTS names a cluster), connects, writes and reads a few records with
# put/get/operate, reads a batch, queries a secondary index, and prints what it did.
# Exercised by test/integration/test_examples.py.
#   make demo          or   PYTHONPATH=src:. .venv/bin/python examples/demo.py

import os

import aerospike
from aerospike import exception, predicates
from aerospike_helpers.operations import list_operations as lo
from aerospike_helpers.operations import operations as op


def run(hosts):
    client = aerospike.client({"hosts": hosts})
    print("connected to", client.get_node_names())
    key = ("test", "demo", "user:1")
    client.put(key, {"name": "Ada", "visits": 1, "tags": ["math"]})
    _, meta, bins = client.get(key)
    print("get ->", bins, "generation", meta["gen"])

    _, _, bins = client.operate(
        key, [op.increment("visits", 1), lo.list_append("tags", "engines"), op.read("visits")]
    )
    print("operate ->", bins)
    print("tags now", client.select(key, ["tags"])[2]["tags"])

    client.remove(key)
    try:
        client.get(key)
    except exception.RecordNotFound as err:
        print("after remove: RecordNotFound, code", err.code)

    people = [("test", "demo", f"person:{i}") for i in range(6)]
    for i, k in enumerate(people):
        client.put(k, {"name": f"person {i}", "age": 30 + i})
    batch = client.batch_read(people, ["age"])
    print("batch_read ->", [r.record[2]["age"] for r in batch.batch_records])

    client.index_integer_create("test", "demo", "age", "demo_age_idx")
    query = client.query("test", "demo")
    query.where(predicates.between("age", 32, 34))
    names = sorted(bins["name"] for _, _, bins in query.results())
    print("query age 32..34 ->", names)
    client.index_remove("test", "demo_age_idx")
    client.batch_remove(people)
    client.close()


def main():
    hosts_env = os.environ.get("AEROSPIKE_HOSTS")
    if hosts_env:
        hosts = [(h, int(p)) for h, _, p in (item.rpartition(":") for item in hosts_env.split(","))]
        run(hosts)
        return
    from aerospike_emulator import Emulator

    with Emulator(port=0, process=True) as emulator:
        print("started aerospike_emulator at", emulator.seeds)
        run(emulator.seeds)


if __name__ == "__main__":
    main()
