# Fixtures for the emulator's own tests: the plugin's fixtures (imported, since the plugin is
# not installed as a package here) and a fresh single-node emulator in a thread.

import pytest

from aerospike_emulator import Emulator
from aerospike_emulator.pytest_plugin import aerospike_emulator, aerospike_namespace  # noqa: F401


@pytest.fixture
def emu():
    with Emulator(port=0) as e:
        yield e


@pytest.fixture
def emu3():
    with Emulator(port=0, nodes=3) as e:
        yield e
