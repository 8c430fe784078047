#!/usr/bin/env bash
# A fit survives interrupts that are not a cancel (here: memory-context dump
# requests, which raise the same InterruptPending flag), and a real query
# cancel still stops it with PostgreSQL's own "canceling statement" error.
set -euo pipefail
cd "$(dirname "$0")/../.."
PGBIN=/usr/lib/postgresql/15/bin
db=crm_fit_interrupts
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
# 400k customers with continuous times, drawn like Pareto/NBD (exponential
# purchase and dropout rates, geometric counts): a fit of about 2 s
psql -d $db <<'SQL'
CREATE EXTENSION crm;
SELECT setseed(0.5);
CREATE TABLE s AS
SELECT x, CASE WHEN x = 0 THEN 0 ELSE life * power(random(), 1.0 / x) END AS t_x, age
FROM (SELECT floor(ln(1 - random()) / ln(rate * life / (1 + rate * life)))::float8 AS x, life, age
	  FROM (SELECT greatest(-ln(1 - random()), 1e-9) AS rate,
				   least(greatest(-ln(1 - random()), 1e-9) / (0.05 * greatest(-ln(1 - random()), 1e-9)), age) AS life, age
			FROM (SELECT 40 + random() * 10 AS age FROM generate_series(1, 400000)) a) b) c;
ANALYZE s;
SQL
fit="SET max_parallel_workers_per_gather = 0; SELECT crm.fit_pnbd(x, t_x, age, 'week') FROM s"

# Runs the fit in the background as application_name $1 (its pid in $bg); output in $tmp/$1.
start_fit() {
	PGAPPNAME=$1 "$PGBIN/psql" -X -At -d $db -c "$fit" >"$tmp/$1" 2>&1 &
	bg=$!
}
# Pid of the active fit named $1 (waits up to 10 s for it to start).
active_pid() {
	local pid=""
	for _ in $(seq 200); do
		pid=$(psql -d $db -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$1' AND state = 'active' AND query LIKE '%fit_pnbd%'")
		[ -n "$pid" ] && break
		sleep 0.05
	done
	echo "$pid"
}

start_fit fit_poked
pid=$(active_pid fit_poked)
[ -n "$pid" ] || { echo "the fit did not start"; exit 1; }
pokes=0
while kill -0 "$bg" 2>/dev/null; do
	if [ "$(psql -d $db -c "SELECT pg_log_backend_memory_contexts($pid) FROM pg_stat_activity WHERE pid = $pid AND state = 'active'")" = t ]; then
		pokes=$((pokes + 1))
	fi
	sleep 0.05
done
wait "$bg" || { echo "the poked fit failed:"; cat "$tmp/fit_poked"; exit 1; }
grep -q '^pnbd(unit=week, r=' "$tmp/fit_poked" || { echo "unexpected fit output:"; cat "$tmp/fit_poked"; exit 1; }
[ "$pokes" -ge 3 ] || { echo "only $pokes interrupt(s) reached the running fit: make the data larger"; exit 1; }

start_fit fit_cancelled
pid=$(active_pid fit_cancelled)
[ -n "$pid" ] || { echo "the fit did not start"; exit 1; }
sleep 0.2
psql -d $db -c "SELECT pg_cancel_backend($pid)" >/dev/null
if wait "$bg"; then echo "the cancelled fit finished instead of stopping"; cat "$tmp/fit_cancelled"; exit 1; fi
grep -q 'canceling statement due to user request' "$tmp/fit_cancelled" || { echo "unexpected cancel error:"; cat "$tmp/fit_cancelled"; exit 1; }
psql -d postgres -c "DROP DATABASE $db"
echo "the fit survived $pokes memory-context dump requests; a cancel stopped it"
