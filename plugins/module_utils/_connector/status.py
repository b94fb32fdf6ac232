# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection statuses and waiting for one.

The names are those of the cloud connector guide's "Connection status" table: Initialized (cloud only: the
DC has not applied the credentials yet), Connected, Disconnected (ended on purpose: the connector is
disabled) and Interrupted (was active, stopped unexpectedly, e.g. the DC still holds rotated credentials).
The UI-internal endpoints answer them in capitals.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

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
