"""UPM version comparison, the install plan, task polling that ends in a body-less 303, app descriptors."""

import io
import zipfile

import httpx
import pytest

from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.client import ApiClient
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc import marketplace
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.artifact import (
    ArtifactError,
    read_descriptor,
)
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._dc.upm import (
    UNKNOWN_VERSION,
    Upm,
    UpmError,
    compare_versions,
    plan_app,
    satisfies,
    task_id,
)

KEY = "com.example.app"


@pytest.mark.parametrize("first, second, order", [
    ("1.10.0", "1.9.2", 1),
    ("1.2", "1.2.0", 0),
    ("1.4.0-beta2", "1.4.0", -1),
    ("1.4.0-beta10", "1.4.0-beta2", 1),
    ("1.4.0-beta", "1.4.0-rc1", -1),
    ("2.0.0", "10.0.0", -1),
    ("v3.1", "3.1.0", 0),
    ("1.0.0.1", "1.0.0", 1),
])
def test_versions_compare_as_versions(first, second, order):
    assert compare_versions(first, second) == order
    assert compare_versions(second, first) == -order


def test_a_non_version_is_refused():
    with pytest.raises(ValueError):
        compare_versions("latest", "1.0")


def _served(version, key=KEY):
    return lambda: {"key": key, "version": version, "name": key}


def _unreadable():
    raise ArtifactError("it answered HTTP 404")


@pytest.mark.parametrize("installed, state, version, match, served, action, after", [
    (None, "present", None, "minimum", "1.0.0", "install", "1.0.0"),
    ("1.0.0", "present", None, "minimum", "2.0.0", None, "1.0.0"),
    ("1.9.2", "present", "1.10.0", "minimum", "1.10.1", "install", "1.10.1"),
    ("1.10.0", "present", "1.9.2", "minimum", "1.9.2", None, "1.10.0"),
    ("1.10.0", "present", "1.9.2", "exact", "1.9.2", "install", "1.9.2"),
    ("1.10", "present", "1.10.0", "exact", "1.10.0", None, "1.10"),
    (None, "latest", None, "minimum", "1.0.0", "install", "1.0.0"),
    ("1.0.0", "latest", None, "minimum", "1.1.0", "install", "1.1.0"),
    ("1.1.0", "latest", None, "minimum", "1.1.0", None, "1.1.0"),
    ("1.2.0", "latest", None, "minimum", "1.1.0", None, "1.2.0"),
    ("1.2.0", "latest", "1.0", "minimum", "9.0.0", None, "1.2.0"),
    ("1.0.0", "absent", None, "minimum", None, "uninstall", None),
    (None, "absent", None, "minimum", None, None, None),
])
def test_plan(installed, state, version, match, served, action, after):
    plan = plan_app(KEY, installed, state, version, match, "https://x.invalid/app.jar", _served(served))
    assert (plan.action, plan.after) == (action, after)


def test_the_url_is_read_only_when_an_install_is_in_question():
    def never():
        raise AssertionError("the URL was read")

    assert plan_app(KEY, "2.0.0", "present", "1.0", "minimum", "https://x.invalid/a.jar", never).action is None
    assert plan_app(KEY, "2.0.0", "absent", describe=never).action == "uninstall"


@pytest.mark.parametrize("state, served, message", [
    ("present", _served("1.0.0", key="com.other"), "serves the app com.other, not com.example.app"),
    ("latest", _served("1.0.0", key="com.other"), "serves the app com.other"),
    ("present", _served("1.5.0"), "serves com.example.app 1.5.0, but minimum 2.0 is wanted"),
    ("latest", _unreadable, "state=latest reads which version"),
])
def test_requests_that_cannot_be_met_fail_before_any_write(state, served, message):
    with pytest.raises(UpmError, match=message):
        plan_app(KEY, "1.0.0", state, "2.0" if state == "present" else None, "minimum", "https://x.invalid/a.jar",
                 served)


def test_an_unreadable_url_leaves_the_version_to_upm_for_present():
    plan = plan_app(KEY, None, "present", None, "minimum", "https://x.invalid/a.jar", _unreadable)
    assert plan.action == "install" and plan.after == UNKNOWN_VERSION and "HTTP 404" in plan.note


def test_no_url_fails_when_an_install_is_needed():
    with pytest.raises(UpmError, match="no app_url"):
        plan_app(KEY, None, "present", app_url=None, describe=_unreadable)


def test_satisfies():
    assert satisfies("1.10.0", "1.9", "minimum")
    assert not satisfies(None, None, "minimum")
    assert not satisfies("1.10.0", "1.9", "exact")


def test_task_id_comes_from_the_pending_link():
    assert task_id({"links": {"self": "/confluence/rest/plugins/1.0/pending/abc-1"}}) == "abc-1"
    with pytest.raises(UpmError):
        task_id({"links": {"self": "/rest/plugins/1.0/com.x-key"}})


def test_task_id_also_comes_from_the_install_responses_location():
    assert task_id({}, "https://jira.example.com/rest/plugins/1.0/pending/t-9") == "t-9"


def _upm(responses, seen):
    def handler(request):
        seen.append((request.method, request.url.path))
        return responses.pop(0)

    client = ApiClient("https://jira.example.com", auth=("basic", "admin", "pw"), retry=None)
    client._http = httpx.Client(transport=httpx.MockTransport(handler), base_url="https://jira.example.com")
    return Upm(client, sleep=lambda s: None)


def test_a_task_that_ends_in_a_bodyless_303_is_an_install_that_finished():
    seen = []
    pending = {"type": "INSTALL", "pingAfter": 100, "status": {"done": False},
               "links": {"self": "/rest/plugins/1.0/pending/t-1"}}
    upm = _upm([httpx.Response(200, headers={"upm-token": "tok"}, json={"plugins": []}),
                httpx.Response(202, json=pending),
                httpx.Response(200, json=pending),
                httpx.Response(303, headers={"Location": "/rest/plugins/1.0/com.example.app-key"})], seen)
    upm.install("https://x.invalid/a.jar")
    assert seen == [("GET", "/rest/plugins/1.0/"), ("POST", "/rest/plugins/1.0/"),
                    ("GET", "/rest/plugins/1.0/pending/t-1"), ("GET", "/rest/plugins/1.0/pending/t-1")]


def test_a_failed_task_names_upms_reason():
    failed = {"status": {"done": True, "contentType": "application/vnd.atl.plugins.task.install.err+json",
                         "errorMessage": "descriptor not found", "source": "a.jar"},
              "links": {"self": "/rest/plugins/1.0/pending/t-2"}}
    upm = _upm([httpx.Response(200, headers={"upm-token": "tok"}),
                httpx.Response(202, json=dict(failed, status={"done": False})),
                httpx.Response(200, json=failed)], [])
    with pytest.raises(UpmError, match="descriptor not found"):
        upm.install("https://x.invalid/a.jar")


def _zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DESCRIPTOR = ('<atlassian-plugin key="com.example.app" name="Example" plugins-version="2">'
              "<plugin-info><version>4.2.0</version></plugin-info></atlassian-plugin>")


def test_descriptors_of_a_jar_an_obr_and_a_transformerless_app():
    jar = _zip({"atlassian-plugin.xml": DESCRIPTOR})
    assert read_descriptor(jar) == {"key": KEY, "version": "4.2.0", "name": "Example"}
    obr = _zip({"obr.xml": "<repository/>", "dependencies/lib.jar": _zip({"x": "y"}), "app-4.2.0.jar": jar})
    assert read_descriptor(obr)["version"] == "4.2.0"
    manifest = "Manifest-Version: 1.0\r\nAtlassian-Plugin-Key: com.example.\r\n app\r\nBundle-Version: 5.0.1\r\n"
    assert read_descriptor(_zip({"META-INF/MANIFEST.MF": manifest})) == {"key": KEY, "version": "5.0.1", "name": KEY}


@pytest.mark.parametrize("archive, message", [
    (b"not a zip", "not a jar or OBR"),
    (_zip({"readme.txt": "x"}), "no atlassian-plugin.xml"),
    (_zip({"atlassian-plugin.xml": "<atlassian-plugin"}), "not well-formed"),
    (_zip({"atlassian-plugin.xml": '<atlassian-plugin key="k"/>'}), "no version"),
], ids=["not-a-zip", "no-descriptor", "broken-xml", "no-version"])  # zip bytes carry a time: no ids from them
def test_what_is_not_an_app_is_named(archive, message):
    with pytest.raises(ArtifactError, match=message):
        read_descriptor(archive)


def _version(name, jira=None, artifact=True):
    doc = {"name": name, "buildNumber": 1, "_links": {}}
    if artifact:
        doc["_links"]["artifact"] = {"href": "https://marketplace.example/download/%s.jar" % name}
    if jira:
        doc["compatibilities"] = [{"application": "jira",
                                   "hosting": {"dataCenter": {"min": {"build": jira[0]}, "max": {"build": jira[1]}}}}]
    return doc


@pytest.mark.parametrize("doc, build, fits", [
    (_version("1.0", jira=(100, 200)), 150, True),
    (_version("1.0", jira=(100, 200)), 200, True),
    (_version("1.0", jira=(100, 200)), 201, False),
    (_version("1.0"), 150, False),  # no Data Center compatibility listed
    ({"name": "1.0", "compatibilities": [{"application": "jira", "hosting": {"server": {}}}]}, 150, False),
])
def test_marketplace_compatibility(doc, build, fits):
    assert marketplace.compatibility(doc, "jira", build)[0] is fits


class _Marketplace:
    def __init__(self, latest=None, named=None):
        self._latest, self._named, self.asked = latest, named or {}, []

    def latest(self, key, application, build):
        self.asked.append(("latest", application, build))
        return self._latest

    def by_name(self, key, name):
        self.asked.append(("name", name))
        return self._named.get(name)


def test_marketplace_resolution():
    offered = _Marketplace(latest=_version("2.1.0", jira=(1, 999)), named={"2.0.0": _version("2.0.0", jira=(1, 99))})
    assert marketplace.resolve(offered, KEY, "jira", 150, "latest")["version"] == "2.1.0"
    assert offered.asked == [("latest", "jira", 150)]
    assert marketplace.resolve(offered, KEY, "jira", 150, "present", "2.0", "minimum")["url"].endswith("2.1.0.jar")
    with pytest.raises(UpmError, match="below the minimum 3.0"):
        marketplace.resolve(offered, KEY, "jira", 150, "present", "3.0", "minimum")
    with pytest.raises(UpmError, match="2.0.0 is not compatible with Jira Data Center build 150"):
        marketplace.resolve(offered, KEY, "jira", 150, "present", "2.0.0", "exact")
    with pytest.raises(UpmError, match="no version of com.example.app compatible"):
        marketplace.resolve(_Marketplace(), KEY, "jira", 150, "latest")
    with pytest.raises(UpmError, match="without an installable artifact"):
        marketplace.resolve(_Marketplace(latest=_version("3.0", artifact=False)), KEY, "jira", 150, "latest")
