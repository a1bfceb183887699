"""The Python half of `aerospike.Client`.

The C type `aerospike._core.Client` implements connection handling and the
single-record commands (the hot paths). This subclass adds the commands
built from info requests (info_*, truncate, node lists, secondary indexes,
UDF modules) on top of two C primitives: `_info_node(node, command,
timeout)` and `_nodes()`.
"""

import base64

from aerospike import _core, exception

_NOT_SUPPORTED = "is not supported by this client yet"


def _timeout(policy):
    if policy is None:
        return 1000
    if not isinstance(policy, dict):
        raise exception.ParamError(-2, "policy must be a dict", None, None, False)
    value = policy.get("timeout", 1000)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise exception.ParamError(-2, "policy: 'timeout' must be a non-negative integer", None,
                                   None, False)
    return value


def _check_str(value, what):
    if not isinstance(value, str):
        raise exception.ParamError(-2, f"{what} must be a string", None, None, False)


def _strip_name(reply):
    """'name\\tvalue\\n' -> 'value\\n' (what info_all reports per node)."""
    tab = reply.find("\t")
    return reply[tab + 1:] if tab >= 0 else reply


class Client(_core.Client):
    """A client for an Aerospike cluster. Create it with aerospike.client(config)."""

    __module__ = "aerospike"

    # ---- info --------------------------------------------------------------

    def info_random_node(self, command, policy=None):
        """Send an info command to one node; return its raw reply text."""
        _check_str(command, "command")
        return self._info_node(None, command, _timeout(policy))

    def info_single_node(self, command, host, policy=None):
        """Send an info command to the node named `host` (a node name, or
        "address:port", or an (address, port) tuple)."""
        _check_str(command, "command")
        if isinstance(host, tuple) and len(host) >= 2:
            host = f"{host[0]}:{host[1]}"
        _check_str(host, "host")
        return self._info_node(host, command, _timeout(policy))

    def info_all(self, command, policy=None):
        """Send an info command to every node: {node_name: (error, reply)}."""
        _check_str(command, "command")
        timeout = _timeout(policy)
        out = {}
        for name, _host, _port in self._nodes():
            out[name] = (None, _strip_name(self._info_node(name, command, timeout)))
        return out

    def get_nodes(self):
        """[(address, port)] of the cluster's active nodes."""
        return [(host, port) for _name, host, port in self._nodes()]

    def get_node_names(self):
        """[{'address', 'port', 'node_name'}] of the active nodes."""
        return [
            {"address": host, "port": port, "node_name": name}
            for name, host, port in self._nodes()
        ]

    # ---- truncate ----------------------------------------------------------

    def truncate(self, namespace, set, nanos, policy=None):  # noqa: A002
        """Remove the records of a set (or namespace) last updated before
        `nanos` (0: all of them). Returns 0."""
        _check_str(namespace, "namespace")
        if set is not None:
            _check_str(set, "set")
        if not isinstance(nanos, int) or isinstance(nanos, bool) or nanos < 0:
            raise exception.ParamError(-2, "nanos must be a non-negative integer", None, None,
                                       False)
        if set:
            command = f"truncate:namespace={namespace};set={set}"
        else:
            command = f"truncate-namespace:namespace={namespace}"
        if nanos:
            command += f";lut={nanos}"
        self._info_node(None, command, _timeout(policy))
        return 0

    # ---- contexts and expressions as base64 ---------------------------------

    def get_cdtctx_base64(self, ctx):
        """The base64 text of a CDT context list (for index definitions)."""
        return base64.b64encode(_core.pack_ctx(ctx)).decode()

    def get_expression_base64(self, expression):
        """The base64 text of a compiled expression."""
        return base64.b64encode(_core.pack_expression(expression)).decode()
