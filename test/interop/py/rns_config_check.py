#!/usr/bin/env python3
"""Starts Python Reticulum on a config directory, reports its interfaces, and exits.

Written for the rns-net project (not part of Reticulum): the interop tests run one config text in
Python and in rns-net and compare what each started. Prints one JSON line: the event
`interfaces` with each interface's name, class and whether it is online, after --settle seconds.
"""

import argparse
import time

from interop_common import emit, log_to_stderr

import RNS


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", required=True, help="the config directory")
    parser.add_argument("--settle", type=float, default=2.0)
    args = parser.parse_args()
    RNS.Reticulum(configdir=args.config, loglevel=2, logdest=log_to_stderr)
    time.sleep(args.settle)
    interfaces = [
        {"name": i.name, "class": type(i).__name__, "online": bool(getattr(i, "online", False))}
        for i in RNS.Transport.interfaces
        if getattr(i, "parent_interface", None) is None
    ]
    emit("interfaces", interfaces=interfaces, transport=bool(RNS.Reticulum.transport_enabled()))
    RNS.exit()


if __name__ == "__main__":
    main()
