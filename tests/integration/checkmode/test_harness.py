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
