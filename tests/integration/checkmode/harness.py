"""The check-versus-real rule, in one place.

For one module and one scenario, with the same inputs and the same starting state:
- check mode (``--check --diff``) reports the same ``changed``, the same target-describing result fields and the
  same ``diff`` as the real run that follows, except values the product invents at write time, which the
  prediction names as unknown: a string in parentheses, e.g. ``"(assigned by the product)"``;
- a check run writes nothing, measured from outside the module by an `observe()` callable (the sandbox state, file
  hashes, a rule set, moto state);
- on the converged state both runs report ``changed: false`` and an empty diff, and write nothing;
- where the real run refuses, check mode refuses with the same message, and neither writes.
"""

from __future__ import annotations

import re

UNKNOWN = re.compile(r"^\(.+\)$", re.S)


def predicted_matches(predicted, actual, path="value"):
    """Raise AssertionError where `predicted` differs from `actual`; unknown markers match any value."""
    if isinstance(predicted, str) and UNKNOWN.match(predicted) and not (isinstance(actual, str) and actual == predicted):
        assert actual is not None, "%s: predicted %r, the real run gave null" % (path, predicted)
        return
    if isinstance(predicted, dict) and isinstance(actual, dict):
        assert set(predicted) == set(actual), "%s: keys %s predicted, %s real" % (
            path, sorted(predicted), sorted(actual))
        for key in predicted:
            predicted_matches(predicted[key], actual[key], "%s.%s" % (path, key))
        return
    if isinstance(predicted, list) and isinstance(actual, list):
        assert len(predicted) == len(actual), "%s: %d items predicted, %d real" % (path, len(predicted), len(actual))
        for index, (left, right) in enumerate(zip(predicted, actual)):
            predicted_matches(left, right, "%s[%d]" % (path, index))
        return
    assert predicted == actual, "%s: predicted %r, real %r" % (path, predicted, actual)


def diff_is_empty(result):
    diff = result.get("diff")
    if not diff:
        return True
    diffs = diff if isinstance(diff, list) else [diff]
    return all(d.get("before") == d.get("after") for d in diffs)


def assert_unchanged(start, now, what):
    """`now` equals `start`; otherwise name what differs (for line lists, the lines gone and the lines new)."""
    if now == start:
        return
    if isinstance(start, list) and isinstance(now, list):
        gone = [line for line in start if line not in now]
        new = [line for line in now if line not in start]
        raise AssertionError("%s: lines gone %r, lines new %r" % (what, gone[:10], new[:10]))
    raise AssertionError("%s: %.600r became %.600r" % (what, start, now))


def _fields(result, fields):
    return dict((name, result.get(name)) for name in fields)


def assert_check_predicts_real(run, observe, fields=(), converges=True):
    """check, real, check, real: the rule above for a scenario that changes something.

    `run(check_mode)` runs the module with diff on and returns its result; `fields` are the result keys that
    describe the target. Returns (the first check result, the first real result).
    """
    start = observe()
    planned = run(True)
    assert not planned.get("failed"), planned.get("msg")
    assert_unchanged(start, observe(), "check mode wrote something")
    done = run(False)
    assert not done.get("failed"), done.get("msg")
    assert planned["changed"] == done["changed"], "check said changed=%s, the real run %s" % (
        planned["changed"], done["changed"])
    predicted_matches(planned.get("diff"), done.get("diff"), "diff")
    predicted_matches(_fields(planned, fields), _fields(done, fields), "result")
    if converges:
        assert_converged(run, observe, fields)
    return planned, done


def assert_converged(run, observe, fields=()):
    """On a converged state: both runs unchanged, empty diffs, the same target fields, no write."""
    start = observe()
    planned = run(True)
    done = run(False)
    for result in (planned, done):
        assert not result.get("failed"), result.get("msg")
        assert result["changed"] is False, "converged, but changed=true (%s)" % result.get("msg", "")
        assert diff_is_empty(result), "converged, but a diff: %r" % (result.get("diff"),)
    predicted_matches(_fields(planned, fields), _fields(done, fields), "result")
    assert_unchanged(start, observe(), "a converged run wrote something")


def assert_both_refuse(run, observe, message):
    """Check mode refuses as the real run does, with the same message, and neither writes."""
    start = observe()
    planned = run(True)
    done = run(False)
    assert planned.get("failed") and done.get("failed"), (planned.get("msg"), done.get("msg"))
    assert message in done["msg"], done["msg"]
    assert planned["msg"] == done["msg"]
    assert_unchanged(start, observe(), "a refused run wrote something")
