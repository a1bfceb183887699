"""Unit tests of the pure-Python helpers: aerospike_helpers, aerospike._types, predicates.

No server is needed. The golden tables (``goldens_*.py``) hold outputs
recorded from the reference client 19.3.0; `support` turns our objects
into the same plain form.
"""
