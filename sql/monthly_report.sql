-- The monthly customer behaviour report on generated data, against
-- brute-force SQL written differently (calendar-month grouping, window
-- functions): every KPI of the month and the month before, every change,
-- the top-3 complaint categories and the RFM segment movements between two
-- months of score history.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;
SELECT sum(row_count) > 0 AS loaded FROM crm.load_sample(customers => 400, seed => 11, as_of => '2025-06-30 00:00+00');
-- score history in April and in May (the snapshots the movements compare)
SELECT status FROM crm.refresh('2025-04-30 12:00+00');
SELECT status FROM crm.refresh('2025-05-31 12:00+00');
-- tasks and alerts for the month, some done on time
INSERT INTO crm.tasks (customer_id, kind, title, channel, owner, due_at, status, completed_at)
SELECT customer_id, 'renewal_call', 'call ' || customer_id, 'phone', 'am_report',
	'2025-05-01 09:00+00'::timestamptz + (customer_id % 29) * interval '1 day',
	(CASE WHEN customer_id % 3 = 0 THEN 'done' ELSE 'open' END)::crm.task_status,
	CASE WHEN customer_id % 3 = 0 THEN '2025-05-01 08:00+00'::timestamptz + (customer_id % 31) * interval '1 day' END
FROM crm.customers WHERE customer_id % 5 = 0;
SELECT sum(raised) > 0 AS alerts_raised FROM crm.evaluate_alerts('2025-05-20 12:00+00');

CREATE TEMP TABLE rep AS SELECT * FROM crm.build_monthly_report('2025-05-01');
SELECT to_char(month, 'YYYY-MM') AS month, jsonb_array_length(data -> 'top_complaint_categories') AS complaint_categories,
	jsonb_array_length(data -> 'segment_movements') > 0 AS has_movements
FROM rep;

-- every KPI of May and of April, recomputed by calendar-month grouping
CREATE TEMP TABLE brute AS
WITH months(m) AS (VALUES (date '2025-04-01'), (date '2025-05-01')),
utc AS (SELECT m, m::timestamp AS lo FROM months)
SELECT m,
	jsonb_build_object(
	'new_customers', (SELECT count(*) FROM crm.customers c WHERE date_trunc('month', c.created_at AT TIME ZONE 'UTC') = lo),
	'buying_customers', (SELECT count(*) FROM (SELECT p.customer_id FROM crm.purchases p WHERE p.kind = 'sale'
		AND date_trunc('month', p.purchased_at AT TIME ZONE 'UTC') = lo GROUP BY 1) x),
	'purchases', (SELECT count(*) FROM crm.purchases p WHERE p.kind = 'sale' AND date_trunc('month', p.purchased_at AT TIME ZONE 'UTC') = lo),
	'revenue', (SELECT coalesce(sum(p.amount), 0) FROM crm.purchases p WHERE date_trunc('month', p.purchased_at AT TIME ZONE 'UTC') = lo),
	'refunds', (SELECT coalesce(sum(abs(p.amount)), 0) FROM crm.purchases p WHERE p.kind = 'refund'
		AND date_trunc('month', p.purchased_at AT TIME ZONE 'UTC') = lo),
	'contracts_signed', (SELECT count(*) FROM crm.contracts k WHERE date_trunc('month', k.signed_at AT TIME ZONE 'UTC') = lo),
	'nps', (SELECT round(avg(CASE WHEN f.nps >= 9 THEN 100.0 WHEN f.nps <= 6 THEN -100.0 ELSE 0 END), 1)
		FROM crm.feedback f WHERE f.nps IS NOT NULL AND date_trunc('month', f.answered_at AT TIME ZONE 'UTC') = lo),
	'nps_answers', (SELECT count(*) FROM crm.feedback f WHERE f.nps IS NOT NULL AND date_trunc('month', f.answered_at AT TIME ZONE 'UTC') = lo),
	'csat', (SELECT round(sum(f.csat)::numeric / nullif(count(f.csat), 0), 2) FROM crm.feedback f
		WHERE date_trunc('month', f.answered_at AT TIME ZONE 'UTC') = lo),
	'ces', (SELECT round(sum(f.ces)::numeric / nullif(count(f.ces), 0), 2) FROM crm.feedback f
		WHERE date_trunc('month', f.answered_at AT TIME ZONE 'UTC') = lo),
	'tickets', (SELECT count(*) FROM crm.tickets t WHERE date_trunc('month', t.opened_at AT TIME ZONE 'UTC') = lo),
	-- median by sorting: the middle value, or the mean of the two middle values
	'median_first_response_hours', (SELECT round(avg(h)::numeric, 1) FROM (
		SELECT h, row_number() OVER (ORDER BY h) AS i, count(*) OVER () AS n FROM (
			SELECT extract(epoch FROM t.first_response_at - t.opened_at) / 3600.0 AS h FROM crm.tickets t
			WHERE t.first_response_at IS NOT NULL AND date_trunc('month', t.opened_at AT TIME ZONE 'UTC') = lo) r) s
		WHERE i IN ((n + 1) / 2, (n + 2) / 2)),
	'alerts_raised', (SELECT count(*) FROM crm.alerts a WHERE date_trunc('month', a.opened_at AT TIME ZONE 'UTC') = lo),
	'critical_alerts', (SELECT count(*) FROM crm.alerts a WHERE a.level = 'critical' AND date_trunc('month', a.opened_at AT TIME ZONE 'UTC') = lo),
	'tasks_due', (SELECT count(*) FROM crm.tasks t WHERE date_trunc('month', t.due_at AT TIME ZONE 'UTC') = lo),
	'tasks_done_on_time', (SELECT count(*) FROM crm.tasks t WHERE date_trunc('month', t.due_at AT TIME ZONE 'UTC') = lo
		AND t.status = 'done' AND NOT t.completed_at > t.due_at)) AS kpis
FROM utc;

-- no KPI differs (numbers compared as numbers); the data is not trivial
SELECT k.key AS kpi_differs, k.value AS report, b.kpis -> k.key AS brute_force
FROM rep, jsonb_each(rep.data -> 'kpis') k, brute b
WHERE b.m = '2025-05-01' AND (k.value::text::numeric IS DISTINCT FROM (b.kpis ->> k.key)::numeric)
UNION ALL
SELECT 'previous: ' || k.key, k.value, b.kpis -> k.key
FROM rep, jsonb_each(rep.data -> 'previous_month') k, brute b
WHERE b.m = '2025-04-01' AND (k.value::text::numeric IS DISTINCT FROM (b.kpis ->> k.key)::numeric);
SELECT (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys((SELECT kpis FROM brute WHERE m = '2025-05-01')) k)
	= (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys((SELECT data -> 'kpis' FROM rep)) k) AS same_kpi_names,
	(SELECT count(*) FROM jsonb_object_keys((SELECT kpis FROM brute WHERE m = '2025-05-01'))) AS kpis,
	(SELECT count(*) FROM jsonb_each((SELECT data -> 'kpis' FROM rep)) WHERE value::text::numeric > 0) AS nonzero_kpis;
-- every change is this month minus the month before
SELECT c.key AS change_differs FROM rep, jsonb_each(rep.data -> 'changes') c
WHERE c.value::text::numeric IS DISTINCT FROM
	round((rep.data -> 'kpis' ->> c.key)::numeric - (rep.data -> 'previous_month' ->> c.key)::numeric, 2);

-- top-3 complaint categories of May, ranked by tickets (ties in the category type's declared order)
SELECT (SELECT jsonb_agg(jsonb_build_object('category', category, 'tickets', n) ORDER BY r)
		FROM (SELECT category, n, rank() OVER (ORDER BY n DESC, array_position(enum_range(NULL::crm.ticket_category), category)) AS r
			  FROM (SELECT t.category, count(*) AS n FROM crm.tickets t
					WHERE to_char(t.opened_at AT TIME ZONE 'UTC', 'YYYY-MM') = '2025-05' GROUP BY 1) g) x WHERE r <= 3)
	= (SELECT data -> 'top_complaint_categories' FROM rep) AS top_complaints_match;

-- segment movements: last April snapshot vs last May snapshot per customer, by window functions
SELECT (SELECT jsonb_agg(jsonb_build_object('from', s_from, 'to', s_to, 'customers', n) ORDER BY n DESC, s_from, s_to)
		FROM (SELECT s_from, s_to, count(*) AS n
			  FROM (SELECT customer_id,
						max(rfm_segment) FILTER (WHERE month = '2025-04' AND is_last) AS s_from,
						max(rfm_segment) FILTER (WHERE month = '2025-05' AND is_last) AS s_to,
						bool_or(month = '2025-04') AND bool_or(month = '2025-05') AS both_months
					FROM (SELECT customer_id, rfm_segment, to_char(snapshot_date, 'YYYY-MM') AS month,
							snapshot_date = max(snapshot_date) OVER (PARTITION BY customer_id, to_char(snapshot_date, 'YYYY-MM')) AS is_last
						  FROM crm.customer_score_history) h
					GROUP BY customer_id) per_customer
			  WHERE both_months AND s_from IS DISTINCT FROM s_to
			  GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 10) mv)
	= (SELECT data -> 'segment_movements' FROM rep) AS movements_match;

-- the Markdown shows the same figures
SELECT markdown LIKE '%| revenue | ' || (data -> 'kpis' ->> 'revenue') || ' | ' || (data -> 'previous_month' ->> 'revenue') || ' | '
		|| (data -> 'changes' ->> 'revenue') || ' |%' AS markdown_revenue_row,
	markdown LIKE '%1. ' || (data -> 'top_complaint_categories' -> 0 ->> 'category') || ': '
		|| (data -> 'top_complaint_categories' -> 0 ->> 'tickets') || ' tickets%' AS markdown_top_complaint,
	markdown LIKE '%- ' || (data -> 'segment_movements' -> 0 ->> 'from') || ' → ' || (data -> 'segment_movements' -> 0 ->> 'to') || ': '
		|| (data -> 'segment_movements' -> 0 ->> 'customers') || ' customers%' AS markdown_top_movement
FROM crm.reports WHERE month = '2025-05-01';
-- rebuilding replaces the month's report
SELECT to_char(month, 'YYYY-MM') AS rebuilt FROM crm.build_monthly_report('2025-05-01');
SELECT count(*) AS reports_for_may FROM crm.reports WHERE month = '2025-05-01';

-- clean up: a fresh, empty crm for the tests that follow
DROP EXTENSION crm CASCADE;
CREATE EXTENSION crm;
RESET client_min_messages;
