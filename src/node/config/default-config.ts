/**
 * The config file the node writes into an empty config directory, so that a fresh install
 * runs: one BackboneInterface server on 127.0.0.1:4242. It is Reticulum's own format, so Python
 * RNS can read it too, and its comments explain each key and how to expose the server.
 */
export const DEFAULT_CONFIG_TEXT = `# This is the rns-net config file, written because the config directory had none.
#
# It uses Reticulum's own format (the same as Python RNS's ~/.reticulum/config),
# so a config written for Python RNS can be used here as it is:
#   [section] and [[subsection]] headers, "key = value" lines, "#" comments,
#   booleans yes/no, true/false, on/off, 1/0, and comma-separated lists.


[reticulum]

# How the node forwards packets. With enable_transport it is a Reticulum
# transport node, as rnsd with "enable_transport = Yes": it checks announces,
# keeps a path table, rebroadcasts announces with the hop count raised, routes
# packets along paths and links along the link table, and answers path
# requests. Peers then see only announces from each other, not each other's
# traffic. The transport identity is kept in storage/transport_identity here
# (copy an rnsd's file there to keep its transport id).
#
# The alternative is a shared-medium relay that sends every packet to every
# other interface unchanged: "relay_mode = flood" instead of enable_transport.
# One of the two must be chosen.

enable_transport = yes

# Announce rate limits every interface inherits (seconds between a
# destination's announces; violations allowed; seconds of penalty). These are
# Python's transport defaults; 0 as the target turns the limit off.
#
# default_ar_target = 3600
# default_ar_grace = 5
# default_ar_penalty = 0
#
# Ingress control of new announces and path requests, also settable per
# interface ("ingress_control = no" there turns it off for that interface):
#
# ic_burst_freq_new = 3
# ic_burst_freq = 10
# ic_max_held_announces = 256

# Memory the node may spend on buffers, all interfaces together, in MiB:
# unfinished incoming frames (past it, the peer holding the largest one is
# disconnected) and data queued for sending (past it, packets are dropped for
# the peers with the most queued).
#
# receive_buffer_budget = 64
# send_buffer_budget = 256


[logging]

# Valid log levels are 0 through 8, as in Python RNS:
#   0: critical only    3: notices            6: debug
#   1: errors           4: info (default)     7: path logging
#   2: warnings         5: verbose            8: extreme logging

loglevel = 4


# Prometheus metrics: traffic, peers and drops per interface, the transport
# engine's counters and tables, penalties, memory and event-loop delay, at
# http://127.0.0.1:9464/metrics. Off unless enabled; every metric is listed
# in docs/metrics.md. Uncomment to serve them:
#
# [metrics]
# enabled = yes
# listen_ip = 127.0.0.1
# listen_port = 9464
#
# Series for each peer of a listener as well (at most per_peer_limit peers;
# the rest count only in their listener's sums):
#
# per_peer = no
# per_peer_limit = 100


[interfaces]

  # Each [[subsection]] below is one interface. As in Python RNS, an interface
  # starts only when it says "enabled = yes" (or "interface_enabled = yes"); a
  # section with neither is skipped.
  #
  # Every interface also accepts "mode" (or "interface_mode"): full (default),
  # gateway, access_point, pointtopoint, roaming or boundary.
  #
  # As in Python RNS, "networkname" and/or "passphrase" on an interface admit
  # only nodes configured with the same values (interface access codes), and
  # "ifac_size" sets the code length in bits (default 128; 64 on serial links).

  [[Default Backbone]]
    # A BackboneInterface without "remote" (or "target_host") is a server:
    # Python RNS nodes connect to it with a BackboneInterface or a
    # TCPClientInterface pointing at this address and port.
    type = BackboneInterface
    enabled = yes

    # Where to listen. 127.0.0.1 accepts connections from this machine only.
    # To accept peers from the network, change the listen_ip line to:
    #   listen_ip = 0.0.0.0
    listen_ip = 127.0.0.1
    listen_port = 4242

    # Optional limits. Each can also be changed while the node runs, for example:
    #   rns-net config set "backbone.Default Backbone.idle_timeout_secs" 30
    #
    # Most simultaneous inbound connections (all addresses together);
    # 0 or absent = no cap.
    # max_connections = 256
    #
    # Disconnect a peer that sends nothing within this many seconds of
    # connecting; 0 or absent = never.
    # idle_timeout = 30
    #
    # Disconnect a peer that takes none of the data sent to it for this many
    # seconds (a peer that reads slowly only has packets dropped); 0 = never.
    # Default 30.
    # write_stall_timeout = 30
    #
    # Longest blacklist, in seconds, any penalty or operator request can set;
    # 0 or absent = no cap.
    # max_penalty_duration = 3600

  # A client: connect out to another Backbone (or TCP server) interface and
  # relay between it and the others. Uncomment it and put the real host in
  # "remote" (192.0.2.10 is a documentation address).
  #
  # [[Upstream Backbone]]
  #   type = BackboneInterface
  #   enabled = yes
  #   remote = 192.0.2.10
  #   target_port = 4242
  #   # Reconnect when the remote takes none of our data for this many
  #   # seconds (it stopped reading); 0 = off. Default 30.
  #   write_stall_timeout = 30
`;
