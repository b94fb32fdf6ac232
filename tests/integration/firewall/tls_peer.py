"""The "cloud" side of the egress tests: a TLS server on every given port, IPv4 and IPv6 (run inside a netns).

Usage: tls_peer.py CERT KEY PORT [PORT...]; prints "ready" once listening, answers "hello" after the handshake.
"""

import socket
import ssl
import sys
import threading


def serve(listener, context):
    while True:
        conn, _addr = listener.accept()
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"hello\n")
        except (OSError, ssl.SSLError):
            conn.close()


def main():
    cert, key, ports = sys.argv[1], sys.argv[2], [int(p) for p in sys.argv[3:]]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    for port in ports:
        listener = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("::", port))
        listener.listen(16)
        threading.Thread(target=serve, args=(listener, context), daemon=True).start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
