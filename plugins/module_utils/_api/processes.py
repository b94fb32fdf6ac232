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


def runs_program(program, proc="/proc"):
    """Whether a process runs `program` (bytes, a file name): its command line's program, or the script a Python
    runs (`python3 -s /usr/sbin/firewalld`: the script is the first argument that is not an option)."""
    for arguments in command_lines(proc):
        name = os.path.basename(arguments[0])
        if name.startswith(b"python"):
            name = next((os.path.basename(a) for a in arguments[1:] if a and not a.startswith(b"-")), b"")
        if name == program:
            return True
    return False
