#!/usr/bin/env python3
"""One Python Reticulum instance playing a scripted role, for rns-net's interop tests.

Written for the rns-net project (not part of Reticulum). Run with PYTHONPATH pointing at an
unpacked Reticulum source tree (or with RNS installed). Every observation is printed on stdout
as one JSON line; Reticulum's log goes to stderr.

Roles
  server  create a destination (APP.server by default), announce it, prove every packet
          (PROVE_ALL), accept links, answer requests on /echo, accept every resource and report
          its size and sha256. Runs until stdin closes, SIGTERM, or --lifetime passes.
  client  announce an own destination (so the far side can observe a live announce), find the
          path to --dest (path request), send one packet and wait for its proof, establish a
          link, send a request and check the echo, idle until link keepalives were exchanged,
          send a random resource and wait for its completion; print a summary and exit 0, or
          an error event and exit 1. Every step is bounded by --step-timeout, the whole run by
          --timeout.

Interfaces (--interface)
  backbone         BackboneInterface client to --host:--port
  tcp              TCPClientInterface to --host:--port
  tcp-kiss         TCPClientInterface with kiss_framing to --host:--port
  tcp-server       TCPServerInterface on --host:--port
  udp              UDPInterface listening on --host:--port, sending to --host:--forward-port
  pipe             PipeInterface running --pipe-command
  backbone-server  BackboneInterface server on --host:--port (0 = any free port; the bound port
                   is reported in the `listening` event). Connected peers are reported as
                   `peer_connected` / `peer_disconnected` events.
"""

import argparse
import hashlib
import os
import signal
import sys
import threading
import time

from interop_common import (
    emit,
    finish,
    interface_section,
    listening_port,
    log_to_stderr,
    make_config_dir,
    wait_for,
    watch_backbone_peers,
    watch_stdin_eof,
    write_config,
)

import RNS

APP_NAME = "rnsnet_interop"
ECHO_PATH = "/echo"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--role", choices=["server", "client"], required=True)
    parser.add_argument("--interface", choices=["backbone", "tcp", "tcp-kiss", "tcp-server", "udp", "pipe", "backbone-server"],
                        required=True)
    parser.add_argument("--forward-port", type=int, help="udp: the port datagrams are sent to")
    parser.add_argument("--pipe-command", help="pipe: the command the PipeInterface runs")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--aspect", default="server", help="destination aspect of the server")
    parser.add_argument("--dest", help="client: hex hash of the server destination")
    parser.add_argument("--resource-size", type=int, default=3 * 1024 * 1024)
    parser.add_argument("--keepalive", type=float, default=1.0, help="link keepalive interval (s), 0 = library default")
    parser.add_argument("--keepalives", type=int, default=2, help="client: answered keepalives to wait for")
    parser.add_argument("--announce-interval", type=float, default=0, help="server: re-announce period (s), 0 = once")
    parser.add_argument("--step-timeout", type=float, default=15)
    parser.add_argument("--timeout", type=float, default=90, help="hard limit for the whole run (s)")
    parser.add_argument("--lifetime", type=float, default=0, help="server: exit after this many seconds, 0 = never")
    parser.add_argument("--ingress-control", choices=["yes", "no"], default="no",
                        help="Python's announce-burst hold on the interface (default off: test peers "
                             "announce in bursts)")
    parser.add_argument("--networkname", help="interface access code: network name")
    parser.add_argument("--passphrase", help="interface access code: passphrase")
    parser.add_argument("--ifac-size", type=int, help="interface access code length in bits")
    parser.add_argument("--loglevel", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the temp config dir")
    return parser.parse_args()


class Failure(Exception):
    """A step of the client script did not complete."""

    def __init__(self, step, message):
        super().__init__(message)
        self.step = step


class AnnounceReporter:
    """Reports every announce Reticulum accepts (live ones and path responses)."""

    aspect_filter = None
    receive_path_responses = True

    def __init__(self, own_hashes):
        self.own_hashes = own_hashes
        self.seen = {}

    def received_announce(self, destination_hash, announced_identity, app_data):
        if destination_hash in self.own_hashes:
            return
        self.seen[destination_hash] = time.monotonic()
        emit(
            "announce",
            hash=destination_hash.hex(),
            identity=announced_identity.hash.hex() if announced_identity else None,
            app_data=app_data.decode("utf-8", "replace") if app_data else None,
            hops=RNS.Transport.hops_to(destination_hash),
            next_hop=(RNS.Transport.next_hop(destination_hash) or b"").hex() or None,
        )


def tune_keepalive(link, interval):
    """Shortens the keepalive interval of one link so a test sees keepalives within seconds.

    Reticulum computes `link.keepalive` from the RTT when the link becomes active (at least
    Link.KEEPALIVE_MIN = 5 s) and its watchdog reads the attribute on every round, so setting it
    on the link object after establishment takes effect without touching the library. The stale
    time is kept generous so a busy machine does not tear the link down mid-test.
    """
    if interval <= 0:
        return
    link.keepalive = interval
    link.stale_time = max(20.0, interval * 8)


def shorten_watchdog_sleep(interval):
    """The link watchdog sleeps up to Link.WATCHDOG_MAX_SLEEP (5 s) between rounds and reads the
    class attribute each round; lowering it for this process makes a shortened keepalive take
    effect at once instead of after the sleep that was already computed."""
    if interval > 0:
        RNS.Link.WATCHDOG_MAX_SLEEP = min(RNS.Link.WATCHDOG_MAX_SLEEP, max(0.25, interval))


def interface_facts():
    """What this instance's interfaces look like (type, online, hardware MTU)."""
    facts = []
    for interface in RNS.Transport.interfaces:
        facts.append(
            {
                "name": str(interface),
                "type": type(interface).__name__,
                "online": bool(getattr(interface, "online", False)),
                "hw_mtu": getattr(interface, "HW_MTU", None),
                "bitrate": getattr(interface, "bitrate", None),
            }
        )
    return facts


def start_reticulum(args, config_dir):
    ifac = {key: value for key, value in (("networkname", args.networkname), ("passphrase", args.passphrase),
                                           ("ifac_size", args.ifac_size)) if value is not None}
    interface_text = interface_section(args.interface, args.host, args.port,
                                       ingress_control=args.ingress_control == "yes", ifac=ifac,
                                       forward_port=args.forward_port, command=args.pipe_command)
    write_config(config_dir, transport=False, interface_text=interface_text, loglevel=args.loglevel)
    reticulum = RNS.Reticulum(configdir=config_dir, loglevel=args.loglevel, logdest=log_to_stderr)
    return reticulum


def wait_online(args):
    def online():
        return any(getattr(interface, "online", False) for interface in RNS.Transport.interfaces)

    if not wait_for(online, args.step_timeout):
        raise Failure("interface", f"interface did not come online within {args.step_timeout} s")
    emit("interface_up", interfaces=interface_facts())




# ---------------------------------------------------------------------------------------------
# server role


def run_server(args, identity, stop):
    destination = RNS.Destination(identity, RNS.Destination.IN, RNS.Destination.SINGLE, APP_NAME, args.aspect)
    destination.set_proof_strategy(RNS.Destination.PROVE_ALL)
    RNS.Transport.register_announce_handler(AnnounceReporter({destination.hash}))

    def on_packet(data, packet):
        emit("packet", data=data.decode("utf-8", "replace"), size=len(data), hops=packet.hops)

    destination.set_packet_callback(on_packet)

    def on_request(path, data, request_id, link_id, remote_identity, requested_at):
        size = len(data) if isinstance(data, (bytes, bytearray)) else None
        emit("request", path=path, size=size, link_id=link_id.hex())
        return data

    destination.register_request_handler(ECHO_PATH, response_generator=on_request, allow=RNS.Destination.ALLOW_ALL)

    def on_link(link):
        tune_keepalive(link, args.keepalive)
        link.set_resource_strategy(RNS.Link.ACCEPT_ALL)
        emit("link_established", link_id=link.link_id.hex(), mtu=link.get_mtu(), mdu=link.get_mdu(), rtt=link.rtt)

        def on_link_packet(data, packet):
            emit("link_packet", link_id=link.link_id.hex(), size=len(data))

        def on_resource_started(resource):
            emit("resource_started", link_id=link.link_id.hex(), size=resource.total_size, parts=resource.total_parts,
                 segments=resource.total_segments)

        def on_resource_concluded(resource):
            data = resource.data
            digest = hashlib.sha256()
            size = 0
            if hasattr(data, "read"):
                data.seek(0)
                while True:
                    chunk = data.read(1 << 20)
                    if not chunk:
                        break
                    digest.update(chunk)
                    size += len(chunk)
            elif isinstance(data, (bytes, bytearray)):
                digest.update(data)
                size = len(data)
            emit("resource_concluded", link_id=link.link_id.hex(), ok=resource.status == RNS.Resource.COMPLETE,
                 status=resource.status, size=size, sha256=digest.hexdigest())

        def on_closed(closed_link):
            emit("link_closed", link_id=closed_link.link_id.hex(), reason=closed_link.teardown_reason)

        link.set_packet_callback(on_link_packet)
        link.set_resource_started_callback(on_resource_started)
        link.set_resource_concluded_callback(on_resource_concluded)
        link.set_link_closed_callback(on_closed)
        watch_keepalive_replies(link)

    destination.set_link_established_callback(on_link)

    app_data = b"rnsnet-interop-server"
    destination.announce(app_data=app_data)
    facts = {"interfaces": interface_facts()}
    if args.interface == "backbone-server":
        facts["port"] = listening_port()
    emit("ready", hash=destination.hash.hex(), identity=identity.hash.hex(), **facts)

    deadline = time.monotonic() + args.lifetime if args.lifetime > 0 else None
    next_announce = time.monotonic() + args.announce_interval if args.announce_interval > 0 else None
    while not stop.is_set():
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            break
        if next_announce is not None and now >= next_announce:
            destination.announce(app_data=app_data)
            emit("announced", hash=destination.hash.hex())
            next_announce = now + args.announce_interval
        stop.wait(0.1)
    return 0


def watch_keepalive_replies(link):
    """Reports each keepalive answer (0xFE) the server side sends: Reticulum records the send
    time in `link.last_keepalive`, so a change means one more answered keepalive."""

    def loop():
        last = link.last_keepalive
        count = 0
        while link.status != RNS.Link.CLOSED:
            if link.last_keepalive != last:
                last = link.last_keepalive
                count += 1
                emit("keepalive_reply", link_id=link.link_id.hex(), count=count)
            time.sleep(0.05)

    threading.Thread(target=loop, daemon=True).start()


# ---------------------------------------------------------------------------------------------
# client role


def run_client(args, identity):
    if not args.dest:
        raise Failure("args", "--dest is required for the client role")
    dest_hash = bytes.fromhex(args.dest)
    results = {}
    started = time.monotonic()

    own = RNS.Destination(identity, RNS.Destination.IN, RNS.Destination.SINGLE, APP_NAME, "client")
    own.set_proof_strategy(RNS.Destination.PROVE_ALL)
    reporter = AnnounceReporter({own.hash})
    RNS.Transport.register_announce_handler(reporter)
    own.announce(app_data=b"rnsnet-interop-client")
    emit("announced", hash=own.hash.hex())

    # Path: ask, and ask again every 2 s (a request can be lost while the hub is still settling).
    step_start = time.monotonic()
    requests = 0
    next_request = 0.0
    while not RNS.Transport.has_path(dest_hash):
        now = time.monotonic()
        if now - step_start > args.step_timeout:
            raise Failure("path", f"no path to {args.dest} after {requests} path requests")
        if now >= next_request:
            RNS.Transport.request_path(dest_hash)
            requests += 1
            next_request = now + 2.0
        time.sleep(0.05)
    next_hop = RNS.Transport.next_hop(dest_hash)
    results["path"] = {"hops": RNS.Transport.hops_to(dest_hash), "requests": requests,
                       "next_hop": next_hop.hex() if next_hop else None,
                       "seconds": round(time.monotonic() - step_start, 3)}
    emit("path", hash=args.dest, **results["path"])

    server_identity = RNS.Identity.recall(dest_hash)
    if server_identity is None:
        raise Failure("path", "path known but identity not recalled")
    destination = RNS.Destination(server_identity, RNS.Destination.OUT, RNS.Destination.SINGLE, APP_NAME, args.aspect)
    if destination.hash != dest_hash:
        raise Failure("path", f"--dest does not match {APP_NAME}.{args.aspect} for the announced identity")

    # Single packet, proven by the server (PROVE_ALL).
    payload = ("ping " + os.urandom(8).hex()).encode()
    proven = threading.Event()
    receipt = RNS.Packet(destination, payload).send()
    if not receipt:
        raise Failure("packet", "packet could not be sent")
    receipt.set_timeout(args.step_timeout)
    receipt.set_delivery_callback(lambda r: proven.set())
    # On loopback the proof can arrive before the callback above is attached, and a receipt
    # does not call a late-registered callback: check the receipt's status as well.
    delivered = lambda: proven.is_set() or receipt.status == RNS.PacketReceipt.DELIVERED
    if not wait_for(delivered, args.step_timeout):
        raise Failure("packet", f"no proof for the single packet (receipt status {receipt.status})")
    results["packet"] = {"data": payload.decode(), "rtt": receipt.get_rtt()}
    emit("packet_proven", **results["packet"])

    # Link.
    established = threading.Event()
    closed = threading.Event()
    link = RNS.Link(destination, established_callback=lambda l: established.set(),
                    closed_callback=lambda l: closed.set())
    if not established.wait(args.step_timeout):
        raise Failure("link", f"link not established (status {link.status})")
    tune_keepalive(link, args.keepalive)
    results["link"] = {"link_id": link.link_id.hex(), "mtu": link.get_mtu(), "mdu": link.get_mdu(), "rtt": link.rtt}
    emit("link_established", **results["link"])

    # Request on the link, answered by the echo handler.
    request_data = os.urandom(64)
    answered = threading.Event()
    failed = threading.Event()
    response = {}

    def on_response(request_receipt):
        response["data"] = request_receipt.response
        answered.set()

    link.request(ECHO_PATH, data=request_data, response_callback=on_response,
                 failed_callback=lambda r: failed.set(), timeout=args.step_timeout)
    wait_for(lambda: answered.is_set() or failed.is_set() or closed.is_set(), args.step_timeout)
    if not answered.is_set():
        raise Failure("request", "request failed or timed out")
    if response.get("data") != request_data:
        raise Failure("request", "echo response differs from the request data")
    results["request"] = {"size": len(request_data)}
    emit("response", **results["request"])

    # Keepalives: stay idle until the initiator's keepalive (0xFF) was sent and answered (0xFE)
    # args.keepalives times. Keepalive packets are byte-for-byte identical, so a relay that
    # deduplicates them lets only the first through and this step fails.
    if args.keepalives > 0:
        step_start = time.monotonic()
        limit = args.step_timeout + 6 + args.keepalives * max(args.keepalive, 1) * 2
        sent_at = []
        answered_count = 0
        last_seen = link.last_keepalive
        pending = None
        while answered_count < args.keepalives:
            if closed.is_set():
                raise Failure("keepalive", "link closed while waiting for keepalives")
            if time.monotonic() - step_start > limit:
                raise Failure("keepalive", f"{answered_count} of {args.keepalives} keepalives answered "
                                           f"({len(sent_at)} sent) within {limit:.0f} s")
            if link.last_keepalive != last_seen:
                last_seen = link.last_keepalive
                sent_at.append(last_seen)
                pending = last_seen
            if pending is not None and link.last_inbound > pending:
                answered_count += 1
                emit("keepalive", count=answered_count, rtt=round(link.last_inbound - pending, 4))
                pending = None
            time.sleep(0.02)
        results["keepalive"] = {"sent": len(sent_at), "answered": answered_count,
                                "interval": link.keepalive, "seconds": round(time.monotonic() - step_start, 3)}

    # Resource: random bytes, so compression cannot shrink it, sent over the link.
    if args.resource_size > 0:
        data = os.urandom(args.resource_size)
        digest = hashlib.sha256(data).hexdigest()
        done = threading.Event()
        step_start = time.monotonic()
        resource = RNS.Resource(data, link, callback=lambda r: done.set(), auto_compress=False)
        limit = args.step_timeout + args.resource_size / (256 * 1024)
        wait_for(lambda: done.is_set() or closed.is_set(), limit)
        if not done.is_set():
            raise Failure("resource", f"resource not concluded within {limit:.0f} s "
                                      f"(status {resource.status}, progress {resource.get_progress():.2f})")
        if resource.status != RNS.Resource.COMPLETE:
            raise Failure("resource", f"resource concluded with status {resource.status}")
        seconds = time.monotonic() - step_start
        results["resource"] = {"size": len(data), "sha256": digest, "seconds": round(seconds, 3),
                               "segments": resource.total_segments}
        emit("resource_sent", **results["resource"])

    link.teardown()
    emit("summary", ok=True, seconds=round(time.monotonic() - started, 3), **results)
    return 0


def main():
    args = parse_args()
    config_dir = make_config_dir(args.keep)
    stop = threading.Event()

    def hard_deadline():
        emit("error", step="timeout", message=f"run exceeded --timeout {args.timeout} s")
        finish(3, config_dir, args.keep)

    timer = threading.Timer(args.timeout, hard_deadline)
    timer.daemon = True
    timer.start()

    try:
        start_reticulum(args, config_dir)
        # Reticulum installs its own SIGTERM/SIGINT handlers; ours exits at once instead.
        signal.signal(signal.SIGTERM, lambda *_: stop.set() if args.role == "server" else finish(0, config_dir, args.keep))
        signal.signal(signal.SIGINT, lambda *_: stop.set() if args.role == "server" else finish(0, config_dir, args.keep))
        watch_stdin_eof(stop.set if args.role == "server" else (lambda: finish(4, config_dir, args.keep)))
        if args.interface == "backbone-server":
            emit("listening", port=listening_port())
            watch_backbone_peers(stop)
        wait_online(args)
        shorten_watchdog_sleep(args.keepalive)
        identity = RNS.Identity()
        if args.role == "server":
            code = run_server(args, identity, stop)
        else:
            code = run_client(args, identity)
    except Failure as failure:
        emit("error", step=failure.step, message=str(failure))
        code = 1
    except Exception as exc:  # report, never hang
        emit("error", step="exception", message=f"{type(exc).__name__}: {exc}")
        code = 2
    finish(code, config_dir, args.keep)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
