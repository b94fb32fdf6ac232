"""The "cloud" peer of the egress_rule scenario: accept TCP on each given port and say hello."""

import socket
import sys
import threading


def serve(listener):
    while True:
        conn, _addr = listener.accept()
        conn.sendall(b"hello\n")
        conn.close()


for port in sys.argv[1:]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", int(port)))
    listener.listen(8)
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
threading.Event().wait()
