#!/usr/bin/env bash
# ansible-test needs the collection at a real path ending in ansible_collections/<ns>/<name>, outside any git
# checkout that ignores it (a symlink does
# not do), so it runs on a copy of the working tree's files (tracked and untracked, ignored ones left out).
# Usage: scripts/sanity.sh sanity|units [ansible-test arguments...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
dest="${ANSIBLE_TEST_DIR:-${TMPDIR:-/tmp}/dcops-ansible-test}/ansible_collections/dcops/atlassian_cloud"
rm -rf "$dest"
mkdir -p "$dest"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$dest"
cd "$dest"
command="$1"; shift
export PATH="$ROOT/.venv/bin:$PATH"
exec ansible-test "$command" --python 3.11 --color no "$@"
