#!/bin/sh
# dhcpcd `script` for scripts/netns/dhcp6-test.sh (dhcpcd-run-hooks(8) variables): appends one
# line per event to the record file named in the environment dhcpcd was started with. dhcpcd
# configures the address itself.
rec=${NETNS_RECORD:-/dev/null}
list() { echo "$1" | tr -s ' ' ',' | sed 's/,$//'; }
printf 'client=dhcpcd event=%s iface=%s ip6=%s dns=%s search=%s fqdn=%s server_id=%s life=%s renew=%s rebind=%s rapid_commit=%s\n' \
  "$reason" "$interface" "${new_dhcp6_ia_na1_ia_addr1:-}" "$(list "${new_dhcp6_name_servers:-}")" "$(list "${new_dhcp6_domain_search:-}")" \
  "${new_dhcp6_fqdn:-}" "${new_dhcp6_server_id:-}" "${new_dhcp6_ia_na1_ia_addr1_vltime:-}" "${new_dhcp6_ia_na1_t1:-}" "${new_dhcp6_ia_na1_t2:-}" \
  "${new_dhcp6_rapid_commit+yes}" >>"$rec"
exit 0
