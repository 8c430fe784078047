-- BI views: hand-checkable fixtures with explicit timestamps, brute-force
-- cross-checks, the catalog rules (security_invoker, comments) and access as
-- crm_analyst. Dates in 2024 lie in the past, so every goal window is over;
-- rows relative to now() feed the views that look back 365 days.
SET client_min_messages = warning;
SET timezone = 'UTC';
SET datestyle = 'ISO, YMD';
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;
RESET client_min_messages;

-- Catalog: every crm view is security_invoker and commented, with every column commented.
SELECT c.relname AS view_without_security_invoker
FROM pg_class c WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind = 'v'
  AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false);
SELECT c.relname AS view_without_comment
FROM pg_class c WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind = 'v'
  AND coalesce(obj_description(c.oid, 'pg_class'), '') = '';
SELECT c.relname AS view, a.attname AS column_without_comment
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind = 'v'
  AND coalesce(col_description(c.oid, a.attnum), '') = '';
-- the BI views exist (stable names)
SELECT count(*) AS bi_views FROM pg_class c
WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind = 'v' AND c.relname IN ('customer_360', 'tier_summary',
	'value_loyalty_matrix', 'health_band_history', 'health_movers', 'churn_risk', 'contract_follow_up',
	'follow_up_first_72h', 'follow_up_goals', 'task_sla_by_owner', 'service_sla', 'ticket_categories_monthly',
	'sales_funnel', 'sales_velocity', 'cohort_retention', 'revenue_pareto_curve', 'revenue_concentration',
	'satisfaction_monthly', 'satisfaction_by_segment', 'channel_usage');

------------------------------------------------------------------------------
-- Fixture: 10 customers (6-10 have no data; they count for channel shares)
------------------------------------------------------------------------------
INSERT INTO crm.customers (customer_id, external_id, kind, name, owner, tier, created_at)
OVERRIDING SYSTEM VALUE VALUES
	(1, 'c1', 'business', 'Acme', 'am_a', 'A', '2024-01-01'),
	(2, 'c2', 'business', 'Beta', 'am_b', 'B', '2024-01-01'),
	(3, 'c3', 'person', 'Cara', NULL, 'C', '2024-01-01'),
	(4, 'c4', 'person', 'Dan', NULL, 'C', '2024-01-01'),
	(5, 'c5', 'person', 'Eve', NULL, 'C', '2024-01-01');
INSERT INTO crm.customers (customer_id, external_id, name, created_at)
OVERRIDING SYSTEM VALUE SELECT g, 'c' || g, 'Filler ' || g, '2024-01-01' FROM generate_series(6, 10) g;

INSERT INTO crm.contacts (contact_id, customer_id, name, email, is_decision_maker, created_at)
OVERRIDING SYSTEM VALUE VALUES
	(11, 1, 'Ann', 'ann@acme.test', true, '2024-01-01'),
	(12, 1, 'Bob', 'bob@acme.test', false, '2024-01-01'),
	(13, 1, 'Cid', 'cid@acme.test', true, '2024-03-05'),		-- within 10 days of k1
	(21, 2, 'Dee', 'dee@beta.test', true, '2024-01-01'),
	(22, 2, 'Eli', NULL, true, '2024-01-01');					-- no email: does not count

INSERT INTO crm.contracts (contract_id, customer_id, annual_value, signed_at, starts_on, ends_on, status, renewal_of, auto_renew, attachments_signed)
OVERRIDING SYSTEM VALUE VALUES
	(100, 1, 900, '2023-02-20 10:00+00', '2023-03-01', '2024-02-29', 'renewed', NULL, false, true),
	(101, 1, 1000, '2024-03-01 10:00+00', '2024-03-01', '2025-02-28', 'active', 100, false, true),
	(102, 2, 2000, '2024-03-15 09:00+00', '2024-03-15', '2025-03-14', 'active', NULL, false, false),
	(103, 3, 50, '2024-04-02 12:00+00', '2024-04-02', '2025-04-01', 'active', NULL, true, true),
	(104, 4, 10, NULL, '2024-05-01', NULL, 'draft', NULL, false, false);

INSERT INTO crm.interactions (customer_id, occurred_at, kind, direction, channel, notes, note_kind) VALUES
	(1, '2024-03-02 09:00+00', 'call', 'outbound', 'phone', NULL, NULL),		-- k1 follow-up after 23 h
	(1, '2024-03-03 09:00+00', 'video', 'inbound', 'video', 'Pain point: onboarding', 'pain_point'),
	(1, '2024-03-04 09:00+00', 'video', 'inbound', 'video', 'Needs: SSO', 'need'),
	(1, '2024-03-05 09:00+00', 'email', 'inbound', 'email', 'Pain point: reports', 'pain_point'),
	(1, '2024-03-09 09:00+00', 'call', 'inbound', 'phone', 'Pain point: slow export', 'pain_point'),
	(1, '2024-05-01 09:00+00', 'call', 'inbound', 'phone', 'Pain point: pricing', 'pain_point'),	-- latest, outside 10 days
	(2, '2024-03-15 10:00+00', 'call', 'inbound', 'phone', NULL, NULL),		-- inbound: not a follow-up
	(2, '2024-03-16 10:00+00', 'chat', 'inbound', 'chat', 'Pain point: billing', 'pain_point'),
	(2, '2024-03-19 09:00+00', 'email', 'outbound', 'email', NULL, NULL);	-- k2 follow-up after 96 h

INSERT INTO crm.opportunities (customer_id, name, stage, furthest_stage, amount, opened_at, stage_changed_at, closed_at) VALUES
	(1, 'o1', 'demo', 'lead', 500, '2024-03-10', '2024-03-12', NULL),			-- demo within 30 days of k1
	(2, 'o2', 'lost', 'qualified', 300, '2024-03-20', '2024-03-25', '2024-03-25'),
	(3, 'o3', 'proposal', 'lead', 700, '2024-06-01', '2024-06-05', NULL),		-- too late for k3
	(4, 'o4', 'lead', 'lead', 100, '2024-06-01', '2024-06-01', NULL),
	(5, 'o5', 'won', 'lead', 1000, '2024-01-01', '2024-01-31', '2024-01-31'),
	(5, 'o6', 'lost', 'lead', 200, '2024-02-01', '2024-02-10', '2024-02-10');

INSERT INTO crm.purchases (customer_id, purchased_at, amount, kind) VALUES
	(1, '2024-01-10', 100, 'sale'), (1, '2024-02-05', 50, 'sale'), (1, '2024-03-20', -20, 'refund'),
	(2, '2024-01-25', 200, 'sale'), (2, '2024-03-02', 80, 'sale'),
	(3, '2024-02-14', 30, 'sale'), (3, '2024-02-20', 10, 'sale'),
	(4, '2024-02-01', -5, 'refund'), (4, '2024-03-03', 40, 'sale');		-- refund before the first sale

-- (explanations carry no weights: churn_risk ranks weak dimensions by the
-- configured ones, engagement 0.15 and satisfaction 0.25 by default)
INSERT INTO crm.customer_scores (customer_id, as_of, computed_at, revenue_12m, rfm_segment, tier, value_quadrant,
	annual_contract_value, clv, p_alive, value_score, loyalty_score, health_score, health_band, health_delta_7d,
	health_delta_30d, health_explanation, health_missing, lifecycle_stage) VALUES
	(1, '2024-06-30', '2024-06-30', 130, 'Champions', 'A', 'high_value_high_loyalty', 1000, 500, 0.9, 90, 80, 80, 'healthy', -2, -20,
	 '{"engagement": {"sub_score": 70}, "satisfaction": {"sub_score": 90}}', '{}', 'growth'),
	(2, '2024-06-30', '2024-06-30', 280, 'Need Attention', 'B', 'high_value_low_loyalty', 2000, 800, 0.4, 70, 30, 40, 'at_risk', 0, -5,
	 '{"engagement": {"sub_score": 20}, "satisfaction": {"sub_score": 40}, "product_usage": {"sub_score": 90}}', '{}', 'at_risk'),
	(3, '2024-06-30', '2024-06-30', 40, 'Loyal', 'C', 'low_value_high_loyalty', 50, 60, 0.8, 20, 70, 60, 'watch', 1, 10,
	 '{"engagement": {"sub_score": 60}}', '{}', 'growth'),
	(4, '2024-06-30', '2024-06-30', 40, 'At Risk', 'C', 'low_value_low_loyalty', 0, 30, 0.2, 10, 20, 45, 'at_risk', NULL, NULL,
	 '{"engagement": {"sub_score": 45}, "satisfaction": {"missing": true}}', '{satisfaction}', 'at_risk'),
	(5, '2024-06-30', '2024-06-30', 0, NULL, 'C', NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'prospect');

INSERT INTO crm.customer_score_history (customer_id, snapshot_date, as_of, health_score, health_band) VALUES
	(1, '2024-05-31', '2024-05-31', 100, 'healthy'), (2, '2024-05-31', '2024-05-31', 45, 'watch'),
	(3, '2024-05-31', '2024-05-31', 50, 'watch'), (4, '2024-05-31', '2024-05-31', 40, 'at_risk'),
	(1, '2024-06-30', '2024-06-30', 80, 'healthy'), (2, '2024-06-30', '2024-06-30', 40, 'at_risk'),
	(3, '2024-06-30', '2024-06-30', 60, 'watch'), (4, '2024-06-30', '2024-06-30', 45, 'at_risk'),
	(5, '2024-06-30', '2024-06-30', NULL, NULL);

INSERT INTO crm.alerts (customer_id, rule, level, status, details, opened_at, acknowledged_at, resolved_at) VALUES
	(1, 'renewal_at_risk', 'critical', 'open', '{"contract_id": 101}', '2024-06-01', NULL, NULL),
	(1, 'usage_drop', 'high', 'resolved', '{}', '2024-04-01', NULL, '2024-04-10'),
	(2, 'health_at_risk', 'high', 'acknowledged', '{"health_score": 40}', '2024-06-02', '2024-06-03', NULL),
	(3, 'detractor', 'high', 'open', '{"nps": 3}', '2024-06-05', NULL, NULL);

INSERT INTO crm.tasks (customer_id, kind, title, owner, due_at, status, playbook_step, dedup_key, created_at, completed_at, escalated_at) VALUES
	(3, 'first_call', 'Confirm key terms', NULL, '2024-04-05 12:00+00', 'done', 'confirm_terms_first_call',
	 'confirm_terms_first_call:103', '2024-04-02 12:00+00', '2024-04-03 12:00+00', NULL),	-- k3 follow-up after 24 h
	(1, 'check_in', 'On time', 'am_a', '2024-03-10 12:00+00', 'done', NULL, NULL, '2024-03-01', '2024-03-09 12:00+00', NULL),
	(1, 'check_in', 'Late', 'am_a', '2024-03-12 12:00+00', 'done', NULL, NULL, '2024-03-01', '2024-03-13 12:00+00', NULL),
	(1, 'check_in', 'Overdue', 'am_a', '2024-03-14 12:00+00', 'open', NULL, NULL, '2024-03-01', NULL, '2024-03-15 12:00+00'),
	(1, 'check_in', 'Cancelled', 'am_a', '2024-03-20 12:00+00', 'cancelled', NULL, NULL, '2024-03-01', '2024-03-02', NULL),
	(1, 'renewal', 'Renewal call', 'am_a', '2024-06-15 12:00+00', 'open', NULL, NULL, '2024-06-01', NULL, NULL),
	(1, 'review', 'Quarterly review', 'am_a', '2024-07-01 12:00+00', 'open', NULL, NULL, '2024-06-01', NULL, NULL);

-- 2024-03-04 is a Monday.
INSERT INTO crm.tickets (customer_id, category, priority, subject, opened_at, first_response_at, resolved_at) VALUES
	(1, 'product', 'urgent', 't1', '2024-03-04 10:00+00', '2024-03-04 20:00+00', '2024-03-05 10:00+00'),	-- answered in 10 h
	(1, 'product', 'urgent', 't2', '2024-03-05 10:00+00', '2024-03-06 12:00+00', '2024-03-06 12:00+00'),	-- answered in 26 h
	(2, 'service', 'urgent', 't3', '2024-03-06 10:00+00', NULL, NULL),										-- never answered
	(2, 'process', 'general', 't4', '2024-03-08 10:00+00', '2024-03-08 11:00+00', '2024-03-13 09:00+00'),	-- Fri -> Wed 09:00: within 3
	(3, 'product', 'general', 't5', '2024-03-08 10:00+00', '2024-03-08 11:00+00', '2024-03-15 11:00+00'),	-- 1 h after 5 wd (Fri 10:00)
	(3, 'service', 'general', 't6', '2024-03-09 10:00+00', '2024-03-09 11:00+00', '2024-03-15 10:00+00'),	-- Sat -> Fri 10:00: exactly 5 wd
	(4, 'product', 'general', 't7', '2024-03-11 10:00+00', NULL, NULL),										-- unresolved, past deadline
	(4, 'product', 'important', 't8', '2024-03-12 10:00+00', '2024-03-12 11:00+00', '2024-03-12 15:00+00');

INSERT INTO crm.feedback (customer_id, answered_at, nps, csat, ces) VALUES
	(1, '2024-03-01', 10, 5, NULL), (2, '2024-03-02', 9, NULL, NULL), (3, '2024-03-03', 8, NULL, 2),
	(4, '2024-03-04', 3, 2, NULL), (1, '2024-03-05', 6, NULL, NULL),
	(2, '2024-04-01', 10, NULL, NULL), (3, '2024-04-02', 10, NULL, NULL);
-- answers in the last 365 days, for crm.satisfaction_by_segment
INSERT INTO crm.feedback (customer_id, answered_at, nps, csat, ces) VALUES
	(1, now() - interval '10 days', 10, NULL, NULL), (2, now() - interval '11 days', 0, NULL, NULL),
	(2, now() - interval '12 days', NULL, 1, NULL), (5, now() - interval '13 days', 9, NULL, NULL),
	(5, now() - interval '400 days', 0, NULL, NULL);		-- too old
-- interactions in the last 365 days, for crm.channel_usage
INSERT INTO crm.interactions (customer_id, occurred_at, kind, direction, channel, converted) VALUES
	(1, now() - interval '5 days', 'login', NULL, 'web', false),
	(1, now() - interval '4 days', 'login', NULL, 'web', false),
	(2, now() - interval '3 days', 'login', NULL, 'web', false),
	(1, now() - interval '2 days', 'email', 'outbound', 'email', true),
	(3, now() - interval '1 day', 'call', 'outbound', 'phone', false),
	(4, now() - interval '500 days', 'call', 'outbound', 'phone', false);	-- too old

------------------------------------------------------------------------------
-- Customer 360
------------------------------------------------------------------------------
SELECT customer_id, primary_contact_name, contract_id, contract_status, renewal_date, latest_need, latest_pain_point,
	rfm_segment, health_band, health_trend, open_alerts, top_alert_level, open_alert_rules, next_task_title, next_task_due_at
FROM crm.customer_360 WHERE customer_id <= 5 ORDER BY customer_id;
SELECT count(*) = 10 AS one_row_per_customer, count(DISTINCT customer_id) = 10 AS distinct_ids FROM crm.customer_360;
-- the point lookup is index-driven: no sequential scan anywhere in the plan
CREATE FUNCTION pg_temp.plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || query;
END
$$;
SET enable_seqscan = off;
SELECT count(*) FILTER (WHERE line LIKE '%Seq Scan%') AS seq_scans,
	count(*) FILTER (WHERE line LIKE '%Index%Scan%') >= 7 AS index_probes
FROM pg_temp.plan_of('SELECT * FROM crm.customer_360 WHERE customer_id = 1') AS line;
RESET enable_seqscan;

------------------------------------------------------------------------------
-- Segments and health
------------------------------------------------------------------------------
SELECT tier, customers, customer_share_pct, revenue_12m, revenue_share_pct, annual_contract_value, at_risk_customers
FROM crm.tier_summary ORDER BY tier;
SELECT quadrant, value_level, loyalty_level, customers, customer_share_pct, revenue_12m, revenue_share_pct
FROM crm.value_loyalty_matrix ORDER BY quadrant;
SELECT * FROM crm.health_band_history ORDER BY snapshot_date, health_band;
-- brute force: each day's band counts
SELECT bool_and(h.customers = (SELECT count(*) FROM crm.customer_score_history x
		WHERE x.snapshot_date = h.snapshot_date AND coalesce(x.health_band, 'no_data') = h.health_band)) AS band_counts_match
FROM crm.health_band_history h;
SELECT drop_rank, customer_id, name, health_score, health_score_30d_ago, health_delta_30d FROM crm.health_movers ORDER BY drop_rank;

------------------------------------------------------------------------------
-- Churn risk: c1 (critical alert), c2 (high, 2280 at stake), c3 (high, 40), c4 (health band only)
------------------------------------------------------------------------------
SELECT risk_rank, customer_id, name, open_alerts, top_alert_level, alert_rules, weak_health_dimensions,
	missing_health_dimensions, revenue_at_stake
FROM crm.churn_risk ORDER BY risk_rank;
SELECT alert_details FROM crm.churn_risk WHERE customer_id = 2;

------------------------------------------------------------------------------
-- Follow-up performance
------------------------------------------------------------------------------
SELECT contract_id, signed_month, is_renewal, first_follow_up_at, hours_to_first_follow_up, followed_up_within_72h,
	attachments_signed, pain_points_10d, pain_points_goal_met, decision_maker_emails_10d, decision_makers_goal_met,
	demo_opportunity_id IS NOT NULL AS has_demo, demo_goal_met
FROM crm.contract_follow_up ORDER BY contract_id;
SELECT * FROM crm.follow_up_first_72h ORDER BY signed_month;
-- the first-contract share, recomputed from the contract rows above
SELECT bool_and(v.first_contracts_followed_up_72h_pct IS NOT DISTINCT FROM (
		SELECT round(100.0 * sum(CASE WHEN f.followed_up_within_72h THEN 1 ELSE 0 END)
			/ nullif(sum(CASE WHEN f.followed_up_within_72h IS NOT NULL THEN 1 ELSE 0 END), 0), 1)
		FROM crm.contract_follow_up f WHERE f.signed_month = v.signed_month AND NOT f.is_renewal)) AS first_contract_share_matches
FROM crm.follow_up_first_72h v;
-- brute force: the 72-hour rule of the no_first_follow_up alert, or the contract's done first-call task
SELECT bool_and(f.followed_up_within_72h = (
		EXISTS (SELECT 1 FROM crm.interactions i WHERE i.customer_id = k.customer_id AND i.direction = 'outbound'
				AND i.kind IN ('call', 'email', 'video', 'visit', 'chat')
				AND i.occurred_at BETWEEN k.signed_at AND k.signed_at + interval '72 hours')
		OR EXISTS (SELECT 1 FROM crm.tasks t WHERE t.customer_id = k.customer_id AND t.playbook_step = 'confirm_terms_first_call'
				AND t.status = 'done' AND t.completed_at BETWEEN k.signed_at AND k.signed_at + interval '72 hours'))) AS rule_matches,
	count(*) = (SELECT count(*) FROM crm.contracts WHERE status <> 'draft') AS every_signed_contract
FROM crm.contract_follow_up f JOIN crm.contracts k USING (contract_id);
SELECT signed_month, goal, target_pct, contracts, evaluated, attained, attained_pct, meets_target
FROM crm.follow_up_goals WHERE signed_month = '2024-03-01';
SELECT * FROM crm.task_sla_by_owner ORDER BY owner NULLS LAST, due_month;

------------------------------------------------------------------------------
-- Service
------------------------------------------------------------------------------
SELECT opened_month, priority, tickets, answered, median_first_response_hours, response_sla_met, response_sla_breached,
	response_sla_met_pct, resolved, resolved_within_3_working_days, resolved_within_5_working_days,
	resolution_sla_breached, resolution_sla_met_pct, open_tickets
FROM crm.service_sla ORDER BY opened_month, priority;
-- brute force against crm.add_working_days: 400 tickets opened every 5 h 07 min (every weekday and hour) over
-- 2023-01-02 .. 2023-03-27, resolved 0-199 hours later
INSERT INTO crm.tickets (customer_id, category, priority, subject, opened_at, first_response_at, resolved_at)
SELECT 6, 'process', 'general', 'wd' || g, timestamptz '2023-01-02 00:00+00' + g * interval '5 hours 7 minutes',
	timestamptz '2023-01-02 00:00+00' + g * interval '5 hours 7 minutes',
	timestamptz '2023-01-02 00:00+00' + g * interval '5 hours 7 minutes' + (g * 37 % 200) * interval '1 hour'
FROM generate_series(0, 399) g;
SELECT sum(s.resolved_within_3_working_days) = (SELECT count(*) FROM crm.tickets WHERE customer_id = 6
		AND resolved_at <= crm.add_working_days(opened_at, 3)) AS three_working_days_match,
	sum(s.resolved_within_5_working_days) = (SELECT count(*) FROM crm.tickets WHERE customer_id = 6
		AND resolved_at <= crm.add_working_days(opened_at, 5)) AS five_working_days_match,
	sum(s.resolution_sla_breached) = (SELECT count(*) FROM crm.tickets WHERE customer_id = 6
		AND resolved_at > crm.add_working_days(opened_at, 5)) AS breaches_match,
	sum(s.resolved_within_5_working_days) BETWEEN 1 AND 399 AS both_outcomes_present
FROM crm.service_sla s WHERE s.opened_month >= '2023-01-01' AND s.opened_month < '2023-04-01';
DELETE FROM crm.tickets WHERE customer_id = 6;
SELECT opened_month, category, category_rank, tickets, ticket_share_pct, urgent_tickets, open_tickets
FROM crm.ticket_categories_monthly ORDER BY opened_month, category_rank, category;

------------------------------------------------------------------------------
-- Sales funnel
------------------------------------------------------------------------------
SELECT stage, stage_no, reached, conversion_from_previous_pct, conversion_from_lead_pct, in_stage_now, amount_in_stage, lost_at_stage
FROM crm.sales_funnel ORDER BY stage_no;
-- brute force: reached(k) = opportunities with furthest_stage >= k
SELECT bool_and(f.reached = (SELECT count(*) FROM crm.opportunities o WHERE o.furthest_stage >= f.stage)) AS reached_matches
FROM crm.sales_funnel f;
SELECT scope, owner, open_opportunities, open_amount, won, lost, win_rate_pct, avg_won_amount, avg_days_to_win, velocity_per_day
FROM crm.sales_velocity WHERE scope = 'all';

------------------------------------------------------------------------------
-- Cohorts: 2024-01 = {c1, c2}, 2024-02 = {c3}, 2024-03 = {c4} (c4's earlier refund is not a sale)
------------------------------------------------------------------------------
SELECT * FROM crm.cohort_retention ORDER BY cohort_month, month;
-- brute force per cell, straight from crm.purchases
WITH firsts AS (
	SELECT customer_id, date_trunc('month', min(purchased_at) AT TIME ZONE 'UTC')::date AS cohort_month
	FROM crm.purchases WHERE kind = 'sale' GROUP BY customer_id)
SELECT bool_and(r.cohort_customers = (SELECT count(*) FROM firsts f WHERE f.cohort_month = r.cohort_month)
	AND r.active_customers = (SELECT count(DISTINCT p.customer_id) FROM crm.purchases p JOIN firsts f USING (customer_id)
		WHERE f.cohort_month = r.cohort_month AND p.kind = 'sale'
		  AND date_trunc('month', p.purchased_at AT TIME ZONE 'UTC')::date = r.month)
	AND r.revenue = (SELECT coalesce(sum(p.amount), 0) FROM crm.purchases p JOIN firsts f USING (customer_id)
		WHERE f.cohort_month = r.cohort_month AND date_trunc('month', p.purchased_at AT TIME ZONE 'UTC')::date = r.month)) AS cells_match
FROM crm.cohort_retention r;

------------------------------------------------------------------------------
-- Concentration: positive 12-month revenue 280, 130, 40, 40 (n = 4, total 490)
------------------------------------------------------------------------------
SELECT * FROM crm.revenue_concentration;
SELECT customer_pct, customers, cumulative_revenue_12m, cumulative_revenue_share_pct
FROM crm.revenue_pareto_curve WHERE customer_pct IN (1, 25, 26, 50, 75, 100) ORDER BY customer_pct;
-- brute force without window functions: the top ceil(p n / 100) customers by (revenue desc, customer_id)
SELECT count(*) = 100 AS hundred_points,
	bool_and(abs(c.cumulative_revenue_12m - (
		SELECT sum(s.revenue_12m) FROM crm.customer_scores s
		WHERE s.revenue_12m > 0
		  AND (SELECT count(*) FROM crm.customer_scores b WHERE b.revenue_12m > 0
			   AND (b.revenue_12m > s.revenue_12m OR (b.revenue_12m = s.revenue_12m AND b.customer_id < s.customer_id)))
			  < ceil(c.customer_pct * 4 / 100.0))) < 1e-9) AS curve_matches
FROM crm.revenue_pareto_curve c;

------------------------------------------------------------------------------
-- Satisfaction
------------------------------------------------------------------------------
SELECT month, answers, nps_answers, promoters, passives, detractors, nps, csat_answers, avg_csat, csat_satisfied_pct, ces_answers, avg_ces
FROM crm.satisfaction_monthly WHERE month IN ('2024-03-01', '2024-04-01') ORDER BY month;
-- NPS recomputed from the raw answers
SELECT bool_and(m.nps = round(100.0 * ((SELECT count(*) FROM crm.feedback f WHERE f.nps >= 9
			AND date_trunc('month', f.answered_at AT TIME ZONE 'UTC')::date = m.month)
		- (SELECT count(*) FROM crm.feedback f WHERE f.nps <= 6
			AND date_trunc('month', f.answered_at AT TIME ZONE 'UTC')::date = m.month))
		/ (SELECT count(f.nps) FROM crm.feedback f WHERE date_trunc('month', f.answered_at AT TIME ZONE 'UTC')::date = m.month), 1)) AS nps_matches
FROM crm.satisfaction_monthly m WHERE m.nps_answers > 0;
SELECT segmentation, segment, answers, nps_answers, promoters, detractors, nps, csat_answers, avg_csat
FROM crm.satisfaction_by_segment ORDER BY segmentation, segment;

------------------------------------------------------------------------------
-- Channels: 10 customers; web used by 2 (20%), email and phone by 1 (10%: rarely used)
------------------------------------------------------------------------------
SELECT channel, interactions, customers, customer_share_pct, conversions, conversion_rate_pct, rarely_used
FROM crm.channel_usage WHERE interactions > 0 ORDER BY channel;
SELECT count(*) AS channels, count(*) FILTER (WHERE rarely_used) AS rarely_used FROM crm.channel_usage;

------------------------------------------------------------------------------
-- A read-only analyst can query every view
------------------------------------------------------------------------------
SET ROLE crm_analyst;
SELECT (SELECT count(*) FROM crm.customer_360) AS c360, (SELECT count(*) FROM crm.tier_summary) AS tiers,
	(SELECT count(*) FROM crm.value_loyalty_matrix) AS quadrants, (SELECT count(*) FROM crm.health_band_history) AS bands,
	(SELECT count(*) FROM crm.health_movers) AS movers, (SELECT count(*) FROM crm.churn_risk) AS at_risk,
	(SELECT count(*) FROM crm.contract_follow_up) AS contracts, (SELECT count(*) FROM crm.follow_up_first_72h) AS f72,
	(SELECT count(*) FROM crm.follow_up_goals) AS goals, (SELECT count(*) FROM crm.task_sla_by_owner) AS task_sla,
	(SELECT count(*) FROM crm.service_sla) AS service, (SELECT count(*) FROM crm.ticket_categories_monthly) AS categories,
	(SELECT count(*) FROM crm.sales_funnel) AS funnel, (SELECT count(*) FROM crm.sales_velocity) AS velocity,
	(SELECT count(*) FROM crm.cohort_retention) AS cohorts, (SELECT count(*) FROM crm.revenue_pareto_curve) AS pareto,
	(SELECT count(*) FROM crm.revenue_concentration) AS concentration, (SELECT count(*) FROM crm.satisfaction_monthly) AS sat_months,
	(SELECT count(*) FROM crm.satisfaction_by_segment) AS sat_segments, (SELECT count(*) FROM crm.channel_usage) AS channels;
RESET ROLE;
-- and a role without table privileges cannot read through one (the view does not lend its owner's rights)
CREATE ROLE bi_views_nobody;
GRANT USAGE ON SCHEMA crm TO bi_views_nobody;
GRANT SELECT ON crm.tier_summary TO bi_views_nobody;
SET ROLE bi_views_nobody;
SELECT count(*) FROM crm.tier_summary;
RESET ROLE;
REVOKE ALL ON crm.tier_summary FROM bi_views_nobody;
REVOKE ALL ON SCHEMA crm FROM bi_views_nobody;
DROP ROLE bi_views_nobody;

-- contract_follow_up is one grouped join; the same columns by a probe per contract (lateral
-- subqueries, the straightforward formulation) agree row for row
CREATE TEMP VIEW follow_up_by_probes AS
SELECT k.contract_id, k.customer_id, c.owner, k.signed_at,
	(date_trunc('month', k.signed_at AT TIME ZONE 'UTC'))::date AS signed_month,
	(k.renewal_of IS NOT NULL) AS is_renewal,
	f.first_follow_up_at,
	round((extract(epoch FROM f.first_follow_up_at - k.signed_at) / 3600.0)::numeric, 1) AS hours_to_first_follow_up,
	CASE WHEN f.first_follow_up_at <= k.signed_at + interval '72 hours' THEN true
		 WHEN pg_catalog.now() > k.signed_at + interval '72 hours' THEN false END AS followed_up_within_72h,
	k.attachments_signed,
	pp.pain_points AS pain_points_10d,
	CASE WHEN pp.pain_points >= 3 THEN true
		 WHEN pg_catalog.now() > k.signed_at + interval '240 hours' THEN false END AS pain_points_goal_met,
	dm.decision_maker_emails AS decision_maker_emails_10d,
	CASE WHEN dm.decision_maker_emails >= 2 THEN true
		 WHEN pg_catalog.now() > k.signed_at + interval '240 hours' THEN false END AS decision_makers_goal_met,
	demo.opportunity_id AS demo_opportunity_id,
	CASE WHEN demo.opportunity_id IS NOT NULL THEN true
		 WHEN pg_catalog.now() > k.signed_at + interval '720 hours' THEN false END AS demo_goal_met
FROM crm.contracts k
JOIN crm.customers c ON c.customer_id = k.customer_id
CROSS JOIN LATERAL (
	SELECT least(
		(SELECT min(i.occurred_at) FROM crm.interactions i
		 WHERE i.customer_id = k.customer_id AND i.direction = 'outbound'
		   AND i.kind IN ('call', 'email', 'video', 'visit', 'chat')
		   AND i.occurred_at >= k.signed_at AND i.occurred_at <= k.signed_at + interval '720 hours'),
		(SELECT min(t.completed_at) FROM crm.tasks t
		 WHERE t.dedup_key = 'confirm_terms_first_call:' || k.contract_id
		   AND t.status = 'done' AND t.completed_at >= k.signed_at
		   AND t.completed_at <= k.signed_at + interval '720 hours')) AS first_follow_up_at
	OFFSET 0) f
CROSS JOIN LATERAL (
	SELECT count(*) AS pain_points FROM crm.interactions i
	WHERE i.customer_id = k.customer_id AND i.note_kind IN ('need', 'pain_point') AND i.note_kind = 'pain_point'
	  AND i.occurred_at >= k.signed_at AND i.occurred_at <= k.signed_at + interval '240 hours') pp
CROSS JOIN LATERAL (
	SELECT count(DISTINCT lower(ct.email)) AS decision_maker_emails FROM crm.contacts ct
	WHERE ct.customer_id = k.customer_id AND ct.is_decision_maker AND ct.email IS NOT NULL
	  AND ct.created_at <= k.signed_at + interval '240 hours') dm
LEFT JOIN LATERAL (
	SELECT o.opportunity_id FROM crm.opportunities o
	WHERE o.customer_id = k.customer_id AND o.furthest_stage >= 'demo'
	  AND o.opened_at >= k.signed_at AND o.opened_at <= k.signed_at + interval '720 hours'
	ORDER BY o.opened_at, o.opportunity_id
	LIMIT 1) demo ON true
WHERE k.status <> 'draft' AND k.signed_at IS NOT NULL;
SELECT (SELECT count(*) FROM (SELECT * FROM follow_up_by_probes EXCEPT ALL SELECT * FROM crm.contract_follow_up) a) AS only_by_probes,
	(SELECT count(*) FROM (SELECT * FROM crm.contract_follow_up EXCEPT ALL SELECT * FROM follow_up_by_probes) a) AS only_grouped,
	(SELECT count(*) FROM crm.contract_follow_up) AS contracts,
	(SELECT count(*) FROM crm.contract_follow_up WHERE first_follow_up_at IS NOT NULL AND pain_points_10d > 0
		AND decision_maker_emails_10d > 0) AS with_follow_up_pain_points_and_decision_makers;
DROP VIEW follow_up_by_probes;
-- follow_up_goals aggregates per month, then unpivots; the same by one row per contract and goal
CREATE TEMP VIEW goals_per_contract_goal AS
SELECT f.signed_month, g.goal, g.target_pct,
	count(*) AS contracts,
	count(g.met) AS evaluated,
	count(*) FILTER (WHERE g.met) AS attained,
	round(100.0 * count(*) FILTER (WHERE g.met) / nullif(count(g.met), 0), 1) AS attained_pct,
	(100.0 * count(*) FILTER (WHERE g.met) >= g.target_pct * count(g.met)) AND count(g.met) > 0 AS meets_target
FROM crm.contract_follow_up f
CROSS JOIN LATERAL (VALUES
	(1, 'attachments_e_signed', 100, f.attachments_signed),
	(2, 'three_pain_points', 85, f.pain_points_goal_met),
	(3, 'demo_booked', 60, f.demo_goal_met),
	(4, 'two_decision_maker_emails', 90, f.decision_makers_goal_met)) g(goal_no, goal, target_pct, met)
GROUP BY f.signed_month, g.goal_no, g.goal, g.target_pct;
SELECT (SELECT count(*) FROM (SELECT * FROM goals_per_contract_goal EXCEPT ALL SELECT * FROM crm.follow_up_goals) a) AS only_per_goal_rows,
	(SELECT count(*) FROM (SELECT * FROM crm.follow_up_goals EXCEPT ALL SELECT * FROM goals_per_contract_goal) a) AS only_monthly,
	(SELECT count(*) FROM crm.follow_up_goals) AS goal_rows;
DROP VIEW goals_per_contract_goal;

-- clean up: a fresh, empty crm for the tests that follow
SET client_min_messages = warning;
DROP EXTENSION crm CASCADE;
CREATE EXTENSION crm;
RESET client_min_messages;
