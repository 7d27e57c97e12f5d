#!/usr/bin/env bash
# A throwaway HTTP server on a free loopback port, for health checks.
#   server.sh start DIR   serves DIR, prints port=... and pid=... to $BELAY_OUTPUT (and run/server.*)
#   server.sh stop [PID]  stops it (PID, else run/server.pid); stopping a stopped server is fine
set -euo pipefail
mkdir -p run

# Running and not a zombie (an exited server waits for its reaper; it serves nothing).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ -r "/proc/$1/stat" ] || return 0
  local state; state=$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)
  [ "$state" != Z ]
}
# Alive and, where /proc tells, really our http.server: an http.server started from this folder.
# A recorded pid may since have been given to another process, even another workspace's server.
ours() {
  alive "$1" || return 1
  [ -r "/proc/$1/cmdline" ] || return 0
  tr '\0' ' ' < "/proc/$1/cmdline" | grep -q http.server || return 1
  [ "$(readlink "/proc/$1/cwd" 2>/dev/null)" = "$(pwd -P)" ]
}
case "${1:-}" in
  start)
    dir=${2:?usage: server.sh start DIR}
    # The free port is found, then bound by the server: another program may take it in between,
    # so a server that does not answer is stopped and started again on another port.
    for _ in 1 2 3; do
      port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
      # setsid: the server leads its own session, so it outlives this script but not a `stop`.
      setsid python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir" >run/server.log 2>&1 < /dev/null &
      pid=$!
      healthy=false
      for _ in $(seq 100); do
        alive "$pid" || break
        if curl -fsS "http://127.0.0.1:$port/health.txt" >/dev/null 2>&1; then healthy=true; break; fi
        sleep 0.1
      done
      if $healthy; then break; fi
      kill "$pid" 2>/dev/null || true
    done
    if ! $healthy; then
      echo "the server for $dir did not answer on 127.0.0.1; its log:" >&2
      cat run/server.log >&2 || true
      exit 1
    fi
    echo "$pid" > run/server.pid
    echo "$port" > run/server.port
    printf 'port=%s\npid=%s\n' "$port" "$pid" >> "${BELAY_OUTPUT:-/dev/null}"
    echo "serving $dir on http://127.0.0.1:$port (pid $pid)"
    ;;
  stop)
    pid=${2:-$(cat run/server.pid 2>/dev/null || true)}
    if [ -n "$pid" ] && ours "$pid"; then
      kill "$pid" 2>/dev/null || true   # it may end on its own meanwhile
      for _ in $(seq 50); do alive "$pid" || break; sleep 0.1; done
      alive "$pid" && kill -9 "$pid" 2>/dev/null || true
      echo "stopped server (pid $pid)"
    else
      echo "no server running"
    fi
    rm -f run/server.pid run/server.port
    ;;
  *) echo "usage: server.sh start DIR | stop [PID]" >&2; exit 2 ;;
esac
