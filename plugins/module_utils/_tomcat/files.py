# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Safe replacement of a configuration file: through a symlink to its target, with a backup that is complete
or absent, never over an edit someone made since the file was read, and with a one-line error (never a
traceback, never a half-written file) on a read-only mount or a full disk."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile
import time

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import FileTargetError


def _reason(exc):
    return getattr(exc, "strerror", None) or str(exc)


def read_target(path, what="the Tomcat server.xml of the product"):
    """``(real path, bytes)`` of `path`, following symlinks to the file they name."""
    real = os.path.realpath(path)
    if not os.path.lexists(path):
        raise FileTargetError("%s does not exist; expected %s" % (path, what))
    if not os.path.exists(real):
        raise FileTargetError("%s is a symlink to %s, which does not exist; expected %s" % (path, real, what))
    if not os.path.isfile(real):
        raise FileTargetError("%s is not a regular file; expected %s" % (path, what))
    try:
        with open(real, "rb") as handle:
            return real, handle.read()
    except (IOError, OSError) as exc:
        raise FileTargetError("cannot read %s: %s" % (path, _reason(exc)))


def _temporary_copy(directory, prefix, content):
    """A complete file with `content` in `directory`; nothing is left behind when it cannot be written."""
    descriptor, temporary = tempfile.mkstemp(prefix=prefix, dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def backup_name(real):
    """The name ansible.builtin modules give a backup."""
    return "%s.%d.%s~" % (real, os.getpid(), time.strftime("%Y-%m-%d@%H:%M:%S"))


def check_replaceable(module, path, real, content, validate=None):
    """What check mode can know of the real replacement without writing next to the target: the directory
    accepts a new file (a read-only mount refuses it) and `validate` accepts the new content, run on a copy in a
    private temporary directory (a command that needs the file in place may judge the copy differently)."""
    directory = os.path.dirname(real)
    if not os.access(directory, os.W_OK):
        raise FileTargetError("cannot write the new %s next to it: %s is not writable; the file is unchanged"
                              % (path, directory))
    if not validate:
        return
    scratch = tempfile.mkdtemp(prefix="dcops-validate-")
    try:
        copy = os.path.join(scratch, os.path.basename(real))
        with open(copy, "wb") as handle:
            handle.write(content)
        rc, stdout, stderr = module.run_command(validate % copy)
        if rc != 0:
            raise FileTargetError("validation of the new %s failed (rc=%d), file left unchanged: %s"
                                  % (path, rc, (stderr or stdout).strip()), rc=rc, stdout=stdout, stderr=stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def replace_file(module, path, real, original, content, backup=False, validate=None):
    """Replace `real` (the target of `path`) by `content`; returns the backup file name or None.

    Order: the new file is written completely next to the target first (a read-only mount or a full disk fails
    here, before anything else), then the backup (a complete copy, or none), then `validate`, then the target is
    read again and compared with `original` (an edit made since the run read it fails the run, nothing written),
    then the new file is moved over the target atomically, keeping its owner, mode and context. A symlink stays
    a symlink: its target is edited.
    """
    directory = os.path.dirname(real)
    temporary = backup_file = None
    try:
        try:
            temporary = _temporary_copy(directory, ".%s." % os.path.basename(real), content)
        except (IOError, OSError) as exc:
            raise FileTargetError("cannot write the new %s next to it: %s; the file is unchanged"
                                  % (path, _reason(exc)))
        if backup:
            partial = None
            try:
                partial = _temporary_copy(directory, ".%s.backup." % os.path.basename(real), original)
                shutil.copystat(real, partial)
                name = backup_name(real)
                os.rename(partial, name)
                backup_file, partial = name, None
            except (IOError, OSError) as exc:
                raise FileTargetError("cannot write the backup of %s: %s; the file is unchanged" % (path, _reason(exc)))
            finally:
                if partial and os.path.exists(partial):
                    os.unlink(partial)
        if validate:
            rc, stdout, stderr = module.run_command(validate % temporary)
            if rc != 0:
                raise FileTargetError("validation of the new %s failed (rc=%d), file left unchanged: %s"
                                      % (path, rc, (stderr or stdout).strip()), rc=rc, stdout=stdout, stderr=stderr)
        try:
            with open(real, "rb") as handle:
                now = handle.read()
        except (IOError, OSError) as exc:
            raise FileTargetError("cannot read %s again before replacing it: %s" % (path, _reason(exc)))
        if now != original:
            raise FileTargetError("%s changed while this run was editing it (another process wrote it); nothing "
                                  "was written: run again to apply the change to the new content" % path)
        module.atomic_move(temporary, real, unsafe_writes=False, keep_dest_attrs=True)
        temporary = None
        return backup_file
    except FileTargetError:
        if backup_file and os.path.exists(backup_file):
            os.unlink(backup_file)
        raise
    finally:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
