# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection statuses, what each means for the next step, and waiting for Connected (the one wait loop of both
connector modules).

The names are those of the cloud connector guide's "Connection status" table: Initialized (cloud only: the
connection was started and Data Center has not completed it), Connected, Disconnected (ended by hand: the
connector is disabled) and Interrupted (was active, stopped unexpectedly; product connectors may keep working but
cannot be removed or updated). The UI-internal endpoints answer them in capitals. A status the guide does not name
is kept as the product sent it, never mapped to one of these.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError

INITIALIZED = "Initialized"
CONNECTED = "Connected"
DISCONNECTED = "Disconnected"
INTERRUPTED = "Interrupted"
NOT_CONFIGURED = "Not configured"
STATUSES = (INITIALIZED, CONNECTED, DISCONNECTED, INTERRUPTED)
ASSIGNED = "(assigned by the product)"
# After new credentials are issued to a connector that was disabled, whether a DC still holds the old ones decides
UNTIL_APPLIED = "(Interrupted until the Data Center applies the new credentials; Initialized if none ever did)"
WHEN_ACCEPTED = "(Connected once the organization connector accepts these credentials)"


# The step of the guide the Data Center side has not done while the cloud side is Initialized (step 3, item 6).
DC_APPLY_STEP = ("apply the client credentials on the Data Center instance: Administration > Applications > Cloud "
                 "connectors, paste them in Client credentials and select Connect")
MEANINGS = {
    INITIALIZED: "the connection was started but Data Center has not completed it",
    CONNECTED: "the connection is established",
    DISCONNECTED: "the connection was ended by hand (the connector is disabled)",
    INTERRUPTED: ("the connection was active and stopped unexpectedly: app connectors may keep working but cannot be "
                  "removed or updated until it is restored"),
    NOT_CONFIGURED: "the instance holds no credentials of an organization connector",
}
NEXT_STEPS = {
    INITIALIZED: "Data Center has not completed the connection: " + DC_APPLY_STEP,
    INTERRUPTED: "restore the connection: rotate the credentials and apply them on the instance "
                 "(playbooks/rotate_connector_credentials.yml)",
    DISCONNECTED: "the connector was disabled by hand: enable it again by rotating its credentials and applying them "
                  "(playbooks/enable_connector.yml)",
}


class StatusError(CollectionError):
    """A connector in a status that forbids the operation asked for, or that did not reach the status waited for."""


def meaning(status):
    """What `status` means, as the guide's table says; a status the guide does not name is said to be one."""
    if status in MEANINGS:
        return MEANINGS[status]
    if status in (UNTIL_APPLIED, WHEN_ACCEPTED):  # a check-mode prediction: its meaning is the prediction
        return status
    return "%r is not a status the cloud connector guide names; it is reported as the product sent it" % (status,)


def next_step(status):
    """What to do about `status` (None when nothing is needed)."""
    if status == CONNECTED or status is None:
        return None
    return NEXT_STEPS.get(status) or ("check the connector in Atlassian Administration > Data management > Data "
                                      "sources > Connected sources: %s" % meaning(status))


def refuse_app_changes_while_interrupted(status, what):
    """The guide: while Interrupted, product (app) connectors cannot be removed or updated. Raise before trying."""
    if status == INTERRUPTED:
        raise StatusError("Refusing to %s: the organization connector is Interrupted, and while it is, app connectors "
                          "may keep working but cannot be removed or updated. Restore the connection first: rotate "
                          "the credentials and apply them on the instance (playbooks/rotate_connector_credentials.yml)"
                          "." % what)


def after_issuing(before_status):
    """The cloud side's status once new credentials are issued (rotate, or enable a disabled connector), as the
    guide's status table describes it: a DC holding the previous key is Interrupted until it applies the new one;
    a connector no DC has applied credentials to stays Initialized."""
    if before_status in (CONNECTED, INTERRUPTED):
        return INTERRUPTED
    if before_status == INITIALIZED:
        return INITIALIZED
    return UNTIL_APPLIED


def label(value):
    """``CONNECTED`` / ``connected`` -> ``Connected``; an unknown value is kept as the product sent it."""
    if value is None:
        return None
    for name in STATUSES:
        if str(value).lower() == name.lower():
            return name
    return str(value)


def wait_for(read_status, wanted, timeout, interval=2.0, sleep=time.sleep, clock=time.monotonic):
    """Call `read_status()` until it returns `wanted` or `timeout` seconds pass.

    Returns ``(status, reached, waited_seconds)``: the last status read, whether it is the one wanted, and
    how long it took. The status is read at least once, and once more at the deadline.
    """
    started = clock()
    while True:
        status = read_status()
        waited = clock() - started
        if status == wanted:
            return status, True, round(waited, 1)
        remaining = timeout - waited
        if remaining <= 0:
            return status, False, round(waited, 1)
        sleep(min(interval, remaining))


def await_connected(read, what, timeout, interval, sleep=time.sleep, clock=time.monotonic):
    """Read `read()` (a view with ``status``, or None) until it is Connected; returns ``(view, waited)``.

    When the time runs out, raises StatusError naming `what`, the status it ended in, what that status means and
    the step that is missing, with ``status`` and ``waited`` in the failure's result.
    """
    last = {}

    def status():
        last["view"] = read()
        return (last["view"] or {}).get("status")

    ended, reached, waited = wait_for(status, CONNECTED, timeout, interval, sleep=sleep, clock=clock)
    if not reached:
        raise StatusError("%s is %s after %s s, not %s: %s; %s." % (
            what, ended, waited, CONNECTED, meaning(ended), next_step(ended)), status=ended, waited=waited)
    return last["view"], waited
