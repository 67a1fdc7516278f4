#!/usr/bin/env bash
# Runs CMD next to a throwaway PostgreSQL cluster:
#
#   bash scripts/with-postgres.sh cargo nextest run -p tapedeck-store
#
# Starts a fresh cluster on a free loopback port (data and socket in a temp dir, fsync off),
# creates a database, exports TAPEDECK_TEST_POSTGRES_URL=postgres://postgres:PW@127.0.0.1:PORT/tapedeck
# for CMD (tests create their own databases next to it), and stops and deletes the cluster when
# CMD ends, however it ends. Installs Debian's postgresql when no initdb is found. When
# TAPEDECK_TEST_POSTGRES_URL is set already, CMD just runs against that server.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
if [ -n "${TAPEDECK_TEST_POSTGRES_URL:-}" ]; then
  echo "with-postgres: using the server in TAPEDECK_TEST_POSTGRES_URL" >&2
  exec "$@"
fi

log() { echo "with-postgres: $*" >&2; }

# The directory holding initdb, pg_ctl and createdb (Debian keeps them off PATH).
find_bindir() {
  local initdb
  if initdb=$(command -v initdb 2>/dev/null); then
    dirname "$(readlink -f "$initdb")"
    return 0
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
    return 0
  fi
  return 1
}

install_postgres() {
  log "PostgreSQL is missing: installing Debian's postgresql package"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  # policy-rc.d answering 101 keeps the package from starting a system cluster on port 5432.
  local policy=/usr/sbin/policy-rc.d added=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    added=1
  fi
  local status=0
  {
    $sudo apt-get update -qq &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  } || status=$?
  if [ -n "$added" ]; then $sudo rm -f "$policy"; fi
  return "$status"
}

BINDIR=$(find_bindir) || { install_postgres && BINDIR=$(find_bindir); } || {
  log "no initdb found even after installing postgresql"
  exit 1
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
RUN_AS=""
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then RUN_AS=postgres; else RUN_AS=nobody; fi
fi

# Short path: the socket path must stay under ~100 bytes.
WORK=$(mktemp -d /tmp/tdpg.XXXXXX)
chmod 700 "$WORK"
if [ -n "$RUN_AS" ]; then chown "$RUN_AS" "$WORK"; fi

as_pg() {
  if [ -z "$RUN_AS" ]; then
    (cd "$WORK" && "$@")
  elif command -v runuser >/dev/null 2>&1; then
    (cd "$WORK" && runuser -u "$RUN_AS" -- "$@")
  else
    (cd "$WORK" && su -s /bin/sh "$RUN_AS" -c "$(printf '%q ' "$@")")
  fi
}

STARTED=""
cleanup() {
  if [ -n "$STARTED" ]; then
    as_pg "$BINDIR/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSWORD=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$PASSWORD" >"$WORK/pwfile"
if [ -n "$RUN_AS" ]; then chown "$RUN_AS" "$WORK/pwfile"; fi

# An ICU en-US default collation, like most real servers, so the tests prove that the schema
# pins byte order (COLLATE "C") where SQLite's behaviour needs it. Plain C where ICU is missing.
initdb_args=(-D "$WORK/data" -U postgres --pwfile="$WORK/pwfile" -E UTF8 --locale=C
  --auth-local=trust --auth-host=scram-sha-256 --no-sync)
if ! as_pg "$BINDIR/initdb" "${initdb_args[@]}" --locale-provider=icu --icu-locale=en-US \
  >"$WORK/initdb.log" 2>&1; then
  rm -rf "$WORK/data"
  as_pg "$BINDIR/initdb" "${initdb_args[@]}" >"$WORK/initdb.log" 2>&1 || {
    cat "$WORK/initdb.log" >&2
    log "initdb failed"
    exit 1
  }
fi
rm -f "$WORK/pwfile"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

PORT=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
  candidate=$((20000 + RANDOM % 40000))
  if port_in_use "$candidate"; then continue; fi
  if as_pg "$BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/postgres.log" -w -t 60 -o \
    "-p $candidate -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null 2>&1; then
    PORT=$candidate
    STARTED=1
    break
  fi
  # Lost a race for the port: try another; anything else is a real failure.
  if ! grep -q "could not bind\|could not create listen socket" "$WORK/postgres.log" 2>/dev/null; then
    cat "$WORK/postgres.log" >&2 || true
    log "PostgreSQL did not start"
    exit 1
  fi
  : >"$WORK/postgres.log"
done
if [ -z "$PORT" ]; then
  log "found no free port for PostgreSQL"
  exit 1
fi

as_pg "$BINDIR/createdb" -h "$WORK" -p "$PORT" -U postgres tapedeck

export TAPEDECK_TEST_POSTGRES_URL="postgres://postgres:$PASSWORD@127.0.0.1:$PORT/tapedeck"
log "PostgreSQL $("$BINDIR/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$PORT (throwaway: removed on exit)"
status=0
"$@" || status=$?
exit "$status"
