#!/usr/bin/env bash
# Set up a fresh Debian 12 machine (Python 3.11, pip and apt only) to run the collection's demo and tests:
# Debian packages for the real parts the tests use, the .venv with the pinned tools, and the collection path.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(
  tomcat10 tomcat10-user            # app tunnel: a real Tomcat boots the edited server.xml
  slapd ldap-utils                  # nested groups: a real OpenLDAP directory
  samba samba-ad-dc ldb-tools       # nested groups: a real Active Directory (Samba AD DC), bulk-loaded with ldbadd
  nftables iptables firewalld ufw   # egress rules: every firewall backend, in network namespaces
  iproute2 dbus                     # namespaces; firewalld's private D-Bus
  openssh-server python3-lxml       # lab estate: sshd per DC node; lxml for tomcat_connector on the nodes
  chromium                          # migration preflight: the HTML report opened in a real browser
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.requirements.sha256"
want="$(cat tests/requirements.txt requirements.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r tests/requirements.txt -r requirements.txt
  echo "$want" > "$stamp"
fi

# The working tree on the collection path: .build/collections/ansible_collections/dcops/atlassian_cloud
mkdir -p .build/collections/ansible_collections/dcops
ln -sfn "$ROOT" .build/collections/ansible_collections/dcops/atlassian_cloud

# ansible-test bootstraps pip by downloading get-pip from its CI host, which offline machines cannot reach.
# This stand-in (same file name, same arguments) uses the interpreter's bundled pip instead.
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cat > "$cache/get_pip_24_2.py" <<'PY'
import subprocess, sys
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
echo "setup: ready (.venv, .build/collections)"
