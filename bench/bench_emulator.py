# Speed benchmark of aerospike_emulator: single-record puts and gets per second from several
# client threads, side by side in the same run with a trivial asyncio server that answers
# every AS_MSG with one fixed reply (and the tend info commands with fixed text).
# Run with the reference client's venv:
#   PYTHONPATH=. .venv-ref/bin/python bench/bench_emulator.py [--threads 4] [--seconds 5]

import argparse
import asyncio
import base64
import os
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---------------------------------------------------------------------------
# The trivial server (runs in a child process: `bench_emulator.py --trivial PORT`).


def run_trivial(port):
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    bitmap = base64.b64encode(b"\xff" * 512).decode()
    answers = {
        "node": "BB9000000000001",
        "partition-generation": "1",
        "peers-generation": "1",
        "build": "8.1.2.0",
        "peers-clear-std": "1,%d,[]" % port,
        "replicas": "test:0,1,%s;bar:0,1,%s" % (bitmap, bitmap),
    }
    body = bytes([22, 0, 0, 0, 0, 0]) + (1).to_bytes(4, "big") + bytes(12)
    fixed = ((2 << 56) | (3 << 48) | len(body)).to_bytes(8, "big") + body

    class Trivial(asyncio.Protocol):
        def connection_made(self, transport):
            self.t = transport
            self.buf = b""

        def data_received(self, data):
            self.buf += data
            while len(self.buf) >= 8:
                size = int.from_bytes(self.buf[:8], "big") & 0xFFFFFFFFFFFF
                if len(self.buf) < 8 + size:
                    return
                kind = self.buf[1]
                req = self.buf[8 : 8 + size]
                self.buf = self.buf[8 + size :]
                if kind == 1:
                    lines = [c for c in req.decode().split("\n") if c]
                    out = "".join(
                        "%s\t%s\n" % (c, answers.get(c.split(":")[0], "ok")) for c in lines
                    ).encode()
                    self.t.write(((2 << 56) | (1 << 48) | len(out)).to_bytes(8, "big") + out)
                else:
                    self.t.write(fixed)

    async def main():
        server = await asyncio.get_running_loop().create_server(Trivial, "127.0.0.1", port)
        print("ready", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------------------
# The load generator.


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, ready_word):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    for _ in range(10):
        line = proc.stdout.readline()
        if ready_word in line:
            return proc
    proc.kill()
    raise RuntimeError("server did not start: %s" % cmd)


def load(port, threads, seconds):
    import aerospike

    client = aerospike.client({"hosts": [("127.0.0.1", port)]}).connect()
    counts = [0] * threads
    stop = time.time() + seconds

    def worker(i):
        n = 0
        key_base = i * 1000000
        while time.time() < stop:
            for j in range(50):
                k = ("test", "bench", key_base + (n % 1000))
                client.put(k, {"a": n, "s": "value"})
                client.get(k)
                n += 1
        counts[i] = n * 2

    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    t0 = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.time() - t0
    client.close()
    return sum(counts) / elapsed


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--trivial", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.trivial:
        run_trivial(args.trivial)
        return 0
    results = {}
    for name in ("trivial", "emulator"):
        port = free_port()
        if name == "trivial":
            cmd = [sys.executable, os.path.abspath(__file__), "--trivial", str(port)]
            proc = start(cmd, "ready")
        else:
            cmd = [sys.executable, "-m", "aerospike_emulator", "--port", str(port)]
            proc = start(cmd, "seed")
        try:
            results[name] = load(port, args.threads, args.seconds)
        finally:
            proc.terminate()
            proc.wait(10)
        print("%-9s %8.0f requests/s (%d threads, puts+gets)" % (name, results[name],
                                                                 args.threads), flush=True)
    ratio = results["emulator"] / results["trivial"]
    print("ratio     %8.2f (emulator / trivial server)" % ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main())
