# expected_failures.py: the scenarios our client is known to fail, as a dict
# {scenario id or id prefix: reason}. test_vectors.py marks the matching cases
# xfail (non-strict, so a fixed one shows as XPASS) only when the client under
# test is this repository's package; the reference client is never xfailed.
# The client author prunes this list as areas start to pass.

EXPECTED_FAILURES = {}


def reason_for(scenario_id, table=None):
    """Return the reason a scenario is expected to fail, or None.

    An exact id wins; otherwise the longest key that is a prefix of the id.
    """
    table = EXPECTED_FAILURES if table is None else table
    if scenario_id in table:
        return table[scenario_id]
    matches = [key for key in table if scenario_id.startswith(key)]
    if not matches:
        return None
    return table[max(matches, key=len)]
