"""Shared plumbing for the interop harness scripts (rns_peer.py, rns_hub.py).

Written for the rns-net project. It imports Python Reticulum (RNS) from PYTHONPATH and only
drives it through its public API plus a few documented, per-object attribute settings; no
Reticulum code is copied here.

Every script prints one JSON object per line on stdout (the event stream a test reads) and
sends Reticulum's own log to stderr, so the two never mix.
"""

import json
import os
import shutil
import sys
import tempfile
import threading
import time

_started = time.monotonic()
_emit_lock = threading.Lock()


def emit(event, **fields):
    """Prints one event as a JSON line; `t` is seconds since the script started."""
    record = {"event": event, "t": round(time.monotonic() - _started, 3)}
    record.update(fields)
    line = json.dumps(record, sort_keys=False)
    with _emit_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def log_to_stderr(line):
    """Reticulum log callback: keeps stdout reserved for JSON events."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except Exception:
        pass


def interface_section(kind, host, port, name="Interop", ingress_control=True, ifac=None, forward_port=None,
                      command=None):
    """Returns the [[...]] subsection text for one interface of the given kind.

    kind: "backbone" (BackboneInterface client), "tcp" (TCPClientInterface), "tcp-kiss"
    (TCPClientInterface with kiss_framing), "backbone-server" (BackboneInterface listening on
    host:port), "tcp-server" (TCPServerInterface listening on host:port) or "udp" (UDPInterface
    listening on host:port and sending to host:forward_port) or "pipe" (PipeInterface running
    `command`).

    ingress_control=False turns off Python's announce-burst hold on the interface: on an
    interface younger than 2 h, more than 3 announces per second are held back (for 15 s and
    more), which several test peers announcing at once through a shared-medium relay trigger.

    ifac: an optional dict of interface access code keys (networkname, passphrase, ifac_size)
    written into the section as they are.
    """
    if kind == "backbone":
        body = ["type = BackboneInterface", f"target_host = {host}", f"target_port = {port}"]
    elif kind == "tcp":
        body = ["type = TCPClientInterface", f"target_host = {host}", f"target_port = {port}"]
    elif kind == "tcp-kiss":
        body = ["type = TCPClientInterface", f"target_host = {host}", f"target_port = {port}",
                "kiss_framing = yes"]
    elif kind == "backbone-server":
        body = ["type = BackboneInterface", f"listen_ip = {host}", f"listen_port = {port}"]
    elif kind == "tcp-server":
        body = ["type = TCPServerInterface", f"listen_ip = {host}", f"listen_port = {port}"]
    elif kind == "udp":
        body = ["type = UDPInterface", f"listen_ip = {host}", f"listen_port = {port}",
                f"forward_ip = {host}", f"forward_port = {forward_port}"]
    elif kind == "pipe":
        body = ["type = PipeInterface", f"command = {command}", "respawn_delay = 1"]
    else:
        raise ValueError(f"unknown interface kind {kind!r}")
    if not ingress_control:
        body.append("ingress_control = no")
    for key, value in (ifac or {}).items():
        body.append(f"{key} = {value}")
    lines = [f"  [[{name}]]", "    enabled = yes"] + ["    " + entry for entry in body]
    return "\n".join(lines) + "\n"


def write_config(config_dir, transport, interface_text, loglevel):
    """Writes a minimal Reticulum config: no shared instance, so several instances can run on
    one machine without fighting over the local instance port."""
    text = (
        "[reticulum]\n"
        f"  enable_transport = {'yes' if transport else 'no'}\n"
        "  share_instance = no\n"
        "  panic_on_interface_error = no\n"
        "\n"
        "[logging]\n"
        f"  loglevel = {loglevel}\n"
        "\n"
        "[interfaces]\n" + interface_text
    )
    with open(os.path.join(config_dir, "config"), "w") as handle:
        handle.write(text)


def make_config_dir(keep):
    """Creates a private temp config dir; removed at exit unless `keep`."""
    path = tempfile.mkdtemp(prefix="rnsnet-interop-")
    if not keep:
        import atexit

        atexit.register(lambda: shutil.rmtree(path, ignore_errors=True))
    return path


def listening_port():
    """The port the (single) BackboneInterface listener of this process is bound to."""
    import RNS.Interfaces.BackboneInterface as backbone

    for _owner, server_socket in backbone.BackboneInterface.listener_filenos.values():
        return server_socket.getsockname()[1]
    return None


def watch_stdin_eof(on_eof):
    """Calls on_eof when stdin closes: the parent test process went away, so do not linger."""

    def reader():
        try:
            while True:
                chunk = sys.stdin.buffer.read1(4096) if hasattr(sys.stdin.buffer, "read1") else sys.stdin.read(1)
                if not chunk:
                    break
        except Exception:
            pass
        on_eof()

    threading.Thread(target=reader, daemon=True).start()


def finish(code, config_dir=None, keep=False):
    """Exits at once. Reticulum's own atexit handlers persist tables we do not need, and its
    daemon threads would otherwise keep a failing peer alive past its deadline."""
    sys.stdout.flush()
    sys.stderr.flush()
    if config_dir and not keep:
        shutil.rmtree(config_dir, ignore_errors=True)
    os._exit(code)


def wait_for(predicate, timeout, interval=0.05):
    """Polls predicate until it is truthy or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)

def watch_backbone_peers(stop):
    """Reports connects and disconnects of peers on a listening BackboneInterface, until stop is set."""
    import RNS

    def loop():
        known = set()
        while not stop.is_set():
            current = set()
            for interface in RNS.Transport.interfaces:
                for spawned in getattr(interface, "spawned_interfaces", None) or []:
                    current.add(spawned)
            for spawned in current - known:
                emit("peer_connected", name=str(spawned), hw_mtu=getattr(spawned, "HW_MTU", None), count=len(current))
            for spawned in known - current:
                emit("peer_disconnected", name=str(spawned), count=len(current))
            known = current
            stop.wait(0.05)

    threading.Thread(target=loop, daemon=True).start()
