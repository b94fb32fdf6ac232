"""The one way the roles pick the host that runs an instance's instance-wide steps."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.dcops.atlassian_cloud.plugins.filter.instance_leader import instance_leader

HOSTVARS = {
    "jira-1": {"instance": "https://jira.example.com"},
    "wiki-1": {"instance": "https://wiki.example.com/confluence"},
    "jira-2": {"instance": "https://jira.example.com"},
    "new-node": {},
}


def test_the_first_play_host_of_the_instance_leads_it():
    hosts = ["wiki-1", "new-node", "jira-2", "jira-1"]
    assert instance_leader(hosts, HOSTVARS, "instance", "https://jira.example.com") == "jira-2"
    assert instance_leader(hosts, HOSTVARS, "instance", "https://wiki.example.com/confluence") == "wiki-1"


def test_an_instance_no_play_host_stands_for_is_an_error():
    with pytest.raises(AnsibleFilterError, match="no host of the play has instance = https://other.example.com"):
        instance_leader(list(HOSTVARS), HOSTVARS, "instance", "https://other.example.com")
