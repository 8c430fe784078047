-- BI surface: read-only views for BI tools (Metabase, Superset, Tableau,
-- Power BI) and analysts. Every view is security_invoker (the reader needs
-- SELECT on the base tables, which crm_analyst has), carries a COMMENT on
-- itself and on every column, and states its units: _pct is 0-100, _days and
-- _hours are durations, amounts are in the account currency, months are UTC
-- calendar months (date of the 1st). Views that say "now" use now(); those
-- built on scores use the as_of of the last crm.refresh(). docs/bi.md.

-- Pain points and needs are looked up per customer by crm.customer_360.
CREATE INDEX interactions_customer_notes_idx ON crm.interactions (customer_id, occurred_at)
	WHERE note_kind IN ('need', 'pain_point');
COMMENT ON INDEX crm.interactions_customer_notes_idx IS 'Latest needs and pain points of a customer (crm.customer_360, crm.contract_follow_up)';

------------------------------------------------------------------------------
-- Customer 360
------------------------------------------------------------------------------

CREATE VIEW crm.customer_360 WITH (security_invoker = true) AS
SELECT c.customer_id, c.external_id, c.name, c.kind, c.company, c.email, c.phone, c.industry, c.region,
	c.owner, c.tier, c.lifecycle_stage, c.created_at,
	pc.name AS primary_contact_name, pc.title AS primary_contact_title, pc.email AS primary_contact_email,
	pc.phone AS primary_contact_phone, pc.is_decision_maker AS primary_contact_is_decision_maker,
	k.contract_id, k.status AS contract_status, k.annual_value AS contract_annual_value,
	k.starts_on AS contract_starts_on, k.ends_on AS contract_ends_on, k.auto_renew AS contract_auto_renew,
	CASE WHEN k.status = 'active' THEN k.ends_on + 1 END AS renewal_date,
	CASE WHEN k.status = 'active' THEN (k.ends_on + 1) - (pg_catalog.now() AT TIME ZONE 'UTC')::date END AS days_to_renewal,
	nd.notes AS latest_need, nd.occurred_at AS latest_need_at,
	pp.notes AS latest_pain_point, pp.occurred_at AS latest_pain_point_at,
	s.rfm_segment, s.rfm_cell, s.health_score, s.health_band, s.health_delta_30d,
	CASE WHEN s.health_delta_30d >= 5 THEN 'improving'
		 WHEN s.health_delta_30d <= -5 THEN 'declining'
		 WHEN s.health_delta_30d IS NOT NULL THEN 'stable' END AS health_trend,
	s.clv, s.p_alive, s.revenue_12m, s.last_purchase, s.value_quadrant,
	a.open_alerts, a.top_alert_level, a.open_alert_rules,
	t.task_id AS next_task_id, t.title AS next_task_title, t.due_at AS next_task_due_at, t.owner AS next_task_owner,
	s.as_of AS scores_as_of
FROM crm.customers c
LEFT JOIN crm.customer_scores s ON s.customer_id = c.customer_id
LEFT JOIN LATERAL (
	SELECT ct.name, ct.title, ct.email, ct.phone, ct.is_decision_maker FROM crm.contacts ct
	WHERE ct.customer_id = c.customer_id
	ORDER BY ct.is_decision_maker DESC, (ct.email IS NOT NULL) DESC, ct.contact_id
	LIMIT 1) pc ON true
LEFT JOIN LATERAL (
	SELECT x.contract_id, x.status, x.annual_value, x.starts_on, x.ends_on, x.auto_renew FROM crm.contracts x
	WHERE x.customer_id = c.customer_id AND x.status <> 'draft'
	ORDER BY (x.status = 'active') DESC, x.starts_on DESC, x.contract_id DESC
	LIMIT 1) k ON true
LEFT JOIN LATERAL (
	SELECT i.notes, i.occurred_at FROM crm.interactions i
	WHERE i.customer_id = c.customer_id AND i.note_kind IN ('need', 'pain_point') AND i.note_kind = 'need'
	ORDER BY i.occurred_at DESC, i.interaction_id DESC
	LIMIT 1) nd ON true
LEFT JOIN LATERAL (
	SELECT i.notes, i.occurred_at FROM crm.interactions i
	WHERE i.customer_id = c.customer_id AND i.note_kind IN ('need', 'pain_point') AND i.note_kind = 'pain_point'
	ORDER BY i.occurred_at DESC, i.interaction_id DESC
	LIMIT 1) pp ON true
CROSS JOIN LATERAL (
	SELECT count(*) AS open_alerts, min(al.level) AS top_alert_level,
		array_agg(al.rule ORDER BY al.level, al.rule) AS open_alert_rules
	FROM crm.alerts al
	WHERE al.customer_id = c.customer_id AND al.status <> 'resolved') a
LEFT JOIN LATERAL (
	SELECT tk.task_id, tk.title, tk.due_at, tk.owner FROM crm.tasks tk
	WHERE tk.customer_id = c.customer_id AND tk.status = 'open'
	ORDER BY tk.due_at, tk.task_id
	LIMIT 1) t ON true;
COMMENT ON VIEW crm.customer_360 IS 'One row per customer: profile, owner, tier, lifecycle stage, main contact, current contract and renewal date, latest need and pain point, RFM segment, health (score, band, trend), CLV, P(alive), open alerts and the next open task. Typical query: WHERE customer_id = $1 (index-driven)';
COMMENT ON COLUMN crm.customer_360.customer_id IS 'Customer id (crm.customers)';
COMMENT ON COLUMN crm.customer_360.external_id IS 'The customer''s id in the source system';
COMMENT ON COLUMN crm.customer_360.name IS 'Customer name';
COMMENT ON COLUMN crm.customer_360.kind IS 'business (B2B account) or person (B2C customer)';
COMMENT ON COLUMN crm.customer_360.company IS 'Company name (business) or employer (person)';
COMMENT ON COLUMN crm.customer_360.email IS 'Customer email';
COMMENT ON COLUMN crm.customer_360.phone IS 'Customer phone';
COMMENT ON COLUMN crm.customer_360.industry IS 'Industry';
COMMENT ON COLUMN crm.customer_360.region IS 'Region';
COMMENT ON COLUMN crm.customer_360.owner IS 'Account manager (role name); NULL = unassigned (pool)';
COMMENT ON COLUMN crm.customer_360.tier IS 'Value tier A/B/C (crm.refresh())';
COMMENT ON COLUMN crm.customer_360.lifecycle_stage IS 'Lifecycle stage (crm.refresh())';
COMMENT ON COLUMN crm.customer_360.created_at IS 'When the customer was created';
COMMENT ON COLUMN crm.customer_360.primary_contact_name IS 'Main contact: the first decision maker (lowest contact_id), else the first contact with an email, else the first contact';
COMMENT ON COLUMN crm.customer_360.primary_contact_title IS 'Main contact''s job title';
COMMENT ON COLUMN crm.customer_360.primary_contact_email IS 'Main contact''s email';
COMMENT ON COLUMN crm.customer_360.primary_contact_phone IS 'Main contact''s phone';
COMMENT ON COLUMN crm.customer_360.primary_contact_is_decision_maker IS 'True when the main contact is a decision maker';
COMMENT ON COLUMN crm.customer_360.contract_id IS 'Current contract: the active one with the latest start, else the latest non-draft contract';
COMMENT ON COLUMN crm.customer_360.contract_status IS 'Status of the current contract';
COMMENT ON COLUMN crm.customer_360.contract_annual_value IS 'Annual value of the current contract, account currency';
COMMENT ON COLUMN crm.customer_360.contract_starts_on IS 'First day of the current contract term';
COMMENT ON COLUMN crm.customer_360.contract_ends_on IS 'Last day of the current contract term (NULL = open-ended)';
COMMENT ON COLUMN crm.customer_360.contract_auto_renew IS 'True when the current contract renews automatically';
COMMENT ON COLUMN crm.customer_360.renewal_date IS 'Renewal date of the active contract (the day after ends_on); NULL when no active contract or open-ended';
COMMENT ON COLUMN crm.customer_360.days_to_renewal IS 'Days from today (UTC) to renewal_date; negative when overdue';
COMMENT ON COLUMN crm.customer_360.latest_need IS 'Notes of the latest interaction recording a need (note_kind need)';
COMMENT ON COLUMN crm.customer_360.latest_need_at IS 'When that need was heard';
COMMENT ON COLUMN crm.customer_360.latest_pain_point IS 'Notes of the latest interaction recording a pain point (note_kind pain_point)';
COMMENT ON COLUMN crm.customer_360.latest_pain_point_at IS 'When that pain point was heard';
COMMENT ON COLUMN crm.customer_360.rfm_segment IS 'Named RFM segment (current scores)';
COMMENT ON COLUMN crm.customer_360.rfm_cell IS 'R, F and M scores 1-5 as text, e.g. 545';
COMMENT ON COLUMN crm.customer_360.health_score IS 'Health score 0-100 (NULL: no data)';
COMMENT ON COLUMN crm.customer_360.health_band IS 'Health band: healthy, watch or at_risk (crm.health_bands_effective)';
COMMENT ON COLUMN crm.customer_360.health_delta_30d IS 'Health score change over 30 days, points';
COMMENT ON COLUMN crm.customer_360.health_trend IS 'improving (delta_30d >= +5 points), declining (<= -5), stable (between), NULL without history';
COMMENT ON COLUMN crm.customer_360.clv IS 'Customer lifetime value over the CLV horizon, discounted, account currency';
COMMENT ON COLUMN crm.customer_360.p_alive IS 'Probability the customer is still active, 0-1';
COMMENT ON COLUMN crm.customer_360.revenue_12m IS 'Net revenue in the 365 days up to the scores'' as_of, account currency';
COMMENT ON COLUMN crm.customer_360.last_purchase IS 'Last sale up to the scores'' as_of';
COMMENT ON COLUMN crm.customer_360.value_quadrant IS 'Value x loyalty quadrant, e.g. high_value_low_loyalty';
COMMENT ON COLUMN crm.customer_360.open_alerts IS 'Number of unresolved alerts';
COMMENT ON COLUMN crm.customer_360.top_alert_level IS 'Most severe level among the unresolved alerts (critical > high > medium); NULL when none';
COMMENT ON COLUMN crm.customer_360.open_alert_rules IS 'Rules of the unresolved alerts, most severe first; NULL when none';
COMMENT ON COLUMN crm.customer_360.next_task_id IS 'The open task due first';
COMMENT ON COLUMN crm.customer_360.next_task_title IS 'Title of the next task';
COMMENT ON COLUMN crm.customer_360.next_task_due_at IS 'Due time of the next task';
COMMENT ON COLUMN crm.customer_360.next_task_owner IS 'Assignee of the next task (NULL = pool)';
COMMENT ON COLUMN crm.customer_360.scores_as_of IS 'as_of of the refresh behind the score columns (NULL: never scored)';

------------------------------------------------------------------------------
-- Segments (the RFM segment summary is crm.rfm_segment_summary)
------------------------------------------------------------------------------

CREATE VIEW crm.tier_summary WITH (security_invoker = true) AS
SELECT s.tier,
	count(*) AS customers,
	round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS customer_share_pct,
	sum(s.revenue_12m) AS revenue_12m,
	round(100.0 * sum(s.revenue_12m) / nullif(sum(sum(s.revenue_12m)) OVER (), 0), 1) AS revenue_share_pct,
	sum(s.annual_contract_value) AS annual_contract_value,
	avg(s.clv) AS avg_clv,
	avg(s.p_alive) AS avg_p_alive,
	avg(s.health_score) AS avg_health_score,
	count(*) FILTER (WHERE s.health_band = 'at_risk') AS at_risk_customers,
	max(s.as_of) AS as_of
FROM crm.customer_scores s
GROUP BY s.tier;
COMMENT ON VIEW crm.tier_summary IS 'Customers, revenue, contract value, CLV and health per value tier (current scores); one row per tier, NULL = not tiered';
COMMENT ON COLUMN crm.tier_summary.tier IS 'Value tier A/B/C; NULL = no tier assigned';
COMMENT ON COLUMN crm.tier_summary.customers IS 'Scored customers in the tier';
COMMENT ON COLUMN crm.tier_summary.customer_share_pct IS 'Share of all scored customers, percent (0-100)';
COMMENT ON COLUMN crm.tier_summary.revenue_12m IS 'Net revenue of the tier in the 365 days up to as_of, account currency';
COMMENT ON COLUMN crm.tier_summary.revenue_share_pct IS 'Share of the 12-month net revenue of all tiers, percent (0-100)';
COMMENT ON COLUMN crm.tier_summary.annual_contract_value IS 'Sum of the annual values of active contracts, account currency';
COMMENT ON COLUMN crm.tier_summary.avg_clv IS 'Average CLV, account currency';
COMMENT ON COLUMN crm.tier_summary.avg_p_alive IS 'Average probability of being alive (0-1)';
COMMENT ON COLUMN crm.tier_summary.avg_health_score IS 'Average health score (0-100) of customers with one';
COMMENT ON COLUMN crm.tier_summary.at_risk_customers IS 'Customers in the at_risk health band';
COMMENT ON COLUMN crm.tier_summary.as_of IS 'as_of of the newest refresh behind the rows';

CREATE VIEW crm.value_loyalty_matrix WITH (security_invoker = true) AS
SELECT s.value_quadrant AS quadrant,
	split_part(s.value_quadrant, '_', 1) AS value_level,
	split_part(s.value_quadrant, '_', 3) AS loyalty_level,
	count(*) AS customers,
	round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS customer_share_pct,
	sum(s.revenue_12m) AS revenue_12m,
	round(100.0 * sum(s.revenue_12m) / nullif(sum(sum(s.revenue_12m)) OVER (), 0), 1) AS revenue_share_pct,
	avg(s.clv) AS avg_clv,
	avg(s.value_score) AS avg_value_score,
	avg(s.loyalty_score) AS avg_loyalty_score,
	max(s.as_of) AS as_of
FROM crm.customer_scores s
WHERE s.value_quadrant IS NOT NULL
GROUP BY s.value_quadrant;
COMMENT ON VIEW crm.value_loyalty_matrix IS 'The value x loyalty matrix: customers and revenue per quadrant (current scores); up to four rows';
COMMENT ON COLUMN crm.value_loyalty_matrix.quadrant IS 'high_value_high_loyalty, high_value_low_loyalty, low_value_high_loyalty or low_value_low_loyalty';
COMMENT ON COLUMN crm.value_loyalty_matrix.value_level IS 'high or low value';
COMMENT ON COLUMN crm.value_loyalty_matrix.loyalty_level IS 'high or low loyalty';
COMMENT ON COLUMN crm.value_loyalty_matrix.customers IS 'Customers in the quadrant';
COMMENT ON COLUMN crm.value_loyalty_matrix.customer_share_pct IS 'Share of the customers with a quadrant, percent (0-100)';
COMMENT ON COLUMN crm.value_loyalty_matrix.revenue_12m IS 'Net revenue in the 365 days up to as_of, account currency';
COMMENT ON COLUMN crm.value_loyalty_matrix.revenue_share_pct IS 'Share of the 12-month net revenue of all quadrants, percent (0-100)';
COMMENT ON COLUMN crm.value_loyalty_matrix.avg_clv IS 'Average CLV, account currency';
COMMENT ON COLUMN crm.value_loyalty_matrix.avg_value_score IS 'Average value score (0-100)';
COMMENT ON COLUMN crm.value_loyalty_matrix.avg_loyalty_score IS 'Average loyalty score (0-100)';
COMMENT ON COLUMN crm.value_loyalty_matrix.as_of IS 'as_of of the newest refresh behind the rows';

------------------------------------------------------------------------------
-- Health
------------------------------------------------------------------------------

CREATE VIEW crm.health_band_history WITH (security_invoker = true) AS
SELECT h.snapshot_date,
	coalesce(h.health_band, 'no_data') AS health_band,
	count(*) AS customers,
	round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY h.snapshot_date), 1) AS customer_share_pct,
	avg(h.health_score) AS avg_health_score
FROM crm.customer_score_history h
GROUP BY h.snapshot_date, coalesce(h.health_band, 'no_data');
COMMENT ON VIEW crm.health_band_history IS 'Health band distribution per snapshot day (crm.customer_score_history: one snapshot per customer per refresh day). Typical query: WHERE snapshot_date >= $1';
COMMENT ON COLUMN crm.health_band_history.snapshot_date IS 'UTC date of the refresh';
COMMENT ON COLUMN crm.health_band_history.health_band IS 'Health band (healthy, watch, at_risk, or user-defined); no_data = no health dimension had data';
COMMENT ON COLUMN crm.health_band_history.customers IS 'Customers in the band on that day';
COMMENT ON COLUMN crm.health_band_history.customer_share_pct IS 'Share of the customers snapshotted that day, percent (0-100)';
COMMENT ON COLUMN crm.health_band_history.avg_health_score IS 'Average health score (0-100) in the band';

CREATE VIEW crm.health_movers WITH (security_invoker = true) AS
SELECT d.drop_rank, d.customer_id,
	(SELECT c.name FROM crm.customers c WHERE c.customer_id = d.customer_id) AS name,
	(SELECT c.owner FROM crm.customers c WHERE c.customer_id = d.customer_id) AS owner,
	d.tier, d.health_score,
	d.health_score - d.health_delta_30d AS health_score_30d_ago,
	d.health_delta_30d, d.health_delta_7d, d.health_band, d.revenue_12m, d.as_of
FROM (SELECT s.customer_id, s.tier, s.health_score, s.health_delta_30d, s.health_delta_7d, s.health_band,
		s.revenue_12m, s.as_of,
		rank() OVER (ORDER BY s.health_delta_30d) AS drop_rank
	  FROM crm.customer_scores s
	  WHERE s.health_delta_30d < 0) d;
COMMENT ON VIEW crm.health_movers IS 'Customers whose health score fell over the last 30 days, ranked by the size of the drop (current scores). Typical query: WHERE drop_rank <= 50 ORDER BY drop_rank';
COMMENT ON COLUMN crm.health_movers.drop_rank IS '1 = the biggest drop; equal drops share a rank';
COMMENT ON COLUMN crm.health_movers.customer_id IS 'Customer id';
COMMENT ON COLUMN crm.health_movers.name IS 'Customer name';
COMMENT ON COLUMN crm.health_movers.owner IS 'Account manager (NULL = pool)';
COMMENT ON COLUMN crm.health_movers.tier IS 'Value tier';
COMMENT ON COLUMN crm.health_movers.health_score IS 'Current health score (0-100)';
COMMENT ON COLUMN crm.health_movers.health_score_30d_ago IS 'Health score of the snapshot 30 days earlier (0-100)';
COMMENT ON COLUMN crm.health_movers.health_delta_30d IS 'Change over 30 days, points (negative)';
COMMENT ON COLUMN crm.health_movers.health_delta_7d IS 'Change over 7 days, points';
COMMENT ON COLUMN crm.health_movers.health_band IS 'Current health band';
COMMENT ON COLUMN crm.health_movers.revenue_12m IS 'Net revenue in the 365 days up to as_of, account currency';
COMMENT ON COLUMN crm.health_movers.as_of IS 'as_of of the refresh behind the row';

------------------------------------------------------------------------------
-- Churn risk
------------------------------------------------------------------------------

CREATE VIEW crm.churn_risk WITH (security_invoker = true) AS
SELECT x.risk_rank, x.customer_id,
	(SELECT c.name FROM crm.customers c WHERE c.customer_id = x.customer_id) AS name,
	(SELECT c.owner FROM crm.customers c WHERE c.customer_id = x.customer_id) AS owner,
	x.tier, x.lifecycle_stage, x.open_alerts, x.top_alert_level,
	(SELECT array_agg(al.rule ORDER BY al.level, al.rule) FROM crm.alerts al
	 WHERE al.customer_id = x.customer_id AND al.status <> 'resolved') AS alert_rules,
	(SELECT jsonb_object_agg(al.rule, al.details) FROM crm.alerts al
	 WHERE al.customer_id = x.customer_id AND al.status <> 'resolved') AS alert_details,
	x.first_alert_at, x.health_score, x.health_band, x.health_delta_30d,
	(SELECT array_agg(e.key ORDER BY coalesce(d.weight, 0) * (100 - (e.value ->> 'sub_score')::float8) DESC, e.key)
	 FROM jsonb_each(x.health_explanation) e
	 LEFT JOIN crm.health_dimensions_effective d ON d.dimension = e.key
	 WHERE (e.value ->> 'sub_score')::float8 < 50) AS weak_health_dimensions,
	x.health_missing AS missing_health_dimensions,
	x.p_alive, x.clv, x.revenue_12m, x.annual_contract_value, x.revenue_at_stake, x.as_of
FROM (SELECT row_number() OVER (ORDER BY o.top_alert_level NULLS LAST,
			coalesce(s.annual_contract_value, 0) + greatest(coalesce(s.revenue_12m, 0), 0) DESC,
			coalesce(s.customer_id, o.customer_id)) AS risk_rank,
		coalesce(s.customer_id, o.customer_id) AS customer_id,
		s.tier, s.lifecycle_stage, coalesce(o.open_alerts, 0) AS open_alerts, o.top_alert_level, o.first_alert_at,
		s.health_score, s.health_band, s.health_delta_30d, s.health_explanation, s.health_missing,
		s.p_alive, s.clv, s.revenue_12m, s.annual_contract_value,
		coalesce(s.annual_contract_value, 0) + greatest(coalesce(s.revenue_12m, 0), 0) AS revenue_at_stake,
		s.as_of
	  FROM crm.customer_scores s
	  FULL JOIN (SELECT al.customer_id, count(*) AS open_alerts, min(al.level) AS top_alert_level,
					min(al.opened_at) AS first_alert_at
				 FROM crm.alerts al
				 WHERE al.status <> 'resolved'
				 GROUP BY al.customer_id) o ON o.customer_id = s.customer_id
	  WHERE o.customer_id IS NOT NULL OR s.health_band = 'at_risk') x;
COMMENT ON VIEW crm.churn_risk IS 'Customers at risk (an unresolved alert, or the at_risk health band), ranked by the most severe open alert (critical first, health band only last) and then by revenue at stake; with the reasons. Typical query: ORDER BY risk_rank LIMIT 100';
COMMENT ON COLUMN crm.churn_risk.risk_rank IS '1 = most urgent: by top_alert_level (critical, high, medium, none), then revenue_at_stake descending, then customer_id';
COMMENT ON COLUMN crm.churn_risk.customer_id IS 'Customer id';
COMMENT ON COLUMN crm.churn_risk.name IS 'Customer name';
COMMENT ON COLUMN crm.churn_risk.owner IS 'Account manager (NULL = pool)';
COMMENT ON COLUMN crm.churn_risk.tier IS 'Value tier';
COMMENT ON COLUMN crm.churn_risk.lifecycle_stage IS 'Lifecycle stage';
COMMENT ON COLUMN crm.churn_risk.open_alerts IS 'Number of unresolved alerts';
COMMENT ON COLUMN crm.churn_risk.top_alert_level IS 'Most severe level among the unresolved alerts; NULL = only the health band puts the customer here';
COMMENT ON COLUMN crm.churn_risk.alert_rules IS 'Rules of the unresolved alerts (reasons), most severe first';
COMMENT ON COLUMN crm.churn_risk.alert_details IS 'Evidence per rule: {rule: details} (the measured values behind each alert)';
COMMENT ON COLUMN crm.churn_risk.first_alert_at IS 'When the oldest unresolved alert was raised';
COMMENT ON COLUMN crm.churn_risk.health_score IS 'Health score (0-100)';
COMMENT ON COLUMN crm.churn_risk.health_band IS 'Health band';
COMMENT ON COLUMN crm.churn_risk.health_delta_30d IS 'Health score change over 30 days, points';
COMMENT ON COLUMN crm.churn_risk.weak_health_dimensions IS 'Health explanation: dimensions with a sub-score below 50, the ones costing most weighted points first (weights of crm.health_dimensions_effective)';
COMMENT ON COLUMN crm.churn_risk.missing_health_dimensions IS 'Health dimensions without data';
COMMENT ON COLUMN crm.churn_risk.p_alive IS 'Probability the customer is still active, 0-1';
COMMENT ON COLUMN crm.churn_risk.clv IS 'Customer lifetime value, account currency';
COMMENT ON COLUMN crm.churn_risk.revenue_12m IS 'Net revenue in the 365 days up to as_of, account currency';
COMMENT ON COLUMN crm.churn_risk.annual_contract_value IS 'Annual value of the active contracts, account currency';
COMMENT ON COLUMN crm.churn_risk.revenue_at_stake IS 'Revenue lost per year if the customer churns: annual_contract_value + max(revenue_12m, 0), account currency';
COMMENT ON COLUMN crm.churn_risk.as_of IS 'as_of of the refresh behind the score columns';

------------------------------------------------------------------------------
-- Follow-up performance
------------------------------------------------------------------------------

-- One grouped pass: each signed contract joined to its customer's events in
-- the 30 days after signing (decision-maker contacts: any time before), so a
-- month's report is one hash join rather than a probe per contract; filters on
-- customer_id or signed_month reach the contracts scan (grouping columns).
-- Completed first-call tasks (a small part of crm.tasks), for contract_follow_up.
CREATE INDEX tasks_first_call_done_idx ON crm.tasks (customer_id, completed_at)
	WHERE status = 'done' AND dedup_key LIKE 'confirm\_terms\_first\_call:%';
COMMENT ON INDEX crm.tasks_first_call_done_idx IS 'Completed confirm_terms_first_call tasks: the first follow-ups crm.contract_follow_up reads without scanning every task';

CREATE VIEW crm.contract_follow_up WITH (security_invoker = true) AS
SELECT g.contract_id, g.customer_id, c.owner, g.signed_at, g.signed_month, g.is_renewal,
	g.first_follow_up_at,
	round((extract(epoch FROM g.first_follow_up_at - g.signed_at) / 3600.0)::numeric, 1) AS hours_to_first_follow_up,
	CASE WHEN g.first_follow_up_at <= g.signed_at + interval '72 hours' THEN true
		 WHEN pg_catalog.now() > g.signed_at + interval '72 hours' THEN false END AS followed_up_within_72h,
	g.attachments_signed,
	g.pain_points AS pain_points_10d,
	CASE WHEN g.pain_points >= 3 THEN true
		 WHEN pg_catalog.now() > g.signed_at + interval '240 hours' THEN false END AS pain_points_goal_met,
	g.decision_maker_emails AS decision_maker_emails_10d,
	CASE WHEN g.decision_maker_emails >= 2 THEN true
		 WHEN pg_catalog.now() > g.signed_at + interval '240 hours' THEN false END AS decision_makers_goal_met,
	CASE WHEN g.demo_opened_at IS NOT NULL THEN
		(SELECT min(o.opportunity_id) FROM crm.opportunities o
		 WHERE o.customer_id = g.customer_id AND o.opened_at = g.demo_opened_at AND o.furthest_stage >= 'demo') END
		AS demo_opportunity_id,
	CASE WHEN g.demo_opened_at IS NOT NULL THEN true
		 WHEN pg_catalog.now() > g.signed_at + interval '720 hours' THEN false END AS demo_goal_met
FROM (
	SELECT k.contract_id, k.customer_id, k.signed_at,
		(date_trunc('month', k.signed_at AT TIME ZONE 'UTC'))::date AS signed_month,
		(k.renewal_of IS NOT NULL) AS is_renewal, k.attachments_signed,
		min(e.at) FILTER (WHERE e.touch OR e.task_key = 'confirm_terms_first_call:' || k.contract_id) AS first_follow_up_at,
		count(*) FILTER (WHERE e.pain_point AND e.at <= k.signed_at + interval '240 hours') AS pain_points,
		count(*) FILTER (WHERE e.decision_maker AND e.at <= k.signed_at + interval '240 hours') AS decision_maker_emails,
		min(e.at) FILTER (WHERE e.demo) AS demo_opened_at
	FROM crm.contracts k
	LEFT JOIN (
		-- outbound touches and recorded pain points
		SELECT i.customer_id, i.occurred_at AS at,
			i.direction = 'outbound' AND i.kind IN ('call', 'email', 'video', 'visit', 'chat') AS touch,
			i.note_kind IS NOT DISTINCT FROM 'pain_point' AS pain_point,
			false AS decision_maker, false AS demo, NULL::text AS task_key
		FROM crm.interactions i
		WHERE (i.direction = 'outbound' AND i.kind IN ('call', 'email', 'video', 'visit', 'chat')) OR i.note_kind = 'pain_point'
		UNION ALL
		-- completed first-call tasks (key names the contract)
		SELECT t.customer_id, t.completed_at, false, false, false, false, t.dedup_key
		FROM crm.tasks t
		WHERE t.status = 'done' AND t.dedup_key LIKE 'confirm\_terms\_first\_call:%'
		UNION ALL
		-- each decision-maker email once, when it was first known
		SELECT ct.customer_id, min(ct.created_at), false, false, true, false, NULL
		FROM crm.contacts ct
		WHERE ct.is_decision_maker AND ct.email IS NOT NULL
		GROUP BY ct.customer_id, lower(ct.email)
		UNION ALL
		-- opportunities that reached the demo stage
		SELECT o.customer_id, o.opened_at, false, false, false, true, NULL
		FROM crm.opportunities o
		WHERE o.furthest_stage >= 'demo'
	) e ON e.customer_id = k.customer_id AND e.at <= k.signed_at + interval '720 hours'
		AND (e.decision_maker OR e.at >= k.signed_at)
	WHERE k.status <> 'draft' AND k.signed_at IS NOT NULL
	GROUP BY k.contract_id, k.customer_id, k.signed_at, (date_trunc('month', k.signed_at AT TIME ZONE 'UTC'))::date,
		(k.renewal_of IS NOT NULL), k.attachments_signed
) g
LEFT JOIN crm.customers c ON c.customer_id = g.customer_id;
COMMENT ON VIEW crm.contract_follow_up IS 'One row per signed contract (first contracts and renewals): the first follow-up and the onboarding goals. Goal columns are true (attained), false (window over, not attained) or NULL (window still open). Typical query: WHERE customer_id = $1';
COMMENT ON COLUMN crm.contract_follow_up.contract_id IS 'Contract id';
COMMENT ON COLUMN crm.contract_follow_up.customer_id IS 'Customer id';
COMMENT ON COLUMN crm.contract_follow_up.owner IS 'The customer''s account manager (NULL = pool)';
COMMENT ON COLUMN crm.contract_follow_up.signed_at IS 'When the contract was signed';
COMMENT ON COLUMN crm.contract_follow_up.signed_month IS 'UTC month of signing (first day)';
COMMENT ON COLUMN crm.contract_follow_up.is_renewal IS 'True for a renewal (renewal_of set)';
COMMENT ON COLUMN crm.contract_follow_up.first_follow_up_at IS 'First follow-up within 30 days of signing: an outbound call, email, video, visit or chat interaction, or the completion of the contract''s confirm_terms_first_call task; NULL = none yet';
COMMENT ON COLUMN crm.contract_follow_up.hours_to_first_follow_up IS 'Hours from signing to the first follow-up';
COMMENT ON COLUMN crm.contract_follow_up.followed_up_within_72h IS 'First follow-up within 72 hours of signing (same rule as the no_first_follow_up alert); NULL while the 72 hours are running';
COMMENT ON COLUMN crm.contract_follow_up.attachments_signed IS 'Goal (target 100%): contract attachments e-signed';
COMMENT ON COLUMN crm.contract_follow_up.pain_points_10d IS 'Interactions recording a pain point (note_kind pain_point) in the 10 days after signing';
COMMENT ON COLUMN crm.contract_follow_up.pain_points_goal_met IS 'Goal (target 85%): at least three pain points collected within 10 days';
COMMENT ON COLUMN crm.contract_follow_up.decision_maker_emails_10d IS 'Distinct emails of decision-maker contacts known 10 days after signing';
COMMENT ON COLUMN crm.contract_follow_up.decision_makers_goal_met IS 'Goal (target 90%): at least two decision-maker emails within 10 days';
COMMENT ON COLUMN crm.contract_follow_up.demo_opportunity_id IS 'First opportunity opened within 30 days after signing that reached the demo stage or beyond';
COMMENT ON COLUMN crm.contract_follow_up.demo_goal_met IS 'Goal (target 60%): a next-stage demo booked, i.e. an opportunity opened within 30 days that reached demo';

CREATE VIEW crm.follow_up_first_72h WITH (security_invoker = true) AS
SELECT f.signed_month,
	count(*) AS contracts_signed,
	count(*) FILTER (WHERE NOT f.is_renewal) AS first_contracts,
	count(*) FILTER (WHERE f.followed_up_within_72h) AS followed_up_72h,
	count(*) FILTER (WHERE NOT f.followed_up_within_72h) AS missed_72h,
	count(*) FILTER (WHERE f.followed_up_within_72h IS NULL) AS pending,
	round(100.0 * count(*) FILTER (WHERE f.followed_up_within_72h)
		/ nullif(count(f.followed_up_within_72h), 0), 1) AS followed_up_72h_pct,
	round(100.0 * count(*) FILTER (WHERE f.followed_up_within_72h AND NOT f.is_renewal)
		/ nullif(count(f.followed_up_within_72h) FILTER (WHERE NOT f.is_renewal), 0), 1) AS first_contracts_followed_up_72h_pct,
	round((percentile_cont(0.5) WITHIN GROUP (ORDER BY f.hours_to_first_follow_up))::numeric, 1) AS median_hours_to_first_follow_up
FROM crm.contract_follow_up f
GROUP BY f.signed_month;
COMMENT ON VIEW crm.follow_up_first_72h IS 'Per signing month: the share of signed contracts with a first follow-up within 72 hours (see crm.contract_follow_up). Typical query: WHERE signed_month >= $1';
COMMENT ON COLUMN crm.follow_up_first_72h.signed_month IS 'UTC month of signing (first day)';
COMMENT ON COLUMN crm.follow_up_first_72h.contracts_signed IS 'Contracts signed in the month (first contracts and renewals)';
COMMENT ON COLUMN crm.follow_up_first_72h.first_contracts IS 'Of these, first contracts (not renewals)';
COMMENT ON COLUMN crm.follow_up_first_72h.followed_up_72h IS 'Contracts with a first follow-up within 72 hours';
COMMENT ON COLUMN crm.follow_up_first_72h.missed_72h IS 'Contracts whose 72 hours passed without a follow-up';
COMMENT ON COLUMN crm.follow_up_first_72h.pending IS 'Contracts signed less than 72 hours ago and not yet followed up';
COMMENT ON COLUMN crm.follow_up_first_72h.followed_up_72h_pct IS 'followed_up_72h / (followed_up_72h + missed_72h), percent (0-100)';
COMMENT ON COLUMN crm.follow_up_first_72h.first_contracts_followed_up_72h_pct IS 'The same share among first contracts only (new customers, renewals left out), percent (0-100)';
COMMENT ON COLUMN crm.follow_up_first_72h.median_hours_to_first_follow_up IS 'Median hours from signing to the first follow-up (contracts followed up within 30 days)';

CREATE VIEW crm.follow_up_goals WITH (security_invoker = true) AS
SELECT m.signed_month, g.goal, g.target_pct, m.contracts,
	g.evaluated,
	g.attained,
	round(100.0 * g.attained / nullif(g.evaluated, 0), 1) AS attained_pct,
	(100.0 * g.attained >= g.target_pct * g.evaluated) AND g.evaluated > 0 AS meets_target
FROM (SELECT f.signed_month, count(*) AS contracts,
		count(f.attachments_signed) AS attachments_evaluated, count(*) FILTER (WHERE f.attachments_signed) AS attachments_attained,
		count(f.pain_points_goal_met) AS pain_points_evaluated, count(*) FILTER (WHERE f.pain_points_goal_met) AS pain_points_attained,
		count(f.demo_goal_met) AS demo_evaluated, count(*) FILTER (WHERE f.demo_goal_met) AS demo_attained,
		count(f.decision_makers_goal_met) AS decision_makers_evaluated,
		count(*) FILTER (WHERE f.decision_makers_goal_met) AS decision_makers_attained
	  FROM crm.contract_follow_up f
	  GROUP BY f.signed_month) m
CROSS JOIN LATERAL (VALUES
	(1, 'attachments_e_signed', 100, m.attachments_evaluated, m.attachments_attained),
	(2, 'three_pain_points', 85, m.pain_points_evaluated, m.pain_points_attained),
	(3, 'demo_booked', 60, m.demo_evaluated, m.demo_attained),
	(4, 'two_decision_maker_emails', 90, m.decision_makers_evaluated, m.decision_makers_attained)) g(goal_no, goal, target_pct, evaluated, attained);
COMMENT ON VIEW crm.follow_up_goals IS 'Attainment of the first-follow-up goals per signing month, one row per goal: attachments e-signed (target 100%), three pain points within 10 days (85%), demo booked within 30 days (60%), two decision-maker emails within 10 days (90%). Typical query: WHERE signed_month >= $1';
COMMENT ON COLUMN crm.follow_up_goals.signed_month IS 'UTC month of signing (first day)';
COMMENT ON COLUMN crm.follow_up_goals.goal IS 'attachments_e_signed, three_pain_points, demo_booked or two_decision_maker_emails';
COMMENT ON COLUMN crm.follow_up_goals.target_pct IS 'Target attainment, percent (0-100)';
COMMENT ON COLUMN crm.follow_up_goals.contracts IS 'Contracts signed in the month';
COMMENT ON COLUMN crm.follow_up_goals.evaluated IS 'Contracts whose goal is decided (attained, or its window is over)';
COMMENT ON COLUMN crm.follow_up_goals.attained IS 'Contracts that attained the goal';
COMMENT ON COLUMN crm.follow_up_goals.attained_pct IS 'attained / evaluated, percent (0-100)';
COMMENT ON COLUMN crm.follow_up_goals.meets_target IS 'True when attained_pct >= target_pct (false when nothing is evaluated yet)';

CREATE VIEW crm.task_sla_by_owner WITH (security_invoker = true) AS
SELECT t.owner,
	(date_trunc('month', t.due_at AT TIME ZONE 'UTC'))::date AS due_month,
	count(*) AS tasks,
	count(*) FILTER (WHERE t.status = 'done' AND t.completed_at <= t.due_at) AS done_on_time,
	count(*) FILTER (WHERE t.status = 'done' AND t.completed_at > t.due_at) AS done_late,
	count(*) FILTER (WHERE t.status = 'open' AND t.due_at < pg_catalog.now()) AS open_overdue,
	count(*) FILTER (WHERE t.status = 'open' AND t.due_at >= pg_catalog.now()) AS open_not_due,
	count(*) FILTER (WHERE t.status = 'cancelled') AS cancelled,
	count(*) FILTER (WHERE t.escalated_at IS NOT NULL) AS escalated,
	round(100.0 * count(*) FILTER (WHERE t.status = 'done' AND t.completed_at <= t.due_at)
		/ nullif(count(*) FILTER (WHERE t.status = 'done' OR (t.status = 'open' AND t.due_at < pg_catalog.now())), 0), 1) AS sla_met_pct,
	round((avg(extract(epoch FROM t.completed_at - t.due_at) / 3600.0)
		FILTER (WHERE t.status = 'done' AND t.completed_at > t.due_at))::numeric, 1) AS avg_hours_late
FROM crm.tasks t
GROUP BY t.owner, (date_trunc('month', t.due_at AT TIME ZONE 'UTC'))::date;
COMMENT ON VIEW crm.task_sla_by_owner IS 'Task SLA compliance per assignee and due month: done on time (completed_at <= due_at), late, overdue, escalated. Typical query: WHERE due_month >= $1';
COMMENT ON COLUMN crm.task_sla_by_owner.owner IS 'Assignee (role name); NULL = the pool';
COMMENT ON COLUMN crm.task_sla_by_owner.due_month IS 'UTC month of the due time (first day)';
COMMENT ON COLUMN crm.task_sla_by_owner.tasks IS 'Tasks due in the month';
COMMENT ON COLUMN crm.task_sla_by_owner.done_on_time IS 'Done no later than due_at';
COMMENT ON COLUMN crm.task_sla_by_owner.done_late IS 'Done after due_at';
COMMENT ON COLUMN crm.task_sla_by_owner.open_overdue IS 'Still open and past due now';
COMMENT ON COLUMN crm.task_sla_by_owner.open_not_due IS 'Still open, not yet due';
COMMENT ON COLUMN crm.task_sla_by_owner.cancelled IS 'Cancelled (not counted for the SLA)';
COMMENT ON COLUMN crm.task_sla_by_owner.escalated IS 'Escalated to a manager';
COMMENT ON COLUMN crm.task_sla_by_owner.sla_met_pct IS 'done_on_time / (done_on_time + done_late + open_overdue), percent (0-100)';
COMMENT ON COLUMN crm.task_sla_by_owner.avg_hours_late IS 'Average hours past due of the tasks done late';

------------------------------------------------------------------------------
-- Service
------------------------------------------------------------------------------

CREATE VIEW crm.service_sla WITH (security_invoker = true) AS
SELECT t.opened_month, t.priority,
	count(*) AS tickets,
	count(t.response_hours) AS answered,
	round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t.response_hours))::numeric, 1) AS median_first_response_hours,
	round((avg(t.response_hours))::numeric, 1) AS avg_first_response_hours,
	CASE WHEN t.priority = 'urgent' THEN 24 END AS response_sla_hours,
	CASE WHEN t.priority = 'urgent' THEN count(*) FILTER (WHERE t.response_met) END AS response_sla_met,
	CASE WHEN t.priority = 'urgent' THEN count(*) FILTER (WHERE NOT t.response_met) END AS response_sla_breached,
	CASE WHEN t.priority = 'urgent' THEN round(100.0 * count(*) FILTER (WHERE t.response_met) / nullif(count(t.response_met), 0), 1) END AS response_sla_met_pct,
	count(t.resolution_hours) AS resolved,
	round((percentile_cont(0.5) WITHIN GROUP (ORDER BY t.resolution_hours))::numeric, 1) AS median_resolution_hours,
	count(*) FILTER (WHERE t.resolved_at <= t.deadline_3wd) AS resolved_within_3_working_days,
	count(*) FILTER (WHERE t.resolved_at <= t.deadline_5wd) AS resolved_within_5_working_days,
	CASE WHEN t.priority = 'general' THEN 5 END AS resolution_sla_working_days,
	CASE WHEN t.priority = 'general' THEN count(*) FILTER (WHERE NOT t.resolution_met) END AS resolution_sla_breached,
	CASE WHEN t.priority = 'general' THEN round(100.0 * count(*) FILTER (WHERE t.resolved_at <= t.deadline_5wd) / nullif(count(t.resolution_met), 0), 1) END AS resolution_sla_met_pct,
	count(*) - count(t.resolution_hours) AS open_tickets
FROM (SELECT d.*,
		-- true = met, false = breached, NULL = deadline not reached yet
		CASE WHEN d.first_response_at <= d.opened_at + interval '24 hours' THEN true
			 WHEN d.first_response_at IS NOT NULL OR pg_catalog.now() > d.opened_at + interval '24 hours' THEN false END AS response_met,
		CASE WHEN d.resolved_at <= d.deadline_5wd THEN true
			 WHEN d.resolved_at IS NOT NULL OR pg_catalog.now() > d.deadline_5wd THEN false END AS resolution_met
	  FROM (SELECT (date_trunc('month', k.opened_at AT TIME ZONE 'UTC'))::date AS opened_month, k.priority,
				k.opened_at, k.first_response_at, k.resolved_at,
				extract(epoch FROM k.first_response_at - k.opened_at) / 3600.0 AS response_hours,
				extract(epoch FROM k.resolved_at - k.opened_at) / 3600.0 AS resolution_hours,
				-- n working days later (Mon-Fri, UTC; as crm.add_working_days): a
				-- weekend start counts from the Friday before; 5 working days are
				-- one week; 3 cross a weekend from a Wednesday, Thursday or Friday
				((w.local - make_interval(days => greatest(w.dow - 5, 0))
					+ make_interval(days => CASE WHEN least(w.dow, 5) >= 3 THEN 5 ELSE 3 END)) AT TIME ZONE 'UTC') AS deadline_3wd,
				((w.local - make_interval(days => greatest(w.dow - 5, 0)) + interval '7 days') AT TIME ZONE 'UTC') AS deadline_5wd
			FROM crm.tickets k
			CROSS JOIN LATERAL (SELECT k.opened_at AT TIME ZONE 'UTC' AS local,
									   extract(isodow FROM k.opened_at AT TIME ZONE 'UTC')::integer AS dow) w) d) t
GROUP BY t.opened_month, t.priority;
COMMENT ON VIEW crm.service_sla IS 'Ticket response and resolution times per opening month and priority, against the SLAs: urgent answered within 24 hours, general resolved within 3-5 working days (Mon-Fri, UTC; the SLA breach point is 5). Percentages count decided tickets only (met, or deadline passed). Typical query: WHERE opened_month >= $1';
COMMENT ON COLUMN crm.service_sla.opened_month IS 'UTC month the tickets were opened (first day)';
COMMENT ON COLUMN crm.service_sla.priority IS 'urgent, important or general';
COMMENT ON COLUMN crm.service_sla.tickets IS 'Tickets opened';
COMMENT ON COLUMN crm.service_sla.answered IS 'Tickets with a first response';
COMMENT ON COLUMN crm.service_sla.median_first_response_hours IS 'Median hours to the first response (answered tickets)';
COMMENT ON COLUMN crm.service_sla.avg_first_response_hours IS 'Mean hours to the first response (answered tickets)';
COMMENT ON COLUMN crm.service_sla.response_sla_hours IS 'Response SLA in hours: 24 for urgent, NULL (none) otherwise';
COMMENT ON COLUMN crm.service_sla.response_sla_met IS 'Urgent: answered within 24 hours';
COMMENT ON COLUMN crm.service_sla.response_sla_breached IS 'Urgent: answered after 24 hours, or unanswered and older than 24 hours';
COMMENT ON COLUMN crm.service_sla.response_sla_met_pct IS 'Urgent: met / (met + breached), percent (0-100)';
COMMENT ON COLUMN crm.service_sla.resolved IS 'Resolved tickets';
COMMENT ON COLUMN crm.service_sla.median_resolution_hours IS 'Median hours from opening to resolution (resolved tickets)';
COMMENT ON COLUMN crm.service_sla.resolved_within_3_working_days IS 'Resolved within 3 working days';
COMMENT ON COLUMN crm.service_sla.resolved_within_5_working_days IS 'Resolved within 5 working days';
COMMENT ON COLUMN crm.service_sla.resolution_sla_working_days IS 'Resolution SLA in working days: 5 for general, NULL (none) otherwise';
COMMENT ON COLUMN crm.service_sla.resolution_sla_breached IS 'General: resolved after 5 working days, or unresolved past that deadline';
COMMENT ON COLUMN crm.service_sla.resolution_sla_met_pct IS 'General: resolved within 5 working days / decided tickets, percent (0-100)';
COMMENT ON COLUMN crm.service_sla.open_tickets IS 'Tickets not resolved yet';

CREATE VIEW crm.ticket_categories_monthly WITH (security_invoker = true) AS
SELECT (date_trunc('month', t.opened_at AT TIME ZONE 'UTC'))::date AS opened_month,
	t.category,
	rank() OVER (PARTITION BY (date_trunc('month', t.opened_at AT TIME ZONE 'UTC'))::date ORDER BY count(*) DESC) AS category_rank,
	count(*) AS tickets,
	round(100.0 * count(*) / sum(count(*)) OVER (PARTITION BY (date_trunc('month', t.opened_at AT TIME ZONE 'UTC'))::date), 1) AS ticket_share_pct,
	count(*) FILTER (WHERE t.priority = 'urgent') AS urgent_tickets,
	count(*) FILTER (WHERE t.resolved_at IS NULL) AS open_tickets,
	round(avg(t.satisfaction), 2) AS avg_satisfaction
FROM crm.tickets t
GROUP BY (date_trunc('month', t.opened_at AT TIME ZONE 'UTC'))::date, t.category;
COMMENT ON VIEW crm.ticket_categories_monthly IS 'Ticket categories per opening month, ranked by volume. Typical query (top categories this month): WHERE opened_month = date_trunc(''month'', now() AT TIME ZONE ''UTC'')::date ORDER BY category_rank';
COMMENT ON COLUMN crm.ticket_categories_monthly.opened_month IS 'UTC month the tickets were opened (first day)';
COMMENT ON COLUMN crm.ticket_categories_monthly.category IS 'product, service or process';
COMMENT ON COLUMN crm.ticket_categories_monthly.category_rank IS '1 = the most tickets that month; ties share a rank';
COMMENT ON COLUMN crm.ticket_categories_monthly.tickets IS 'Tickets opened';
COMMENT ON COLUMN crm.ticket_categories_monthly.ticket_share_pct IS 'Share of the month''s tickets, percent (0-100)';
COMMENT ON COLUMN crm.ticket_categories_monthly.urgent_tickets IS 'Of these, urgent';
COMMENT ON COLUMN crm.ticket_categories_monthly.open_tickets IS 'Of these, not resolved yet';
COMMENT ON COLUMN crm.ticket_categories_monthly.avg_satisfaction IS 'Average ticket satisfaction rating, 1 (worst) to 5 (best)';

------------------------------------------------------------------------------
-- Sales funnel
------------------------------------------------------------------------------

CREATE VIEW crm.sales_funnel WITH (security_invoker = true) AS
WITH agg AS (
	SELECT o.furthest_stage, o.stage, count(*) AS n, sum(o.amount) AS amount,
		sum(extract(epoch FROM pg_catalog.now() - o.stage_changed_at) / 86400.0) FILTER (WHERE o.closed_at IS NULL) AS open_days
	FROM crm.opportunities o
	GROUP BY o.furthest_stage, o.stage
), stages AS (
	SELECT s.stage, s.stage_no
	FROM unnest(enum_range(NULL::crm.pipeline_stage)) WITH ORDINALITY AS s(stage, stage_no)
	WHERE s.stage <> 'lost'
), per_stage AS (
	SELECT st.stage, st.stage_no,
		coalesce(sum(a.n) FILTER (WHERE a.furthest_stage >= st.stage), 0) AS reached,
		coalesce(sum(a.n) FILTER (WHERE a.stage = st.stage), 0) AS in_stage_now,
		coalesce(sum(a.amount) FILTER (WHERE a.stage = st.stage), 0) AS amount_in_stage,
		coalesce(sum(a.n) FILTER (WHERE a.stage = 'lost' AND a.furthest_stage = st.stage), 0) AS lost_at_stage,
		sum(a.open_days) FILTER (WHERE a.stage = st.stage) / nullif(sum(a.n) FILTER (WHERE a.stage = st.stage), 0) AS avg_days_in_stage
	FROM stages st CROSS JOIN agg a
	GROUP BY st.stage, st.stage_no
)
SELECT p.stage, p.stage_no::integer AS stage_no, p.reached,
	round(100.0 * p.reached / nullif(lag(p.reached) OVER (ORDER BY p.stage_no), 0), 1) AS conversion_from_previous_pct,
	round(100.0 * p.reached / nullif(first_value(p.reached) OVER (ORDER BY p.stage_no), 0), 1) AS conversion_from_lead_pct,
	p.in_stage_now, p.amount_in_stage, p.lost_at_stage,
	round(p.avg_days_in_stage::numeric, 1) AS avg_days_in_stage
FROM per_stage p;
COMMENT ON VIEW crm.sales_funnel IS 'The pipeline funnel: per stage (lead to won) the opportunities that reached it (furthest_stage >= stage), conversion from the previous stage and from lead, what sits there now and its age. One row per stage';
COMMENT ON COLUMN crm.sales_funnel.stage IS 'Pipeline stage, lead to won';
COMMENT ON COLUMN crm.sales_funnel.stage_no IS 'Position in the funnel, 1 = lead';
COMMENT ON COLUMN crm.sales_funnel.reached IS 'Opportunities that reached the stage (furthest_stage >= stage; lost ones count up to the stage they were lost at)';
COMMENT ON COLUMN crm.sales_funnel.conversion_from_previous_pct IS 'reached / reached of the previous stage, percent (0-100); NULL for lead';
COMMENT ON COLUMN crm.sales_funnel.conversion_from_lead_pct IS 'reached / reached of lead, percent (0-100)';
COMMENT ON COLUMN crm.sales_funnel.in_stage_now IS 'Opportunities currently in the stage (for won: all won opportunities)';
COMMENT ON COLUMN crm.sales_funnel.amount_in_stage IS 'Expected value of the opportunities currently in the stage, account currency';
COMMENT ON COLUMN crm.sales_funnel.lost_at_stage IS 'Lost opportunities whose furthest stage was this one';
COMMENT ON COLUMN crm.sales_funnel.avg_days_in_stage IS 'Open opportunities in the stage: average days since they entered it (stage_changed_at to now)';

CREATE VIEW crm.sales_velocity WITH (security_invoker = true) AS
SELECT CASE WHEN grouping(o.owner) = 1 THEN 'all' ELSE 'owner' END AS scope,
	o.owner,
	count(*) FILTER (WHERE o.closed_at IS NULL) AS open_opportunities,
	coalesce(sum(o.amount) FILTER (WHERE o.closed_at IS NULL), 0) AS open_amount,
	count(*) FILTER (WHERE o.stage = 'won') AS won,
	count(*) FILTER (WHERE o.stage = 'lost') AS lost,
	round(100.0 * count(*) FILTER (WHERE o.stage = 'won') / nullif(count(o.closed_at), 0), 1) AS win_rate_pct,
	round(avg(o.amount) FILTER (WHERE o.stage = 'won'), 2) AS avg_won_amount,
	round((avg(extract(epoch FROM o.closed_at - o.opened_at) / 86400.0) FILTER (WHERE o.stage = 'won'))::numeric, 1) AS avg_days_to_win,
	round((count(*) FILTER (WHERE o.closed_at IS NULL)
		* (count(*) FILTER (WHERE o.stage = 'won')::numeric / nullif(count(o.closed_at), 0))
		* avg(o.amount) FILTER (WHERE o.stage = 'won')
		/ nullif((avg(extract(epoch FROM o.closed_at - o.opened_at) / 86400.0) FILTER (WHERE o.stage = 'won'))::numeric, 0)), 2) AS velocity_per_day
FROM crm.opportunities o
GROUP BY GROUPING SETS ((), (o.owner));
COMMENT ON VIEW crm.sales_velocity IS 'Sales velocity: open pipeline, win rate, average won deal, average days to win and velocity = open opportunities x win rate x average won amount / average days to win; one row for all opportunities (scope all) and one per salesperson (scope owner)';
COMMENT ON COLUMN crm.sales_velocity.scope IS 'all (every opportunity) or owner (one salesperson)';
COMMENT ON COLUMN crm.sales_velocity.owner IS 'Salesperson (role name) for scope owner (NULL = unassigned); NULL for scope all';
COMMENT ON COLUMN crm.sales_velocity.open_opportunities IS 'Opportunities not closed';
COMMENT ON COLUMN crm.sales_velocity.open_amount IS 'Expected value of the open opportunities, account currency';
COMMENT ON COLUMN crm.sales_velocity.won IS 'Won opportunities';
COMMENT ON COLUMN crm.sales_velocity.lost IS 'Lost opportunities';
COMMENT ON COLUMN crm.sales_velocity.win_rate_pct IS 'won / (won + lost), percent (0-100)';
COMMENT ON COLUMN crm.sales_velocity.avg_won_amount IS 'Average amount of won opportunities, account currency';
COMMENT ON COLUMN crm.sales_velocity.avg_days_to_win IS 'Average days from opened_at to closed_at of won opportunities';
COMMENT ON COLUMN crm.sales_velocity.velocity_per_day IS 'Expected won revenue per day from the open pipeline, account currency per day';

------------------------------------------------------------------------------
-- Cohorts and concentration
------------------------------------------------------------------------------

CREATE VIEW crm.cohort_retention WITH (security_invoker = true) AS
WITH customer_months AS (
	SELECT p.customer_id, (date_trunc('month', p.purchased_at AT TIME ZONE 'UTC'))::date AS month,
		bool_or(p.kind = 'sale') AS bought, sum(p.amount) AS revenue
	FROM crm.purchases p
	GROUP BY p.customer_id, (date_trunc('month', p.purchased_at AT TIME ZONE 'UTC'))::date
), with_cohort AS (
	SELECT m.month, m.bought, m.revenue,
		min(m.month) FILTER (WHERE m.bought) OVER (PARTITION BY m.customer_id) AS cohort_month
	FROM customer_months m
), cells AS (
	SELECT w.cohort_month, w.month, count(*) FILTER (WHERE w.bought) AS active, sum(w.revenue) AS revenue
	FROM with_cohort w
	WHERE w.month >= w.cohort_month
	GROUP BY w.cohort_month, w.month
), cohorts AS (
	SELECT c.cohort_month, c.active AS cohort_customers FROM cells c WHERE c.month = c.cohort_month
), grid AS (
	SELECT h.cohort_month, h.cohort_customers, g.month::date AS month
	FROM cohorts h
	CROSS JOIN LATERAL generate_series(h.cohort_month, (SELECT max(c.month) FROM cells c), interval '1 month') AS g(month)
)
SELECT g.cohort_month,
	((extract(year FROM g.month) - extract(year FROM g.cohort_month)) * 12
		+ extract(month FROM g.month) - extract(month FROM g.cohort_month))::integer AS months_since_acquisition,
	g.month,
	g.cohort_customers,
	coalesce(c.active, 0) AS active_customers,
	round(100.0 * coalesce(c.active, 0) / g.cohort_customers, 1) AS retention_pct,
	coalesce(c.revenue, 0) AS revenue,
	round(coalesce(c.revenue, 0) / g.cohort_customers, 2) AS revenue_per_customer,
	round(sum(coalesce(c.revenue, 0)) OVER (PARTITION BY g.cohort_month ORDER BY g.month) / g.cohort_customers, 2) AS cumulative_revenue_per_customer
FROM grid g
LEFT JOIN cells c ON c.cohort_month = g.cohort_month AND c.month = g.month;
COMMENT ON VIEW crm.cohort_retention IS 'Retention and revenue by acquisition cohort: a customer''s cohort is the UTC month of the first sale; one row per cohort and calendar month from the cohort month to the latest month with purchases';
COMMENT ON COLUMN crm.cohort_retention.cohort_month IS 'Acquisition month: UTC month of the customer''s first sale (first day)';
COMMENT ON COLUMN crm.cohort_retention.months_since_acquisition IS '0 = the cohort month';
COMMENT ON COLUMN crm.cohort_retention.month IS 'Calendar month of the cell (first day)';
COMMENT ON COLUMN crm.cohort_retention.cohort_customers IS 'Customers acquired in the cohort month';
COMMENT ON COLUMN crm.cohort_retention.active_customers IS 'Cohort customers with at least one sale in the month';
COMMENT ON COLUMN crm.cohort_retention.retention_pct IS 'active_customers / cohort_customers, percent (0-100)';
COMMENT ON COLUMN crm.cohort_retention.revenue IS 'Net revenue (sales plus refunds) of the cohort in the month, account currency';
COMMENT ON COLUMN crm.cohort_retention.revenue_per_customer IS 'revenue / cohort_customers, account currency';
COMMENT ON COLUMN crm.cohort_retention.cumulative_revenue_per_customer IS 'Net revenue per cohort customer from the cohort month up to this month, account currency';

CREATE VIEW crm.revenue_pareto_curve WITH (security_invoker = true) AS
WITH ranked AS (
	SELECT row_number() OVER w AS rn,
		sum(s.revenue_12m) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumulative,
		count(*) OVER () AS n,
		sum(s.revenue_12m) OVER () AS total,
		s.as_of
	FROM crm.customer_scores s
	WHERE s.revenue_12m > 0
	WINDOW w AS (ORDER BY s.revenue_12m DESC, s.customer_id)
)
SELECT p.customer_pct, r.rn AS customers, r.cumulative AS cumulative_revenue_12m,
	round(100.0 * r.cumulative / r.total, 2) AS cumulative_revenue_share_pct,
	r.n AS revenue_customers, r.total AS total_revenue_12m, r.as_of
FROM ranked r
CROSS JOIN LATERAL generate_series((100 * (r.rn - 1) / r.n)::integer + 1, (100 * r.rn / r.n)::integer) AS p(customer_pct)
WHERE 100 * (r.rn - 1) / r.n < 100 * r.rn / r.n;
COMMENT ON VIEW crm.revenue_pareto_curve IS 'Pareto curve of 12-month net revenue: for each percent p = 1..100, the share of revenue earned by the top p% of customers (the ceil(p x n / 100) customers with the most revenue; ties by customer_id). Customers with positive 12-month revenue only (current scores)';
COMMENT ON COLUMN crm.revenue_pareto_curve.customer_pct IS 'p: top p percent of customers by revenue (1-100)';
COMMENT ON COLUMN crm.revenue_pareto_curve.customers IS 'Number of customers in the top p percent: ceil(p x revenue_customers / 100)';
COMMENT ON COLUMN crm.revenue_pareto_curve.cumulative_revenue_12m IS 'Their 12-month net revenue, account currency';
COMMENT ON COLUMN crm.revenue_pareto_curve.cumulative_revenue_share_pct IS 'Their share of total_revenue_12m, percent (0-100)';
COMMENT ON COLUMN crm.revenue_pareto_curve.revenue_customers IS 'Customers with positive 12-month net revenue';
COMMENT ON COLUMN crm.revenue_pareto_curve.total_revenue_12m IS 'Their total 12-month net revenue, account currency';
COMMENT ON COLUMN crm.revenue_pareto_curve.as_of IS 'as_of of the refresh behind the row''s customer';

CREATE VIEW crm.revenue_concentration WITH (security_invoker = true) AS
SELECT c.revenue_customers, c.total_revenue_12m,
	c.customers AS top_20pct_customers,
	c.cumulative_revenue_12m AS top_20pct_revenue_12m,
	c.cumulative_revenue_share_pct AS top_20pct_revenue_share_pct
FROM crm.revenue_pareto_curve c
WHERE c.customer_pct = 20;
COMMENT ON VIEW crm.revenue_concentration IS 'Revenue concentration: the share of 12-month net revenue earned by the top 20% of customers (customers with positive revenue, current scores); one row (none without revenue)';
COMMENT ON COLUMN crm.revenue_concentration.revenue_customers IS 'Customers with positive 12-month net revenue';
COMMENT ON COLUMN crm.revenue_concentration.total_revenue_12m IS 'Their total 12-month net revenue, account currency';
COMMENT ON COLUMN crm.revenue_concentration.top_20pct_customers IS 'The top 20%: ceil(0.2 x revenue_customers) customers';
COMMENT ON COLUMN crm.revenue_concentration.top_20pct_revenue_12m IS 'Their 12-month net revenue, account currency';
COMMENT ON COLUMN crm.revenue_concentration.top_20pct_revenue_share_pct IS 'Their share of the total, percent (0-100); 80 would be the classic Pareto rule';

------------------------------------------------------------------------------
-- Satisfaction
------------------------------------------------------------------------------

CREATE VIEW crm.satisfaction_monthly WITH (security_invoker = true) AS
SELECT (date_trunc('month', f.answered_at AT TIME ZONE 'UTC'))::date AS month,
	count(*) AS answers,
	count(f.nps) AS nps_answers,
	count(*) FILTER (WHERE f.nps >= 9) AS promoters,
	count(*) FILTER (WHERE f.nps BETWEEN 7 AND 8) AS passives,
	count(*) FILTER (WHERE f.nps <= 6) AS detractors,
	round(100.0 * (count(*) FILTER (WHERE f.nps >= 9) - count(*) FILTER (WHERE f.nps <= 6)) / nullif(count(f.nps), 0), 1) AS nps,
	count(f.csat) AS csat_answers,
	round(avg(f.csat), 2) AS avg_csat,
	round(100.0 * count(*) FILTER (WHERE f.csat >= 4) / nullif(count(f.csat), 0), 1) AS csat_satisfied_pct,
	count(f.ces) AS ces_answers,
	round(avg(f.ces), 2) AS avg_ces
FROM crm.feedback f
GROUP BY (date_trunc('month', f.answered_at AT TIME ZONE 'UTC'))::date;
COMMENT ON VIEW crm.satisfaction_monthly IS 'NPS, CSAT and CES per UTC month of the answers. Counts are included so that NPS can be recomputed over several months: 100 x (promoters - detractors) / nps_answers';
COMMENT ON COLUMN crm.satisfaction_monthly.month IS 'UTC month of the answers (first day)';
COMMENT ON COLUMN crm.satisfaction_monthly.answers IS 'Survey answers (rows of crm.feedback)';
COMMENT ON COLUMN crm.satisfaction_monthly.nps_answers IS 'Answers with an NPS score';
COMMENT ON COLUMN crm.satisfaction_monthly.promoters IS 'NPS 9-10';
COMMENT ON COLUMN crm.satisfaction_monthly.passives IS 'NPS 7-8';
COMMENT ON COLUMN crm.satisfaction_monthly.detractors IS 'NPS 0-6';
COMMENT ON COLUMN crm.satisfaction_monthly.nps IS 'Net Promoter Score, -100..+100: 100 x (promoters - detractors) / nps_answers';
COMMENT ON COLUMN crm.satisfaction_monthly.csat_answers IS 'Answers with a CSAT score';
COMMENT ON COLUMN crm.satisfaction_monthly.avg_csat IS 'Average CSAT, 1 (very dissatisfied) to 5 (very satisfied)';
COMMENT ON COLUMN crm.satisfaction_monthly.csat_satisfied_pct IS 'Share of CSAT answers of 4 or 5, percent (0-100)';
COMMENT ON COLUMN crm.satisfaction_monthly.ces_answers IS 'Answers with a CES score';
COMMENT ON COLUMN crm.satisfaction_monthly.avg_ces IS 'Average customer effort score, 1 (very easy) to 7 (very difficult)';

CREATE VIEW crm.satisfaction_by_segment WITH (security_invoker = true) AS
SELECT CASE WHEN grouping(coalesce(s.rfm_segment, 'none')) = 0 THEN 'rfm_segment'
			WHEN grouping(coalesce(s.tier::text, 'none')) = 0 THEN 'tier'
			ELSE 'value_quadrant' END AS segmentation,
	coalesce(coalesce(s.rfm_segment, 'none'), coalesce(s.tier::text, 'none'), coalesce(s.value_quadrant, 'none')) AS segment,
	count(*) AS answers,
	count(f.nps) AS nps_answers,
	count(*) FILTER (WHERE f.nps >= 9) AS promoters,
	count(*) FILTER (WHERE f.nps BETWEEN 7 AND 8) AS passives,
	count(*) FILTER (WHERE f.nps <= 6) AS detractors,
	round(100.0 * (count(*) FILTER (WHERE f.nps >= 9) - count(*) FILTER (WHERE f.nps <= 6)) / nullif(count(f.nps), 0), 1) AS nps,
	count(f.csat) AS csat_answers,
	round(avg(f.csat), 2) AS avg_csat,
	round(100.0 * count(*) FILTER (WHERE f.csat >= 4) / nullif(count(f.csat), 0), 1) AS csat_satisfied_pct,
	count(f.ces) AS ces_answers,
	round(avg(f.ces), 2) AS avg_ces
FROM crm.feedback f
LEFT JOIN crm.customer_scores s ON s.customer_id = f.customer_id
WHERE f.answered_at > pg_catalog.now() - interval '365 days' AND f.answered_at <= pg_catalog.now()
GROUP BY GROUPING SETS ((coalesce(s.rfm_segment, 'none')), (coalesce(s.tier::text, 'none')), (coalesce(s.value_quadrant, 'none')));
COMMENT ON VIEW crm.satisfaction_by_segment IS 'NPS, CSAT and CES of the answers of the last 365 days, per current RFM segment, tier and value x loyalty quadrant (each answer counts once per segmentation). Typical query: WHERE segmentation = ''rfm_segment''';
COMMENT ON COLUMN crm.satisfaction_by_segment.segmentation IS 'rfm_segment, tier or value_quadrant';
COMMENT ON COLUMN crm.satisfaction_by_segment.segment IS 'The customer''s current segment in that segmentation; none = not scored or not assigned';
COMMENT ON COLUMN crm.satisfaction_by_segment.answers IS 'Survey answers in the last 365 days';
COMMENT ON COLUMN crm.satisfaction_by_segment.nps_answers IS 'Answers with an NPS score';
COMMENT ON COLUMN crm.satisfaction_by_segment.promoters IS 'NPS 9-10';
COMMENT ON COLUMN crm.satisfaction_by_segment.passives IS 'NPS 7-8';
COMMENT ON COLUMN crm.satisfaction_by_segment.detractors IS 'NPS 0-6';
COMMENT ON COLUMN crm.satisfaction_by_segment.nps IS 'Net Promoter Score, -100..+100';
COMMENT ON COLUMN crm.satisfaction_by_segment.csat_answers IS 'Answers with a CSAT score';
COMMENT ON COLUMN crm.satisfaction_by_segment.avg_csat IS 'Average CSAT, 1-5';
COMMENT ON COLUMN crm.satisfaction_by_segment.csat_satisfied_pct IS 'Share of CSAT answers of 4 or 5, percent (0-100)';
COMMENT ON COLUMN crm.satisfaction_by_segment.ces_answers IS 'Answers with a CES score';
COMMENT ON COLUMN crm.satisfaction_by_segment.avg_ces IS 'Average customer effort score, 1-7 (lower is easier)';

------------------------------------------------------------------------------
-- Channels
------------------------------------------------------------------------------

CREATE VIEW crm.channel_usage WITH (security_invoker = true) AS
WITH per_customer AS (
	SELECT i.channel, i.customer_id, count(*) AS n, count(*) FILTER (WHERE i.converted) AS conversions
	FROM crm.interactions i
	WHERE i.occurred_at > pg_catalog.now() - interval '365 days' AND i.occurred_at <= pg_catalog.now()
	GROUP BY i.channel, i.customer_id
), per_channel AS (
	SELECT pc.channel, count(*) AS customers, sum(pc.n) AS interactions, sum(pc.conversions) AS conversions
	FROM per_customer pc
	GROUP BY pc.channel
), everyone AS (
	SELECT count(*) AS customers FROM crm.customers
)
SELECT e.channel,
	coalesce(p.interactions, 0) AS interactions,
	coalesce(p.customers, 0) AS customers,
	round(100.0 * coalesce(p.customers, 0) / nullif(a.customers, 0), 1) AS customer_share_pct,
	coalesce(p.conversions, 0) AS conversions,
	round(100.0 * p.conversions / nullif(p.interactions, 0), 1) AS conversion_rate_pct,
	(100.0 * coalesce(p.customers, 0) < 15.0 * a.customers) AS rarely_used
FROM unnest(enum_range(NULL::crm.channel)) AS e(channel)
CROSS JOIN everyone a
LEFT JOIN per_channel p ON p.channel = e.channel;
COMMENT ON VIEW crm.channel_usage IS 'Interactions and conversions per channel over the last 365 days, with the share of customers who used the channel; rarely_used flags channels used by fewer than 15% of all customers. One row per channel (every crm.channel value)';
COMMENT ON COLUMN crm.channel_usage.channel IS 'Channel (crm.channel)';
COMMENT ON COLUMN crm.channel_usage.interactions IS 'Interactions (touch points and usage events) in the last 365 days';
COMMENT ON COLUMN crm.channel_usage.customers IS 'Distinct customers with an interaction on the channel in the last 365 days';
COMMENT ON COLUMN crm.channel_usage.customer_share_pct IS 'customers / all customers in crm.customers, percent (0-100)';
COMMENT ON COLUMN crm.channel_usage.conversions IS 'Interactions marked converted (led to a sale, booking or renewal)';
COMMENT ON COLUMN crm.channel_usage.conversion_rate_pct IS 'conversions / interactions, percent (0-100)';
COMMENT ON COLUMN crm.channel_usage.rarely_used IS 'True when fewer than 15% of all customers used the channel';
