"""Scan and Query: built in a later step; the names exist for imports."""


class Query:
    """A secondary-index query (not implemented yet)."""

    __module__ = "aerospike"


class Scan:
    """A scan of a set (not implemented yet)."""

    __module__ = "aerospike"
