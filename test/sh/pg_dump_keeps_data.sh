#!/usr/bin/env bash
# pg_dump keeps users' crm settings and data (config tables and their identity
# sequences) and restores into a database where CREATE EXTENSION crm recreates
# everything else.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
src=crm_dump_src; dst=crm_dump_dst
psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" -c "CREATE DATABASE $src" -c "CREATE DATABASE $dst"
psql -d $src -c "CREATE EXTENSION crm" -c "SELECT crm.set_setting('time_unit', '\"month\"')" >/dev/null
psql -d $src -c "INSERT INTO crm.customers (external_id, name) VALUES ('d1', 'Dumped Ltd')" \
	-c "INSERT INTO crm.purchases (customer_id, purchased_at, amount) SELECT customer_id, '2024-01-01', 12.5 FROM crm.customers"
"$PGBIN/pg_dump" -d $src -Fc -f "${TMPDIR:-/tmp}/crm_dump.$$"
"$PGBIN/pg_restore" -d $dst "${TMPDIR:-/tmp}/crm_dump.$$"
rm -f "${TMPDIR:-/tmp}/crm_dump.$$"
unit=$(psql -d $dst -c "SELECT crm.setting('time_unit') #>> '{}'")
name=$(psql -d $dst -c "SELECT name FROM crm.customers WHERE external_id = 'd1'")
defaults=$(psql -d $dst -c "SELECT count(*) FROM crm.setting_defaults")
purchases=$(psql -d $dst -c "SELECT count(*) FROM crm.purchases")
# the identity counters came along: a new customer gets a fresh id
new_id=$(psql -d $dst -c "INSERT INTO crm.customers (external_id, name) VALUES ('d2', 'After Restore') RETURNING customer_id")
psql -d postgres -c "DROP DATABASE $src" -c "DROP DATABASE $dst"
[ "$unit" = month ] || { echo "setting lost in dump/restore: time_unit = '$unit'"; exit 1; }
[ "$name" = "Dumped Ltd" ] || { echo "customer lost in dump/restore"; exit 1; }
[ "$purchases" = 1 ] || { echo "purchases lost in dump/restore"; exit 1; }
[ "$new_id" = 2 ] || { echo "identity counter not restored: new customer_id = $new_id"; exit 1; }
[ "$defaults" -gt 0 ] || { echo "setting defaults missing after restore"; exit 1; }
echo "settings, customers, purchases and identity counters survive pg_dump/pg_restore"
