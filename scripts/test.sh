#!/usr/bin/env bash
# The whole test suite, from a fresh machine: set-up, then three lanes in parallel —
#   pytest   unit and integration tests against real parts (sandbox over HTTPS, Tomcat, namespaces, moto, slapd)
#   molecule every scenario in extensions/molecule (converge, idempotence, verify)
#   static   build + install + ansible-doc of every plugin, ansible-lint (production), antsibull-docs
#            lint-collection-docs, antsibull-changelog lint,
#            galaxy-importer, docs/api-contract.md freshness, ansible-test sanity and units
# Logs: .build/test-logs/<lane>.log. Exit status: non-zero when any lane failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh || exit 1

export PATH="$ROOT/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.build/collections"
export ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 ANSIBLE_NOCOLOR=1
LOGS="$ROOT/.build/test-logs"
rm -rf "$LOGS"
mkdir -p "$LOGS"
started=$(date +%s)

lane_pytest() {
  pytest -n 2 --dist loadfile -q -p no:randomly tests/unit tests/integration
}

lane_molecule() {
  cd "$ROOT/extensions" && molecule test --all
}

lane_static() {
  set -e
  local build="$ROOT/.build/dist" installed="$ROOT/.build/installed"
  rm -rf "$build" "$installed"
  echo "--- api contract page"
  python scripts/render_api_contract.py --check
  echo "--- build and install"
  ansible-galaxy collection build --force --output-path "$build" .
  ansible-galaxy collection install --force -p "$installed" "$build"/dcops-atlassian_cloud-*.tar.gz
  echo "--- ansible-doc for every plugin"
  local type name count=0
  for type in module lookup filter; do
    for name in $(ANSIBLE_COLLECTIONS_PATH="$installed" ansible-doc -t "$type" -l dcops.atlassian_cloud 2>/dev/null | awk '{print $1}'); do
      ANSIBLE_COLLECTIONS_PATH="$installed" ansible-doc -t "$type" "$name" > /dev/null
      count=$((count + 1))
    done
  done
  echo "rendered $count plugin docs"
  [ "$count" -gt 0 ]
  echo "--- ansible-lint (production profile; the AWX kit with awx.awx on the collection path)"
  python scripts/install_awx_collection.py
  ANSIBLE_COLLECTIONS_PATH="$ANSIBLE_COLLECTIONS_PATH:$ROOT/.build/awx-collections" ansible-lint --offline --profile production
  echo "--- antsibull-docs lint-collection-docs"
  antsibull-docs lint-collection-docs --plugin-docs .
  echo "--- antsibull-changelog lint"
  antsibull-changelog lint
  echo "--- galaxy-importer"
  mkdir -p "$ROOT/.build/importer"
  printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nLOG_LEVEL_MAIN = INFO\n' > "$ROOT/.build/importer/galaxy-importer.cfg"
  # The importer writes importer_result.json to its working directory: keep it out of the checkout.
  (cd "$ROOT/.build/importer" && GALAXY_IMPORTER_CONFIG="$ROOT/.build/importer/galaxy-importer.cfg" \
    python -m galaxy_importer.main "$build"/dcops-atlassian_cloud-*.tar.gz > "$ROOT/.build/importer/result.txt" 2>&1) \
    || { cat "$ROOT/.build/importer/result.txt"; return 1; }
  if grep -E "^(ERROR|WARNING)" "$ROOT/.build/importer/result.txt"; then return 1; fi
  echo "galaxy-importer: no errors, no warnings"
  echo "--- ansible-test sanity"
  bash scripts/sanity.sh sanity --venv
  echo "--- ansible-test units"
  bash scripts/sanity.sh units --venv --requirements
}

declare -A pids
for lane in pytest molecule static; do
  ( "lane_$lane" ) > "$LOGS/$lane.log" 2>&1 &
  pids[$lane]=$!
done

failed=()
for lane in static molecule pytest; do
  if wait "${pids[$lane]}"; then
    echo "== $lane: ok"
  else
    failed+=("$lane")
    echo "== $lane: FAILED — last lines of $LOGS/$lane.log:"
    tail -n 80 "$LOGS/$lane.log" | sed 's/^/   /'
  fi
done
echo "== suite took $(( $(date +%s) - started ))s"
# pytest's own summary line closes the output.
tail -n 1 "$LOGS/pytest.log"
[ "${#failed[@]}" -eq 0 ]
