"""The check-versus-real harness itself can fail: each rule is shown failing on a module that breaks it."""

import pytest

from checkmode.harness import assert_both_refuse, assert_check_predicts_real, assert_converged, predicted_matches


def test_unknown_markers_match_any_value_but_null():
    predicted_matches({"id": "(assigned by the product)", "name": "x"}, {"id": "c-1", "name": "x"})
    with pytest.raises(AssertionError):
        predicted_matches({"id": "(assigned by the product)"}, {"id": None})
    with pytest.raises(AssertionError):
        predicted_matches({"status": "to be created"}, {"status": "Initialized"})
    with pytest.raises(AssertionError):
        predicted_matches([1, 2], [1])


class FakeModule:
    """A target with one value; `lies` lists the ways the module breaks the rule."""

    def __init__(self, *lies):
        self.value, self.lies = "old", set(lies)

    def run(self, check_mode):
        changed = self.value != "new"
        after = "new"
        if check_mode and "predicts-null" in self.lies:
            after = None
        if check_mode and "writes-in-check" in self.lies or not check_mode:
            self.value = "new"
        if "never-converges" in self.lies:
            changed = True
        return {"changed": changed, "diff": {"before": {"v": "old" if changed else "new"}, "after": {"v": after}}}

    def observe(self):
        return self.value


@pytest.mark.parametrize("lie", ["predicts-null", "writes-in-check", "never-converges"])
def test_each_broken_promise_is_caught(lie):
    module = FakeModule(lie)
    with pytest.raises(AssertionError):
        assert_check_predicts_real(module.run, module.observe)


def test_a_truthful_module_passes():
    module = FakeModule()
    assert_check_predicts_real(module.run, module.observe)
    assert_converged(module.run, module.observe)


def test_refusals_must_match():
    answers = iter([{"failed": True, "msg": "x is wrong"}, {"failed": True, "msg": "x is wrong: HTTP 400"}])
    with pytest.raises(AssertionError):
        assert_both_refuse(lambda check_mode: next(answers), lambda: 0, "x is wrong")


# -- the playbook-level rule (test_playbooks.assert_check_predicts_the_run) --------------------------------------
def _run(*changed, async_job=None, returncode=0):
    """A PlaybookRun whose tasks (names in `changed`) report changed on host h; `async_job` = (start task, jid)
    adds a job started with poll 0 and its async_status task, which reports the change."""
    from helpers import PlaybookRun

    results = [{"task": t, "host": "h", "action": "x", "status": "ok", "result": {"changed": True}} for t in changed]
    if async_job:
        task, jid = async_job
        results.append({"task": task, "host": "h", "action": "x", "status": "ok",
                        "result": {"changed": False, "ansible_job_id": jid}})
        results.append({"task": "wait", "host": "h", "action": "ansible.builtin.async_status", "status": "ok",
                        "result": {"changed": True, "ansible_job_id": jid}})
    return PlaybookRun(returncode, "", "", results)


def _playbook(*runs):
    answers = iter(runs)
    return lambda check: next(answers)


def test_playbook_rule_holds_for_a_truthful_playbook():
    from checkmode.test_playbooks import assert_check_predicts_the_run

    assert_check_predicts_the_run(_playbook(_run("a", "place"), _run("a", async_job=("place", "j1")), _run()),
                                  lambda: 0)


@pytest.mark.parametrize("runs", [
    (_run("a"), _run("a", "b"), _run()),            # a change the check run did not predict
    (_run("a", "b"), _run("a"), _run()),            # a predicted change the real run does not make
    (_run("predict a"), _run("a"), _run()),         # predicted under another name
    (_run("a"), _run("a"), _run("a")),              # converged, but check mode still reports a change
    (_run("a", returncode=2), _run("a"), _run()),   # the check run stops before the end
], ids=["unpredicted", "overpredicted", "renamed", "never-converges", "check-fails"])
def test_each_broken_playbook_promise_is_caught(runs):
    from checkmode.test_playbooks import assert_check_predicts_the_run

    with pytest.raises(AssertionError):
        assert_check_predicts_the_run(_playbook(*runs), lambda: 0)


def test_a_check_run_that_writes_is_caught():
    from checkmode.test_playbooks import assert_check_predicts_the_run

    state = {"written": 0}

    def play(check):
        state["written"] += 1
        return _run("a") if state["written"] < 3 else _run()
    with pytest.raises(AssertionError, match="the check run wrote something"):
        assert_check_predicts_the_run(play, lambda: state["written"])
