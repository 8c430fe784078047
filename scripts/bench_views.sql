-- make bench, BI views part: each view's typical query against a floor from
-- the same run (a bare scan or GROUP BY over the base table the view reads).
-- Runs after the sample load, crm.refresh('2026-06-30') and crm.run_automation.
\echo == BI views: typical queries vs bare scans of their base tables
VACUUM ANALYZE crm.alerts, crm.tasks;

-- n point lookups of a view (or table) by customer_id, spread over the id range.
CREATE FUNCTION pg_temp.lookups(relation text, n integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	top bigint := (SELECT max(customer_id) FROM crm.customers);
	found bigint := 0;
	k bigint;
BEGIN
	FOR i IN 1 .. n LOOP
		EXECUTE format('SELECT count(*) FROM %s WHERE customer_id = $1', relation)
			INTO k USING 1 + (i::bigint * 7919) % top;
		found := found + k;
	END LOOP;
	RETURN found;
END
$$;

INSERT INTO bench_result
SELECT 'bi: customer_360, 200 lookups by customer_id',
	pg_temp.bench_ms($q$SELECT pg_temp.lookups('(SELECT * FROM crm.customer_360) v', 200)$q$, :reps),
	'200 lookups of crm.customers by primary key',
	pg_temp.bench_ms($q$SELECT pg_temp.lookups('crm.customers', 200)$q$, :reps),
	'<= 30x (8 index probes per row)';

INSERT INTO bench_result
SELECT 'bi: contract_follow_up, 200 lookups by customer_id',
	pg_temp.bench_ms($q$SELECT pg_temp.lookups('(SELECT * FROM crm.contract_follow_up) v', 200)$q$, :reps),
	'200 lookups of crm.contracts by customer_id',
	pg_temp.bench_ms($q$SELECT pg_temp.lookups('crm.contracts', 200)$q$, :reps),
	'<= 20x';

-- Views over the current scores: floor = one bare aggregate scan of crm.customer_scores.
CREATE TEMP TABLE bi_floor AS
SELECT pg_temp.bench_ms($q$SELECT count(*), sum(revenue_12m), avg(health_score) FROM crm.customer_scores$q$, :reps) AS scores_ms;

INSERT INTO bench_result
SELECT 'bi: ' || v.item, pg_temp.bench_ms(v.query, :reps),
	'bare scan: count/sum/avg over crm.customer_scores', (SELECT scores_ms FROM bi_floor), v.target
FROM (VALUES
	('tier_summary', 'SELECT * FROM crm.tier_summary', '<= 3x'),
	('value_loyalty_matrix', 'SELECT * FROM crm.value_loyalty_matrix', '<= 3x'),
	('rfm_segment_summary', 'SELECT * FROM crm.rfm_segment_summary', '<= 3x'),
	('health_movers top 50', 'SELECT * FROM crm.health_movers WHERE drop_rank <= 50 ORDER BY drop_rank', '<= 3x'),
	('churn_risk top 100', 'SELECT * FROM crm.churn_risk ORDER BY risk_rank LIMIT 100', '<= 8x'),
	('revenue_concentration', 'SELECT * FROM crm.revenue_concentration', '<= 6x'),
	('revenue_pareto_curve', 'SELECT * FROM crm.revenue_pareto_curve', '<= 6x')) AS v(item, query, target);

INSERT INTO bench_result
SELECT 'bi: health_band_history, last 90 days',
	pg_temp.bench_ms($q$SELECT * FROM crm.health_band_history WHERE snapshot_date > date '2026-06-30' - 90$q$, :reps),
	'bare GROUP BY snapshot_date, health_band (same days)',
	pg_temp.bench_ms($q$SELECT snapshot_date, health_band, count(*) FROM crm.customer_score_history
		WHERE snapshot_date > date '2026-06-30' - 90 GROUP BY 1, 2$q$, :reps),
	'<= 1.5x';

INSERT INTO bench_result
SELECT 'bi: ' || v.item, pg_temp.bench_ms(v.query, :reps), v.floor_item, pg_temp.bench_ms(v.floor_query, :reps), v.target
FROM (VALUES
	('follow_up_first_72h, last 12 months', $q$SELECT * FROM crm.follow_up_first_72h WHERE signed_month >= date '2025-07-01'$q$,
	 'bare join contracts x interactions (same months)', $q$SELECT count(*) FROM crm.contracts k JOIN crm.interactions i ON i.customer_id = k.customer_id
		WHERE k.signed_at >= '2025-07-01' AND i.occurred_at >= k.signed_at AND i.occurred_at <= k.signed_at + interval '30 days'$q$, '<= 5x'),
	('follow_up_goals, last 12 months', $q$SELECT * FROM crm.follow_up_goals WHERE signed_month >= date '2025-07-01'$q$,
	 'bare join contracts x interactions (same months)', $q$SELECT count(*) FROM crm.contracts k JOIN crm.interactions i ON i.customer_id = k.customer_id
		WHERE k.signed_at >= '2025-07-01' AND i.occurred_at >= k.signed_at AND i.occurred_at <= k.signed_at + interval '30 days'$q$, '<= 5x'),
	('task_sla_by_owner', 'SELECT * FROM crm.task_sla_by_owner',
	 'bare GROUP BY owner, status over crm.tasks', 'SELECT owner, status, count(*) FROM crm.tasks GROUP BY 1, 2', '<= 3x'),
	('service_sla, last 12 months', $q$SELECT * FROM crm.service_sla WHERE opened_month >= date '2025-07-01'$q$,
	 'bare GROUP BY month, priority with the two medians', $q$SELECT date_trunc('month', opened_at), priority, percentile_cont(0.5) WITHIN GROUP (ORDER BY resolved_at - opened_at),
		percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_at - opened_at) FROM crm.tickets WHERE opened_at >= '2025-07-01' GROUP BY 1, 2$q$, '<= 6x'),
	('ticket_categories_monthly, this month', $q$SELECT * FROM crm.ticket_categories_monthly WHERE opened_month = date '2026-06-01' ORDER BY category_rank$q$,
	 'bare GROUP BY month, priority over crm.tickets', $q$SELECT date_trunc('month', opened_at), priority, count(*), avg(resolved_at - opened_at) FROM crm.tickets GROUP BY 1, 2$q$, '<= 2x'),
	('sales_funnel', 'SELECT * FROM crm.sales_funnel',
	 'bare GROUP BY stage over crm.opportunities', 'SELECT stage, count(*), sum(amount) FROM crm.opportunities GROUP BY 1', '<= 3x'),
	('sales_velocity', 'SELECT * FROM crm.sales_velocity',
	 'bare GROUP BY stage over crm.opportunities', 'SELECT stage, count(*), sum(amount) FROM crm.opportunities GROUP BY 1', '<= 3x'),
	('cohort_retention', 'SELECT * FROM crm.cohort_retention',
	 'bare GROUP BY customer_id, month over crm.purchases', $q$SELECT count(*) FROM (SELECT customer_id, date_trunc('month', purchased_at), sum(amount) FROM crm.purchases GROUP BY 1, 2) q$q$, '<= 2.5x'),
	('satisfaction_monthly', 'SELECT * FROM crm.satisfaction_monthly',
	 'bare GROUP BY month over crm.feedback', $q$SELECT date_trunc('month', answered_at), count(*), avg(nps), avg(csat), avg(ces) FROM crm.feedback GROUP BY 1$q$, '<= 2x'),
	('satisfaction_by_segment', 'SELECT * FROM crm.satisfaction_by_segment',
	 'bare join crm.feedback x crm.customer_scores', $q$SELECT count(*), avg(f.nps), avg(s.health_score) FROM crm.feedback f JOIN crm.customer_scores s USING (customer_id)$q$, '<= 3x'),
	('channel_usage', 'SELECT * FROM crm.channel_usage',
	 'bare GROUP BY channel, customer_id over crm.interactions (365 days)', $q$SELECT count(*) FROM (SELECT channel, customer_id, count(*) FROM crm.interactions
		WHERE occurred_at > now() - interval '365 days' GROUP BY 1, 2) q$q$, '<= 1.5x')) AS v(item, query, floor_item, floor_query, target);
