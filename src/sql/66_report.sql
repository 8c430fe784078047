-- The monthly customer behaviour report: KPIs of a calendar month (UTC),
-- changes against the month before, the top complaint categories and RFM
-- segment movements, stored as jsonb plus rendered Markdown.

CREATE TABLE crm.reports (
	month		date PRIMARY KEY CHECK (extract(day FROM month) = 1),
	built_at	timestamptz NOT NULL DEFAULT pg_catalog.now(),
	data		jsonb NOT NULL,
	markdown	text NOT NULL
);
COMMENT ON TABLE crm.reports IS 'Monthly customer behaviour reports built by crm.build_monthly_report() (one per month; rebuilding replaces it)';
COMMENT ON COLUMN crm.reports.month IS 'First day of the reported calendar month (UTC)';
COMMENT ON COLUMN crm.reports.built_at IS 'When the report was built';
COMMENT ON COLUMN crm.reports.data IS 'KPIs of the month and the month before, changes, top complaint categories, segment movements (jsonb)';
COMMENT ON COLUMN crm.reports.markdown IS 'The same, rendered as Markdown';
SELECT pg_catalog.pg_extension_config_dump('crm.reports', '');

-- KPIs of one calendar month [month_start, month_start + 1 month), UTC.
CREATE FUNCTION crm.month_kpis(month_start date) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH b AS (SELECT (month_start::timestamp AT TIME ZONE 'UTC') AS lo,
					  ((month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC') AS hi)
	SELECT jsonb_build_object(
		'new_customers', (SELECT count(*) FROM crm.customers c, b WHERE c.created_at >= b.lo AND c.created_at < b.hi),
		'buying_customers', (SELECT count(DISTINCT p.customer_id) FROM crm.purchases p, b
							 WHERE p.kind = 'sale' AND p.purchased_at >= b.lo AND p.purchased_at < b.hi),
		'purchases', (SELECT count(*) FROM crm.purchases p, b WHERE p.kind = 'sale' AND p.purchased_at >= b.lo AND p.purchased_at < b.hi),
		'revenue', (SELECT coalesce(sum(p.amount), 0) FROM crm.purchases p, b WHERE p.purchased_at >= b.lo AND p.purchased_at < b.hi),
		'refunds', (SELECT coalesce(-sum(p.amount), 0) FROM crm.purchases p, b
					WHERE p.kind = 'refund' AND p.purchased_at >= b.lo AND p.purchased_at < b.hi),
		'contracts_signed', (SELECT count(*) FROM crm.contracts k, b WHERE k.signed_at >= b.lo AND k.signed_at < b.hi),
		'nps', (SELECT round(100.0 * (count(*) FILTER (WHERE f.nps >= 9) - count(*) FILTER (WHERE f.nps <= 6)) / nullif(count(f.nps), 0), 1)
				FROM crm.feedback f, b WHERE f.answered_at >= b.lo AND f.answered_at < b.hi),
		'nps_answers', (SELECT count(f.nps) FROM crm.feedback f, b WHERE f.answered_at >= b.lo AND f.answered_at < b.hi),
		'csat', (SELECT round(avg(f.csat), 2) FROM crm.feedback f, b WHERE f.answered_at >= b.lo AND f.answered_at < b.hi),
		'ces', (SELECT round(avg(f.ces), 2) FROM crm.feedback f, b WHERE f.answered_at >= b.lo AND f.answered_at < b.hi),
		'tickets', (SELECT count(*) FROM crm.tickets t, b WHERE t.opened_at >= b.lo AND t.opened_at < b.hi),
		'median_first_response_hours', (SELECT round((percentile_cont(0.5) WITHIN GROUP (
				ORDER BY extract(epoch FROM t.first_response_at - t.opened_at) / 3600.0))::numeric, 1)
			FROM crm.tickets t, b WHERE t.opened_at >= b.lo AND t.opened_at < b.hi AND t.first_response_at IS NOT NULL),
		'alerts_raised', (SELECT count(*) FROM crm.alerts a, b WHERE a.opened_at >= b.lo AND a.opened_at < b.hi),
		'critical_alerts', (SELECT count(*) FROM crm.alerts a, b WHERE a.level = 'critical' AND a.opened_at >= b.lo AND a.opened_at < b.hi),
		'tasks_due', (SELECT count(*) FROM crm.tasks t, b WHERE t.due_at >= b.lo AND t.due_at < b.hi),
		'tasks_done_on_time', (SELECT count(*) FROM crm.tasks t, b WHERE t.due_at >= b.lo AND t.due_at < b.hi
							   AND t.status = 'done' AND t.completed_at <= t.due_at))
	FROM b
$$;
COMMENT ON FUNCTION crm.month_kpis(date) IS
	'KPIs of the calendar month starting at month_start (UTC): new and buying customers, purchases, revenue (net, account currency), refunds, contracts signed, NPS (-100..100), CSAT (1-5), CES (1-7), tickets, median first response (hours), alerts, tasks due and done on time';

-- Builds (or rebuilds) the report of a month and stores it in crm.reports.
CREATE FUNCTION crm.build_monthly_report(month date DEFAULT (pg_catalog.date_trunc('month', pg_catalog.now() AT TIME ZONE 'UTC') - interval '1 month')::date)
RETURNS crm.reports
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	m date := date_trunc('month', build_monthly_report.month)::date;
	started timestamptz := clock_timestamp();
	cur jsonb;
	prev jsonb;
	changes jsonb;
	complaints jsonb;
	movements jsonb;
	data jsonb;
	md text;
	k text;
	result crm.reports;
BEGIN
	IF build_monthly_report.month IS NULL OR NOT isfinite(build_monthly_report.month) THEN
		RAISE EXCEPTION 'month must be a finite date, not %', coalesce(build_monthly_report.month::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF m >= date_trunc('month', now() AT TIME ZONE 'UTC')::date + interval '1 month' THEN
		RAISE EXCEPTION 'month % has not started yet', to_char(m, 'YYYY-MM')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Report a past or the current month.';
	END IF;
	PERFORM pg_advisory_xact_lock(hashtext('crm.build_monthly_report'));
	cur := crm.month_kpis(m);
	prev := crm.month_kpis((m - interval '1 month')::date);
	SELECT jsonb_object_agg(c.key, CASE WHEN jsonb_typeof(c.value) = 'number' AND jsonb_typeof(prev -> c.key) = 'number'
		THEN to_jsonb(round(c.value::text::numeric - (prev ->> c.key)::numeric, 2)) ELSE 'null'::jsonb END)
	INTO changes FROM jsonb_each(cur) c;
	SELECT coalesce(jsonb_agg(jsonb_build_object('category', category, 'tickets', n) ORDER BY n DESC, category), '[]')
	INTO complaints
	FROM (SELECT t.category, count(*) AS n FROM crm.tickets t
		  WHERE t.opened_at >= m::timestamp AT TIME ZONE 'UTC' AND t.opened_at < (m + interval '1 month')::timestamp AT TIME ZONE 'UTC'
		  GROUP BY t.category ORDER BY n DESC, t.category LIMIT 3) c;
	-- segment movements: each customer's segment at the last snapshot of this month vs of the month before
	SELECT coalesce(jsonb_agg(jsonb_build_object('from', s_from, 'to', s_to, 'customers', n) ORDER BY n DESC, s_from, s_to), '[]')
	INTO movements
	FROM (SELECT a.rfm_segment AS s_from, b.rfm_segment AS s_to, count(*) AS n
		  FROM (SELECT DISTINCT ON (customer_id) customer_id, rfm_segment FROM crm.customer_score_history
				WHERE snapshot_date < m ORDER BY customer_id, snapshot_date DESC) a
		  JOIN (SELECT DISTINCT ON (customer_id) customer_id, rfm_segment FROM crm.customer_score_history
				WHERE snapshot_date < m + interval '1 month' AND snapshot_date >= m ORDER BY customer_id, snapshot_date DESC) b
			USING (customer_id)
		  WHERE a.rfm_segment IS DISTINCT FROM b.rfm_segment
		  GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 10) mv;
	data := jsonb_build_object('month', to_char(m, 'YYYY-MM'), 'kpis', cur, 'previous_month', prev, 'changes', changes,
							   'top_complaint_categories', complaints, 'segment_movements', movements);
	md := format(E'# Customer behaviour report, %s\n\n| KPI | %s | %s | change |\n|---|---:|---:|---:|\n',
				 to_char(m, 'YYYY-MM'), to_char(m, 'YYYY-MM'), to_char(m - interval '1 month', 'YYYY-MM'));
	FOR k IN SELECT jsonb_object_keys(cur) ORDER BY 1 LOOP
		md := md || format(E'| %s | %s | %s | %s |\n', replace(k, '_', ' '), coalesce(cur ->> k, '-'),
						   coalesce(prev ->> k, '-'), coalesce(changes ->> k, '-'));
	END LOOP;
	md := md || E'\n## Top complaint categories\n\n' || coalesce((SELECT string_agg(format('%s. %s: %s tickets', ord, e ->> 'category', e ->> 'tickets'), E'\n' ORDER BY ord)
		FROM jsonb_array_elements(complaints) WITH ORDINALITY AS x(e, ord)), 'No tickets this month.') || E'\n';
	md := md || E'\n## Segment movements\n\n' || coalesce((SELECT string_agg(format('- %s → %s: %s customers', coalesce(e ->> 'from', 'none'),
		coalesce(e ->> 'to', 'none'), e ->> 'customers'), E'\n' ORDER BY ord)
		FROM jsonb_array_elements(movements) WITH ORDINALITY AS x(e, ord)), 'No score history for both months yet (run crm.refresh() daily).') || E'\n';
	INSERT INTO crm.reports AS r (month, built_at, data, markdown) VALUES (m, now(), data, md)
	ON CONFLICT (month) DO UPDATE SET built_at = EXCLUDED.built_at, data = EXCLUDED.data, markdown = EXCLUDED.markdown
	RETURNING * INTO result;
	INSERT INTO crm.job_runs (job, as_of, started_at, finished_at, status, details)
	VALUES ('monthly_report', now(), started, clock_timestamp(), 'done', jsonb_build_object('month', to_char(m, 'YYYY-MM')));
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm.build_monthly_report(date) IS
	'Builds the customer behaviour report of a calendar month (default: the previous month, UTC): KPIs, changes vs the month before, top-3 complaint categories, RFM segment movements; stores jsonb and Markdown in crm.reports (replacing an earlier build)';
