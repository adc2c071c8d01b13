#!/bin/sh
# The container image's HEALTHCHECK (Containerfile): the original's documented check,
# `dhcping -qs <srv> -c <srv>` (spec coresmd-dhcp §9). dhcping unicasts a DHCPREQUEST to <srv>
# from <srv> itself; any running `coresmd dhcp` that serves the interface holding <srv> answers.
#
# <srv> is $DHCP_SERVER when set, else the server_id of the config ($CORESMD_CONFIG, default
# /etc/coredhcp/config.yaml). A config without server_id (a multi-homed server) needs
# DHCP_SERVER=<the address of an interface it serves>. 127.0.0.1 works only when the config
# listens on loopback: raw sockets serve the interfaces they are bound to, and loopback is not one.
#
# Only shell builtins besides dhcping: the image has no other tools. Exit 0: healthy.
config=${CORESMD_CONFIG:-/etc/coredhcp/config.yaml}
srv=${DHCP_SERVER:-}
if [ -z "$srv" ] && [ -r "$config" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      *server_id:*)
        v=${line#*server_id:}
        v=${v%%#*}
        for word in $v; do v=$word; break; done
        v=${v#\"}; v=${v%\"}; v=${v#\'}; v=${v%\'}
        # server6's server_id is a DUID (`LL 00:de:ad:be:ef:00`): only an IPv4 address will do.
        case $v in
          '' | *[!0-9.]*) ;;
          *) srv=$v; break ;;
        esac ;;
    esac
  done <"$config"
fi
if [ -z "$srv" ]; then
  echo "coresmd-healthcheck: no server address: set DHCP_SERVER or a server_id in $config" >&2
  exit 1
fi
exec /usr/sbin/dhcping -q -t "${DHCPING_TIMEOUT:-5}" -s "$srv" -c "$srv"
