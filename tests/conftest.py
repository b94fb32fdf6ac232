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

pytest_plugins = ["sandbox_fixtures"]
