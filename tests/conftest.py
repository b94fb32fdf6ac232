"""Test-wide fixtures: the collection on sys.path, and the session's sandbox."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / ".build" / "collections"


def _link_collection():
    """Make `ansible_collections.dcops.atlassian_cloud` importable from the working tree."""
    namespace = COLLECTIONS / "ansible_collections" / "dcops"
    link = namespace / "atlassian_cloud"
    namespace.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        try:
            link.symlink_to(ROOT, target_is_directory=True)
        except FileExistsError:  # another xdist worker made it first
            pass
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))
    os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", str(COLLECTIONS))


_link_collection()
# Also set in pyproject.toml; repeated here because ansible-test runs pytest with its own configuration.
for extra in (ROOT / "tests" / "integration", ROOT / "tests" / "sandbox"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

pytest_plugins = ["sandbox_fixtures"]
