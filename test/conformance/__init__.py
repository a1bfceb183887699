# The wire-vector conformance suite: it replays /work/shared/wire-vectors against
# the importable `aerospike` client through a stand-in server (see README.md here).
