"""The estate's inventory, in the layout docs/inventory.md documents: a user's own estate has this shape.

DIR/inventory/
  hosts.yml                      dc_instances (one host per instance), dc_nodes (one group per instance's nodes)
  group_vars/all/org.yml         the organization (the sandbox's cloud persona plays api.atlassian.com)
  group_vars/all/vault.yml       secrets, encrypted with ansible-vault (password in DIR/vault-password)
  group_vars/dc_instances.yml    REST steps run on the controller
  group_vars/dc_nodes.yml        how the controller reaches the nodes over SSH
  group_vars/<instance>_nodes.yml  what every node of one instance shares (install dir, tunnel, restart)
  host_vars/<instance>.yml       one instance: URL, administrator, the apps it connects (dc_apps), private or not
  host_vars/<node>.yml           only where a node differs (its firewall backend)
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import yaml

from .estate import NODE_PYTHON, PRODUCTS, TOMCAT_HTTP_PORT, new_vault_password


def _dump(path, header, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n# %s\n%s" % (header, yaml.safe_dump(data, sort_keys=False, width=120)))


def _vault(password, text):
    from ansible.parsing.vault import VaultLib, VaultSecret

    return VaultLib([("default", VaultSecret(password.encode()))]).encrypt(text).decode()


def group_name(instance):
    return instance.replace("-", "_") + "_nodes"


def write_inventory(estate, state, sandbox):
    root = estate.dir / "inventory"
    ssh_dir = estate.dir / "ssh"
    personas = sandbox["personas"]
    # The sandbox writes ca_path as given by its --dir, possibly relative to where it was started (this same
    # working directory); modules run elsewhere, so the inventory holds it absolute.
    ca_path = os.path.abspath(sandbox["ca_path"]) if sandbox.get("ca_path") else sandbox.get("ca_path")
    cloud = personas["cloud"]
    nodes = {n["name"]: n for n in state["nodes"]}

    hosts = {"all": {"children": {
        "dc_instances": {"hosts": {i["name"]: None for i in state["instances"]}},
        "dc_nodes": {"children": {group_name(i["name"]): {"hosts": {
            name: {"ansible_host": nodes[name]["address"], "dc_instance": i["name"]} for name in i["nodes"]}}
            for i in state["instances"]}},
    }}}
    _dump(root / "hosts.yml", "The lab estate (tests/estate): %d instances, %d nodes." % (
        len(state["instances"]), len(nodes)), hosts)

    secrets = {"vault_atlassian_org_api_key": cloud["api_key"]}
    for instance in state["instances"]:
        secrets["vault_%s_dc_password" % instance["name"].replace("-", "_")] = personas[instance["persona"]]["password"]
    password = new_vault_password()
    password_file = estate.dir / "vault-password"
    password_file.write_text(password + "\n")
    os.chmod(password_file, 0o600)
    vault = root / "group_vars" / "all" / "vault.yml"
    vault.parent.mkdir(parents=True, exist_ok=True)
    vault.write_text(_vault(password, yaml.safe_dump(secrets)))

    _dump(root / "group_vars" / "all" / "org.yml", "The Atlassian organization (the sandbox's cloud persona).", {
        "atlassian_org_id": cloud["org_id"],
        "atlassian_org_api_key": "{{ vault_atlassian_org_api_key }}",
        "atlassian_api_url": cloud["url"],
        "atlassian_ca_path": ca_path,
        "accept_data_sharing": True,  # the guide's Agree to connect, taken for the lab (docs/org_connector.md)
    })
    _dump(root / "group_vars" / "dc_instances.yml", "Instance steps are REST calls made from the controller.", {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "dc_ca_path": ca_path,
        "org_connector_credentials_dir": str(estate.dir / "connector-credentials"),
        "org_connector_wait_interval": 0.5,
        # The sandbox's UPM installs from any URI ending in <key>-<version>.jar; a real instance takes the
        # Marketplace download URL (docs/cloud_companion.md).
        "cloud_companion_app_url": "https://marketplace.invalid/download/com.atlassian.cloud-companion-1.4.2.jar",
        "cloud_companion_version": "1.4.2",
    })
    _dump(root / "group_vars" / "dc_nodes.yml", "Nodes are reached over SSH with the run's key and known_hosts.", {
        "ansible_user": "root",
        "ansible_ssh_private_key_file": str(ssh_dir / "id_ed25519"),
        "ansible_ssh_common_args": "-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes"
                                   % (ssh_dir / "known_hosts"),
        "ansible_python_interpreter": NODE_PYTHON,
        "ansible_pipelining": True,
        "dc_firewall_backend": "nftables",
        # Logged in as root already: no become for the firewall change.
        "dc_firewall_become": False,
    })
    for instance in state["instances"]:
        name = instance["name"]
        persona = personas[instance["persona"]]
        members = [nodes[n] for n in instance["nodes"]]
        _dump(root / "host_vars" / ("%s.yml" % name), "Instance %s (sandbox persona %s)." % (name, instance["persona"]), {
            "dc_url": persona["url"],
            "dc_user": persona["user"],
            "dc_password": "{{ vault_%s_dc_password }}" % name.replace("-", "_"),
            "dc_instance_name": "%s (lab)" % name,
            # The first decision (docs/connection_paths.md): Rovo everywhere, Portfolio Insights on Jira too.
            "dc_apps": ["rovo", "portfolio_insights"] if instance["persona"] == "jira" else ["rovo"],
            "dc_private": instance["private"],
        })
        node_vars = {}
        if instance["private"]:
            install = PRODUCTS[instance["persona"]][0]
            node_vars.update({
                "app_tunnel_install_dir": install,
                "app_tunnel_restart_command": "%s/bin/restart-%s.sh" % (install, members[0]["product"]),
                "app_tunnel_health_url": "http://127.0.0.1:%d/status" % TOMCAT_HTTP_PORT,
                "app_tunnel_health_interval": 1,
                "app_tunnel_health_timeout": 120,
                # The tunnel's connector presents the instance's base URL (the sandbox persona's), as the
                # playbook checks.
                "app_tunnel_proxy_name": urlsplit(persona["url"]).hostname,
                "app_tunnel_proxy_port": urlsplit(persona["url"]).port or 443,
            })
        if node_vars:
            _dump(root / "group_vars" / ("%s.yml" % group_name(name)), "Every node of %s." % name, node_vars)
        for node in members:
            if node["backend"] != "nftables":
                _dump(root / "host_vars" / ("%s.yml" % node["name"]), "Node %s." % node["name"],
                      {"dc_firewall_backend": node["backend"]})
    return root
