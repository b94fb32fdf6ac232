# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Files the modules write on the controller (exports, reports): checked before any API call, written
atomically, private (0600) unless the task says otherwise, never left half-written or as a stray temporary file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import FileTargetError

PRIVATE_MODE = 0o600


def unwritable_reason(path):
    """Why a file at `path` cannot be created or replaced (a directory, a parent that is a file, a directory
    without write permission or on a read-only mount), or None when it can. Missing directories count as
    creatable when their nearest existing ancestor is writable. Writes nothing."""
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.isdir(path):
        return "is a directory; expected the path of a file"
    if os.path.lexists(path) and not os.path.isfile(path):
        return "exists and is not a regular file"
    existing = os.path.dirname(path)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        return "%s is not a directory" % existing
    if not os.access(existing, os.W_OK | os.X_OK):
        return "the directory %s is not writable (read-only or no permission)" % existing
    return None


def check_destination(option, path):
    """Raise FileTargetError unless `path` names a file that can be written (its directory exists and is
    writable; it is not a directory). Writes nothing."""
    path = os.path.abspath(os.path.expanduser(path))
    reason = unwritable_reason(path)
    if reason is None and not os.path.isdir(os.path.dirname(path)):
        reason = "the directory %s does not exist" % os.path.dirname(path)
    if reason:
        raise FileTargetError("%s %s: %s" % (option, path, reason))
    return path


def current_content(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def write_atomically(module, option, path, content):
    """Write `content` to `path` through a 0600 temporary file in the same directory and an atomic move.

    A new file stays 0600 unless the task sets ``mode`` (the caller applies the file arguments afterwards); an
    existing file keeps its owner and mode.
    """
    path = check_destination(option, path)
    existed = os.path.exists(path)
    tmp = None
    try:
        handle, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".%s." % os.path.basename(path))
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        if not existed:
            os.chmod(tmp, PRIVATE_MODE)
        module.atomic_move(tmp, path, unsafe_writes=False, keep_dest_attrs=existed)
        if not existed:
            # atomic_move gives a new file the default permissions; a file of emails or secrets stays private.
            os.chmod(path, PRIVATE_MODE)
        tmp = None
    except (IOError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise FileTargetError("cannot write %s %s: %s; nothing was written" % (option, path, reason))
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def private_file_args(module, existed):
    """The task's file arguments, with mode 0600 for a file this run created when the task names no mode."""
    file_args = module.load_file_common_arguments(module.params)
    if file_args.get("mode") is None and not existed:
        file_args["mode"] = PRIVATE_MODE
    return file_args
