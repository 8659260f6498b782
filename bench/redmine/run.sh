#!/bin/bash
# Waymark beside Redmine 5 on one data set (issue #14). On a Debian 12 machine, as root:
#
#   bench/redmine/run.sh
#
# installs what is missing from Debian (redmine, redmine-pgsql, puma, wrk, postgresql), starts
# PostgreSQL on 127.0.0.1:$PGPORT if nothing answers there, builds the release `waymark` binary
# (a no-op when it is up to date), then runs bench.py: one seeded data set loaded into a fresh
# Waymark data folder and a fresh Redmine database, every answer checked, four operations
# measured with wrk at 1 and 16 clients, figures printed and written to $BENCH_WORK/results.md.
# See bench/README.md.
#
# Settings (environment):
#   BENCH_DURATION=20      seconds of each wrk run         BENCH_CLIENTS="1 16"
#   BENCH_WRITE_EXTRA=32   extra client counts for Waymark's writes alone ("" for none)
#   BENCH_WARMUP=3         seconds of warm-up per operation and side
#   BENCH_WORK=/var/tmp/waymark-redmine-bench   where the data and results go
#   BENCH_ITEMS=10000 BENCH_SEED=14 BENCH_WORD=kestrel   the data set
#   WAYMARK_BIN=...        a waymark binary to use instead of building target/release/waymark
#   WAYMARK_PORT=8914 REDMINE_PORT=3014 PGPORT=5432
#   REDMINE_WORKERS=2 REDMINE_THREADS=8   puma's processes and threads
#   RM_DB=redmine_bench RM_DB_USER=redmine_bench RM_DB_PASS=redmine_bench RM_INSTANCE=bench
set -euo pipefail
# The command as given, settings first, for the report.
BENCH_COMMAND="$( (env | grep -E '^(BENCH_[A-Z_]*|WAYMARK_BIN|WAYMARK_PORT|REDMINE_[A-Z_]*|RM_[A-Z_]*)=' \
  | grep -v '^BENCH_COMMAND=' || true) | sort | tr '\n' ' ')$0"
export BENCH_COMMAND PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "run.sh needs root (it installs packages and creates a database)" >&2; exit 1; }
: "${PGPORT:=5432}"
export PGPORT
step() { printf '[run.sh %(%H:%M:%S)T] %s\n' -1 "$*"; }

# 1. Debian packages, only those missing. Redmine's own database prompt is declined: the bench
#    makes its own instance ("bench") and database.
missing=()
for pkg in redmine redmine-pgsql puma wrk postgresql python3; do
  dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing from Debian: ${missing[*]}"
  echo 'redmine redmine/instances/default/dbconfig-install boolean false' | debconf-set-selections
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. PostgreSQL: reuse whatever answers on the port, or start (or create) Debian's cluster.
if ! pg_isready -q -h 127.0.0.1 -p "$PGPORT"; then
  ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if pg_lsclusters -h | awk -v p="$PGPORT" '$3 == p {found=1} END {exit !found}'; then
    cluster=$(pg_lsclusters -h | awk -v p="$PGPORT" '$3 == p {print $1" "$2; exit}')
    step "starting PostgreSQL cluster $cluster"
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start
  else
    step "creating PostgreSQL $ver cluster 'bench' on port $PGPORT"
    pg_createcluster "$ver" bench -p "$PGPORT" --start
  fi
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 1; done
fi

# 3. The waymark binary.
if [ -z "${WAYMARK_BIN:-}" ]; then
  export WAYMARK_BIN="$repo/target/release/waymark"
  if command -v cargo >/dev/null; then
    step "cargo build --release -p waymark (a no-op when up to date)"
    (cd "$repo" && cargo build --release -p waymark --quiet)
  elif [ ! -x "$WAYMARK_BIN" ]; then
    echo "no cargo and no $WAYMARK_BIN: install Rust or set WAYMARK_BIN" >&2; exit 1
  fi
fi

# 4. The benchmark itself, bounded in time.
step "bench.py (data, loads, checks, wrk runs)"
exec timeout --signal=TERM 40m python3 "$here/bench.py"
