-- make bench, scoring part: a full crm.refresh() against the sum of bare
-- GROUP BY aggregates over its input tables (same run), then an incremental
-- refresh after 1% of customers get new events.
\echo == scoring: full refresh vs bare GROUP BYs over the input tables
SELECT crm.refresh('2026-06-30', refit => true) IS NOT NULL AS warm_up \gset
INSERT INTO bench_result
SELECT 'crm.refresh full (1 run per rep)',
	pg_temp.bench_ms($q$SELECT status FROM crm.refresh('2026-06-30')$q$, :reps),
	'sum of bare GROUP BYs: purchases, interactions, tickets, feedback, contracts',
	-- every aggregate output is used: the planner drops unused ones
	pg_temp.bench_ms($q$SELECT (SELECT count(*) FROM (SELECT customer_id, max(purchased_at) m, count(*) c, sum(amount) s FROM crm.purchases GROUP BY 1) a WHERE m IS NOT NULL AND c > 0 AND s IS NOT NULL)
		+ (SELECT count(*) FROM (SELECT customer_id, max(occurred_at) m, count(*) c FROM crm.interactions GROUP BY 1) b WHERE m IS NOT NULL AND c > 0)
		+ (SELECT count(*) FROM (SELECT customer_id, max(opened_at) m, count(*) c FROM crm.tickets GROUP BY 1) c WHERE m IS NOT NULL AND c > 0)
		+ (SELECT count(*) FROM (SELECT customer_id, max(answered_at) m, max(nps) n FROM crm.feedback GROUP BY 1) d WHERE m IS NOT NULL OR n IS NOT NULL)
		+ (SELECT count(*) FROM (SELECT customer_id, max(ends_on) m, sum(annual_value) s FROM crm.contracts GROUP BY 1) e WHERE m IS NOT NULL OR s IS NOT NULL)$q$, :reps),
	'<= 2.5x';

-- 1% of customers get a new purchase and a login; the incremental refresh
-- rescores only them. The target line times the refresh alone (the events are
-- inserted first, untimed); the second line includes the inserts and their
-- dirty-marking triggers, for information.
CREATE FUNCTION pg_temp.new_events_one_percent() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO crm.purchases (customer_id, purchased_at, amount)
	SELECT customer_id, '2026-06-29 12:00+00', 25 FROM crm.customers WHERE customer_id % 100 = 7;
	INSERT INTO crm.interactions (customer_id, occurred_at, kind, channel)
	SELECT customer_id, '2026-06-29 12:00+00', 'login', 'web' FROM crm.customers WHERE customer_id % 100 = 7;
END
$$;
-- Inserts 1% new events, then returns the incremental refresh's wall time (ms).
CREATE FUNCTION pg_temp.incremental_refresh_ms() RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
BEGIN
	PERFORM pg_temp.new_events_one_percent();
	t0 := clock_timestamp();
	PERFORM crm.refresh('2026-06-30', incremental => true);
	RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END
$$;
-- The same with the inserts timed too.
CREATE FUNCTION pg_temp.events_and_incremental_refresh() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_temp.new_events_one_percent();
	PERFORM crm.refresh('2026-06-30', incremental => true);
END
$$;
SELECT pg_temp.incremental_refresh_ms() IS NOT NULL AS incremental_warm_up \gset
INSERT INTO bench_result
SELECT 'crm.refresh incremental after 1% new events',
	(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)
	 FROM (SELECT pg_temp.incremental_refresh_ms() AS ms FROM generate_series(1, :reps)) r),
	'crm.refresh full (median above)',
	(SELECT median_ms FROM bench_result WHERE item = 'crm.refresh full (1 run per rep)'),
	'<= 0.10x';
INSERT INTO bench_result
SELECT '(info) 1% new events inserted + incremental refresh',
	pg_temp.bench_ms('SELECT pg_temp.events_and_incremental_refresh()', :reps),
	'crm.refresh full (median above)',
	(SELECT median_ms FROM bench_result WHERE item = 'crm.refresh full (1 run per rep)'),
	'(no target)';
SELECT customers AS rescored_by_last_incremental FROM crm.refresh_runs ORDER BY run_id DESC LIMIT 1;
