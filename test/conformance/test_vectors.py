# test_vectors.py: one pytest case per recorded wire-vector scenario. Each case
# replays the scenario through the stand-in server against the importable
# `aerospike` client and fails with every wire mismatch and result difference.
# Cases listed in expected_failures.py are xfail, but only for our client.

import pytest

from . import expected_failures, vectors

SCENARIOS = vectors.load_scenarios()
OURS = vectors.client_is_ours()

if not SCENARIOS:
    pytest.skip(
        f"no wire vectors found in {vectors.vectors_dir()} (set WIRE_VECTORS_DIR)",
        allow_module_level=True,
    )


def _params():
    params = []
    for scenario in SCENARIOS:
        marks = []
        reason = expected_failures.reason_for(scenario["id"]) if OURS else None
        if reason:
            marks.append(pytest.mark.xfail(reason=reason, strict=False))
        params.append(pytest.param(scenario, id=scenario["id"], marks=marks))
    return params


# Several scenarios call deprecated API on purpose (index_string_create, ...).
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("scenario", _params())
def test_vector(scenario, replay):
    problems = replay(scenario)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
