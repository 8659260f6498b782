#!/bin/bash
# Creates (or recreates) the Redmine instance "bench" and its database redmine_bench, migrated
# and with Redmine's default data (English). Sourced settings: see run.sh.
set -euo pipefail
: "${RM_INSTANCE:=bench}" "${RM_DB:=redmine_bench}" "${RM_DB_USER:=redmine_bench}" "${RM_DB_PASS:=redmine_bench}"
: "${PGPORT:=5432}" "${RM_POOL:=20}"
root=/var/lib/redmine/$RM_INSTANCE
mkdir -p "$root/config" "$root/log" "$root/tmp/cache" "$root/tmp/pdf" "$root/tmp/sessions" \
  "$root/tmp/sockets" "$root/tmp/pids" "$root/files" "$root/public/plugin_assets"
cat > "$root/config/database.yml" <<YML
production:
  adapter: postgresql
  database: $RM_DB
  host: 127.0.0.1
  port: $PGPORT
  username: $RM_DB_USER
  password: $RM_DB_PASS
  encoding: utf8
  pool: $RM_POOL
YML
[ -s "$root/config/secret_key.txt" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$root/config/secret_key.txt"
psql_su() { runuser -u postgres -- psql -p "$PGPORT" -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ -z "$(psql_su -c "select 1 from pg_roles where rolname='$RM_DB_USER'")" ]; then
  psql_su -c "create role $RM_DB_USER login password '$RM_DB_PASS'"
fi
# The data is rebuilt on every run: a fresh database, migrated.
psql_su -c "drop database if exists $RM_DB with (force)"
psql_su -c "create database $RM_DB owner $RM_DB_USER encoding 'UTF8' template template0"
cd /usr/share/redmine
export RAILS_ENV=production REDMINE_INSTANCE=$RM_INSTANCE REDMINE_LANG=en
bundle exec rake db:migrate > "$root/log/migrate.log" 2>&1 || { tail -30 "$root/log/migrate.log"; exit 1; }
bundle exec rake redmine:load_default_data >> "$root/log/migrate.log" 2>&1 || { tail -30 "$root/log/migrate.log"; exit 1; }
