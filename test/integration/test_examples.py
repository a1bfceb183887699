# The README's first example (examples/demo.py) runs against the session's server and
# prints what it promises.

import importlib.util
import os

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "demo.py")


def test_demo_runs(seeds, capsys):
    spec = importlib.util.spec_from_file_location("demo", EXAMPLE)
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    demo.run(list(seeds))
    out = capsys.readouterr().out
    assert "get -> {'name': 'Ada', 'visits': 1, 'tags': ['math']} generation 1" in out
    assert "operate -> {'tags': 2, 'visits': 2}" in out
    assert "tags now ['math', 'engines']" in out
    assert "after remove: RecordNotFound, code 2" in out
    assert "batch_read -> [30, 31, 32, 33, 34, 35]" in out
    assert "query age 32..34 -> ['person 2', 'person 3', 'person 4']" in out
