#!/bin/sh
# dhclient -6 -sf hook for scripts/netns/dhcp6-test.sh. dhclient runs it at every state change
# with the lease in the environment (dhclient-script(8)); it appends one line to $NETNS_RECORD
# (passed with `dhclient -e NETNS_RECORD=FILE`), lists joined with commas, and adds the address
# to the interface (in a throwaway namespace) so RENEW, CONFIRM and RELEASE have one to name.
rec=${NETNS_RECORD:-/dev/null}
list() { echo "$1" | tr -s ' ' ',' | sed 's/,$//'; }
printf 'client=dhclient6 event=%s iface=%s ip6=%s dns=%s search=%s fqdn=%s bootfile=%s server_id=%s life=%s renew=%s rebind=%s\n' \
  "$reason" "$interface" "${new_ip6_address:-}" "$(list "${new_dhcp6_name_servers:-}")" "$(list "${new_dhcp6_domain_search:-}")" \
  "${new_fqdn_fqdn:-}" "${new_dhcp6_bootfile_url:-}" "${new_dhcp6_server_id:-}" "${new_max_life:-}" "${new_renew:-}" "${new_rebind:-}" >>"$rec"
case $reason in
  BOUND6|RENEW6|REBIND6|REBOOT6)
    [ -n "${new_ip6_address:-}" ] && ip -6 addr replace "$new_ip6_address/128" dev "$interface" nodad ;;
  EXPIRE6|RELEASE6|STOP6)
    [ -n "${old_ip6_address:-}" ] && ip -6 addr del "$old_ip6_address/128" dev "$interface" 2>/dev/null ;;
esac
exit 0
