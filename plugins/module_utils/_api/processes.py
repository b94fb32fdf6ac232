# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The command lines of a node's processes, read from /proc as pgrep reads them (no process is started)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os


def command_lines(proc="/proc"):
    """Each process's arguments (bytes). Processes that end while they are read, or whose command line this user
    cannot read, are left out, as pgrep leaves them out."""
    for name in os.listdir(proc):
        if not name.isdigit():
            continue
        try:
            with open(os.path.join(proc, name, "cmdline"), "rb") as handle:
                yield handle.read().split(b"\0")
        except (IOError, OSError):
            continue
