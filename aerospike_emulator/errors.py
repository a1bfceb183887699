# Result codes the emulator sends and the exception that carries one out of an op module.
# Raised by every op module (ops.py, cdt/, bits.py, hll.py, expressions.py) and caught by
# the command executors (record.py, batch.py, scan.py), which turn it into a response.

OK = 0
UNKNOWN = 1
NOT_FOUND = 2
GENERATION = 3
PARAMETER = 4
RECORD_EXISTS = 5
BIN_EXISTS = 6
TIMEOUT = 9
UNAVAILABLE = 11
INCOMPATIBLE_TYPE = 12
RECORD_TOO_BIG = 13
KEY_BUSY = 14
QUERY_ABORTED = 15
UNSUPPORTED_FEATURE = 16
BIN_NOT_FOUND = 17
KEY_MISMATCH = 19
NAMESPACE = 20
BIN_NAME = 21
FORBIDDEN = 22
ELEMENT_NOT_FOUND = 23
ELEMENT_EXISTS = 24
ENTERPRISE_ONLY = 25
OP_NOT_APPLICABLE = 26
FILTERED_OUT = 27
SEC_NOT_SUPPORTED = 51
UDF_EXECUTION = 100
BATCH_MAX_REQUESTS = 151
SINDEX_FOUND = 200
SINDEX_NOT_FOUND = 201


class AsError(Exception):
    """A server result code raised while executing a command or an op."""

    def __init__(self, code, message=""):
        super().__init__(code, message)
        self.code = code
        self.message = message
