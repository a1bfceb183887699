"""Batch records: the per-key commands of ``client.batch_write`` and the results.

Build a `BatchRecords` holding `Read`, `Write`, `Apply` and `Remove`
objects and pass it to ``client.batch_write``; the C binding reads each
record's ``_type``, ``key``, ``ops``/``module``/``function``/``args``,
``meta``, ``policy`` and ``read_all_bins``, and fills in ``result``,
``record``, ``in_doubt`` (and the batch's ``result``) from the reply.
``client.batch_operate`` / ``batch_apply`` / ``batch_remove`` return
`BatchRecords` as well.
"""

from typing import Any, Optional, Union

TypeOps = list[dict]
TypeBatchPolicyWrite = Union[dict, None]
TypeBatchPolicyRemove = Union[dict, None]
TypeBatchPolicyApply = Union[dict, None]
TypeBatchPolicyRead = Union[dict, None]
TypeRecord = Union[tuple, None]
TypeUDFArgs = list[Any]


class _Types:
    """The ``_type`` codes the binding dispatches on."""

    READ = 0
    WRITE = 1
    APPLY = 2
    REMOVE = 3


class BatchRecord:
    """Base of the batch records: a key and its result.

    Attributes: ``key`` (the record key tuple), ``record`` (the
    ``(key, meta, bins)`` result or None), ``result`` (the result code,
    0 = ok), ``message``, ``subcode`` and ``in_doubt`` (a write may have
    been applied although it failed).
    """

    def __init__(self, key: tuple) -> None:
        self.key = key
        self.record: TypeRecord = None
        self.result = 0
        self.message = None
        self.subcode = 0
        self.in_doubt = False


class Write(BatchRecord):
    """Apply the operations `ops` (op dicts) to `key`.

    `meta` is a metadata dict (``ttl``, ``gen``) and `policy` a batch
    write policy dict.
    """

    def __init__(
        self,
        key: tuple,
        ops: "TypeOps",
        meta: Optional[dict] = None,
        policy: "TypeBatchPolicyWrite" = None,
    ) -> None:
        super().__init__(key)
        self.ops = ops
        self._type = _Types.WRITE
        self._has_write = True
        self.meta = meta
        self.policy = policy


class Read(BatchRecord):
    """Read `key`: run the read operations `ops`, or read every bin.

    With `ops` None and `read_all_bins` False only the metadata is read.
    `policy` is a batch read policy dict.
    """

    def __init__(
        self,
        key: tuple,
        ops: Optional[list[dict]],
        read_all_bins: bool = False,
        meta: Optional[dict] = None,
        policy: "TypeBatchPolicyRead" = None,
    ) -> None:
        super().__init__(key)
        self.ops = ops
        self.read_all_bins = read_all_bins
        self._type = _Types.READ
        self._has_write = False
        self.meta = meta
        self.policy = policy


class Apply(BatchRecord):
    """Run the record UDF `module`.`function`(`args`) on `key`.

    `policy` is a batch apply policy dict.
    """

    def __init__(
        self,
        key: tuple,
        module: str,
        function: str,
        args: "TypeUDFArgs",
        policy: "TypeBatchPolicyApply" = None,
    ) -> None:
        super().__init__(key)
        self._type = _Types.APPLY
        self._has_write = True
        self.module = module
        self.function = function
        self.args = args
        self.policy = policy


class Remove(BatchRecord):
    """Delete `key`. `policy` is a batch remove policy dict."""

    def __init__(self, key: tuple, policy: "TypeBatchPolicyRemove" = None) -> None:
        super().__init__(key)
        self._type = _Types.REMOVE
        self._has_write = True
        self.policy = policy


TypeBatchRecordList = list[BatchRecord]


class BatchRecords:
    """A list of batch records (``batch_records``) and the batch ``result``.

    ``result`` is 0 when the batch command itself succeeded; each record
    carries its own ``result``.
    """

    def __init__(self, batch_records: Optional[list[BatchRecord]] = None) -> None:
        self.batch_records = [] if batch_records is None else batch_records
        self.result = 0
