#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL, for development and CI (docs/operations.md
# "Read replica", ADR 0020).
#
#   scripts/replica.sh start  [PORT]   copy the primary (pg_basebackup -R), start it, wait for it
#   scripts/replica.sh stop   [PORT]   stop it, remove its data and its replication slot
#   scripts/replica.sh status [PORT]   running or not, and its replay lag
#
# `start` waits up to $NUANJIA_REPLICA_WAIT seconds (300) for the replica to take reads.
# PORT defaults to 5433. The primary is PRIMARY_HOST:PRIMARY_PORT (127.0.0.1:5432) as
# PRIMARY_USER (postgres). The replica's files live in $NUANJIA_REPLICA_DIR, else
# /tmp/nuanjia-replica-PORT: not under var/, which is private to the server's user while the
# replica runs as the postgres user. Run as root (the PostgreSQL commands run as postgres through
# runuser) or as the postgres user itself. On the primary it adds, once, a pg_hba.conf line
# allowing replication from 127.0.0.1 (same method as the primary's loopback line) and checks
# wal_level; it never restarts the primary.
set -euo pipefail

ACTION="${1:-status}"
PORT="${2:-5433}"
PRIMARY_HOST="${PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
PRIMARY_USER="${PRIMARY_USER:-postgres}"
DATA="${NUANJIA_REPLICA_DIR:-/tmp/nuanjia-replica-$PORT}"
LOG="$DATA.log"
SLOT="nuanjia_replica_$PORT"
HBA_MARK="# nuanjia read replica (scripts/replica.sh)"
WAIT="${NUANJIA_REPLICA_WAIT:-300}"  # seconds `start` waits for the replica to take reads

pg_bin() {
  local version
  version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n1)"
  if [ -n "$version" ]; then
    echo "/usr/lib/postgresql/$version/bin"
  else
    dirname "$(command -v pg_ctl)"
  fi
}
BIN="${PG_BIN:-$(pg_bin)}"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

primary_sql() {
  as_postgres "$BIN/psql" -X -q -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" \
    -d postgres -v ON_ERROR_STOP=1 -c "$1"
}

replica_sql() {
  as_postgres "$BIN/psql" -X -q -At -h 127.0.0.1 -p "$PORT" -U "$PRIMARY_USER" -d postgres \
    -v ON_ERROR_STOP=1 -c "$1"
}

running() {
  [ -f "$DATA/postmaster.pid" ] && as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

may_replicate() {
  as_postgres "$BIN/psql" -X -q -At -w \
    "host=$PRIMARY_HOST port=$PRIMARY_PORT user=$PRIMARY_USER replication=true" \
    -c "IDENTIFY_SYSTEM" >/dev/null 2>&1
}

prepare_primary() {
  local level hba method
  level="$(primary_sql "SHOW wal_level")"
  if [ "$level" = minimal ]; then
    echo "replica.sh: the primary runs with wal_level=minimal; set wal_level=replica and restart it" >&2
    exit 1
  fi
  if may_replicate; then
    return
  fi
  hba="$(primary_sql "SHOW hba_file")"
  if ! grep -qF "$HBA_MARK" "$hba"; then
    # The method of the primary's own loopback line (trust on a CI machine), else scram.
    method="$(awk '$1 == "host" && $2 == "all" && $4 ~ /^127\.0\.0\.1/ {print $5; exit}' "$hba")"
    # pg_hba.conf is read top down, first match wins: the line goes first.
    local tmp
    tmp="$(mktemp)"
    { echo "$HBA_MARK"; echo "host replication $PRIMARY_USER 127.0.0.1/32 ${method:-scram-sha-256}";
      cat "$hba"; } >"$tmp"
    cat "$tmp" >"$hba"
    rm -f "$tmp"
  fi
  primary_sql "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 1 20); do may_replicate && return; sleep 0.5; done
  echo "replica.sh: the primary refuses replication connections from 127.0.0.1 (see $hba)" >&2
  exit 1
}

drop_slot() {
  primary_sql "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
               WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
}

write_config() {
  local hba ident
  hba="$(primary_sql "SHOW hba_file")"
  ident="$(primary_sql "SHOW ident_file")"
  # Debian keeps the configuration in /etc/postgresql: the copied data directory has none.
  as_postgres cp "$hba" "$DATA/pg_hba.conf"
  as_postgres cp "$ident" "$DATA/pg_ident.conf"
  as_postgres tee "$DATA/postgresql.conf" >/dev/null <<EOF
# nuanjia read replica of $PRIMARY_HOST:$PRIMARY_PORT (scripts/replica.sh)
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DATA'
hot_standby = on
hot_standby_feedback = on
max_connections = 100
shared_buffers = 64MB
cluster_name = 'nuanjia-replica-$PORT'
logging_collector = off
EOF
}

start() {
  if running; then
    echo "replica already running on port $PORT ($DATA)"
  else
    create
  fi
  wait_for_reads
}

create() {
  prepare_primary
  as_postgres "$BIN/pg_ctl" -D "$DATA" stop -m fast >/dev/null 2>&1 || true
  rm -rf "$DATA" "$LOG"
  mkdir -p "$DATA"
  chmod 700 "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres: "$DATA"
  drop_slot
  as_postgres "$BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" \
    -D "$DATA" -R -X stream -C -S "$SLOT" -c fast --no-password
  write_config
  touch "$LOG"
  [ "$(id -u)" = 0 ] && chown postgres: "$LOG"
  # -W: no waiting here, a standby may take a while to open for reads (below).
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -W start >/dev/null
}

wait_for_reads() {
  local waited=0
  until [ "$(replica_sql "SELECT pg_is_in_recovery()" 2>/dev/null)" = t ]; do
    if [ "$waited" -ge 5 ] && ! running; then
      echo "replica.sh: the replica did not start; see $LOG" >&2
      tail -n 5 "$LOG" >&2 || true
      exit 1
    fi
    if [ "$waited" -ge "$WAIT" ]; then
      echo "replica.sh: the replica did not accept connections within ${WAIT}s; see $LOG." >&2
      echo "  A long transaction on the primary with many subtransactions (savepoints) keeps a" >&2
      echo "  standby closed to reads until it ends: look for one in pg_stat_activity." >&2
      tail -n 5 "$LOG" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  echo "replica running on 127.0.0.1:$PORT ($DATA), streaming from $PRIMARY_HOST:$PRIMARY_PORT"
}

stop() {
  if [ -d "$DATA" ]; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" stop -m fast -w >/dev/null 2>&1 || true
  fi
  rm -rf "$DATA" "$LOG"
  # Unused, the slot would keep the primary's WAL for ever.
  for _ in $(seq 1 10); do
    drop_slot
    [ -z "$(primary_sql "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$SLOT'")" ] && break
    sleep 0.5
  done
  echo "replica on port $PORT stopped and removed"
}

status() {
  if ! running; then
    echo "replica on port $PORT: not running"
    exit 3
  fi
  local lag
  if ! lag="$(replica_sql "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
          THEN 0 ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
          END" 2>/dev/null)"; then
    echo "replica on port $PORT: starting, not yet open for reads ($LOG)"
    exit 4
  fi
  echo "replica on port $PORT: running ($DATA), replay lag ${lag}s"
}

case "$ACTION" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [PORT]" >&2; exit 2 ;;
esac
