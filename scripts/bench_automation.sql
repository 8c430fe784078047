-- make bench, automation part: alert evaluation + task generation over all
-- customers (a full sweep, rolled back after each timed repetition), then a
-- second run with nothing new, against the first.
\echo == automation: a full run, then a run with nothing new
INSERT INTO crm.team_members (member, manager, in_pool)
SELECT DISTINCT owner, 'sales_manager', false FROM crm.customers WHERE owner IS NOT NULL
UNION ALL VALUES ('agent_kim', 'service_lead', true), ('agent_lee', 'service_lead', true)
ON CONFLICT (member) DO NOTHING;

-- Wall time of one full automation run, undone afterwards (subtransaction rollback).
CREATE FUNCTION pg_temp.full_automation_ms() RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	ms float8;
BEGIN
	BEGIN
		t0 := clock_timestamp();
		PERFORM crm.run_automation('2026-06-30 02:00+00', full_sweep => true);
		ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
		RAISE EXCEPTION 'undo';
	EXCEPTION WHEN raise_exception THEN
		NULL;
	END;
	RETURN ms;
END
$$;
CREATE TEMP TABLE automation_runs AS SELECT pg_temp.full_automation_ms() AS ms FROM generate_series(1, :reps);
-- the real first run, then repeated runs with nothing new
SELECT r - 'alerts' - 'generated' AS first_run FROM crm.run_automation('2026-06-30 02:00+00', full_sweep => true) r;
INSERT INTO bench_result
SELECT 'crm.run_automation, nothing new since the last run',
	pg_temp.bench_ms($q$SELECT crm.run_automation('2026-06-30 02:05+00')$q$, :reps),
	'crm.run_automation, full run over all customers',
	(SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM automation_runs),
	'<= 0.05x';
SELECT r - 'alerts' - 'generated' AS second_run FROM crm.run_automation('2026-06-30 02:06+00') r;
