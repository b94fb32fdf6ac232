# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark aid: wall time of every task (first host start to last host end) and the controller CPU spent
while it ran, written as JSON to $TASK_TIMES_FILE when the run ends."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import multiprocessing
import os
import resource
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: task_times
type: aggregate
short_description: wall time per task, for the estate benchmark
description:
  - Writes [task name, seconds, hosts, CPU seconds] per task to the file named by TASK_TIMES_FILE.
  - CPU is ansible-playbook's own and that of the processes it reaped while the task was the current one (workers
    with their module processes and ssh clients). At the start of each task the callback waits (at most 2 s) for
    the workers of the one before to exit and reaps them, so their CPU counts toward the task they ran.
"""


def _cpu():
    # A worker sends its result before it exits: the strategy can start the next task while the last workers are
    # still alive, and they are only reaped when the strategy next looks at them.
    deadline = time.monotonic() + 2.0
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.002)
    own, reaped = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.times = []
        self.current = None

    def _close(self, cpu_now):
        if self.current is not None:
            name, started, hosts, cpu = self.current
            self.times.append([name, round(time.monotonic() - started, 3), hosts, round(cpu_now - cpu, 3)])
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        # One reading ends the task before and starts this one.
        cpu_now = _cpu()
        self._close(cpu_now)
        self.current = [task.get_name(), time.monotonic(), 0, cpu_now]

    v2_playbook_on_handler_task_start = v2_playbook_on_task_start

    def _count(self, result, *args, **kwargs):
        if self.current is not None:
            self.current[2] += 1

    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_skipped = v2_runner_on_unreachable = _count

    def v2_playbook_on_stats(self, stats):
        self._close(_cpu())
        path = os.environ.get("TASK_TIMES_FILE")
        if path:
            with open(path, "w", encoding="utf-8") as out:
                json.dump(self.times, out)
