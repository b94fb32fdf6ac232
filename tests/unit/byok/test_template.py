from __future__ import annotations

import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._byok.template import (
    TemplateUrlError,
    normalize,
    parse_s3_url,
)


@pytest.mark.parametrize("url, expected", [
    ("https://byok-atlassian.s3.amazonaws.com/atlassian-key-management-template.json",
     ("byok-atlassian", "atlassian-key-management-template.json")),
    ("https://byok-atlassian.s3.eu-west-1.amazonaws.com/v2/template.json", ("byok-atlassian", "v2/template.json")),
    ("https://byok-atlassian.s3-us-west-2.amazonaws.com/t.json", ("byok-atlassian", "t.json")),
    ("https://s3.amazonaws.com/byok-atlassian/dir/t.json", ("byok-atlassian", "dir/t.json")),
    ("https://s3.eu-central-1.amazonaws.com/byok-atlassian/t.json", ("byok-atlassian", "t.json")),
    ("https://my.bucket.s3.amazonaws.com/a%20b.json", ("my.bucket", "a b.json")),
])
def test_s3_urls_in_both_styles_name_bucket_and_key(url, expected):
    assert parse_s3_url(url) == expected


@pytest.mark.parametrize("url", [
    "http://byok-atlassian.s3.amazonaws.com/t.json",
    "https://example.com/t.json",
    "https://byok-atlassian.s3.amazonaws.com/",
    "https://s3.amazonaws.com/only-bucket",
])
def test_urls_that_are_not_s3_objects_are_refused(url):
    with pytest.raises(TemplateUrlError):
        parse_s3_url(url)


def test_json_templates_compare_by_content_not_by_layout():
    assert normalize(b'{"a": 1,\n "b": [1, 2]}') == normalize({"b": [1, 2], "a": 1})
    assert normalize('{"a": 1}') != normalize('{"a": 2}')


def test_yaml_templates_compare_as_text():
    assert normalize("Resources:\n  R: !Ref X\n") == normalize(b"Resources:\n  R: !Ref X")
    assert normalize("Resources: {}\n") != normalize('{"Resources": {}}')
