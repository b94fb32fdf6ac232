"""Fixtures shared by the integration tests."""

import pytest

from helpers import run_module_in_process


@pytest.fixture
def run_module(capsys):
    """run_module(module, args, check_mode=False, diff=False) -> the module's JSON result."""

    def run(module, args, check_mode=False, diff=False):
        return run_module_in_process(module, args, capsys, check_mode=check_mode, diff=diff)[1]

    return run
