#!/usr/bin/env bash
# Starts the local PostgreSQL 15 and NATS (JetStream) when they are not answering, with the
# commands of shared/STACK.md, and waits until both accept connections (at most 30 s each).
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 0.5; done
  echo "ensure-services: $name did not come up on 127.0.0.1:$port" >&2
  exit 1
}

if ! port_open 5432; then
  echo "ensure-services: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
fi
wait_port 5432 PostgreSQL

if ! port_open 4222; then
  echo "ensure-services: starting nats-server with JetStream"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server
fi
wait_port 4222 NATS
