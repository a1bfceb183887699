# vectors.py: finds and loads the recorded scenarios of the wire vectors, in
# the README's catalogue order, and tells which `aerospike` package the suite
# is about to test. test_vectors.py parametrizes itself from load_scenarios().

import importlib.util
import json
import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_VECTORS_DIR = Path("/work/shared/wire-vectors")
AREA_ORDER = (
    "kv",
    "operate",
    "list",
    "map",
    "bit",
    "hll",
    "expressions",
    "batch",
    "query",
    "udf",
    "info",
)


def vectors_dir():
    """Return the folder of the vectors: $WIRE_VECTORS_DIR, or the shared default."""
    return Path(os.environ.get("WIRE_VECTORS_DIR", DEFAULT_VECTORS_DIR))


def vector_files(folder=None):
    """Return the .jsonl files in catalogue order (unknown areas last, by name)."""
    folder = vectors_dir() if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.jsonl"))
    rank = {area: i for i, area in enumerate(AREA_ORDER)}
    return sorted(files, key=lambda p: (rank.get(p.stem, len(rank)), p.stem))


def load_scenarios(folder=None):
    """Return every scenario (the decoded JSON object) of every vector file, in order."""
    scenarios = []
    for path in vector_files(folder):
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                scenario = json.loads(line)
                scenario.setdefault("_source", f"{path.name}:{number}")
                scenarios.append(scenario)
    return scenarios


def client_is_ours():
    """Tell whether `import aerospike` would load this repository's package.

    The module is located without being imported. When it cannot be found at
    all, the answer is "ours" if this repository's src folder is on the path,
    since then it is our package that is missing.
    """
    ours = REPO_ROOT / "src"
    try:
        spec = importlib.util.find_spec("aerospike")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return any(Path(p or ".").resolve() == ours for p in sys.path)
    # Ours is a package (also when a sanitizer build copies it elsewhere); the
    # reference wheel is a single extension module.
    return ours in Path(spec.origin).resolve().parents or bool(spec.submodule_search_locations)
