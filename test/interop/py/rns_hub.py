#!/usr/bin/env python3
"""A Python Reticulum transport node with one BackboneInterface server, as a hub for rns-net's
interop tests (the reference the rns-net relay is compared against).

Written for the rns-net project (not part of Reticulum). Run with PYTHONPATH pointing at an
unpacked Reticulum. Prints JSON lines on stdout: `ready` (with the bound `port`), then
`peer_connected` / `peer_disconnected`. `ready` also names the transport id and the file it is kept in
(`storage/transport_identity`, removed at exit unless --keep). Exits when stdin closes or on SIGTERM/SIGINT.
"""

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from interop_common import (  # noqa: E402
    emit,
    finish,
    interface_section,
    listening_port,
    log_to_stderr,
    make_config_dir,
    watch_backbone_peers,
    watch_stdin_eof,
    write_config,
)

import RNS  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port (reported in `ready`)")
    parser.add_argument("--loglevel", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    config_dir = make_config_dir(args.keep)
    write_config(config_dir, transport=True, interface_text=interface_section("backbone-server", args.host, args.port, "Hub"),
                 loglevel=args.loglevel)
    RNS.Reticulum(configdir=config_dir, loglevel=args.loglevel, logdest=log_to_stderr)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    watch_stdin_eof(stop.set)

    emit("ready", port=listening_port(), transport=True, transport_id=RNS.Transport.identity.hash.hex(),
         identity_file=os.path.join(config_dir, "storage", "transport_identity"))
    watch_backbone_peers(stop)
    stop.wait()
    finish(0, config_dir, args.keep)


if __name__ == "__main__":
    main()
