"""Try TLS connections from inside the "DC node" namespace; print one JSON result per target.

Usage: tls_probe.py CA_FILE JSON_TARGETS where each target is [host, port, server_name]. A result is
"ok" (handshake done and the peer said hello), or the error that stopped it (EPERM/timeout when a
firewall drops the packet).
"""

import json
import socket
import ssl
import sys
from concurrent.futures import ThreadPoolExecutor


def probe(ca_file, host, port, server_name):
    context = ssl.create_default_context(cafile=ca_file)
    try:
        with socket.create_connection((host, port), timeout=1.5) as raw:
            with context.wrap_socket(raw, server_hostname=server_name) as tls:
                return "ok" if tls.recv(6) == b"hello\n" else "bad greeting"
    except (OSError, ssl.SSLError) as exc:
        return type(exc).__name__ + ": " + str(exc)


def main():
    ca_file, targets = sys.argv[1], json.loads(sys.argv[2])
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        results = list(pool.map(lambda target: probe(ca_file, *target), targets))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
