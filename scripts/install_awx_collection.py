"""Put the awx.awx collection (the modules that configure AWX / Automation Platform) under .build/awx-collections
for the AWX kit's lint and tests. Galaxy is not reachable from CI, so it comes from the community `ansible` package
on PyPI, which ships it; only that one collection is unpacked, so nothing else joins the collection path.

    python scripts/install_awx_collection.py      # idempotent: does nothing when the pinned version is there
"""

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANSIBLE_PACKAGE = "ansible==12.3.0"  # the community package for ansible-core 2.19
TARGET = ROOT / ".build" / "awx-collections"
PREFIX = "ansible_collections/awx/awx/"


def installed():
    manifest = TARGET / PREFIX / "MANIFEST.json"
    return manifest.exists() and json.loads(manifest.read_text()).get("_from") == ANSIBLE_PACKAGE


def main():
    if installed():
        return 0
    with tempfile.TemporaryDirectory(prefix="awx-collection-") as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, ANSIBLE_PACKAGE],
                       check=True)
        wheel = next(Path(tmp).glob("ansible-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            members = [name for name in archive.namelist() if name.startswith(PREFIX)]
            if not members:
                sys.exit("%s does not ship awx.awx" % wheel.name)
            archive.extractall(TARGET, members)
    manifest = TARGET / PREFIX / "MANIFEST.json"
    data = json.loads(manifest.read_text())
    data["_from"] = ANSIBLE_PACKAGE
    manifest.write_text(json.dumps(data))
    print("awx.awx %s from %s in %s" % (data["collection_info"]["version"], ANSIBLE_PACKAGE, TARGET))
    return 0


if __name__ == "__main__":
    sys.exit(main())
