# -*- coding: utf-8 -*-
# Copyright (c) 2026, dcops engineers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError


def instance_leader(hosts, hostvars, fact, instance):
    """The first of `hosts` whose `fact` is `instance`: the one host that runs an instance's instance-wide steps
    (the roles pick it this one way, so the same host leads every step of an instance)."""
    for host in hosts:
        if hostvars[host].get(fact) == instance:
            return host
    raise AnsibleFilterError("instance_leader: no host of the play has %s = %s" % (fact, instance))


class FilterModule(object):
    def filters(self):
        return {"instance_leader": instance_leader}
