"""The module's glue: argument handling, check mode writes nothing, errors are plain messages."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.dcops.atlassian_cloud.plugins.modules import egress_rule

EMPTY_RULESET = json.dumps({"nftables": [{"metainfo": {"version": "1.0.6"}}]})


def run_module(args, fake, monkeypatch, capsys):
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, cmd, **kw: fake(cmd, **kw))
    monkeypatch.setattr(basic.AnsibleModule, "get_bin_path", lambda self, cmd, required=False, opt_dirs=None: "/usr/sbin/" + cmd)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            egress_rule.main()
    return json.loads(capsys.readouterr().out)


def test_check_mode_plans_without_writing(fake_commands, monkeypatch, capsys, tmp_path):
    fake = fake_commands({("nft", "-j", "list"): (0, EMPTY_RULESET, "")})
    result = run_module({"name": "atlassian-cloud", "destinations": ["192.0.2.10"], "backend": "nftables",
                         "persist_path": str(tmp_path / "x.nft"), "_ansible_check_mode": True, "_ansible_diff": True},
                        fake, monkeypatch, capsys)
    assert result["changed"] and result["addresses"] == ["192.0.2.10/32"]
    assert result["files"] == [str(tmp_path / "x.nft")] and not (tmp_path / "x.nft").exists()
    assert fake.commands() == ["nft -j list ruleset"]
    assert "192.0.2.10/32" in result["diff"][0]["after"] and "192.0.2.10/32" in result["diff"][1]["after"]


def test_user_errors_fail_with_a_message(fake_commands, monkeypatch, capsys):
    result = run_module({"name": "atlassian-cloud", "destinations": ["10.0.0.1/8"], "backend": "nftables"},
                        fake_commands(), monkeypatch, capsys)
    assert result["failed"] and "10.0.0.1/8" in result["msg"] and "host bits set" in result["msg"]


def test_present_needs_destinations(fake_commands, monkeypatch, capsys):
    result = run_module({"name": "atlassian-cloud"}, fake_commands(), monkeypatch, capsys)
    assert result["failed"] and "destinations" in result["msg"]
