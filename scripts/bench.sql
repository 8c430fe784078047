-- make bench: medians of repeated runs and ratios against floors from the
-- same run. Timing helper lives in pg_temp and disappears with the session.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS crm;

-- Median wall time (ms) of running `query` `reps` times (after one warm-up run).
CREATE FUNCTION pg_temp.bench_ms(query text, reps integer) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	times float8[] := '{}';
BEGIN
	EXECUTE query;
	FOR i IN 1 .. reps LOOP
		t0 := clock_timestamp();
		EXECUTE query;
		times := times || extract(epoch FROM clock_timestamp() - t0) * 1000;
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t);
END
$$;

CREATE TEMP TABLE bench_result (item text, median_ms float8, floor_item text, floor_ms float8, target text);

\echo == loading sample data
\timing on
SELECT crm.clear_sample() WHERE EXISTS (SELECT 1 FROM crm.customers);
SELECT * FROM crm.load_sample(customers => :customers, seed => 42);
\timing off
VACUUM ANALYZE;
SELECT (SELECT count(*) FROM crm.customers) AS customers, (SELECT count(*) FROM crm.purchases) AS purchases,
	(SELECT count(*) FROM crm.interactions) AS interactions, (SELECT count(*) FROM crm.tickets) AS tickets;

\echo == BTYD summary aggregate vs a bare GROUP BY (max/count/sum) over the same table
INSERT INTO bench_result
SELECT 'btyd_summary over all purchases',
	pg_temp.bench_ms($q$SELECT count(s) FROM (SELECT crm.btyd_summary(purchased_at, amount, '2026-06-30', 'week') AS s
		FROM crm.purchases GROUP BY customer_id) q$q$, :reps),
	'GROUP BY customer_id max/count/sum',
	-- every output is used: an unused aggregate of a subquery is dropped by the
	-- planner, which would leave a max-only floor
	pg_temp.bench_ms($q$SELECT count(*) FROM (SELECT max(purchased_at) AS m, count(*) AS c, sum(amount) AS s
		FROM crm.purchases GROUP BY customer_id) q WHERE m IS NOT NULL AND c > 0 AND s IS NOT NULL$q$, :reps),
	'<= 1.2x';

\i scripts/bench_clv.sql
\i scripts/bench_scoring.sql
\i scripts/bench_automation.sql
\i scripts/bench_views.sql
-- last: it reassigns every customer's owner
\i scripts/bench_postgis.sql

\echo == results (median of :reps runs; ratio = median / floor, both from this run)
SELECT item, round(median_ms::numeric, 1) AS median_ms, floor_item, round(floor_ms::numeric, 1) AS floor_ms,
	round((median_ms / nullif(floor_ms, 0))::numeric, 2) AS ratio, target
FROM bench_result;
