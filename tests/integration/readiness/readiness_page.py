"""What the readiness tests look at: the HTML as headless Chromium builds it, and what "nothing was written" means."""

from __future__ import annotations

import re
import subprocess

from lxml import html as lxml_html

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--enable-logging=stderr", "--v=0"]
# Chromium logs every console message of the page as INFO:CONSOLE on stderr.
CONSOLE = re.compile(r"INFO:CONSOLE[^\]]*\] (.*)")
# The POSTs that only read: the organization's group and user searches and the policy bulk-fetch.
READ_ONLY_POSTS = (re.compile(r"^/admin/v2/orgs/[^/]+/directories/[^/]+/(groups|users)/search$"),
                   re.compile(r"^/admin/control/v1/orgs/[^/]+/users/auth-policies/bulk-fetch$"))


def render(tmp_path, page, screenshot):
    """Page from Chromium: the DOM after scripts ran, the console messages, and a PNG of the first screen."""

    def run(args, profile):
        proc = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / profile}", *args],
                              capture_output=True, text=True, timeout=90, check=True)
        return proc.stdout, [m.group(1) for m in CONSOLE.finditer(proc.stderr)]

    dom, console = run(["--dump-dom", page.as_uri()], "profile-dom")
    _out, more = run(["--window-size=1200,1250", f"--screenshot={screenshot}", page.as_uri()], "profile-png")
    return Page(dom, console + more, screenshot)


class Page:
    def __init__(self, dom, console, screenshot):
        self.tree = lxml_html.fromstring(dom)
        self.console = console
        self.screenshot = screenshot

    def matrix(self):
        """{(instance, check): state} of the matrix cells as the browser built them."""
        return {(td.get("data-instance"), td.get("data-check")): td.get("data-state")
                for td in self.tree.xpath('//table[contains(@class,"matrix")]//td[@data-check]')}


def assert_self_contained(page_text):
    """No external asset: no stylesheet link, no src attribute, no url() in styles, no remote fetch."""
    tree = lxml_html.fromstring(page_text)
    assert not tree.xpath("//link[@rel='stylesheet'] | //*[@src]"), "the page loads an external asset"
    assert "url(" not in page_text and "@import" not in page_text and "fetch(" not in page_text


def assert_no_write(log):
    """Every request in the sandbox log is a read: GET/HEAD, or a POST to a search/bulk-fetch endpoint."""
    writes = [(r["method"], r["path"]) for r in log if r["method"] not in ("GET", "HEAD")
              and not (r["method"] == "POST" and any(p.match(r["path"]) for p in READ_ONLY_POSTS))]
    assert writes == [], writes
    assert log, "the sandbox saw no request at all"
