-- Automation: task generation from playbooks, escalation of overdue tasks,
-- and crm.run_automation(), which runs alert evaluation, generation and
-- escalation under one lock and logs each run. Runs after the first one look
-- only at customers with new events (crm.automation_dirty), except a full
-- sweep once a day or after a full refresh.

INSERT INTO crm.setting_defaults (key, value, description, allowed, min_value, max_value) VALUES
	('automation_full_sweep_hours', '24', 'crm.run_automation() re-evaluates every customer when its last full sweep is older than this (as_of based); in between only customers with new events', NULL, 0, 8760),
	('log_retention_days', '90', 'crm.cleanup() removes refresh and job logs older than this', NULL, 1, 36500),
	('history_retention_days', '730', 'crm.cleanup() removes score history snapshots older than this', NULL, 1, 36500),
	('outbox_retention_days', '180', 'crm.cleanup() removes sent, failed and cancelled outbox messages older than this', NULL, 1, 36500);

-- Customers with new events since the last automation run (kept by crm.mark_dirty).
-- No key, like crm.score_dirty: event writers never wait for a running sweep.
CREATE UNLOGGED TABLE crm.automation_dirty (
	customer_id		bigint NOT NULL
);
COMMENT ON TABLE crm.automation_dirty IS 'Customers with new or changed events since the last crm.run_automation(), one row per statement and customer (no key, so event writers never wait); unlogged: after a crash the next run is a full sweep anyway';

CREATE TABLE crm.automation_state (
	singleton		boolean PRIMARY KEY DEFAULT true CHECK (singleton),
	last_as_of		timestamptz NOT NULL,
	last_full_as_of	timestamptz NOT NULL,
	last_alert_id	bigint NOT NULL,
	last_refresh_run_id bigint NOT NULL
);
COMMENT ON TABLE crm.automation_state IS 'Where crm.run_automation() left off (one row)';
COMMENT ON COLUMN crm.automation_state.last_full_as_of IS 'as_of of the last full sweep';
COMMENT ON COLUMN crm.automation_state.last_alert_id IS 'Alerts up to this id have had their action-plan tasks generated';
COMMENT ON COLUMN crm.automation_state.last_refresh_run_id IS 'Newest full refresh seen; a newer one triggers a full sweep';
SELECT pg_catalog.pg_extension_config_dump('crm.automation_state', '');

CREATE TABLE crm.job_runs (
	run_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	job				text NOT NULL,
	as_of			timestamptz NOT NULL,
	started_at		timestamptz NOT NULL,
	finished_at		timestamptz,
	status			text NOT NULL CHECK (status IN ('done', 'skipped')),
	details			jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE crm.job_runs IS 'One row per run of crm.run_automation(), crm.cleanup() and crm.build_monthly_report(), with status and counts (a failed run rolls back; pg_cron''s cron.job_run_details has its error)';
COMMENT ON COLUMN crm.job_runs.job IS 'automation, cleanup or monthly_report';
COMMENT ON COLUMN crm.job_runs.status IS 'done, or skipped (the same job was already running)';
COMMENT ON COLUMN crm.job_runs.details IS 'Counts: alerts raised/resolved, tasks and messages created, tasks escalated, rows removed';
SELECT pg_catalog.pg_extension_config_dump('crm.job_runs', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.job_runs', 'run_id'), '');
CREATE INDEX job_runs_job_idx ON crm.job_runs (job, started_at);

-- Generates playbook tasks and messages as of as_of; returns what was created per step.
CREATE FUNCTION crm.generate_tasks(as_of timestamptz DEFAULT pg_catalog.now(), only_customers bigint[] DEFAULT NULL,
								   since_alert_id bigint DEFAULT 0)
RETURNS TABLE (step text, tasks bigint, messages bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $generate$
#variable_conflict use_column
DECLARE
	d date := (as_of AT TIME ZONE 'UTC')::date;
	lookback interval := (crm.setting('playbook_lookback_days'))::int * interval '1 day';
	scoped boolean := only_customers IS NOT NULL;
	pool name[];
	loads bigint[];
BEGIN
	IF as_of IS NULL OR NOT isfinite(as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite timestamp, not %', coalesce(as_of::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF to_regclass('pg_temp.crm_candidates') IS NOT NULL THEN
		DROP TABLE pg_temp.crm_candidates;
	END IF;
	CREATE TEMP TABLE crm_candidates ON COMMIT DROP AS
	-- contract signed: each step once per contract
	SELECT k.customer_id, s.step, s.step || ':' || k.contract_id AS dedup_key,
		k.signed_at + (CASE WHEN s.automated THEN s.offset_hours ELSE s.sla_hours END) * interval '1 hour' AS due_at,
		NULL::bigint AS alert_id
	FROM crm.playbook_steps_effective s JOIN crm.contracts k ON true
	WHERE s.trigger = 'contract_signed' AND k.status <> 'draft'
	  AND k.signed_at <= as_of AND k.signed_at > as_of - lookback
	  AND (NOT scoped OR k.customer_id = ANY (only_customers))
	UNION ALL
	-- cadences: once per customer and calendar-aligned period
	-- (a customer who enters a cadence mid-period gets the full SLA from as_of)
	SELECT c.customer_id, s.step, s.step || ':' || c.customer_id || ':' || to_char(crm.cadence_period_start(d, s.cadence_months), 'YYYY-MM-DD'),
		greatest(crm.cadence_period_start(d, s.cadence_months)::timestamp AT TIME ZONE 'UTC', as_of)
			+ (CASE WHEN s.automated THEN s.offset_hours ELSE s.sla_hours END) * interval '1 hour',
		NULL
	FROM crm.playbook_steps_effective s JOIN crm.customers c
		ON (s.trigger = 'growth_stage' AND c.lifecycle_stage = 'growth')
		OR (s.trigger = 'tier' AND (s.match IS NULL OR c.tier::text = s.match) AND c.tier IS NOT NULL)
	WHERE s.trigger IN ('growth_stage', 'tier') AND (NOT scoped OR c.customer_id = ANY (only_customers))
	UNION ALL
	-- birthdays: lead_days ahead, once per year
	SELECT b.customer_id, b.step, b.step || ':' || b.customer_id || ':' || to_char(b.next_date, 'YYYY'),
		b.next_date::timestamp AT TIME ZONE 'UTC' + b.sla_hours * interval '1 hour', NULL
	FROM (SELECT c.customer_id, s.step, s.sla_hours, s.lead_days,
				 CASE WHEN (c.birthday + make_interval(years => extract(year FROM d)::int - extract(year FROM c.birthday)::int))::date >= d
					  THEN (c.birthday + make_interval(years => extract(year FROM d)::int - extract(year FROM c.birthday)::int))::date
					  ELSE (c.birthday + make_interval(years => extract(year FROM d)::int + 1 - extract(year FROM c.birthday)::int))::date
				 END AS next_date
		  FROM crm.playbook_steps_effective s JOIN crm.customers c ON c.birthday IS NOT NULL
		  WHERE s.trigger = 'birthday' AND (NOT scoped OR c.customer_id = ANY (only_customers))) b
	WHERE b.next_date - d <= b.lead_days
	UNION ALL
	-- contract anniversaries: lead_days ahead of each anniversary of the start of an active contract
	SELECT a.customer_id, a.step, a.step || ':' || a.contract_id || ':' || to_char(a.next_date, 'YYYY'),
		a.next_date::timestamp AT TIME ZONE 'UTC' + a.sla_hours * interval '1 hour', NULL
	FROM (SELECT k.customer_id, k.contract_id, k.starts_on, s.step, s.sla_hours, s.lead_days,
				 CASE WHEN (k.starts_on + make_interval(years => extract(year FROM d)::int - extract(year FROM k.starts_on)::int))::date >= d
					  THEN (k.starts_on + make_interval(years => extract(year FROM d)::int - extract(year FROM k.starts_on)::int))::date
					  ELSE (k.starts_on + make_interval(years => extract(year FROM d)::int + 1 - extract(year FROM k.starts_on)::int))::date
				 END AS next_date
		  FROM crm.playbook_steps_effective s JOIN crm.contracts k ON k.status = 'active' AND k.starts_on <= d
		  WHERE s.trigger = 'contract_anniversary' AND (NOT scoped OR k.customer_id = ANY (only_customers))) a
	WHERE a.next_date - d <= a.lead_days AND a.next_date > a.starts_on
	UNION ALL
	-- alerts: the action plan of the alert's level, once per alert
	SELECT al.customer_id, s.step, s.step || ':' || al.alert_id, al.opened_at + s.sla_hours * interval '1 hour', al.alert_id
	FROM crm.playbook_steps_effective s JOIN crm.alerts al ON s.match IS NULL OR al.level::text = s.match
	WHERE s.trigger = 'alert' AND al.status <> 'resolved' AND al.alert_id > since_alert_id AND al.opened_at <= as_of
	UNION ALL
	-- urgent tickets without a first response
	SELECT t.customer_id, s.step, s.step || ':' || t.ticket_id, t.opened_at + s.sla_hours * interval '1 hour', NULL
	FROM crm.playbook_steps_effective s JOIN crm.tickets t ON t.priority = 'urgent'
	WHERE s.trigger = 'urgent_ticket' AND t.first_response_at IS NULL AND t.opened_at <= as_of AND t.opened_at > as_of - lookback
	  AND (NOT scoped OR t.customer_id = ANY (only_customers))
	UNION ALL
	-- general tickets unresolved after 5 working days
	SELECT g.customer_id, g.step, g.step || ':' || g.ticket_id, g.deadline + g.sla_hours * interval '1 hour', NULL
	FROM (SELECT t.customer_id, t.ticket_id, s.step, s.sla_hours, crm.add_working_days(t.opened_at, 5) AS deadline
		  FROM crm.playbook_steps_effective s JOIN crm.tickets t ON t.priority = 'general'
		  WHERE s.trigger = 'general_ticket' AND t.opened_at <= as_of AND t.opened_at > as_of - lookback
			AND (t.resolved_at IS NULL OR t.resolved_at > as_of)
			AND (NOT scoped OR t.customer_id = ANY (only_customers))) g
	WHERE g.deadline <= as_of;

	-- Drop what exists already (the dedup keys), then what consent forbids.
	DELETE FROM crm_candidates x
	WHERE EXISTS (SELECT 1 FROM crm.tasks t WHERE t.dedup_key = x.dedup_key)
	   OR EXISTS (SELECT 1 FROM crm.outbox o WHERE o.dedup_key = x.dedup_key);
	DELETE FROM crm_candidates x USING crm.playbook_steps_effective s
	WHERE s.step = x.step AND NOT s.automated
	  AND EXISTS (SELECT 1 FROM crm.consent k WHERE k.customer_id = x.customer_id)
	  AND NOT crm.may_contact(x.customer_id, s.channel, s.purpose, as_of);

	-- The pool, least loaded first (only needed when something is left to assign).
	IF NOT EXISTS (SELECT 1 FROM crm_candidates) THEN
		RETURN;
	END IF;
	SELECT array_agg(m.member ORDER BY coalesce(l.open_tasks, 0), m.member), array_agg(coalesce(l.open_tasks, 0))
	INTO pool, loads
	FROM crm.team_members m
	LEFT JOIN (SELECT t.owner, count(*) AS open_tasks FROM crm.tasks t WHERE t.status = 'open' GROUP BY t.owner) l ON l.owner = m.member
	WHERE m.in_pool AND m.active;

	RETURN QUERY
	WITH steps AS (SELECT * FROM crm.playbook_steps_effective),
	new_tasks AS (
		INSERT INTO crm.tasks (customer_id, kind, title, channel, owner, due_at, source, playbook_step, alert_id, dedup_key)
		SELECT x.customer_id, s.task_kind, s.title, s.channel,
			CASE WHEN s.assign_to = 'owner' AND c.owner IS NOT NULL THEN c.owner
				 WHEN cardinality(pool) > 0 THEN pool[1 + (row_number() OVER (PARTITION BY (s.assign_to = 'owner' AND c.owner IS NOT NULL)
																			   ORDER BY x.due_at, x.dedup_key) - 1) % cardinality(pool)]
			END,
			x.due_at, 'playbook:' || s.playbook, s.step, x.alert_id, x.dedup_key
		FROM crm_candidates x JOIN steps s ON s.step = x.step JOIN crm.customers c ON c.customer_id = x.customer_id
		WHERE NOT s.automated
		ORDER BY x.due_at, x.dedup_key
		ON CONFLICT (dedup_key) DO NOTHING
		RETURNING playbook_step
	), new_messages AS (
		-- set-based crm.queue_message: consent, an address, the standard merge fields
		INSERT INTO crm.outbox (customer_id, channel, purpose, recipient, subject, body, template, due_at, dedup_key, source)
		SELECT m.customer_id, m.channel, m.purpose, m.recipient,
			regexp_replace(replace(replace(replace(replace(replace(m.subject, '{{customer_name}}', m.name), '{{company}}', m.company),
				'{{company_suffix}}', m.company_suffix), '{{owner}}', m.owner), '{{email}}', m.email), '\{\{[A-Za-z0-9_]+\}\}', '', 'g'),
			regexp_replace(replace(replace(replace(replace(replace(m.body, '{{customer_name}}', m.name), '{{company}}', m.company),
				'{{company_suffix}}', m.company_suffix), '{{owner}}', m.owner), '{{email}}', m.email), '\{\{[A-Za-z0-9_]+\}\}', '', 'g'),
			m.template, m.due_at, m.dedup_key, 'playbook:' || m.playbook
		FROM (SELECT x.customer_id, x.due_at, x.dedup_key, s.playbook, t.template, t.channel, t.purpose, t.subject, t.body,
				  c.name, coalesce(c.company, '') AS company,
				  CASE WHEN c.company IS NULL THEN '' ELSE ' at ' || c.company END AS company_suffix,
				  coalesce(c.owner::text, 'our team') AS owner, coalesce(c.email, '') AS email,
				  CASE WHEN t.channel = 'email' THEN coalesce(c.email,
						(SELECT k.email FROM crm.contacts k WHERE k.customer_id = c.customer_id AND k.email IS NOT NULL
						 ORDER BY k.is_decision_maker DESC, k.contact_id LIMIT 1))
					   ELSE c.phone END AS recipient
			  FROM crm_candidates x JOIN steps s ON s.step = x.step
			  JOIN crm.message_templates_effective t ON t.template = s.template
			  JOIN crm.customers c ON c.customer_id = x.customer_id
			  WHERE s.automated
				AND CASE WHEN EXISTS (SELECT 1 FROM crm.consent k WHERE k.customer_id = x.customer_id)
						 THEN crm.may_contact(x.customer_id, t.channel, t.purpose, x.due_at)
						 ELSE t.purpose = 'service' END) m
		WHERE m.recipient IS NOT NULL
		ORDER BY m.due_at, m.dedup_key
		ON CONFLICT (dedup_key) DO NOTHING
		RETURNING split_part(source, ':', 2) AS playbook, dedup_key
	)
	SELECT z.step, sum(z.t)::bigint, sum(z.m)::bigint
	FROM (SELECT playbook_step AS step, 1 AS t, 0 AS m FROM new_tasks
		  UNION ALL SELECT split_part(new_messages.dedup_key, ':', 1), 0, 1 FROM new_messages) z
	GROUP BY z.step ORDER BY z.step;
END
$generate$;
COMMENT ON FUNCTION crm.generate_tasks(timestamptz, bigint[], bigint) IS
	'Applies the playbook steps as of as_of: creates follow-up tasks (assigned to the owner, else the least-loaded pool member) and queues automated messages, each under a deterministic dedup key so running it again creates nothing new; consent is respected; with only_customers, every step except alert plans looks only at those customers; alert plans only for alerts after since_alert_id';

-- Escalates open tasks overdue by escalation_delay_hours to the owner's manager.
CREATE FUNCTION crm.escalate_overdue_tasks(as_of timestamptz DEFAULT pg_catalog.now()) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n bigint;
	delay interval := (crm.setting('escalation_delay_hours'))::float8 * interval '1 hour';
	fallback name := crm.setting('escalation_manager') #>> '{}';
BEGIN
	-- (tasks_open_due_idx finds the candidates without reading every task)
	UPDATE crm.tasks t SET escalated_at = as_of,
		escalated_to = coalesce((SELECT m.manager FROM crm.team_members m WHERE m.member = t.owner), fallback)
	WHERE t.status = 'open' AND t.escalated_at IS NULL AND t.due_at <= as_of - delay;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION crm.escalate_overdue_tasks(timestamptz) IS
	'Escalates open tasks more than escalation_delay_hours past due to the owner''s manager (crm.team_members) or the escalation_manager setting; returns how many';

-- Runs alert evaluation, task generation and escalation as one locked, logged job.
CREATE FUNCTION crm.run_automation(as_of timestamptz DEFAULT pg_catalog.now(), full_sweep boolean DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
	st crm.automation_state;
	started timestamptz := clock_timestamp();
	newest_full_refresh bigint;
	scope bigint[];
	alerts jsonb;
	generated jsonb;
	escalated bigint;
	result jsonb;
	max_alert bigint;
BEGIN
	IF as_of IS NULL OR NOT isfinite(as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite timestamp, not %', coalesce(as_of::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT pg_try_advisory_xact_lock(hashtext('crm.run_automation')) THEN
		RAISE NOTICE 'crm.run_automation: another run is in progress; skipped';
		INSERT INTO crm.job_runs (job, as_of, started_at, finished_at, status) VALUES ('automation', as_of, started, clock_timestamp(), 'skipped');
		RETURN jsonb_build_object('status', 'skipped');
	END IF;
	SELECT * INTO st FROM crm.automation_state;
	SELECT coalesce(max(r.run_id), 0) INTO newest_full_refresh FROM crm.refresh_runs r WHERE r.mode = 'full' AND r.status = 'done';
	IF full_sweep IS NULL THEN
		full_sweep := st IS NULL OR newest_full_refresh > st.last_refresh_run_id
			OR as_of - st.last_full_as_of >= (crm.setting('automation_full_sweep_hours'))::float8 * interval '1 hour'
			OR EXISTS (SELECT 1 FROM crm.playbook_steps_effective s WHERE s.cadence_months IS NOT NULL
					   AND crm.cadence_period_start((as_of AT TIME ZONE 'UTC')::date, s.cadence_months)
						   <> crm.cadence_period_start((st.last_as_of AT TIME ZONE 'UTC')::date, s.cadence_months));
	END IF;
	IF full_sweep THEN
		-- DELETE, not TRUNCATE: its lock would hold every event writer until commit
		DELETE FROM crm.automation_dirty;
		scope := NULL;
	ELSE
		WITH taken AS (DELETE FROM crm.automation_dirty RETURNING customer_id)
		SELECT coalesce(array_agg(DISTINCT customer_id), '{}') INTO scope FROM taken;
	END IF;

	SELECT coalesce(jsonb_agg(to_jsonb(e)), '[]') INTO alerts FROM crm.evaluate_alerts(as_of, scope) e;
	SELECT coalesce(jsonb_agg(to_jsonb(g)), '[]') INTO generated
	FROM crm.generate_tasks(as_of, scope, coalesce(st.last_alert_id, 0)) g;
	escalated := crm.escalate_overdue_tasks(as_of);

	SELECT coalesce(max(alert_id), 0) INTO max_alert FROM crm.alerts;
	INSERT INTO crm.automation_state AS s (last_as_of, last_full_as_of, last_alert_id, last_refresh_run_id)
	VALUES (as_of, as_of, max_alert, newest_full_refresh)
	ON CONFLICT (singleton) DO UPDATE SET last_as_of = EXCLUDED.last_as_of,
		last_full_as_of = CASE WHEN full_sweep THEN EXCLUDED.last_full_as_of ELSE s.last_full_as_of END,
		last_alert_id = EXCLUDED.last_alert_id, last_refresh_run_id = EXCLUDED.last_refresh_run_id;

	result := jsonb_build_object('status', 'done', 'full_sweep', full_sweep,
		'customers_in_scope', CASE WHEN full_sweep THEN NULL ELSE cardinality(scope) END,
		'alerts_raised', (SELECT coalesce(sum((a ->> 'raised')::bigint), 0) FROM jsonb_array_elements(alerts) a),
		'alerts_resolved', (SELECT coalesce(sum((a ->> 'resolved')::bigint), 0) FROM jsonb_array_elements(alerts) a),
		'tasks_created', (SELECT coalesce(sum((g ->> 'tasks')::bigint), 0) FROM jsonb_array_elements(generated) g),
		'messages_queued', (SELECT coalesce(sum((g ->> 'messages')::bigint), 0) FROM jsonb_array_elements(generated) g),
		'tasks_escalated', escalated, 'alerts', alerts, 'generated', generated);
	INSERT INTO crm.job_runs (job, as_of, started_at, finished_at, status, details)
	VALUES ('automation', as_of, started, clock_timestamp(), 'done', result);
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm.run_automation(timestamptz, boolean) IS
	'Evaluates alerts, generates playbook tasks and messages and escalates overdue tasks as of as_of, under a lock (a concurrent run is skipped) and logged in crm.job_runs; a full sweep of every customer after a full refresh, a new cadence period or automation_full_sweep_hours, else only customers with new events';

-- Removes old logs, old score history and old delivered messages.
CREATE FUNCTION crm.cleanup(as_of timestamptz DEFAULT pg_catalog.now()) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
	started timestamptz := clock_timestamp();
	logs interval := (crm.setting('log_retention_days'))::int * interval '1 day';
	n_runs bigint;
	n_jobs bigint;
	n_history bigint;
	n_outbox bigint;
	result jsonb;
BEGIN
	IF NOT pg_try_advisory_xact_lock(hashtext('crm.cleanup')) THEN
		RAISE NOTICE 'crm.cleanup: another cleanup is in progress; skipped';
		RETURN jsonb_build_object('status', 'skipped');
	END IF;
	DELETE FROM crm.refresh_runs WHERE started_at < as_of - logs AND status <> 'running'
	  AND run_id <> (SELECT coalesce(max(run_id), 0) FROM crm.refresh_runs WHERE mode = 'full' AND status = 'done');
	GET DIAGNOSTICS n_runs = ROW_COUNT;
	DELETE FROM crm.job_runs WHERE started_at < as_of - logs;
	GET DIAGNOSTICS n_jobs = ROW_COUNT;
	DELETE FROM crm.customer_score_history h
	WHERE h.snapshot_date < (as_of AT TIME ZONE 'UTC')::date - (crm.setting('history_retention_days'))::int
	   OR NOT EXISTS (SELECT 1 FROM crm.customers c WHERE c.customer_id = h.customer_id);
	GET DIAGNOSTICS n_history = ROW_COUNT;
	DELETE FROM crm.outbox WHERE status IN ('sent', 'failed', 'cancelled')
	  AND created_at < as_of - (crm.setting('outbox_retention_days'))::int * interval '1 day';
	GET DIAGNOSTICS n_outbox = ROW_COUNT;
	result := jsonb_build_object('status', 'done', 'refresh_runs', n_runs, 'job_runs', n_jobs,
								 'history_snapshots', n_history, 'outbox_messages', n_outbox);
	INSERT INTO crm.job_runs (job, as_of, started_at, finished_at, status, details)
	VALUES ('cleanup', as_of, started, clock_timestamp(), 'done', result);
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm.cleanup(timestamptz) IS
	'Removes refresh and job logs older than log_retention_days (keeping the newest full refresh), score history older than history_retention_days or of deleted customers, and delivered/failed outbox messages older than outbox_retention_days; alerts are kept for good';
