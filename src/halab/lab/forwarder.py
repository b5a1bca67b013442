"""Publish lab addresses on loopback ports of this machine, so a person can browse the lab.

Run by the supervisor as `python -m halab.lab.forwarder --netns NS --map LISTEN=TARGET ...`.
It binds every LISTEN address (such as 127.0.0.1:8080) in the machine's own namespace, then
moves itself into the namespace NS with setns(2). Sockets keep the namespace they were created
in, so the listeners stay on the machine's loopback while every outgoing connection to a TARGET
(such as the web VIP 198.18.0.100:80) is made from inside NS.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import os
import socket
import threading

log = logging.getLogger(__name__)

CLONE_NEWNET = 0x40000000
BUFFER_BYTES = 65536
CONNECT_TIMEOUT_S = 5.0


def parse_endpoint(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


def enter_namespace(namespace: str) -> None:
    """Move this process into the named network namespace (Python 3.11 has no os.setns)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{namespace}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"setns into {namespace} failed: {os.strerror(errno)}")
    finally:
        os.close(fd)


def pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(BUFFER_BYTES):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def relay(client: socket.socket, target: tuple[str, int]) -> None:
    try:
        upstream = socket.create_connection(target, timeout=CONNECT_TIMEOUT_S)
    except OSError as exc:
        log.warning("connecting to %s:%d failed: %s", *target, exc)
        client.close()
        return
    upstream.settimeout(None)
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    pipe(upstream, client)
    client.close()
    upstream.close()


def serve(listener: socket.socket, target: tuple[str, int]) -> None:
    while True:
        client, _ = listener.accept()
        threading.Thread(target=relay, args=(client, target), daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description="Forward loopback ports into a lab namespace.")
    parser.add_argument("--netns", required=True, help="namespace the targets are reached from")
    parser.add_argument("--map", action="append", required=True, metavar="LISTEN=TARGET",
                        help="for example 127.0.0.1:8080=198.18.0.100:80")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s: %(message)s")
    routes = []
    for mapping in args.map:
        listen, _, target = mapping.partition("=")
        listener = socket.create_server(parse_endpoint(listen), reuse_port=False)
        routes.append((listener, parse_endpoint(target)))
        log.info("forwarding %s to %s", listen, target)
    enter_namespace(args.netns)
    for listener, target in routes[1:]:
        threading.Thread(target=serve, args=(listener, target), daemon=True).start()
    serve(*routes[0])


if __name__ == "__main__":
    main()
