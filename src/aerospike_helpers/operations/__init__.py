"""Builders of operation dicts for ``client.operate`` / ``operate_ordered``.

Modules: `operations` (record-level ops), `list_operations`,
`map_operations`, `bitwise_operations`, `hll_operations` and
`expression_operations`. Each function returns a plain dict; the C binding
reads its ``"op"`` key and the other keys listed in each module. `_opdict`
holds the one shared builder.
"""
