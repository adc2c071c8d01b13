#!/bin/sh
# dhclient -sf hook for scripts/netns-test.sh. dhclient runs it at every state change with the
# lease in the environment (dhclient-script(8)); it appends one line to $NETNS_RECORD (passed
# with `dhclient -e NETNS_RECORD=FILE`) and applies the address to the interface, which lives
# in a throwaway network namespace, so that renewals (unicast from the leased address) work.
# It never touches routes, resolv.conf or the hostname.
rec=${NETNS_RECORD:-/dev/null}
printf 'client=dhclient event=%s iface=%s ip=%s mask=%s routers=%s hostname=%s domain=%s lease=%s server_id=%s file=%s bootfile=%s root_path=%s siaddr=%s old_ip=%s\n' \
  "$reason" "$interface" "${new_ip_address:-}" "${new_subnet_mask:-}" "$(echo ${new_routers:-} | tr ' ' ',')" \
  "${new_host_name:-}" "${new_domain_name:-}" "${new_dhcp_lease_time:-}" "${new_dhcp_server_identifier:-}" \
  "${new_filename:-}" "${new_bootfile_name:-}" "${new_root_path:-}" "${new_next_server:-}" "${old_ip_address:-}" >>"$rec"

case $reason in
  PREINIT)
    ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    if [ "${old_ip_address:-}" != "$new_ip_address" ]; then
      ip -4 addr flush dev "$interface"
    fi
    ip -4 addr replace "$new_ip_address/${new_subnet_mask:-32}" dev "$interface" ;;
  EXPIRE|FAIL|RELEASE|STOP)
    ip -4 addr flush dev "$interface" ;;
esac
exit 0
