# Helpers for scripts/netns-test.sh (sourced). Everything created here is recorded so the EXIT
# trap can remove it: processes by PID, namespaces and links by the names chosen (all carry the
# script's PID). Nothing is ever looked up or killed by process name.

namespaces=()   # network namespaces we created
links=()        # links created in the root namespace (normally moved away at once)
pids=()         # background processes we started, in start order
results=()      # "PASS  name: detail" / "FAIL  name: detail"
failed=0

netns_cleanup() {
  local pid ns l
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  for l in "${links[@]}"; do ip link del "$l" 2>/dev/null; done
}

# Records a PASS/FAIL line. The command's last output line is the PASS detail; on failure its
# last lines (up to 6) are joined with " | ".
check() {
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    results+=("PASS  $name: $(printf '%s\n' "$out" | tail -n 1)")
  else
    results+=("FAIL  $name: $(printf '%s\n' "$out" | tail -n 6 | paste -sd'|' | sed 's/|/ | /g')")
    failed=1
  fi
}

add_ns() { # name
  ip netns add "$1" || return 1
  namespaces+=("$1")
  ip -n "$1" link set lo up
}

# A veth pair: end $1 goes to namespace $2, end $3 to namespace $4.
add_veth() { # name1 ns1 name2 ns2
  ip link add "$1" type veth peer name "$3" || return 1
  links+=("$1" "$3")
  ip link set "$1" netns "$2" && ip link set "$3" netns "$4" || return 1
  ip -n "$2" link set "$1" up && ip -n "$4" link set "$3" up
}

add_bridge() { # ns name cidr
  ip -n "$1" link add name "$2" type bridge forward_delay 0 || return 1
  ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up
}

# A client namespace with one interface (MAC $4) plugged into bridge $3 of namespace $2.
add_client_ns() { # ns bridge-ns bridge mac ifname port-name
  add_ns "$1" || return 1
  add_veth "$5" "$1" "$6" "$2" || return 1
  ip -n "$1" link set "$5" down
  ip -n "$1" link set "$5" address "$4"
  ip -n "$1" link set "$5" up
  ip -n "$2" link set "$6" master "$3"
}

# Starts a background process (in the current shell, so its PID is ours to stop).
start_bg() { # log-file command...
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  pids+=($!)
}

wait_for_line() { # file extended-regex timeout-seconds
  local file=$1 re=$2 tries=$(( ${3:-10} * 10 ))
  for _ in $(seq 1 "$tries"); do
    grep -qE -- "$re" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# --- client records (lines written by the hook scripts) ---------------------------------------

# The value of KEY in a record line ("key=value key=value …").
field() { # line key
  local v
  v=$(grep -oE "(^| )$2=[^ ]*" <<<"$1" | head -n 1)
  v=${v# }
  printf '%s' "${v#*=}"
}

# The last line of record $1 where the client bound or renewed a lease.
last_bound() { # record
  grep -E ' event=(BOUND|RENEW|REBIND|REBOOT|bound|renew) ' "$1" 2>/dev/null | tail -n 1
}

# What a client received, for the summary.
received() { # record-line
  local l=$1 out="" k v
  for k in ip mask routers hostname lease server_id file bootfile root_path; do
    v=$(field "$l" "$k")
    [ -n "$v" ] && out+="$k=$v "
  done
  printf '%s' "${out% }"
}

# Waits for a lease in record $1 (matching an optional extra regex), then compares fields:
# `key=value` must be equal, `key~regex` must match. Prints what was received last.
expect_lease() { # record timeout [extra-regex] -- expectations...
  local rec=$1 timeout=$2 extra=${3:-}
  shift 3; [ "${1:-}" = "--" ] && shift
  local line="" bad=0 kv k op want got
  for _ in $(seq 1 $(( timeout * 10 ))); do
    line=$(last_bound "$rec")
    if [ -n "$line" ] && { [ -z "$extra" ] || grep -qE -- "$extra" <<<"$line"; }; then break; fi
    line=""
    sleep 0.1
  done
  if [ -z "$line" ]; then
    echo "no lease within ${timeout}s${extra:+ matching /$extra/}; last record lines:"
    tail -n 3 "$rec" 2>/dev/null | cut -c1-200
    return 1
  fi
  for kv in "$@"; do
    k=${kv%%[=~]*}; op=${kv:${#k}:1}; want=${kv:$(( ${#k} + 1 ))}
    got=$(field "$line" "$k")
    if [ "$op" = "~" ]; then
      [[ $got =~ ^($want)$ ]] || { echo "$k: got '$got', want /$want/"; bad=1; }
    else
      [ "$got" = "$want" ] || { echo "$k: got '$got', want '$want'"; bad=1; }
    fi
  done
  received "$line"; echo
  return $bad
}
