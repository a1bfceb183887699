# aerospike_emulator: a local Aerospike-compatible server for tests and development.
# Public names: Emulator (emulator.py), Clock (clock.py). Run it with
# `python -m aerospike_emulator` (__main__.py) or use the pytest plugin (pytest_plugin.py).

from .clock import Clock
from .emulator import Emulator, NodeControl

__all__ = ["Emulator", "NodeControl", "Clock"]
__version__ = "0.1.0"
