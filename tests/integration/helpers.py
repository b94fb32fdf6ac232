"""The tests' runners: ansible-playbook against the working tree (every task's result read back), a module in
this process, and an endpoint that echoes what it is sent."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".build" / "collections"
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"


@dataclass
class PlaybookRun:
    returncode: int
    stdout: str
    stderr: str
    results: list = field(default_factory=list)

    def task(self, name, host=None):
        """The last result of the task called `name` (on `host`, when given)."""
        found = [r for r in self.results if r["task"] == name and (host is None or r["host"] == host)]
        if not found:
            raise KeyError(f"no result for task {name!r}; tasks seen: {sorted({r['task'] for r in self.results})}")
        return found[-1]

    def hosts(self, name):
        """The hosts, in result order, that ran or skipped the task called `name`, a role's task without its
        "role : " prefix."""
        return [r["host"] for r in self.results if r["task"].split(" : ")[-1] == name]

    @property
    def changed_tasks(self):
        return [r for r in self.results if r["status"] == "ok" and r["result"].get("changed")]

    @property
    def failed_tasks(self):
        return [r for r in self.results if r["status"] in ("failed", "unreachable")]

    def failures(self, tail=4000):
        """What failed, task by task with its message, then the end of the output: an assertion message that
        names the failing task even when the output's tail has scrolled past it."""
        failed = ["%s on %s: %s" % (r["task"], r["host"], r["result"].get("msg", "")) for r in self.failed_tasks]
        return "\n".join(failed + [self.stdout[-tail:]])


def ansible_env(extra=None):
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_HOST_KEY_CHECKING": "False",
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        }
    )
    if extra:
        env.update(extra)
    return env


def task_play(module, args, name):
    """A playbook of one task on localhost, named `name`: dcops.atlassian_cloud.`module` with `args`."""
    play = {"hosts": "localhost", "gather_facts": False,
            "tasks": [{"name": name, "dcops.atlassian_cloud." + module: args}]}
    return yaml.safe_dump([play], sort_keys=False)


def run_playbook(playbook, *, inventory=None, extra_vars=None, check=False, diff=False,
                 verbosity=0, env=None, args=(), timeout=600):
    """Run a playbook (a path, or YAML text) and return a PlaybookRun.

    `inventory` defaults to an implicit localhost with the venv's interpreter.
    """
    with tempfile.TemporaryDirectory(prefix="pb-") as tmp:
        tmp = Path(tmp)
        if isinstance(playbook, str) and "\n" in playbook:
            path = tmp / "playbook.yml"
            path.write_text(playbook, encoding="utf-8")
        else:
            path = Path(playbook)
        record = tmp / "results.jsonl"
        cmd = [str(Path(sys.executable).parent / "ansible-playbook"), str(path)]
        if inventory is None:
            cmd += ["-i", "localhost,", "-c", "local"]
        else:
            cmd += ["-i", str(inventory)]
        if extra_vars:
            vars_file = tmp / "extra_vars.json"
            vars_file.write_text(json.dumps(extra_vars), encoding="utf-8")
            cmd += ["-e", f"@{vars_file}"]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        cmd += list(args)
        merged_env = ansible_env(env)
        merged_env["RECORD_RESULTS_FILE"] = str(record)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=merged_env, timeout=timeout, cwd=str(ROOT),
                              check=False)
        results = []
        if record.exists():
            results = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line]
        return PlaybookRun(proc.returncode, proc.stdout, proc.stderr, results)


class ModuleResult(dict):
    """A module's JSON result, with its exit code (`rc`) and its raw standard output (`output`) alongside.

    Warnings read as the messages a user sees: ansible-core 2.19 reports them as events, ansible-playbook
    prints their text."""

    def __init__(self, rc, output):
        super().__init__(json.loads(output))
        self.rc = rc
        self.output = output
        if "warnings" in self:
            self["warnings"] = [w["event"]["msg"] if isinstance(w, dict) else w for w in self["warnings"]]


def run_module_in_process(module, args, capsys, check_mode=False, diff=False, no_log=False):
    """Run a module's main() in this process (its HTTP traffic and file writes stay real) and return its
    ModuleResult. Much faster than a playbook for many small cases. Tests reach it through the `run_module`
    fixture (tests/conftest.py)."""
    import pytest
    from ansible.module_utils import _internal as module_utils_internal
    from ansible.module_utils.common import warnings as module_warnings
    from ansible.module_utils.testing import patch_module_args

    params = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff, _ansible_no_log=no_log)
    capsys.readouterr()
    # Warnings are process-global in module_utils: each run starts with none, as a real module process does.
    module_warnings._global_warnings.clear()
    # Importing controller code (a filter plugin, say) marks the whole process as the controller, which sends
    # module warnings to the display instead of the result; a module process is never the controller.
    was_controller, module_utils_internal.is_controller = module_utils_internal.is_controller, False
    try:
        with patch_module_args(params), pytest.raises(SystemExit) as exited:
            module.main()
    finally:
        module_utils_internal.is_controller = was_controller
    return ModuleResult(exited.value.code or 0, capsys.readouterr().out)


class ModuleProcess:
    """A module started as Ansible starts one, in a process of its own: `python -m <module> <JSON args file>`,
    behind `prefix` when given (nsenter into a node's namespaces, say). For what the in-process runner cannot
    do: run inside another namespace, or run while the test acts on the world."""

    def __init__(self, module, args, *, check_mode=False, diff=False, prefix=()):
        handle, self.args_file = tempfile.mkstemp(prefix="module-args-", suffix=".json")
        with os.fdopen(handle, "w") as out:
            json.dump({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)}, out)
        self.process = subprocess.Popen(
            [*prefix, sys.executable, "-m", "ansible_collections.dcops.atlassian_cloud.plugins.modules." + module,
             self.args_file], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, PYTHONPATH=str(COLLECTIONS)))

    def result(self, timeout=300):
        """Wait for the module to end; its ModuleResult (a test failure when it printed no JSON). Its standard
        error stays in `self.stderr`."""
        import pytest

        try:
            stdout, self.stderr = self.process.communicate(timeout=timeout)
        finally:
            os.unlink(self.args_file)
        try:
            return ModuleResult(self.process.returncode, stdout)
        except ValueError:
            pytest.fail("the module printed no JSON result: %r %r" % (stdout, self.stderr))


class _Echo(BaseHTTPRequestHandler):
    def _answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode(errors="replace")
        payload = ("<html><body><pre>proxy error\n%s\n%s</pre>" % (self.headers, body)).encode()  # not XML: unclosed tags
        self.send_response(self.server.status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *_args):
        pass


@contextlib.contextmanager
def echoing_endpoint(status=200):
    """A loopback endpoint that does not speak the API a module expects, as a misconfigured proxy: it answers
    `status` with HTML echoing the request (its headers and body, signatures and tokens included). Yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.status = status
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield "http://127.0.0.1:%d" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def free_port():
    """A TCP port on loopback that nothing listens on now (the caller binds it soon after)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process, timeout=10):
    """Stop a server process this test session started: SIGTERM, then SIGKILL after `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
