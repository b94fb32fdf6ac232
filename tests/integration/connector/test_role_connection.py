"""The org_connector role as AWX runs it and as an operator watches it: connection settings from the environment
only (nothing but the URL in variables), a clear stop before any request when a required setting is empty, and the
wait for Connected showing every status read with the attempts left."""

import textwrap

from helpers import run_playbook

ROLE = "dcops.atlassian_cloud.org_connector"


def _play(sandbox, tmp_path, tasks_from="main", **role_vars):
    variables = dict(org_connector_credentials_dir=str(tmp_path / "credentials"), org_connector_wait_interval=0.3,
                     org_connector_accept_data_sharing=True)
    variables.update(role_vars)
    rendered = "\n".join("        %s: %r" % item for item in variables.items())
    return textwrap.dedent("""\
        - name: Link the Jira persona
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Run the role
              ansible.builtin.include_role:
                name: %s
                tasks_from: %s
              vars:
        """) % (ROLE, tasks_from) + rendered + "\n"


def _environment(sandbox):
    jira, cloud = sandbox.persona("jira"), sandbox.persona("cloud")
    return {"ATLASSIAN_DC_URL": jira["url"], "ATLASSIAN_DC_USER": jira["user"],
            "ATLASSIAN_DC_PASSWORD": jira["password"], "ATLASSIAN_API_URL": cloud["url"],
            "ATLASSIAN_ORG_ID": cloud["org_id"], "ATLASSIAN_ORG_API_KEY": cloud["api_key"],
            "SSL_CERT_FILE": sandbox.ca_path}


def _gate_play(sandbox, tmp_path, name, gate_options, **role_vars):
    """A play that reads the instance as connect_data_center.yml's version gate does (dc_info with `gate_options`)
    and hands that read to the role (org_connector_dc_info)."""
    variables = dict(org_connector_dc_info="{{ gate_read }}", org_connector_credentials_dir=str(tmp_path / "credentials"),
                     org_connector_accept_data_sharing=True, **role_vars)
    options = dict(require_admin=True, expected_base_url=sandbox.persona("jira")["url"], **gate_options)
    return textwrap.dedent("""\
        - name: %s
          hosts: localhost
          gather_facts: false
          tasks:
            - name: Read the instance as the version gate does
              dcops.atlassian_cloud.dc_info:
        %s
              register: gate_read
            - name: Run the role
              ansible.builtin.include_role:
                name: %s
              vars:
        """) % (name, "\n".join("        %s: %r" % item for item in options.items()), ROLE) + \
        "\n".join("        %s: %r" % item for item in variables.items()) + "\n"


def test_credentials_only_in_the_environment_reach_the_modules(sandbox, tmp_path):
    run = run_playbook(_play(sandbox, tmp_path), env=_environment(sandbox))
    assert run.returncode == 0, run.failures()
    assert sandbox.state()["jira"]["cloud_connector"]["connection"]["connectorId"]
    assert not [e for e in sandbox.log("cloud") if "/orgs//" in e["path"]]


def test_an_empty_org_id_stops_before_any_request(sandbox, tmp_path):
    env = dict(_environment(sandbox), ATLASSIAN_ORG_ID="")
    run = run_playbook(_play(sandbox, tmp_path, org_connector_cloud_org_id=""), env=env)
    assert run.returncode != 0
    assert "the organization ID is not set or empty: set org_connector_cloud_org_id or ATLASSIAN_ORG_ID" in run.stdout
    assert sandbox.log("cloud") == [] and sandbox.log("jira") == []


def test_the_wait_for_connected_shows_each_read_and_names_the_status_it_ended_in(sandbox, tmp_path, run_module,
                                                                                 cloud_admin):
    linked = run_playbook(_play(sandbox, tmp_path), env=_environment(sandbox))
    assert linked.returncode == 0, linked.failures()
    connector_id = sandbox.state()["jira"]["cloud_connector"]["connection"]["connectorId"]
    cloud_admin.interrupt(connector_id)

    waited = run_playbook(_play(sandbox, tmp_path, tasks_from="wait_connected", org_connector_wait_timeout=1,
                                _org_connector_base_url=sandbox.url("jira")), env=_environment(sandbox))
    assert waited.returncode != 0
    assert "FAILED - RETRYING: [localhost]: Wait until the organization connector is Connected (3 retries left)" \
        in waited.stdout
    assert "(1 retries left)" in waited.stdout
    assert "is Interrupted after 1 s, not Connected" in waited.stdout, waited.stdout[-2500:]


def test_a_version_gate_read_of_another_base_url_is_not_taken_for_the_preconditions(sandbox, tmp_path):
    # The play's read compared the instance URL; the role registers another base URL, so it checks that one itself
    # and stops before the first write instead of creating a connector the product does not report.
    play = _gate_play(sandbox, tmp_path, "Link the Jira persona under a base URL the product does not report", {},
                      org_connector_base_url="https://jira-elsewhere.example.com")
    run = run_playbook(play, env=_environment(sandbox))
    assert run.returncode != 0
    assert "preconditions not met, nothing was changed" in run.stdout
    assert "not https://jira-elsewhere.example.com" in run.stdout
    assert [e for e in sandbox.log("cloud") if e["method"] != "GET"] == []


def test_a_version_gate_read_of_the_link_spares_the_role_its_own(sandbox, tmp_path, cloud_admin):
    # connect_data_center.yml's version gate reads the link (dc_info link=true) and hands it over: the converged
    # role then makes no read of the link itself, and a role given a read without the link still reads it.
    linked = run_playbook(_play(sandbox, tmp_path), env=_environment(sandbox))
    assert linked.returncode == 0, linked.failures()
    connector_id = sandbox.state()["jira"]["cloud_connector"]["connection"]["connectorId"]
    cloud_admin.add_app(connector_id, "rovo-jira")

    def rerun(gate_link):
        play = _gate_play(sandbox, tmp_path, "Link the Jira persona after the version gate's read",
                          {"link": gate_link}, org_connector_apps=["rovo"])
        sandbox.clear_log()
        run = run_playbook(play, env=_environment(sandbox))
        assert run.returncode == 0, run.failures()
        assert run.changed_tasks == []
        # The app connected before is seen in the link the role went by: step 4 has nothing to do.
        step_4 = run.task("dcops.atlassian_cloud.org_connector : Connect the apps in the browser (step 4)")
        assert step_4["status"] == "skipped"
        return [(e["method"], e["path"]) for e in sandbox.log("jira") if "cloud-connector" in e["path"]]

    # One read of the link and its apps either way: the gate's, or the role's own (both would be four requests).
    one_read = [("GET", "/rest/cloud-connector/1.0/connection"), ("GET", "/rest/cloud-connector/1.0/connection/apps")]
    assert rerun(True) == one_read
    assert rerun(False) == one_read
