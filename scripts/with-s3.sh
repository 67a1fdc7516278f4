#!/usr/bin/env bash
# Runs a command with a real S3 server on loopback: s3s-fs (crates.io), which checks request
# signatures, so tests exercise the same signed requests as AWS S3, R2 or MinIO.
#
#   scripts/with-s3.sh CMD [ARGS...]
#   scripts/with-s3.sh bash scripts/with-postgres.sh cargo nextest run --workspace
#
# Installs s3s-fs into ~/.cargo/bin if missing, starts it on a free 127.0.0.1 port with a temp
# root directory and fixed test credentials, creates the test buckets, exports
#   TAPEDECK_TEST_S3_ENDPOINT           http://127.0.0.1:PORT
#   TAPEDECK_TEST_S3_ACCESS_KEY_ID      fixed test access key
#   TAPEDECK_TEST_S3_SECRET_ACCESS_KEY  fixed test secret key
#   TAPEDECK_TEST_S3_BUCKET             a bucket (tests isolate themselves by key prefix)
#   TAPEDECK_TEST_S3_BUCKET_2           a second bucket (a second storage region)
# runs CMD, and stops the server when CMD ends (its exit status is this script's). When
# TAPEDECK_TEST_S3_ENDPOINT is set already, CMD just runs against that server.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
if [ -n "${TAPEDECK_TEST_S3_ENDPOINT:-}" ]; then
  echo "with-s3: using the server in TAPEDECK_TEST_S3_ENDPOINT" >&2
  exec "$@"
fi

S3S_FS_VERSION=0.14.1
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if ! s3s-fs --version 2>/dev/null | grep -qF "$S3S_FS_VERSION"; then
  echo "with-s3: installing s3s-fs $S3S_FS_VERSION (a few minutes, once)" >&2
  cargo install s3s-fs --version "$S3S_FS_VERSION" --features binary --locked --quiet
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/tapedeck-s3.XXXXXX")
log="$root.log"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$root" "$log"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A bucket of s3s-fs is a directory in its root.
export TAPEDECK_TEST_S3_BUCKET=tapedeck-test
export TAPEDECK_TEST_S3_BUCKET_2=tapedeck-test-2
mkdir -p "$root/$TAPEDECK_TEST_S3_BUCKET" "$root/$TAPEDECK_TEST_S3_BUCKET_2"
export TAPEDECK_TEST_S3_ACCESS_KEY_ID=tapedeck-test-key
export TAPEDECK_TEST_S3_SECRET_ACCESS_KEY=tapedeck-test-secret-not-for-production

ready=""
for _attempt in 1 2 3; do
  port=$(free_port)
  s3s-fs --host 127.0.0.1 --port "$port" \
    --access-key "$TAPEDECK_TEST_S3_ACCESS_KEY_ID" \
    --secret-key "$TAPEDECK_TEST_S3_SECRET_ACCESS_KEY" \
    "$root" >"$log" 2>&1 &
  pid=$!
  # Any HTTP answer (an unsigned request gets 403) means it listens.
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      ready=1
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  [[ -n "$ready" ]] && break
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
done
if [[ -z "$ready" ]]; then
  echo "with-s3: s3s-fs did not start; its log:" >&2
  cat "$log" >&2 || true
  exit 1
fi

export TAPEDECK_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
echo "with-s3: s3s-fs on $TAPEDECK_TEST_S3_ENDPOINT (buckets $TAPEDECK_TEST_S3_BUCKET, $TAPEDECK_TEST_S3_BUCKET_2)" >&2

status=0
"$@" || status=$?
exit "$status"
