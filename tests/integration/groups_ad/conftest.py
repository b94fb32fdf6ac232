"""The session's Samba AD domain controller (ad_domain.SambaAD), once per xdist worker."""

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ad_domain import SambaAD  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def samba_ad(tmp_path_factory):
    for tool in ("samba", "samba-tool", "ldbadd"):
        if shutil.which(tool) is None:
            pytest.fail("%s is not installed (Debian packages samba, samba-ad-dc, ldb-tools); scripts/setup.sh "
                        "installs them" % tool)
    server = SambaAD(tmp_path_factory.mktemp("samba-ad"))
    try:
        server.provision()
        server.start()
        yield server
    finally:
        server.stop()
