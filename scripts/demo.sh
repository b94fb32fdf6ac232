#!/usr/bin/env bash
# The main job on the built-in sandbox, from a fresh machine: set up, start the sandbox (Jira 11.3,
# Confluence 10.2 under /confluence, an old Jira 10.2, and the cloud APIs, over HTTPS on loopback), then
#   1. gather dc_info for every DC persona: the old Jira is stopped by the cloud connector version gate;
#   2. connect Jira and Confluence to the cloud organization with playbooks/connect_data_center.yml;
#   3. run it again: it must report zero changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.build/collections" ANSIBLE_LOCALHOST_WARNING=false
SANDBOX_DIR="$ROOT/.sandbox"

sandbox() { PYTHONPATH="$ROOT/tests/sandbox" python -m atlassian_sandbox "$@" --dir "$SANDBOX_DIR"; }
sandbox start --port-base "${SANDBOX_PORT_BASE:-18440}" > /dev/null
trap 'sandbox stop' EXIT
echo "demo: sandbox running; details in $SANDBOX_DIR/sandbox.json"

# An inventory of the sandbox's DC personas, one host each.
python - "$SANDBOX_DIR" <<'PY'
import json, sys
from pathlib import Path
workdir = Path(sys.argv[1])
env = json.loads((workdir / "sandbox.json").read_text())
hosts = {}
for name in ("jira", "confluence", "jira-old"):
    p = env["personas"][name]
    hosts[name] = {"dc_url": p["url"], "dc_user": p["user"], "dc_password": p["password"],
                   "dc_ca_path": env["ca_path"], "ansible_connection": "local",
                   "ansible_python_interpreter": sys.executable}
inventory = {"all": {"children": {"dc_instances": {"hosts": hosts}}}}
(workdir / "inventory.json").write_text(json.dumps(inventory, indent=2))
PY

echo "demo: dc_info for every DC persona (jira-old is expected to stop at the version gate)"
set +e
ansible-playbook -i "$SANDBOX_DIR/inventory.json" playbooks/dc_info.yml
status=$?
set -e
# Exit status 2 means some host failed: here it must be exactly the old Jira, stopped by the gate.
if [ "$status" -ne 2 ]; then
  echo "demo: unexpected result of dc_info.yml (exit $status)" >&2
  exit 1
fi
echo "demo: as expected, jira and confluence can host a cloud connector and jira-old (10.2.0) was stopped by the gate"

export DCOPS_SANDBOX_ENV="$SANDBOX_DIR/sandbox.json"
echo "demo: connect_data_center.yml, first run"
ansible-playbook -i playbooks/demo/inventory.yml playbooks/connect_data_center.yml
echo "demo: connect_data_center.yml, second run (must change nothing)"
ansible-playbook -i playbooks/demo/inventory.yml playbooks/connect_data_center.yml | tee "$SANDBOX_DIR/rerun.log"
if grep -E "changed=[1-9]" "$SANDBOX_DIR/rerun.log" > /dev/null; then
  echo "demo: the rerun changed something; it must not" >&2
  exit 1
fi
echo "demo: rerun made zero changes"
