"""The exception hierarchy of `aerospike`, generated from one table.

Every error the client raises is an instance of a class defined here. The C
binding raises through `_raise_for(code, msg, file, line, in_doubt)`'s
lookup (`class_for_code`), so a server result code, a client-side negative
code and this table stay the single source of truth.
"""

# (class name, parent name, code). A code of None means the class is only a
# grouping: it is never chosen for a result code of its own.
_TABLE = (
    ("AerospikeError", None, None),
    ("TimeoutError", "AerospikeError", 9),
    ("ClientError", "AerospikeError", -1),
    ("ParamError", "ClientError", -2),
    ("InvalidHostError", "ClientError", -4),
    ("ClientAbortError", "ClientError", -5),
    ("AsyncConnectionError", "ClientError", -6),
    ("NoMoreConnectionsError", "ClientError", -7),
    ("InvalidNodeError", "ClientError", -8),
    ("TLSError", "ClientError", -9),
    ("ConnectionError", "ClientError", -10),
    ("MaxRetriesExceeded", "ClientError", -12),
    ("MaxErrorRateExceeded", "ClientError", -14),
    ("NoResponse", "ClientError", -15),
    ("BatchFailed", "ClientError", -16),
    ("TransactionFailed", "ClientError", -17),
    ("TransactionAlreadyCommitted", "ClientError", -18),
    ("TransactionAlreadyAborted", "ClientError", -19),
    ("ServerError", "AerospikeError", 1),
    ("InvalidRequest", "ServerError", 4),
    ("ServerFull", "ServerError", 8),
    ("AlwaysForbidden", "ServerError", 10),
    ("ScanAbortedError", "ServerError", 15),
    ("UnsupportedFeature", "ServerError", 16),
    ("DeviceOverload", "ServerError", 18),
    ("NamespaceNotFound", "ServerError", 20),
    ("ForbiddenError", "ServerError", 22),
    ("ElementNotFoundError", "ServerError", 23),
    ("ElementExistsError", "ServerError", 24),
    ("OpNotApplicable", "ServerError", 26),
    ("FilteredOut", "ServerError", 27),
    ("LostConflict", "ServerError", 28),
    ("BatchDisabledError", "ServerError", 150),
    ("BatchMaxRequestError", "ServerError", 151),
    ("BatchQueueFullError", "ServerError", 152),
    ("InvalidGeoJSON", "ServerError", 160),
    ("QueryAbortedError", "ServerError", 210),
    ("RecordError", "ServerError", None),
    ("RecordNotFound", "RecordError", 2),
    ("RecordGenerationError", "RecordError", 3),
    ("RecordExistsError", "RecordError", 5),
    ("BinExistsError", "RecordError", 6),
    ("BinIncompatibleType", "RecordError", 12),
    ("RecordTooBig", "RecordError", 13),
    ("RecordBusy", "RecordError", 14),
    ("BinNotFound", "RecordError", 17),
    ("RecordKeyMismatch", "RecordError", 19),
    ("BinNameError", "RecordError", 21),
    ("IndexError", "ServerError", 204),
    ("IndexFoundError", "IndexError", 200),
    ("IndexNotFound", "IndexError", 201),
    ("IndexOOM", "IndexError", 202),
    ("IndexNotReadable", "IndexError", 203),
    ("IndexNameMaxLen", "IndexError", 205),
    ("IndexNameMaxCount", "IndexError", 206),
    ("QueryError", "ServerError", 213),
    ("QueryQueueFull", "QueryError", 211),
    ("QueryTimeout", "QueryError", 212),
    ("ClusterError", "ServerError", 11),
    ("ClusterChangeError", "ClusterError", 7),
    ("UDFError", "ServerError", 100),
    ("UDFNotFound", "UDFError", 1301),
    ("LuaFileNotFound", "UDFError", 1302),
    ("AdminError", "ServerError", None),
    ("SecurityNotSupported", "AdminError", 51),
    ("SecurityNotEnabled", "AdminError", 52),
    ("SecuritySchemeNotSupported", "AdminError", 53),
    ("InvalidCommand", "AdminError", 54),
    ("InvalidField", "AdminError", 55),
    ("IllegalState", "AdminError", 56),
    ("InvalidUser", "AdminError", 60),
    ("UserExistsError", "AdminError", 61),
    ("InvalidPassword", "AdminError", 62),
    ("ExpiredPassword", "AdminError", 63),
    ("ForbiddenPassword", "AdminError", 64),
    ("InvalidCredential", "AdminError", 65),
    ("InvalidRole", "AdminError", 70),
    ("RoleExistsError", "AdminError", 71),
    ("InvalidPrivilege", "AdminError", 72),
    ("InvalidWhitelist", "AdminError", 73),
    ("QuotasNotEnabled", "AdminError", 74),
    ("InvalidQuota", "AdminError", 75),
    ("NotAuthenticated", "AdminError", 80),
    ("RoleViolation", "AdminError", 81),
    ("NotWhitelisted", "AdminError", 82),
    ("QuotaExceeded", "AdminError", 83),
)

# Extra per-instance attributes some families carry, all None by default.
_EXTRA_ATTRS = {
    "RecordError": ("key", "bin"),
    "IndexError": ("name",),
    "UDFError": ("module", "func"),
}


class AerospikeError(Exception):
    """Base of every error raised by the client.

    `args` is `(code, msg, file, line, in_doubt)`; each is also an attribute.
    """

    code = None

    def __init__(self, *args):
        super().__init__(*args)
        names = ("code", "msg", "file", "line", "in_doubt")
        for i, name in enumerate(names):
            if i < len(args):
                setattr(self, name, args[i])
            elif name != "code":
                setattr(self, name, None)


AerospikeError.msg = None
AerospikeError.file = None
AerospikeError.line = None
AerospikeError.in_doubt = None

_BY_CODE = {}


def _build():
    classes = {"AerospikeError": AerospikeError}
    for name, parent, code in _TABLE[1:]:
        attrs = {"code": code, "__module__": __name__}
        for extra in _EXTRA_ATTRS.get(name, ()):
            attrs[extra] = None
        cls = type(name, (classes[parent],), attrs)
        classes[name] = cls
        if code is not None:
            _BY_CODE[code] = cls
    return classes


globals().update(_build())


def class_for_code(code):
    """Return the exception class for a result code.

    Codes without a class of their own (25 ENTERPRISE_ONLY, for example)
    map to `AerospikeError`, as in the reference client.
    """
    return _BY_CODE.get(code, AerospikeError)


__all__ = [row[0] for row in _TABLE]
