"""Benchmark: resolve_members (the email rule applied to every flat membership) on the flattening benchmark's tree.

    .venv/bin/python tests/benchmarks/groups_sync/bench_resolve_members.py [users]     # 20,000 by default
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "tests" / "benchmarks" / "groups"), str(ROOT / ".build" / "collections")]

from generate import generate  # noqa: E402

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups.flatten import NestedGroups, flatten  # noqa: E402
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._groups_sync.identity import (  # noqa: E402
    is_valid_email,
    normalize_email,
    resolve_members,
)


def main(users=20000):
    flat = flatten(NestedGroups.from_mapping(generate(users=users)), on_cycle="merge").flat()
    emails = dict((member, {"email": "%s@Example.com" % member}) for members in flat.values() for member in members)
    addresses = [entry["email"] for entry in emails.values()]
    started = time.process_time()
    for address in addresses:
        is_valid_email(address)
    check = time.process_time() - started
    started = time.process_time()
    for address in addresses:
        normalize_email(address)
    normalize = time.process_time() - started
    started = time.process_time()
    resolve_members(flat, emails)
    resolve = time.process_time() - started
    print("%d addresses: check %.2f s, normalize %.2f s CPU; resolve_members over %d memberships: %.2f s CPU"
          % (len(addresses), check, normalize, sum(len(m) for m in flat.values()), resolve))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
