#!/usr/bin/env bash
# The main job from a fresh machine, against a lab estate: set up, start the sandbox (Jira 11.3, Confluence 10.2
# under /confluence, an old Jira 10.2, and the cloud APIs, over HTTPS on loopback) and the lab estate
# (tests/estate: 2 instances, 2 nodes each, every node its own network namespace reached over SSH with its own
# firewall; the Jira instance is private and its nodes run a real Tomcat), then
#   1. gather dc_info for every DC persona: the old Jira and the old Confluence are stopped by the cloud connector
#      version gate (connect_data_center.yml gives them the Cloud Companion path for Portfolio Insights instead);
#   2. probe every node with real packets: nothing reaches out, Tomcat serves plain http;
#   3. run playbooks/connect_data_center.yml with every step on (version gate, allowlist, egress rule per node,
#      tunnel with a rolling restart on the private instance, Cloud Companion, org connector, wait for Connected);
#   4. probe again: 443 to the cloud peer (api.atlassian.com) opens, any other egress stays dropped, the
#      private instance's Tomcats serve request.isSecure();
#   5. run it again (zero changes), then with --check --diff (zero changes); print the summary tables;
#   6. stop the estate and the sandbox.
# Without root (namespaces need it) only the REST half runs, against playbooks/demo/inventory.yml.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.build/collections" ANSIBLE_LOCALHOST_WARNING=false
SANDBOX_DIR="$ROOT/.sandbox"
ESTATE_DIR="$ROOT/.estate"

sandbox() { PYTHONPATH="$ROOT/tests/sandbox" python -m atlassian_sandbox "$@" --dir "$SANDBOX_DIR"; }
estate() { PYTHONPATH="$ROOT/tests/estate" python -m lab_estate "$@" --dir "$ESTATE_DIR"; }
with_estate=true
if [ "$(id -u)" -ne 0 ] || [ "${DEMO_ESTATE:-1}" = 0 ]; then
  with_estate=false
fi
cleanup() {
  if $with_estate; then estate stop > /dev/null || true; fi
  sandbox stop > /dev/null || true
}
trap cleanup EXIT
sandbox start --port-base "${SANDBOX_PORT_BASE:-18440}" > /dev/null
echo "demo: sandbox running; details in $SANDBOX_DIR/sandbox.json"

# An inventory of the sandbox's DC personas, one host each.
python - "$SANDBOX_DIR" <<'PY'
import json, sys
from pathlib import Path
workdir = Path(sys.argv[1])
env = json.loads((workdir / "sandbox.json").read_text())
hosts = {}
for name in ("jira", "confluence", "jira-old", "confluence-old"):
    p = env["personas"][name]
    hosts[name] = {"dc_url": p["url"], "dc_user": p["user"], "dc_password": p["password"],
                   "dc_ca_path": env["ca_path"], "ansible_connection": "local",
                   "ansible_python_interpreter": sys.executable}
inventory = {"all": {"children": {"dc_instances": {"hosts": hosts}}}}
(workdir / "inventory.json").write_text(json.dumps(inventory, indent=2))
PY

echo "demo: dc_info for every DC persona (jira-old and confluence-old are expected to stop at the version gate)"
set +e
ansible-playbook -i "$SANDBOX_DIR/inventory.json" playbooks/dc_info.yml
status=$?
set -e
# Exit status 2 means some host failed: here it must be the old Jira and Confluence, stopped by the gate.
if [ "$status" -ne 2 ]; then
  echo "demo: unexpected result of dc_info.yml (exit $status)" >&2
  exit 1
fi
echo "demo: as expected, jira and confluence can host a cloud connector; jira-old (10.2.0) and confluence-old (9.2.4) were stopped by the gate"

if $with_estate; then
  estate start --nodes 4 --private-nodes 2 --node-backend confluence-lab-2=iptables \
    --sandbox-env "$SANDBOX_DIR/sandbox.json" > /dev/null
  inventory=(-i "$ESTATE_DIR/inventory")
  export ANSIBLE_VAULT_PASSWORD_FILE="$ESTATE_DIR/vault-password"
  echo "demo: lab estate running; its inventory is $ESTATE_DIR/inventory (docs/lab_estate.md)"
  echo "demo: before the job, every node is closed (real TLS probes dialled on each node over SSH)"
  estate probe --expect closed
else
  echo "demo: not root, so no lab estate: the REST half only, against playbooks/demo/inventory.yml"
  inventory=(-i playbooks/demo/inventory.yml)
  export DCOPS_SANDBOX_ENV="$SANDBOX_DIR/sandbox.json"
fi

run_job() {  # run_job LOG [ansible-playbook options]: the job, its output kept in LOG
  local log="$1"; shift
  ansible-playbook "${inventory[@]}" playbooks/connect_data_center.yml "$@" | tee "$log"
}
no_changes() {
  if grep -E "changed=[1-9]" "$1" > /dev/null; then
    echo "demo: $2 changed something; it must not" >&2
    exit 1
  fi
}

echo "demo: connect_data_center.yml, first run (every step on)"
run_job "$SANDBOX_DIR/first.log"
if $with_estate; then
  echo "demo: after the job, only api.atlassian.com:443 reaches out and the private instance serves isSecure()"
  estate probe --expect open
fi
echo "demo: connect_data_center.yml, second run (must change nothing)"
run_job "$SANDBOX_DIR/rerun.log"
no_changes "$SANDBOX_DIR/rerun.log" "the rerun"
echo "demo: connect_data_center.yml --check --diff (must predict no change)"
run_job "$SANDBOX_DIR/check.log" --check --diff
no_changes "$SANDBOX_DIR/check.log" "check mode"
echo "demo: rerun and check mode made zero changes; the summary of the estate:"
sed -n '/TASK \[Summarise the instances\]/,/^PLAY RECAP/p' "$SANDBOX_DIR/rerun.log" | grep -E '^ {8}"' | sed 's/^ *"//; s/",\?$//'
