"""A TCP forwarder whose listening socket lives in another network namespace: `python netns_forward.py NETNS
LISTEN_HOST:PORT TARGET_HOST:PORT`, run from the root namespace.

The many-machines test (test_many_machines.py) gives its database host an address in a namespace of its own, while
the PostgreSQL server of the machine listens on 127.0.0.1 only (and is not reconfigured). This process enters the
namespace just long enough to open its listening socket there (setns(2) on this thread), comes back, and relays
every connection to the target through the root namespace's loopback. It prints "ready" once listening and runs
until killed. Standard library only; Linux only."""

import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)}")


def listen_in(netns: str, host: str, port: int) -> socket.socket:
    """A listening socket made inside the named namespace (/run/netns/NAME); this thread comes back afterwards."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    try:
        _setns(target)
        try:
            return socket.create_server((host, port), backlog=64)
        finally:
            _setns(home)
    finally:
        os.close(target)
        os.close(home)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:  # one side closed (a killed client included): close both, so the server ends its session
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _relay(client: socket.socket, target: tuple[str, int]) -> None:
    try:
        upstream = socket.create_connection(target, timeout=10)
    except OSError:
        client.close()
        return
    upstream.settimeout(None)
    for sock in (client, upstream):  # relay each message at once, as the client and the server themselves do
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    back = threading.Thread(target=_pump, args=(upstream, client), daemon=True)
    back.start()
    _pump(client, upstream)
    back.join()
    client.close()
    upstream.close()


def main(argv: list[str]) -> None:
    netns, listen, target = argv
    host, port = listen.rsplit(":", 1)
    to_host, to_port = target.rsplit(":", 1)
    server = listen_in(netns, host, int(port))
    print("ready", flush=True)
    while True:
        client, _ = server.accept()
        threading.Thread(target=_relay, args=(client, (to_host, int(to_port))), daemon=True).start()


if __name__ == "__main__":
    main(sys.argv[1:])
