# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark aid: wall time of every task (first host start to last host end), written as JSON to
$TASK_TIMES_FILE when the run ends."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: task_times
type: aggregate
short_description: wall time per task, for the estate benchmark
description: Writes [task name, seconds, hosts] per task to the file named by TASK_TIMES_FILE.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.times = []
        self.current = None

    def _close(self):
        if self.current is not None:
            name, started, hosts = self.current
            self.times.append([name, round(time.monotonic() - started, 3), hosts])
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = [task.get_name(), time.monotonic(), 0]

    v2_playbook_on_handler_task_start = v2_playbook_on_task_start

    def _count(self, result, *args, **kwargs):
        if self.current is not None:
            self.current[2] += 1

    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_skipped = v2_runner_on_unreachable = _count

    def v2_playbook_on_stats(self, stats):
        self._close()
        path = os.environ.get("TASK_TIMES_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as out:
                json.dump(self.times, out)
