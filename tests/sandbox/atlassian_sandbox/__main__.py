"""Command line: python -m atlassian_sandbox {serve,start,stop,status} [--dir DIR] ...

`start` runs the sandbox in the background and returns once every persona answers; it prints the
environment file (URLs, CA path, test credentials). `stop` ends it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .server import Sandbox, serve_forever

ENV_NAME = "sandbox.json"


def _parser():
    parser = argparse.ArgumentParser(prog="atlassian_sandbox", description=__doc__)
    parser.add_argument("command", choices=["serve", "start", "stop", "status"])
    parser.add_argument("--dir", default=".sandbox", help="working directory (env file, CA, log)")
    parser.add_argument("--plain-http", action="store_true", help="serve HTTP instead of HTTPS")
    parser.add_argument("--port-base", type=int, default=0, help="first port (personas take consecutive ports)")
    parser.add_argument("--state-file", help="keep state in this JSON file so it survives a restart")
    parser.add_argument("--timeout", type=float, default=30.0, help="start: seconds to wait for readiness")
    return parser


def serve(args):
    # Absolute, so sandbox.json's ca_path works from any directory a playbook runs in.
    workdir = Path(args.dir).resolve()
    sandbox = Sandbox(workdir, scheme="http" if args.plain_http else "https", port_base=args.port_base,
                      state_file=args.state_file)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        loop.run_until_complete(serve_forever(sandbox, workdir / ENV_NAME, stop))
    finally:
        (workdir / ENV_NAME).unlink(missing_ok=True)
        loop.close()


def start(args):
    workdir = Path(args.dir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    env_file = workdir / ENV_NAME
    if env_file.exists():
        stop(args)
    cmd = [sys.executable, "-m", "atlassian_sandbox", "serve", "--dir", str(workdir),
           "--port-base", str(args.port_base)]
    if args.plain_http:
        cmd.append("--plain-http")
    if args.state_file:
        cmd += ["--state-file", args.state_file]
    log = open(workdir / "sandbox.log", "ab")
    search_path = [str(Path(__file__).resolve().parent.parent)] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(search_path))
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if env_file.exists():
            print(env_file.read_text(encoding="utf-8"))
            return 0
        if proc.poll() is not None:
            sys.stderr.write(f"sandbox exited with {proc.returncode}; see {workdir / 'sandbox.log'}\n")
            return 1
        time.sleep(0.1)
    proc.terminate()
    sys.stderr.write("sandbox did not become ready in time\n")
    return 1


def stop(args):
    env_file = Path(args.dir) / ENV_NAME
    if not env_file.exists():
        return 0
    pid = json.loads(env_file.read_text(encoding="utf-8"))["pid"]
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        env_file.unlink(missing_ok=True)
        return 0
    for _attempt in range(100):
        if not env_file.exists():
            return 0
        time.sleep(0.05)
    env_file.unlink(missing_ok=True)
    return 0


def status(args):
    env_file = Path(args.dir) / ENV_NAME
    if not env_file.exists():
        print("not running")
        return 1
    print(env_file.read_text(encoding="utf-8"))
    return 0


def main(argv=None):
    args = _parser().parse_args(argv)
    return {"serve": serve, "start": start, "stop": stop, "status": status}[args.command](args) or 0


if __name__ == "__main__":
    sys.exit(main())
