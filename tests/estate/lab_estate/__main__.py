"""Command line: python -m lab_estate {start,stop,status,probe} --dir DIR ...

`start` builds the estate (cleaning up a crashed earlier run in DIR first), writes DIR/inventory and prints
DIR/estate.json; `stop` removes every namespace, process and file it made; `probe` shows, per node, what real
packets from the node reach, and on Tomcat nodes what Tomcat reports for a request.
"""

from __future__ import annotations

import argparse
import json
import sys

from .estate import BACKENDS, Estate, EstateError


def _node_backend(text):
    node, sep, backend = text.partition("=")
    if not sep or backend not in BACKENDS:
        raise argparse.ArgumentTypeError("expected NODE=BACKEND with BACKEND one of %s" % ", ".join(BACKENDS))
    return node, backend


def expected(line, opened):
    """Whether a probe line shows the node closed (before the job) or opened (after it)."""
    reaches = list(line["reaches"].values())
    if reaches != [opened, False, False]:
        return False
    tomcat = line.get("tomcat")
    return tomcat is None or (tomcat["secure"], tomcat["scheme"]) == ((True, "https") if opened else (False, "http"))


def _parser():
    parser = argparse.ArgumentParser(prog="lab_estate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["start", "stop", "status", "probe"])
    parser.add_argument("--dir", default=".estate", help="working directory (state, keys, inventory)")
    parser.add_argument("--nodes", type=int, default=4, help="number of nodes in all (default 4)")
    parser.add_argument("--private-nodes", type=int, default=2,
                        help="nodes of the private Jira instance, each with a real Tomcat (default 2)")
    parser.add_argument("--backend", choices=BACKENDS, default="nftables", help="firewall of every node")
    parser.add_argument("--node-backend", type=_node_backend, action="append", default=[], metavar="NODE=BACKEND",
                        help="another firewall for one node (repeatable)")
    parser.add_argument("--sandbox-env", help="the sandbox's sandbox.json: write DIR/inventory for it")
    parser.add_argument("--no-tomcat", action="store_true", help="no Tomcat on the private instance's nodes")
    parser.add_argument("--expect", choices=["closed", "open"],
                        help="probe: fail unless every node is closed (nothing reaches out, no tunnel) or open "
                             "(only api.atlassian.com:443 reaches out; Tomcat nodes serve request.isSecure())")
    parser.add_argument("--timeout", type=float, default=180, help="start: seconds to wait for every node")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    estate = Estate(args.dir)
    try:
        if args.command == "start":
            estate.start(nodes=args.nodes, private_nodes=args.private_nodes, backend=args.backend,
                         node_backends=dict(args.node_backend), sandbox_env=args.sandbox_env,
                         tomcat=not args.no_tomcat, timeout=args.timeout)
            print(estate.state_file)
        elif args.command == "stop":
            print("stopped" if estate.stop() else "nothing to stop")
        elif args.command == "status":
            state = estate.load()
            print(json.dumps(state, indent=2) if state else "not running")
            return 0 if state else 1
        else:
            state = estate.load()
            if not state:
                print("not running", file=sys.stderr)
                return 1
            wrong = []
            for node in state["nodes"]:
                line = {"node": node["name"], "backend": node["backend"], "reaches": estate.probe_egress(node)}
                if node["tomcat"]:
                    line["tomcat"] = estate.probe_tomcat(node)
                print(json.dumps(line))
                if args.expect and not expected(line, args.expect == "open"):
                    wrong.append(node["name"])
            if wrong:
                print("lab_estate: not %s as expected: %s" % (args.expect, ", ".join(wrong)), file=sys.stderr)
                return 1
    except EstateError as exc:
        print("lab_estate: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
