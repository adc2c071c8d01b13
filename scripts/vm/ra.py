#!/usr/bin/env python3
"""IPv6 router advertisements for the VM boot test (scripts/vm-boot-test.sh), run inside its
server namespace on the bridge the VMs are plugged into.

Every iPXE `dhcp` also runs IPv6 autoconfiguration and waits (about 13 s) for a router
advertisement before it reports the interface configured. This sends an RA with no prefix, a
router lifetime of 0 (not a default router) and the M and O flags clear ("no DHCPv6 here"),
which completes iPXE's IPv6 step at once. It answers each router solicitation and also sends one
every second. IPv4 booting is unaffected.

    python3 scripts/vm/ra.py IFNAME

Stops on SIGTERM. Needs root (a raw ICMPv6 socket); the kernel fills in the ICMPv6 checksum.
"""
import select
import signal
import socket
import struct
import sys
import time

RS, RA = 133, 134


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: ra.py IFNAME", file=sys.stderr)
        return 2
    ifname = sys.argv[1]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ifindex = socket.if_nametoindex(ifname)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    # Solicitations go to all-routers (ff02::2), a group a non-forwarding host does not join.
    mreq = socket.inet_pton(socket.AF_INET6, "ff02::2") + struct.pack("@I", ifindex)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    # type, code, checksum (kernel), cur hop limit, flags (M=0 O=0), router lifetime 0,
    # reachable time 0, retrans timer 0; no options.
    ra = struct.pack("!BBHBBHII", RA, 0, 0, 64, 0, 0, 0, 0)
    sent = 0
    last = 0.0
    while True:
        now = time.monotonic()
        if now - last >= 1.0:
            last = now
            try:
                s.sendto(ra, ("ff02::1", 0, 0, ifindex))
                sent += 1
                if sent == 1:
                    print(f"ra: first router advertisement sent on {ifname}", flush=True)
            except OSError:
                pass  # no link-local address yet (the bridge gets one once a port has carrier)
        r, _, _ = select.select([s], [], [], max(0.0, 1.0 - (time.monotonic() - last)))
        if not r:
            continue
        data, src = s.recvfrom(2048)
        if data and data[0] == RS:
            try:
                s.sendto(ra, ("ff02::1", 0, 0, ifindex))
                print(f"ra: answered a router solicitation from {src[0]}", flush=True)
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
