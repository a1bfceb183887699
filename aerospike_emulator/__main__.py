# The command line: `python -m aerospike_emulator [--port 3000] [--nodes 3] [--namespace ns]
# [--host 127.0.0.1] [--tls-cert F --tls-key F [--tls-ca F] [--tls-name N]] [--transactions]`
# runs an emulated cluster in the foreground until SIGINT or SIGTERM.
# Also installed as the `aerospike-emulator` console script (pyproject.toml).

import argparse
import logging
import sys

from .emulator import Emulator


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="aerospike-emulator",
        description="Run a local Aerospike-compatible server (1..N nodes on loopback).",
    )
    p.add_argument("--port", type=int, default=3000, help="first node's port (0 = any free)")
    p.add_argument("--nodes", type=int, default=1, help="number of nodes (consecutive ports)")
    p.add_argument(
        "--namespace",
        action="append",
        dest="namespaces",
        metavar="NS",
        help="a namespace to serve; repeat for several (default: test and bar)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    p.add_argument("--replication-factor", type=int, default=1)
    p.add_argument("--default-ttl", type=int, default=0, help="namespace default TTL (s)")
    p.add_argument("--cluster-name", default=None)
    p.add_argument("--tls-cert", metavar="FILE", help="server certificate (PEM): TLS only")
    p.add_argument("--tls-key", metavar="FILE", help="the certificate's private key (PEM)")
    p.add_argument(
        "--tls-ca", metavar="FILE", help="require client certificates signed by this CA"
    )
    p.add_argument(
        "--tls-name", metavar="NAME", help="TLS name announced to clients (default: the cert's)"
    )
    p.add_argument(
        "--transactions",
        action="store_true",
        help="accept multi-record transactions, as an Enterprise server whose namespaces "
        "are strong-consistency (default: refuse them, as Community Edition)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log requests that fail")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING)
    if args.nodes < 1:
        print("--nodes must be at least 1", file=sys.stderr)
        return 2
    tls = None
    if args.tls_cert or args.tls_key or args.tls_ca or args.tls_name:
        if not (args.tls_cert and args.tls_key):
            print("--tls-cert and --tls-key go together", file=sys.stderr)
            return 2
        tls = {"certfile": args.tls_cert, "keyfile": args.tls_key}
        if args.tls_ca:
            tls["cafile"] = args.tls_ca
        if args.tls_name:
            tls["tls_name"] = args.tls_name
    try:
        emu = make_emulator(args, tls)
    except (OSError, ValueError) as e:
        print("aerospike-emulator: bad TLS setup: %s" % e, file=sys.stderr)
        return 2

    def ready(e):
        host, port = e.seeds[0]
        ports = ", ".join(str(p) for _, p in e.seeds)
        print("aerospike-emulator: %d node(s) on %s port(s) %s" % (len(e.seeds), host, ports))
        if e.tls_name:
            print("aerospike-emulator: TLS only, tls_name %s" % e.tls_name)
        print("seed %s:%d" % (host, port), flush=True)

    try:
        emu.serve_forever(on_ready=ready)
    except OSError as e:
        print("aerospike-emulator: cannot listen: %s" % e, file=sys.stderr)
        return 1
    print("aerospike-emulator: stopped", flush=True)
    return 0


def make_emulator(args, tls):
    return Emulator(
        port=args.port,
        nodes=args.nodes,
        namespaces=tuple(args.namespaces or ("test", "bar")),
        host=args.host,
        replication_factor=args.replication_factor,
        default_ttl=args.default_ttl,
        cluster_name=args.cluster_name,
        tls=tls,
        transactions=args.transactions,
    )


if __name__ == "__main__":
    sys.exit(main())
