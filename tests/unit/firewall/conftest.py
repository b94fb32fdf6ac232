"""Unit-test helpers for the firewall backends."""

from __future__ import annotations

import pytest


class FakeCommands:
    """A stand-in for AnsibleModule.run_command: canned answers by command prefix, and a record of calls."""

    def __init__(self, answers=None):
        self.answers = dict(answers or {})
        self.calls = []

    def __call__(self, args, data=None, check_rc=False):
        self.calls.append((list(args), data))
        key = tuple(args)
        for candidate in (key, key[:3], key[:2], key[:1]):
            if candidate in self.answers:
                answer = self.answers[candidate]
                return answer(args, data) if callable(answer) else answer
        return 0, "", ""

    def commands(self):
        return [" ".join(args) for args, _data in self.calls]


@pytest.fixture
def fake_commands():
    """`fake_commands({("nft", "-j", "list", "ruleset"): (0, out, "")})` -> a run_command stand-in."""
    return FakeCommands
