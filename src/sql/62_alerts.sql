-- Churn warnings: alert rules (config), their evaluation, the alert
-- lifecycle and NOTIFY on the crm_alerts channel for every new alert.

CREATE TYPE crm.alert_rule_kind AS ENUM ('p_alive_below', 'usage_drop', 'complaints_rising', 'detractor',
	'health_drop', 'health_at_risk', 'renewal_at_risk', 'purchase_overdue', 'no_first_follow_up');
COMMENT ON TYPE crm.alert_rule_kind IS 'Built-in alert rule kinds; see docs/automation.md for each kind''s parameters';

CREATE TABLE crm.alert_rule_defaults (
	rule		text PRIMARY KEY,
	kind		crm.alert_rule_kind NOT NULL,
	params		jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
	level		crm.alert_level NOT NULL,
	description	text NOT NULL
);
COMMENT ON TABLE crm.alert_rule_defaults IS 'Built-in alert rules; override or disable in crm.alert_rules';
COMMENT ON COLUMN crm.alert_rule_defaults.kind IS 'What is tested';
COMMENT ON COLUMN crm.alert_rule_defaults.params IS 'Parameters of the kind (JSON object); missing ones take the kind''s defaults';
COMMENT ON COLUMN crm.alert_rule_defaults.level IS 'Level of the alerts it raises; the level''s action plan (playbook steps with trigger alert) creates the follow-up tasks';
INSERT INTO crm.alert_rule_defaults VALUES
	('p_alive_low', 'p_alive_below', '{"threshold": 0.3, "min_repeat_purchases": 1}', 'high',
	 'P(alive) below 0.3 for a customer who bought more than once'),
	('usage_drop', 'usage_drop', '{"recent_days": 14, "baseline_days": 90, "min_baseline_events": 20, "min_drop": 0.3, "alpha": 0.01}', 'high',
	 'Logins and feature use in the last 14 days significantly below the customer''s own 90-day baseline rate (exact Poisson rate test, p < 0.01, at least 30% lower, at least 20 baseline events)'),
	('complaints_rising', 'complaints_rising', '{"recent_days": 30, "baseline_days": 180, "min_recent": 3, "alpha": 0.05}', 'medium',
	 'Tickets in the last 30 days significantly above the customer''s 180-day baseline rate (exact Poisson rate test, p < 0.05, at least 3 recent tickets)'),
	('detractor', 'detractor', '{"max_nps": 6, "max_csat": 2, "days": 90}', 'high',
	 'Latest survey answer in 90 days is an NPS detractor (0-6) or CSAT <= 2'),
	('health_drop', 'health_drop', '{"points": 15}', 'medium',
	 'Health score dropped by 15 points or more in 30 days'),
	('health_at_risk', 'health_at_risk', '{}', 'high',
	 'Health score in the at-risk band'),
	('renewal_at_risk', 'renewal_at_risk', '{"days": 60, "max_health": 50}', 'critical',
	 'Contract ends within 60 days (no auto-renewal) while health is below 50'),
	('purchase_overdue', 'purchase_overdue', '{"k": 3, "min_repeat_purchases": 2}', 'medium',
	 'Days since the last purchase exceed 3 x the customer''s own mean time between purchases'),
	('no_first_follow_up', 'no_first_follow_up', '{"hours": 72, "lookback_days": 30}', 'critical',
	 'No outbound call, email, video, visit or chat within 72 hours of a contract signing (customers waiting over 3 days churned at 28%)');

CREATE TABLE crm.alert_rules (
	rule		text PRIMARY KEY,
	kind		crm.alert_rule_kind NOT NULL,
	params		jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(params) = 'object'),
	level		crm.alert_level NOT NULL,
	description	text NOT NULL DEFAULT '',
	enabled		boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE crm.alert_rules IS 'Users'' alert rules (config table): a row overrides the built-in rule of the same name; enabled = false switches it off (its open alerts are then resolved)';
COMMENT ON COLUMN crm.alert_rules.enabled IS 'false switches the rule off';
SELECT pg_catalog.pg_extension_config_dump('crm.alert_rules', '');

CREATE VIEW crm.alert_rules_effective WITH (security_invoker = true) AS
SELECT rule, kind, params, level, description, source
FROM (SELECT u.rule, u.kind, u.params, u.level, u.description, u.enabled, 'user'::text AS source FROM crm.alert_rules u
	  UNION ALL
	  SELECT d.rule, d.kind, d.params, d.level, d.description, true, 'default' FROM crm.alert_rule_defaults d
	  WHERE NOT EXISTS (SELECT 1 FROM crm.alert_rules u WHERE u.rule OPERATOR(pg_catalog.=) d.rule)) s
WHERE enabled;
COMMENT ON VIEW crm.alert_rules_effective IS 'The alert rules in force';
COMMENT ON COLUMN crm.alert_rules_effective.rule IS 'Rule name (crm.alerts.rule)';
COMMENT ON COLUMN crm.alert_rules_effective.kind IS 'What is tested';
COMMENT ON COLUMN crm.alert_rules_effective.params IS 'Parameters';
COMMENT ON COLUMN crm.alert_rules_effective.level IS 'Level of raised alerts';
COMMENT ON COLUMN crm.alert_rules_effective.description IS 'What the rule means';
COMMENT ON COLUMN crm.alert_rules_effective.source IS 'default (built-in) or user';

-- Exact one-sided test that a Poisson rate changed (C: src/ratetest.c).
CREATE FUNCTION crm.poisson_rate_pvalue(recent_count float8, recent_exposure float8, baseline_count float8,
										baseline_exposure float8, alternative text) RETURNS float8
	AS 'MODULE_PATHNAME', 'poisson_rate_pvalue' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.poisson_rate_pvalue(float8, float8, float8, float8, text) IS
	'Exact conditional test of two Poisson rates: p-value that the recent rate is below (alternative ''less'') or above (''greater'') the baseline rate; counts are non-negative integers, exposures positive (e.g. days)';

-- A parameter of an alert rule, or its default.
CREATE FUNCTION crm.alert_param(params jsonb, name text, fallback float8) RETURNS float8
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v jsonb := params -> name;
BEGIN
	IF v IS NULL OR v = 'null' THEN
		RETURN fallback;
	END IF;
	IF jsonb_typeof(v) <> 'number' THEN
		RAISE EXCEPTION 'alert rule parameter % must be a number, not %', name, v
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Fix params in crm.alert_rules.';
	END IF;
	RETURN v::float8;
END
$$;
COMMENT ON FUNCTION crm.alert_param(jsonb, text, float8) IS 'Internal: a numeric parameter of an alert rule, or the fallback when absent';

-- Trigger function: NOTIFY crm_alerts with the new alert as JSON.
CREATE FUNCTION crm.notify_alert() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM pg_notify('crm_alerts', json_build_object('alert_id', NEW.alert_id, 'customer_id', NEW.customer_id,
		'rule', NEW.rule, 'level', NEW.level,
		'opened_at', to_char(NEW.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION crm.notify_alert() IS 'Trigger function: sends NOTIFY crm_alerts, payload {"alert_id", "customer_id", "rule", "level", "opened_at" (UTC, ISO 8601)}';
CREATE TRIGGER alerts_notify AFTER INSERT ON crm.alerts FOR EACH ROW EXECUTE FUNCTION crm.notify_alert();

-- Evaluates the alert rules as of as_of for all customers (or only those listed):
-- raises alerts whose condition holds, auto-resolves open ones whose condition cleared.
CREATE FUNCTION crm.evaluate_alerts(as_of timestamptz DEFAULT pg_catalog.now(), only_customers bigint[] DEFAULT NULL)
RETURNS TABLE (rule text, level crm.alert_level, raised bigint, resolved bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $evaluate$
#variable_conflict use_column
DECLARE
	r record;
	d date := (as_of AT TIME ZONE 'UTC')::date;
	scoped boolean := only_customers IS NOT NULL;
BEGIN
	IF as_of IS NULL OR NOT isfinite(as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite timestamp, not %', coalesce(as_of::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF scoped AND cardinality(only_customers) = 0 THEN
		RETURN;					-- nobody to look at
	END IF;
	IF to_regclass('pg_temp.crm_alert_hits') IS NOT NULL THEN
		DROP TABLE pg_temp.crm_alert_hits;
	END IF;
	CREATE TEMP TABLE crm_alert_hits (customer_id bigint, rule text, level crm.alert_level, details jsonb) ON COMMIT DROP;

	FOR r IN SELECT * FROM crm.alert_rules_effective ORDER BY rule LOOP
		CASE r.kind
		WHEN 'p_alive_below' THEN
			INSERT INTO crm_alert_hits
			SELECT s.customer_id, r.rule, r.level, jsonb_build_object('p_alive', round(s.p_alive::numeric, 4),
				'threshold', crm.alert_param(r.params, 'threshold', 0.3))
			FROM crm.customer_scores s
			WHERE s.p_alive < crm.alert_param(r.params, 'threshold', 0.3)
			  AND s.x >= crm.alert_param(r.params, 'min_repeat_purchases', 1)
			  AND (NOT scoped OR s.customer_id = ANY (only_customers));
		WHEN 'usage_drop' THEN
			INSERT INTO crm_alert_hits
			SELECT u.customer_id, r.rule, r.level, jsonb_build_object('recent_events', u.k1, 'recent_days', u.t1,
				'baseline_events', u.k0, 'baseline_days', u.t0, 'p_value', u.p)
			FROM (SELECT v.*, crm.poisson_rate_pvalue(v.k1, v.t1, v.k0, v.t0, 'less') AS p
				  FROM (SELECT i.customer_id,
							count(*) FILTER (WHERE i.occurred_at > as_of - r1 * interval '1 day') AS k1,
							count(*) FILTER (WHERE i.occurred_at <= as_of - r1 * interval '1 day') AS k0,
							r1 AS t1, b1 AS t0
						FROM crm.interactions i,
							 LATERAL (SELECT crm.alert_param(r.params, 'recent_days', 14) AS r1,
											 crm.alert_param(r.params, 'baseline_days', 90) AS b1) w
						WHERE i.kind IN ('login', 'feature_use') AND i.occurred_at <= as_of
						  AND i.occurred_at > as_of - (r1 + b1) * interval '1 day'
						  AND (NOT scoped OR i.customer_id = ANY (only_customers))
						GROUP BY i.customer_id, r1, b1) v
				  WHERE v.k0 >= crm.alert_param(r.params, 'min_baseline_events', 20)
					AND v.k1 / v.t1 < (1 - crm.alert_param(r.params, 'min_drop', 0.3)) * v.k0 / v.t0) u
			WHERE u.p < crm.alert_param(r.params, 'alpha', 0.01);
		WHEN 'complaints_rising' THEN
			INSERT INTO crm_alert_hits
			SELECT u.customer_id, r.rule, r.level, jsonb_build_object('recent_tickets', u.k1, 'recent_days', u.t1,
				'baseline_tickets', u.k0, 'baseline_days', u.t0, 'p_value', u.p)
			FROM (SELECT v.*, crm.poisson_rate_pvalue(v.k1, v.t1, v.k0, v.t0, 'greater') AS p
				  FROM (SELECT k.customer_id,
							count(*) FILTER (WHERE k.opened_at > as_of - r1 * interval '1 day') AS k1,
							count(*) FILTER (WHERE k.opened_at <= as_of - r1 * interval '1 day') AS k0,
							r1 AS t1, b1 AS t0
						FROM crm.tickets k,
							 LATERAL (SELECT crm.alert_param(r.params, 'recent_days', 30) AS r1,
											 crm.alert_param(r.params, 'baseline_days', 180) AS b1) w
						WHERE k.opened_at <= as_of AND k.opened_at > as_of - (r1 + b1) * interval '1 day'
						  AND (NOT scoped OR k.customer_id = ANY (only_customers))
						GROUP BY k.customer_id, r1, b1) v
				  WHERE v.k1 >= crm.alert_param(r.params, 'min_recent', 3)
					AND v.k1 / v.t1 > v.k0 / v.t0) u
			WHERE u.p < crm.alert_param(r.params, 'alpha', 0.05);
		WHEN 'detractor' THEN
			INSERT INTO crm_alert_hits
			SELECT f.customer_id, r.rule, r.level, jsonb_build_object('nps', f.nps, 'csat', f.csat, 'answered_at', f.answered_at)
			FROM (SELECT DISTINCT ON (customer_id) customer_id, nps, csat, answered_at FROM crm.feedback
				  WHERE answered_at <= as_of AND answered_at > as_of - crm.alert_param(r.params, 'days', 90) * interval '1 day'
					AND (nps IS NOT NULL OR csat IS NOT NULL)
					AND (NOT scoped OR customer_id = ANY (only_customers))
				  ORDER BY customer_id, answered_at DESC, feedback_id DESC) f
			WHERE f.nps <= crm.alert_param(r.params, 'max_nps', 6)
			   OR (f.nps IS NULL AND f.csat <= crm.alert_param(r.params, 'max_csat', 2));
		WHEN 'health_drop' THEN
			INSERT INTO crm_alert_hits
			SELECT s.customer_id, r.rule, r.level, jsonb_build_object('health_score', round(s.health_score::numeric, 1),
				'delta_30d', round(s.health_delta_30d::numeric, 1))
			FROM crm.customer_scores s
			WHERE s.health_delta_30d <= -crm.alert_param(r.params, 'points', 15)
			  AND (NOT scoped OR s.customer_id = ANY (only_customers));
		WHEN 'health_at_risk' THEN
			INSERT INTO crm_alert_hits
			SELECT s.customer_id, r.rule, r.level, jsonb_build_object('health_score', round(s.health_score::numeric, 1),
				'missing', s.health_missing)
			FROM crm.customer_scores s
			WHERE s.health_band = 'at_risk' AND (NOT scoped OR s.customer_id = ANY (only_customers));
		WHEN 'renewal_at_risk' THEN
			INSERT INTO crm_alert_hits
			SELECT DISTINCT ON (k.customer_id) k.customer_id, r.rule, r.level,
				jsonb_build_object('contract_id', k.contract_id, 'ends_on', k.ends_on,
					'health_score', round(s.health_score::numeric, 1))
			FROM crm.contracts k JOIN crm.customer_scores s ON s.customer_id = k.customer_id
			WHERE k.status = 'active' AND NOT k.auto_renew
			  AND k.ends_on BETWEEN d AND d + crm.alert_param(r.params, 'days', 60)::int
			  AND s.health_score < crm.alert_param(r.params, 'max_health', 50)
			  AND (NOT scoped OR k.customer_id = ANY (only_customers))
			ORDER BY k.customer_id, k.ends_on;
		WHEN 'purchase_overdue' THEN
			INSERT INTO crm_alert_hits
			SELECT s.customer_id, r.rule, r.level, jsonb_build_object('days_since_purchase', round(s.recency_days::numeric, 1),
				'mean_days_between_purchases', round((extract(epoch FROM s.last_purchase - s.first_purchase) / 86400.0 / s.x)::numeric, 1))
			FROM crm.customer_scores s
			WHERE s.x >= greatest(crm.alert_param(r.params, 'min_repeat_purchases', 2), 1)
			  AND s.recency_days > crm.alert_param(r.params, 'k', 3) * extract(epoch FROM s.last_purchase - s.first_purchase) / 86400.0 / s.x
			  AND (NOT scoped OR s.customer_id = ANY (only_customers));
		WHEN 'no_first_follow_up' THEN
			INSERT INTO crm_alert_hits
			SELECT DISTINCT ON (k.customer_id) k.customer_id, r.rule, r.level,
				jsonb_build_object('contract_id', k.contract_id, 'signed_at', k.signed_at)
			FROM crm.contracts k
			WHERE k.status <> 'draft'
			  AND k.signed_at <= as_of - crm.alert_param(r.params, 'hours', 72) * interval '1 hour'
			  AND k.signed_at > as_of - crm.alert_param(r.params, 'lookback_days', 30) * interval '1 day'
			  AND NOT EXISTS (SELECT 1 FROM crm.interactions i
							  WHERE i.customer_id = k.customer_id AND i.direction = 'outbound'
								AND i.kind IN ('call', 'email', 'video', 'visit', 'chat')
								AND i.occurred_at >= k.signed_at
								AND i.occurred_at <= k.signed_at + crm.alert_param(r.params, 'hours', 72) * interval '1 hour')
			  AND (NOT scoped OR k.customer_id = ANY (only_customers))
			ORDER BY k.customer_id, k.signed_at DESC;
		END CASE;
	END LOOP;

	RETURN QUERY
	WITH raised AS (
		INSERT INTO crm.alerts AS a (customer_id, rule, level, details, opened_at)
		SELECT h.customer_id, h.rule, h.level, h.details, as_of FROM crm_alert_hits h
		WHERE NOT EXISTS (SELECT 1 FROM crm.alerts o WHERE o.customer_id = h.customer_id AND o.rule = h.rule
						  AND o.status <> 'resolved')
		ORDER BY h.customer_id, h.rule
		ON CONFLICT (customer_id, rule) WHERE status <> 'resolved' DO NOTHING
		RETURNING a.rule, a.level
	), cleared AS (
		UPDATE crm.alerts a SET status = 'resolved', resolved_at = greatest(as_of, a.opened_at),
			resolution = CASE WHEN e.rule IS NULL THEN 'auto: rule disabled' ELSE 'auto: condition cleared' END
		FROM crm.alerts a2 LEFT JOIN crm.alert_rules_effective e ON e.rule = a2.rule
		WHERE a.alert_id = a2.alert_id AND a.status <> 'resolved' AND a.opened_at <= as_of
		  AND (e.rule IS NOT NULL OR a.rule IN (SELECT x.rule FROM crm.alert_rule_defaults x
												UNION SELECT y.rule FROM crm.alert_rules y))
		  AND (NOT scoped OR a.customer_id = ANY (only_customers))
		  AND NOT EXISTS (SELECT 1 FROM crm_alert_hits h WHERE h.customer_id = a.customer_id AND h.rule = a.rule)
		RETURNING a.rule, a.level
	)
	SELECT c.rule, c.level, sum(c.raised)::bigint, sum(c.resolved)::bigint
	FROM (SELECT raised.rule, raised.level, 1 AS raised, 0 AS resolved FROM raised
		  UNION ALL SELECT cleared.rule, cleared.level, 0, 1 FROM cleared) c
	GROUP BY c.rule, c.level ORDER BY c.rule;
END
$evaluate$;
COMMENT ON FUNCTION crm.evaluate_alerts(timestamptz, bigint[]) IS
	'Evaluates the alert rules as of as_of (for all customers, or only_customers): raises one alert per customer and rule whose condition holds (never a duplicate of an unresolved one), auto-resolves unresolved alerts whose condition cleared or whose rule was disabled; returns counts per rule';

-- Acknowledges an open alert.
CREATE FUNCTION crm.acknowledge_alert(alert bigint, by_whom name DEFAULT CURRENT_USER) RETURNS crm.alerts
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result crm.alerts;
BEGIN
	UPDATE crm.alerts SET status = 'acknowledged', acknowledged_at = greatest(now(), opened_at), acknowledged_by = by_whom
	WHERE alert_id = alert AND status = 'open'
	RETURNING * INTO result;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'alert % is not open', alert
			USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Only open alerts can be acknowledged.';
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm.acknowledge_alert(bigint, name) IS 'Moves an open alert to acknowledged (open -> acknowledged -> resolved)';

-- Resolves an open or acknowledged alert with a reason.
CREATE FUNCTION crm.resolve_alert(alert bigint, resolution text) RETURNS crm.alerts
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	result crm.alerts;
BEGIN
	IF resolution IS NULL OR btrim(resolution) = '' THEN
		RAISE EXCEPTION 'a resolution is required' USING ERRCODE = 'invalid_parameter_value',
			HINT = 'Say what was done, e.g. ''called the customer, renewal agreed''.';
	END IF;
	UPDATE crm.alerts a SET status = 'resolved', resolved_at = greatest(now(), a.opened_at),
		resolution = resolve_alert.resolution || ' (by ' || CURRENT_USER || ')'
	WHERE a.alert_id = alert AND a.status <> 'resolved'
	RETURNING * INTO result;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'alert % is not open or acknowledged', alert USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION crm.resolve_alert(bigint, text) IS 'Resolves an open or acknowledged alert, recording the resolution and who resolved it';
