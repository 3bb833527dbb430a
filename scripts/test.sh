#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need (PostgreSQL server binaries
# for the journal tests, tmux for the terminal tests, iproute2 for the multi-host tests), builds in Release, runs
# all test projects and prints one closing line "N passed, N failed, N skipped".
# The tests start their own PostgreSQL server on 127.0.0.1 in a temp dir; nothing is left running. Run as root, the
# multi-host tests make network namespaces of their own (192.0.2.0/24 on a private bridge) and delete them again;
# without root they are skipped with one line each.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then need_apt+=(postgresql); fi
if ! command -v tmux >/dev/null 2>&1; then need_apt+=(tmux); fi
if ! command -v ip >/dev/null 2>&1; then need_apt+=(iproute2); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  # Debian's package starts a cluster service; the tests run their own server, so stop it.
  $SUDO service postgresql stop >/dev/null 2>&1 || true
fi

dotnet build QD3PM.sln -c Release -nologo -v q
log=$(mktemp)
set +e
dotnet test QD3PM.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# dotnet test prints one summary per test project ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, ...").
awk '/(Passed|Failed)! +- Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
