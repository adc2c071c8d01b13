#!/bin/sh
# udhcpc -s hook for scripts/netns-test.sh. busybox udhcpc runs it with the event as $1
# (deconfig, bound, renew, nak, leasefail) and the lease in the environment; it appends one
# line to $NETNS_RECORD and applies the address to the interface, which lives in a throwaway
# network namespace, so that renewals (unicast from the leased address) work. It never touches
# routes, resolv.conf or the hostname.
rec=${NETNS_RECORD:-/dev/null}
event=$1
printf 'client=udhcpc event=%s iface=%s ip=%s mask=%s routers=%s hostname=%s domain=%s lease=%s server_id=%s file=%s bootfile=%s root_path=%s siaddr=%s message=%s\n' \
  "$event" "$interface" "${ip:-}" "${subnet:-}" "$(echo ${router:-} | tr ' ' ',')" \
  "${hostname:-}" "${domain:-}" "${lease:-}" "${serverid:-}" \
  "${boot_file:-}" "${bootfile:-}" "${rootpath:-}" "${siaddr:-}" "$(echo ${message:-} | tr ' ' '_')" >>"$rec"

case $event in
  deconfig)
    ip link set dev "$interface" up
    ip -4 addr flush dev "$interface" ;;
  bound|renew)
    ip -4 addr replace "$ip/${subnet:-255.255.255.255}" dev "$interface" ;;
esac
exit 0
