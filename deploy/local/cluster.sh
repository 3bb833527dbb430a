#!/usr/bin/env bash
# A qd3pm cluster on this machine, one process per node, for trying the cluster and the ops commands.
#
#   deploy/local/cluster.sh up [--workers N] [--qpu] [--tls] [--state DIR] [--journal sqlite:PATH|postgres:...]
#                              [--cluster-port P] [--mgmt-port P] [--qpu-port P] [--metrics-port P] [--token T]
#   deploy/local/cluster.sh status [--state DIR]
#   deploy/local/cluster.sh down   [--state DIR]
#
# up starts a seed + coordinator node (management endpoint on --mgmt-port, default 5053, which is where every
# `qd3pm cluster|runs|top ...` command looks by default), N simulator workers (default 2) and, with --qpu, an emulated
# QPU (`qd3pm qpu serve`) plus a qpu-proxy worker. Each process writes STATE/NAME.log and STATE/NAME.pid; up waits
# until every node printed "node up". down stops them (SIGTERM: workers hand their items back and leave), status
# shows which run and the cluster's members. STATE defaults to ./.qd3pm-cluster (or $QD3PM_CLUSTER_STATE).
# --tls runs everything as a multi-machine cluster would: `qd3pm certs create --out STATE/certs` (once), every node
# and the QPU emulator with --certs (mutual TLS for Akka remoting and gRPC); clients then need
# --certs STATE/certs/client (or QD3PM_CERTS=STATE/certs/client), which up prints.
# The qd3pm binary: $QD3PM if set (e.g. QD3PM=qd3pm), else this checkout's Release build (built when missing).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
roles="$repo/deploy/hocon/roles"
cmd="${1:-}"; [ $# -gt 0 ] && shift
state="${QD3PM_CLUSTER_STATE:-$PWD/.qd3pm-cluster}"
workers=2; qpu=0; tls=0; journal=""; cluster_port=4053; mgmt_port=5053; qpu_port=5005; metrics_port=0; token="${QD3PM_TOKEN:-}"

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "error: $*" >&2; exit 2; }
need_int() { [[ "$2" =~ ^[0-9]+$ ]] || die "$1 needs a number, not '$2'"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --workers) need_int "$1" "${2:-}"; workers="$2"; shift 2 ;;
    --qpu) qpu=1; shift ;;
    --tls) tls=1; shift ;;
    --state) state="${2:?--state needs a directory}"; shift 2 ;;
    --journal) journal="${2:?--journal needs a value}"; shift 2 ;;
    --cluster-port) need_int "$1" "${2:-}"; cluster_port="$2"; shift 2 ;;
    --mgmt-port) need_int "$1" "${2:-}"; mgmt_port="$2"; shift 2 ;;
    --qpu-port) need_int "$1" "${2:-}"; qpu_port="$2"; shift 2 ;;
    --metrics-port) need_int "$1" "${2:-}"; metrics_port="$2"; shift 2 ;;
    --token) token="${2:?--token needs a value}"; shift 2 ;;
    -h|--help) usage ;;
    *) die "unknown option '$1' (see $0 --help)" ;;
  esac
done

qd3pm() {
  if [ -n "${QD3PM:-}" ]; then $QD3PM "$@"; else dotnet "$repo/src/Seed/bin/Release/net10.0/qd3pm.dll" "$@"; fi
}

ensure_built() {
  [ -n "${QD3PM:-}" ] && return
  if [ ! -f "$repo/src/Seed/bin/Release/net10.0/qd3pm.dll" ]; then
    echo "building qd3pm (Release)..."
    dotnet build "$repo/src/Seed/QD3PM.Seed.csproj" -c Release -nologo -v q >/dev/null
  fi
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# start NAME ARGS...: runs `qd3pm ARGS` in the background with its own log and pid file.
start() {
  local name="$1"; shift
  if alive "$state/$name.pid"; then die "$name is already running (pid $(cat "$state/$name.pid")); run '$0 down' first"; fi
  # Without --tls the nodes run on loopback in plaintext: a QD3PM_CERTS exported for the CLI must not become their identity.
  ( cd "$state" && { [ "$tls" = 1 ] || unset QD3PM_CERTS; } && exec nohup setsid $(if [ -n "${QD3PM:-}" ]; then echo "$QD3PM"; else echo dotnet "$repo/src/Seed/bin/Release/net10.0/qd3pm.dll"; fi) "$@" \
      >"$state/$name.log" 2>&1 </dev/null ) &
  echo $! >"$state/$name.pid"
  echo "$name" >>"$state/nodes"
}

# wait_for NAME TEXT: until NAME's log shows TEXT (60 s), or fail showing the log.
wait_for() {
  local name="$1" text="$2" i
  for i in $(seq 1 240); do
    grep -q "$text" "$state/$name.log" 2>/dev/null && return 0
    if ! alive "$state/$name.pid"; then
      echo "error: $name exited before it was ready; its log ($state/$name.log):" >&2
      tail -n 20 "$state/$name.log" >&2 || true
      return 1
    fi
    sleep 0.25
  done
  echo "error: $name not ready after 60s; see $state/$name.log" >&2
  return 1
}

up() {
  ensure_built
  mkdir -p "$state"
  if [ -f "$state/nodes" ]; then
    for n in $(cat "$state/nodes"); do alive "$state/$n.pid" && die "a cluster is already running from $state ($n); run '$0 down' first"; done
    rm -f "$state/nodes"
  fi
  [ -n "$journal" ] || journal="sqlite:$state/journal.db"
  local seed="127.0.0.1:$cluster_port"
  local common=(--hocon "$roles/common.conf")
  local tokenargs=(); [ -n "$token" ] && tokenargs=(--token "$token")
  local metrics=(); local next_metrics="$metrics_port"
  local certs=() client_certs="" qpu_url="http://127.0.0.1:$qpu_port"
  if [ "$tls" = 1 ]; then
    # One identity for every process: they all run on 127.0.0.1, and peers are checked against the CA, not names.
    if [ ! -d "$state/certs/127.0.0.1" ]; then
      qd3pm certs create --out "$state/certs" --hosts 127.0.0.1 >/dev/null || die "certs create failed"
    fi
    certs=(--certs "$state/certs/127.0.0.1"); client_certs="$state/certs/client"; qpu_url="https://127.0.0.1:$qpu_port"
  fi
  cat >"$state/env" <<ENV
mgmt=127.0.0.1:$mgmt_port
seed=$seed
client_certs=$client_certs
ENV

  metrics=(); [ "$next_metrics" -gt 0 ] && metrics=(--metrics-port "$next_metrics") && next_metrics=$((next_metrics + 1))
  start seed node --roles coordinator --port "$cluster_port" --seeds "$seed" --journal "$journal" \
    --mgmt-port "$mgmt_port" "${tokenargs[@]}" "${metrics[@]}" "${certs[@]}" "${common[@]}" "$roles/coordinator.conf"
  wait_for seed "node up" || { down; exit 1; }

  local i port=$cluster_port
  for i in $(seq 1 "$workers"); do
    port=$((port + 1))
    metrics=(); [ "$next_metrics" -gt 0 ] && metrics=(--metrics-port "$next_metrics") && next_metrics=$((next_metrics + 1))
    start "worker$i" node --roles simulator --port "$port" --seeds "$seed" "${metrics[@]}" "${certs[@]}" "${common[@]}" "$roles/simulator.conf"
  done
  if [ "$qpu" = 1 ]; then
    if ! qd3pm qpu serve --help >/dev/null 2>&1; then
      echo "error: this build has no 'qd3pm qpu serve' (the QPU emulator); start without --qpu" >&2; down; exit 1
    fi
    start qpu qpu serve --port "$qpu_port" --ledger "$state/qpu-ledger.db" "${certs[@]}"
    wait_for qpu "listening" || { down; exit 1; }
    port=$((port + 1))
    metrics=(); [ "$next_metrics" -gt 0 ] && metrics=(--metrics-port "$next_metrics") && next_metrics=$((next_metrics + 1))
    start qpu-proxy node --roles qpu-proxy --qpu "$qpu_url" --port "$port" --seeds "$seed" "${metrics[@]}" \
      "${certs[@]}" "${common[@]}" "$roles/qpu-proxy.conf"
  fi
  for n in $(cat "$state/nodes"); do
    [ "$n" = seed ] || [ "$n" = qpu ] || wait_for "$n" "node up" || { down; exit 1; }
  done
  echo "cluster up: $(wc -l <"$state/nodes") processes, logs and pids in $state"
  echo "  management endpoint 127.0.0.1:$mgmt_port   e.g. qd3pm cluster show | qd3pm top | qd3pm train --cluster 127.0.0.1:$mgmt_port ..."
  if [ "$tls" = 1 ]; then
    echo "  mutual TLS: clients need the client certificate, e.g. export QD3PM_CERTS=$client_certs"
  fi
}

status() {
  [ -f "$state/nodes" ] || { echo "no cluster started from $state"; return 1; }
  local n any=0
  printf '%-10s %-8s %-8s %s\n' NAME PID STATE LOG
  for n in $(cat "$state/nodes"); do
    if alive "$state/$n.pid"; then s=running; any=1; else s=stopped; fi
    printf '%-10s %-8s %-8s %s\n' "$n" "$(cat "$state/$n.pid" 2>/dev/null || echo -)" "$s" "$state/$n.log"
  done
  if [ "$any" = 1 ] && alive "$state/seed.pid"; then
    # shellcheck disable=SC1091
    . "$state/env"
    echo
    QD3PM_TOKEN="$token" QD3PM_CERTS="${client_certs:-${QD3PM_CERTS:-}}" qd3pm cluster show --node "$mgmt" || true
  fi
  [ "$any" = 1 ]
}

# stop NAME: SIGTERM (graceful leave), SIGKILL after 25 s.
stop() {
  local pidfile="$state/$1.pid" pid i
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then echo "$1 did not stop in 25s; killing it" >&2; kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

down() {
  [ -f "$state/nodes" ] || { echo "no cluster started from $state"; return 0; }
  local n pids=()
  # Workers first (they hand their items back while the coordinator is still there), then the QPU, the seed last.
  for n in $(grep -v -x -e seed -e qpu "$state/nodes"); do stop "$n" & pids+=($!); done
  [ ${#pids[@]} -gt 0 ] && wait "${pids[@]}"
  stop qpu
  stop seed
  rm -f "$state/nodes"
  echo "cluster down (logs kept in $state)"
}

case "$cmd" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) usage ;;
esac
