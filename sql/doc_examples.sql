-- Examples of docs/reference.md: one short example per user-facing function,
-- aggregate, view and config table of crm and crm_postgis (which objects:
-- scripts/doc_objects.sql). `make docs` copies each block, from its
-- "-- example: NAME" line up to the next "-- example:" or "-- setup" line,
-- together with its output from expected/doc_examples.out, into the
-- reference; test/sh/docs_complete.sh fails when an object has no example.
-- Fixture: 300 sample customers (seed 7, as_of 2026-06-30) scored as of that
-- day. Views that measure against now() come last, on rows placed relative
-- to now().
SET client_min_messages = warning;
SET timezone = 'UTC';
DROP EXTENSION IF EXISTS crm_postgis;
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION crm_postgis;

-- example: crm.load_sample
-- 300 deterministic sample customers with their history up to 2026-06-30
SELECT * FROM crm.load_sample(customers => 300, seed => 7, as_of => '2026-06-30');

-- example: crm.refresh
-- Scores every customer as of a fixed day (progress NOTICEs hidden by client_min_messages)
SELECT run_id, mode, status, customers, as_of FROM crm.refresh('2026-06-30');

-- example: crm.sample_customers
-- The generators behind crm.load_sample: rows of customers 1-3 for seed 7, without inserting them
SELECT customer_id, external_id, kind, industry, region, owner, created_at::date
FROM crm.sample_customers(7, 1, 3, '2026-06-30', 10);

-- example: crm.sample_contacts
SELECT customer_id, name, title, is_decision_maker FROM crm.sample_contacts(7, 1, 5, '2026-06-30', 10)
ORDER BY contact_id LIMIT 3;

-- example: crm.sample_contracts
SELECT customer_id, annual_value, starts_on, ends_on, status FROM crm.sample_contracts(7, 1, 20, '2026-06-30', 10)
ORDER BY contract_id LIMIT 3;

-- example: crm.sample_purchases
SELECT kind, count(*) AS purchases, sum(amount) AS amount FROM crm.sample_purchases(7, 1, 10, '2026-06-30', 10)
GROUP BY kind ORDER BY kind;

-- example: crm.sample_interactions
SELECT kind, count(*) AS interactions FROM crm.sample_interactions(7, 1, 10, '2026-06-30', 10)
GROUP BY kind ORDER BY kind;

-- example: crm.sample_tickets
SELECT category, priority, count(*) AS tickets FROM crm.sample_tickets(7, 1, 50, '2026-06-30', 10)
GROUP BY category, priority ORDER BY category, priority;

-- example: crm.sample_feedback
SELECT count(*) AS answers, count(nps) AS nps_answers, round(avg(nps), 1) AS avg_nps
FROM crm.sample_feedback(7, 1, 50, '2026-06-30', 10);

-- example: crm.sample_opportunities
SELECT stage, count(*) AS opportunities FROM crm.sample_opportunities(7, 1, 50, '2026-06-30', 10)
GROUP BY stage ORDER BY stage;

-- example: crm.sample_truth
-- The hidden truth the sample was drawn from (to check the models against it)
SELECT customer_id, kind, declining, round(purchase_rate_per_day::numeric, 4) AS purchase_rate_per_day,
	dropout_at::date, round(mean_spend::numeric, 2) AS mean_spend
FROM crm.sample_truth(7, 1, 3, '2026-06-30', 10);

-- example: crm.btyd_summary
-- Repeat purchase days x, recency t_x and age T in weeks, mean repeat spend, per customer
SELECT customer_id, (s).x, round((s).t_x::numeric, 2) AS t_x, round((s).age::numeric, 2) AS age,
	round((s).monetary::numeric, 2) AS monetary
FROM (SELECT customer_id, crm.btyd_summary(purchased_at, amount, '2026-06-30', 'week') AS s
	  FROM crm.purchases WHERE kind = 'sale' GROUP BY customer_id) t
ORDER BY customer_id LIMIT 3;

-- example: crm.exact_sum
-- Net revenue per customer over the last year, exact like sum() (refunds are negative)
SELECT customer_id, crm.exact_sum(amount) AS revenue_12m, sum(amount) AS same_as_sum
FROM crm.purchases WHERE purchased_at > '2026-06-30'::timestamptz - interval '365 days' AND purchased_at <= '2026-06-30'
GROUP BY customer_id ORDER BY customer_id LIMIT 3;

-- example: crm.btyd_calibration_holdout
-- Calibration summary up to 2026-01-01 and purchase days in the holdout half year
SELECT count(*) AS customers, sum(x) AS calibration_x, sum(x_holdout) AS holdout_x, round(max(holdout_length)::numeric, 2) AS holdout_weeks
FROM crm.btyd_calibration_holdout('2026-01-01', '2026-06-30', 'week');

-- example: crm.fit_bgnbd
-- Fits BG/NBD to the customers' summaries (weeks)
WITH s AS (SELECT crm.btyd_summary(purchased_at, amount, '2026-06-30', 'week') AS s
		   FROM crm.purchases WHERE kind = 'sale' GROUP BY customer_id)
SELECT crm.model_kind(m), crm.model_unit(m), round(crm.model_param(m, 'r')::numeric, 3) AS r,
	round(crm.model_param(m, 'alpha')::numeric, 3) AS alpha, crm.model_param(m, 'n') AS customers
FROM (SELECT crm.fit_bgnbd((s).x, (s).t_x, (s).age, 'week') AS m FROM s) f;

-- example: crm.fit_mbgnbd
WITH s AS (SELECT crm.btyd_summary(purchased_at, amount, '2026-06-30', 'week') AS s
		   FROM crm.purchases WHERE kind = 'sale' GROUP BY customer_id)
SELECT crm.model_kind(m), round(crm.model_param(m, 'r')::numeric, 3) AS r, round(crm.model_param(m, 'a')::numeric, 3) AS a
FROM (SELECT crm.fit_mbgnbd((s).x, (s).t_x, (s).age, 'week') AS m FROM s) f;

-- example: crm.fit_pnbd
-- With an L2 penalizer of 0.001
WITH s AS (SELECT crm.btyd_summary(purchased_at, amount, '2026-06-30', 'week') AS s
		   FROM crm.purchases WHERE kind = 'sale' GROUP BY customer_id)
SELECT crm.model_kind(m), round(crm.model_param(m, 'r')::numeric, 3) AS r, round(crm.model_param(m, 's')::numeric, 3) AS s
FROM (SELECT crm.fit_pnbd((s).x, (s).t_x, (s).age, 'week', 0.001) AS m FROM s) f;

-- example: crm.fit_gamma_gamma
-- Spend model from (x, mean repeat spend); customers without repeat purchases are skipped
WITH s AS (SELECT crm.btyd_summary(purchased_at, amount, '2026-06-30', 'week') AS s
		   FROM crm.purchases WHERE kind = 'sale' GROUP BY customer_id)
SELECT crm.model_kind(m), round(crm.model_param(m, 'p')::numeric, 3) AS p, round(crm.model_param(m, 'q')::numeric, 3) AS q,
	crm.model_param(m, 'n') AS customers
FROM (SELECT crm.fit_gamma_gamma((s).x, (s).monetary) AS m FROM s) f;

-- example: crm.fit_sbg
-- The "regular" cohort of Fader & Hardie (2007): 1000 customers, of whom 631, 468, ... 241 are still
-- active after 1-7 yearly renewals; published fit alpha = 0.704, beta = 1.182. Array form and aggregate form:
SELECT round(crm.model_param(m, 'alpha')::numeric, 3) AS alpha, round(crm.model_param(m, 'beta')::numeric, 3) AS beta
FROM crm.fit_sbg(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241], 'year') m;
SELECT round(crm.model_param(crm.fit_sbg(period, alive, 'year'), 'alpha')::numeric, 3) AS alpha
FROM (VALUES (0, 1000), (1, 631), (2, 468), (3, 382), (4, 326), (5, 289), (6, 262), (7, 241)) AS cohort(period, alive);

-- example: crm.clv_model
-- A hand-made BG/NBD model (r, alpha, a, b per week)
SELECT crm.clv_model('bgnbd', ARRAY[0.24, 4.41, 0.79, 2.43], 'week') AS model;

-- example: crm.model_kind
SELECT crm.model_kind(model) AS kind, purpose FROM crm.models ORDER BY model_id;

-- example: crm.model_unit
SELECT crm.model_unit(crm.clv_model('pnbd', ARRAY[0.55, 10.58, 0.61, 11.67], 'week'));

-- example: crm.model_param
SELECT crm.model_param(crm.clv_model('gg', ARRAY[6.25, 3.74, 15.44], 'week'), 'q');

-- example: crm.model_params
SELECT jsonb_pretty(crm.model_params(crm.clv_model('sbg', ARRAY[0.668, 3.806], 'year')));

-- example: crm.expected_purchases
-- A new customer's expected purchases in the next 52 weeks
SELECT round(crm.expected_purchases(crm.clv_model('bgnbd', ARRAY[0.24, 4.41, 0.79, 2.43], 'week'), 52)::numeric, 3);

-- example: crm.conditional_expected_purchases
-- Expected purchases in the next 52 weeks of a customer with x = 4 repeat purchases, last at week 30, first 40 weeks ago
SELECT round(crm.conditional_expected_purchases(crm.clv_model('bgnbd', ARRAY[0.24, 4.41, 0.79, 2.43], 'week'), 52, 4, 30, 40)::numeric, 3);

-- example: crm.p_alive
-- The same customer, and one whose last purchase was long ago
SELECT round(crm.p_alive(m, 4, 30, 40)::numeric, 3) AS recent_buyer, round(crm.p_alive(m, 4, 5, 40)::numeric, 3) AS silent_for_35_weeks
FROM crm.clv_model('bgnbd', ARRAY[0.24, 4.41, 0.79, 2.43], 'week') m;

-- example: crm.prob_purchases
-- P(0), P(1), P(2) purchases of a new customer in 26 weeks
SELECT n, round(crm.prob_purchases(crm.clv_model('bgnbd', ARRAY[0.24, 4.41, 0.79, 2.43], 'week'), n, 26)::numeric, 4) AS probability
FROM generate_series(0, 2) n;

-- example: crm.expected_spend
-- Gamma-Gamma expected spend per purchase: population mean (x = 0) and a customer with 5 purchases averaging 20
SELECT round(crm.expected_spend(m, 0, 0)::numeric, 2) AS population_mean, round(crm.expected_spend(m, 5, 20)::numeric, 2) AS customer
FROM crm.clv_model('gg', ARRAY[6.25, 3.74, 15.44], 'week') m;

-- example: crm.clv
-- 12-month CLV at a 10% annual discount rate of the customer above
SELECT round(crm.clv(crm.clv_model('bgnbd', ARRAY[0.24, 4.41, 0.79, 2.43], 'week'), crm.clv_model('gg', ARRAY[6.25, 3.74, 15.44], 'week'),
	4, 30, 40, 20, interval '12 months', 0.10)::numeric, 2) AS clv;

-- example: crm.dert
-- Pareto/NBD discounted expected residual transactions at 10% a year
SELECT round(crm.dert(crm.clv_model('pnbd', ARRAY[0.55, 10.58, 0.61, 11.67], 'week'), 4, 30, 40, 0.10)::numeric, 3);

-- example: crm.sbg_survival
-- Share of a contract cohort still active after 1-3 periods
SELECT t, round(crm.sbg_survival(crm.clv_model('sbg', ARRAY[0.668, 3.806], 'year'), t)::numeric, 3) AS survival
FROM generate_series(1, 3) t;

-- example: crm.sbg_retention
SELECT t, round(crm.sbg_retention(crm.clv_model('sbg', ARRAY[0.668, 3.806], 'year'), t)::numeric, 3) AS retention
FROM generate_series(1, 3) t;

-- example: crm.sbg_derl
-- Discounted expected residual lifetime (in payments) of a customer who has renewed twice, 10% a year
SELECT round(crm.sbg_derl(crm.clv_model('sbg', ARRAY[0.668, 3.806], 'year'), 2, 0.10)::numeric, 3);

-- example: crm.linear_score
-- 0 at bad, 100 at good; bad may be above good (here: 6 tickets bad, 0 good)
SELECT crm.linear_score(0.65, 0.3, 1) AS usage, crm.linear_score(2, 6, 0) AS tickets, crm.linear_score(9, 6, 0) AS clamped;

-- example: crm.health_score
-- Weighted mean of the sub-scores; the NULL dimension is left out and the weights re-normalised
SELECT round(crm.health_score(ARRAY[0.65, 2, NULL], ARRAY[0.3, 6, 3], ARRAY[1, 0, 9], ARRAY[0.5, 0.25, 0.25])::numeric, 2);

-- example: crm.health_explanation
SELECT jsonb_pretty(crm.health_explanation(ARRAY['product_usage', 'support_load', 'satisfaction'],
	ARRAY[0.65, 2, NULL], ARRAY[0.3, 6, 3], ARRAY[1, 0, 9], ARRAY[0.5, 0.25, 0.25]));

-- example: crm.quantile_score
-- Score 1-5 against quintile cut points; higher_is_better = false reverses it (e.g. recency in days)
SELECT crm.quantile_score(350, ARRAY[100, 200, 300, 400], true) AS monetary_score,
	crm.quantile_score(350, ARRAY[100, 200, 300, 400], false) AS recency_score;

-- example: crm.percentile_position
SELECT crm.percentile_position(25, ARRAY[0, 10, 20, 30, 40]) AS between_cuts, crm.percentile_position(99, ARRAY[0, 10, 20, 30, 40]) AS above;

-- example: crm.poisson_rate_pvalue
-- 2 logins in the last 14 days against 180 in the 90 before: is the recent rate lower?
SELECT crm.poisson_rate_pvalue(2, 14, 180, 90, 'less') < 0.01 AS significant_drop,
	round(crm.poisson_rate_pvalue(4, 30, 1, 180, 'greater')::numeric, 4) AS complaints_rising_p;

-- example: crm.add_working_days
-- Friday noon plus 1 and 5 working days
SELECT crm.add_working_days('2026-06-26 12:00+00', 1) AS plus_1, crm.add_working_days('2026-06-26 12:00+00', 5) AS plus_5;

-- example: crm.cadence_period_start
-- Quarter (3-month cadence) containing a day
SELECT crm.cadence_period_start('2026-05-17', 3) AS quarter_start, crm.cadence_period_start('2026-05-17', 12) AS year_start;

-- example: crm.render_template
SELECT crm.render_template('Dear {{customer_name}}, see you at {{event}}.{{unknown}}', '{"customer_name": "Ada", "event": "the fair"}');

-- example: crm.setting
SELECT crm.setting('clv_horizon_months') AS horizon, crm.setting('time_unit') AS unit;

-- example: crm.set_setting
-- Override a setting (checked against its type and range), then reset it to the default with NULL
SELECT crm.set_setting('clv_horizon_months', '24');
SELECT crm.setting('clv_horizon_months');
SELECT crm.set_setting('clv_horizon_months', NULL);
\set VERBOSITY terse
SELECT crm.set_setting('clv_horizon_months', '"long"');
\set VERBOSITY default

-- example: crm.settings
-- Overrides are rows of crm.settings (write them with crm.set_setting); a missing key means the default
SELECT crm.set_setting('log_retention_days', '30');
SELECT key, value, updated_by FROM crm.settings ORDER BY key;
SELECT crm.set_setting('log_retention_days', NULL);
SELECT count(*) AS overrides FROM crm.settings;

-- example: crm.customer_360
-- One customer's profile, scores, alerts and next task (days_to_renewal counts from today, so it is left out here)
SELECT customer_id, name, kind, tier, lifecycle_stage, rfm_segment, rfm_cell, round(health_score::numeric, 1) AS health_score,
	health_band, round(clv::numeric, 2) AS clv, round(p_alive::numeric, 3) AS p_alive, revenue_12m, value_quadrant
FROM crm.customer_360 WHERE customer_id = 1;

-- example: crm.tier_summary
SELECT tier, customers, customer_share_pct, revenue_12m, revenue_share_pct, annual_contract_value, round(avg_clv::numeric, 2) AS avg_clv,
	round(avg_p_alive::numeric, 3) AS avg_p_alive, round(avg_health_score::numeric, 1) AS avg_health_score, at_risk_customers
FROM crm.tier_summary ORDER BY tier;

-- example: crm.rfm_segment_summary
SELECT segment, customers, customer_share_pct, revenue_12m, round(avg_clv::numeric, 2) AS avg_clv,
	round(avg_p_alive::numeric, 3) AS avg_p_alive, round(avg_health_score::numeric, 1) AS avg_health_score
FROM crm.rfm_segment_summary ORDER BY segment;

-- example: crm.value_loyalty_matrix
SELECT quadrant, customers, customer_share_pct, revenue_12m, revenue_share_pct, round(avg_clv::numeric, 2) AS avg_clv,
	round(avg_value_score::numeric, 1) AS avg_value_score, round(avg_loyalty_score::numeric, 1) AS avg_loyalty_score
FROM crm.value_loyalty_matrix ORDER BY quadrant;

-- example: crm.health_band_history
SELECT snapshot_date, health_band, customers, customer_share_pct, round(avg_health_score::numeric, 1) AS avg_health_score
FROM crm.health_band_history ORDER BY snapshot_date, health_band;

-- example: crm.health_movers
-- A second refresh 30 days later gives 30-day history; the sample has no events after 2026-06-30,
-- so usage and engagement fall. The biggest drops first
SELECT status FROM crm.refresh('2026-07-30');
SELECT drop_rank, customer_id, tier, round(health_score::numeric, 1) AS health_score,
	round(health_delta_30d::numeric, 1) AS health_delta_30d, health_band
FROM crm.health_movers ORDER BY drop_rank, customer_id LIMIT 5;

-- setup: back to the 2026-06-30 scores
SELECT status FROM crm.refresh('2026-06-30');

-- example: crm.cohort_retention
SELECT cohort_month, months_since_acquisition, cohort_customers, active_customers, retention_pct, revenue_per_customer
FROM crm.cohort_retention WHERE cohort_month = '2025-01-01' ORDER BY months_since_acquisition LIMIT 4;

-- example: crm.revenue_concentration
SELECT * FROM crm.revenue_concentration;

-- example: crm.revenue_pareto_curve
SELECT * FROM crm.revenue_pareto_curve ORDER BY 1 LIMIT 5;

-- example: crm.ticket_categories_monthly
SELECT * FROM crm.ticket_categories_monthly WHERE opened_month = '2026-06-01' ORDER BY 1, 2;

-- example: crm.satisfaction_monthly
SELECT * FROM crm.satisfaction_monthly WHERE month >= '2026-04-01' ORDER BY 1;

-- example: crm.service_sla
SELECT * FROM crm.service_sla ORDER BY 1, 2 LIMIT 6;

-- example: crm.sales_funnel
-- avg_days_in_stage counts up to today and is left out here
SELECT stage, stage_no, reached, conversion_from_previous_pct, conversion_from_lead_pct, in_stage_now, amount_in_stage, lost_at_stage
FROM crm.sales_funnel ORDER BY stage_no;

-- example: crm.sales_velocity
SELECT scope, owner, open_opportunities, open_amount, won, lost, win_rate_pct, avg_won_amount, avg_days_to_win
FROM crm.sales_velocity ORDER BY scope, owner;

-- example: crm.contract_follow_up
SELECT contract_id, customer_id, signed_month, is_renewal, round(hours_to_first_follow_up, 1) AS hours_to_first_follow_up,
	followed_up_within_72h, pain_points_goal_met, decision_makers_goal_met, demo_goal_met
FROM crm.contract_follow_up ORDER BY signed_at DESC, contract_id LIMIT 5;

-- example: crm.follow_up_first_72h
SELECT * FROM crm.follow_up_first_72h WHERE signed_month >= '2026-03-01' ORDER BY 1;

-- example: crm.follow_up_goals
SELECT * FROM crm.follow_up_goals WHERE signed_month = '2026-05-01' ORDER BY goal;

-- example: crm.month_kpis
SELECT jsonb_pretty(crm.month_kpis('2026-05-01'));

-- example: crm.build_monthly_report
SELECT to_char(month, 'YYYY-MM') AS month, data -> 'kpis' ->> 'revenue' AS revenue, data -> 'top_complaint_categories' AS top_complaints
FROM crm.build_monthly_report('2026-05-01');
SELECT left(markdown, 300) AS markdown_start FROM crm.reports WHERE month = '2026-05-01';

-- example: crm.evaluate_alerts
-- Raises alerts as of the scoring day (running it again raises nothing new)
SELECT * FROM crm.evaluate_alerts('2026-06-30') ORDER BY rule;

-- example: crm.churn_risk
SELECT risk_rank, customer_id, tier, top_alert_level, alert_rules, round(health_score::numeric, 1) AS health_score, revenue_at_stake
FROM crm.churn_risk ORDER BY risk_rank LIMIT 5;

-- example: crm.acknowledge_alert
SELECT alert_id, rule, status, acknowledged_by FROM crm.acknowledge_alert(
	(SELECT min(alert_id) FROM crm.alerts WHERE rule = 'detractor'), 'am_alice');

-- example: crm.resolve_alert
SELECT alert_id, rule, status, resolution FROM crm.resolve_alert(
	(SELECT min(alert_id) FROM crm.alerts WHERE rule = 'detractor'), 'called back, issue fixed');

-- example: crm.generate_tasks
-- Playbook tasks and messages as of the scoring day (running it again creates nothing new)
SELECT * FROM crm.generate_tasks('2026-06-30') ORDER BY step;

-- example: crm.escalate_overdue_tasks
-- Open tasks more than 24 hours past due a week later go to the manager
SELECT crm.escalate_overdue_tasks('2026-07-07') AS escalated;

-- example: crm.run_automation
-- All of the above in one call, as pg_cron runs it: alerts, playbooks, escalations. Only the detractor
-- alert resolved above is raised again (its condition still holds), with its action-plan task
SELECT r ->> 'status' AS status, r -> 'alerts_raised' AS alerts_raised, r -> 'tasks_created' AS tasks_created,
	r -> 'messages_queued' AS messages_queued
FROM crm.run_automation('2026-06-30') r;

-- example: crm.task_sla_by_owner
SELECT * FROM crm.task_sla_by_owner ORDER BY 1 NULLS FIRST LIMIT 5;

-- example: crm.may_contact
-- Service contact is allowed without a record, marketing needs opt-in; an opt-out record wins
INSERT INTO crm.consent (customer_id, channel, purpose, granted, recorded_at, source) VALUES (2, 'email', NULL, false, '2026-01-01', 'web form');
SELECT customer_id, crm.may_contact(customer_id, 'email', 'service', '2026-06-30') AS service,
	crm.may_contact(customer_id, 'email', 'marketing', '2026-06-30') AS marketing
FROM crm.customers WHERE customer_id IN (1, 2) ORDER BY customer_id;

-- example: crm.queue_message
-- Renders a template into the outbox; NULL when suppressed by consent or already queued under the dedup key
SELECT crm.queue_message(1, 'thank_you', '2026-07-01', dedup_key => 'doc-example') IS NOT NULL AS queued,
	crm.queue_message(1, 'thank_you', '2026-07-01', dedup_key => 'doc-example') IS NOT NULL AS queued_again,
	crm.queue_message(2, 'thank_you', '2026-07-01') IS NOT NULL AS opted_out_queued;

-- example: crm.claim_messages
-- A delivery worker claims due messages (FOR UPDATE SKIP LOCKED)
SELECT customer_id, channel, template, subject, status, attempts FROM crm.claim_messages(2, 'mailer') ORDER BY message_id;

-- example: crm.mark_message_sent
SELECT status, attempts, sent_at IS NOT NULL AS sent FROM crm.mark_message_sent(
	(SELECT min(message_id) FROM crm.outbox WHERE status = 'sending'));

-- example: crm.mark_message_failed
-- Back to pending, due again after 15 minutes x attempts
SELECT status, attempts, last_error FROM crm.mark_message_failed(
	(SELECT min(message_id) FROM crm.outbox WHERE status = 'sending'), 'SMTP 451 try later');

-- example: crm.cleanup
-- Removes logs and outbox rows past their retention days: a year from now, all but the newest
-- full refresh run, the job runs and the sent message are gone
SELECT r -> 'refresh_runs' AS refresh_runs, r -> 'job_runs' AS job_runs, r -> 'outbox_messages' AS outbox_messages
FROM crm.cleanup(now() + interval '1 year') r;

-- example: crm.alert_rules
-- Override a built-in rule (here: p_alive threshold 0.2) and switch one off; undo by deleting the rows
INSERT INTO crm.alert_rules (rule, kind, params, level, description)
	VALUES ('p_alive_low', 'p_alive_below', '{"threshold": 0.2, "min_repeat_purchases": 1}', 'high', 'P(alive) below 0.2');
INSERT INTO crm.alert_rules (rule, kind, level, enabled) VALUES ('purchase_overdue', 'purchase_overdue', 'medium', false);
SELECT rule, params, source FROM crm.alert_rules_effective WHERE rule IN ('p_alive_low', 'purchase_overdue', 'detractor') ORDER BY rule;
DELETE FROM crm.alert_rules WHERE rule IN ('p_alive_low', 'purchase_overdue');

-- example: crm.alert_rules_effective
SELECT rule, kind, level, params, source FROM crm.alert_rules_effective ORDER BY rule;

-- example: crm.health_bands
-- A stricter healthy band; undo by deleting the row
INSERT INTO crm.health_bands (band, min_score, description) VALUES ('healthy', 80, 'Healthy: 80 and above');
SELECT band, min_score, source FROM crm.health_bands_effective ORDER BY min_score DESC;
DELETE FROM crm.health_bands WHERE band = 'healthy';

-- example: crm.health_bands_effective
SELECT * FROM crm.health_bands_effective ORDER BY min_score DESC;

-- example: crm.health_dimensions
-- Weigh satisfaction more, then undo
INSERT INTO crm.health_dimensions (dimension, metric, window_days, bad, good, weight, description)
	VALUES ('satisfaction', 'satisfaction', 365, 3, 9, 0.4, 'Satisfaction (NPS), weighted up');
SELECT dimension, weight, source FROM crm.health_dimensions_effective ORDER BY dimension;
DELETE FROM crm.health_dimensions WHERE dimension = 'satisfaction';

-- example: crm.health_dimensions_effective
SELECT dimension, metric, window_days, bad, good, weight, source FROM crm.health_dimensions_effective ORDER BY dimension;

-- example: crm.lifecycle_rules
-- Mature after one year instead of two, then undo
INSERT INTO crm.lifecycle_rules (rule, priority, stage, condition, threshold) VALUES ('long_relationship', 70, 'mature', 'relationship_days_at_least', 365);
SELECT rule, threshold, source FROM crm.lifecycle_rules_effective WHERE rule = 'long_relationship';
DELETE FROM crm.lifecycle_rules WHERE rule = 'long_relationship';

-- example: crm.lifecycle_rules_effective
SELECT rule, priority, stage, condition, threshold, parameter FROM crm.lifecycle_rules_effective ORDER BY priority;

-- example: crm.message_templates
-- Own wording for the thank-you message, then undo
INSERT INTO crm.message_templates (template, channel, purpose, subject, body)
	VALUES ('thank_you', 'email', 'service', 'Welcome aboard, {{customer_name}}', 'Hello {{customer_name}}, {{owner}} will call you this week.');
SELECT template, subject, source FROM crm.message_templates_effective WHERE template = 'thank_you';
DELETE FROM crm.message_templates WHERE template = 'thank_you';

-- example: crm.message_templates_effective
SELECT template, channel, purpose, subject, source FROM crm.message_templates_effective ORDER BY template;

-- example: crm.playbook_steps
-- Switch the birthday call off, then undo
INSERT INTO crm.playbook_steps SELECT d.*, false FROM crm.playbook_step_defaults d WHERE step = 'birthday_care';
SELECT count(*) FILTER (WHERE step = 'birthday_care') AS birthday_steps, count(*) AS steps FROM crm.playbook_steps_effective;
DELETE FROM crm.playbook_steps WHERE step = 'birthday_care';

-- example: crm.playbook_steps_effective
SELECT step, playbook, trigger, match, sla_hours, channel, automated, assign_to FROM crm.playbook_steps_effective
WHERE playbook IN ('contract_signed', 'tickets') ORDER BY playbook, step;

-- example: crm.rfm_segments
-- Split off a VIP segment ahead of Champions, then undo
INSERT INTO crm.rfm_segments (segment, priority, r_min, r_max, fm_min, fm_max, description) VALUES ('VIP', 15, 5, 5, 5, 5, 'Best in all three');
SELECT segment, priority, r_min, r_max, fm_min, fm_max, source FROM crm.rfm_segments_effective WHERE priority <= 20 ORDER BY priority;
DELETE FROM crm.rfm_segments WHERE segment = 'VIP';

-- example: crm.rfm_segments_effective
SELECT segment, priority, r_min, r_max, fm_min, fm_max FROM crm.rfm_segments_effective ORDER BY priority;

-- example: crm.tier_rules
-- Tier A also from 12-month revenue above 20,000, then undo
INSERT INTO crm.tier_rules (rule, priority, tier, condition, threshold) VALUES ('revenue_over_20k', 15, 'A', 'revenue_12m_above', 20000);
SELECT rule, priority, tier, condition, threshold, source FROM crm.tier_rules_effective ORDER BY priority;
DELETE FROM crm.tier_rules WHERE rule = 'revenue_over_20k';

-- example: crm.tier_rules_effective
SELECT rule, priority, tier, condition, threshold FROM crm.tier_rules_effective ORDER BY priority;

-- example: crm.team_members
-- Who works unowned customers' tasks (in_pool) and whom overdue tasks escalate to
INSERT INTO crm.team_members (member, manager, in_pool) VALUES ('agent_a', 'lead_lee', true), ('agent_b', 'lead_lee', true);
SELECT member, manager, in_pool, active FROM crm.team_members ORDER BY member;
DELETE FROM crm.team_members WHERE member IN ('agent_a', 'agent_b');

-- setup: scheduling errors shown alike on every server (which of the three applies depends on it)
\i sql/include/scheduling_error.sql

-- example: crm.require_pg_cron
-- Scheduling needs pg_cron available, preloaded and installed in this database (docs/automation.md).
-- Otherwise it raises, with a hint saying what to do: 'pg_cron is not available on this server',
-- 'pg_cron is not preloaded', or 'pg_cron is not installed in database "<this database>"'.
-- This database has no pg_cron. (pg_temp.scheduling_error, from sql/include/scheduling_error.sql,
-- is a test helper: true, true = the call failed with one of these errors and gave a hint.)
SELECT * FROM pg_temp.scheduling_error('SELECT crm.require_pg_cron()');

-- example: crm.schedule_jobs
-- Registers crm_refresh, crm_automation, crm_monthly_report and crm_cleanup in pg_cron (UTC);
-- NULL leaves a job out. Without pg_cron the call fails with the same error:
SELECT * FROM pg_temp.scheduling_error($$SELECT * FROM crm.schedule_jobs(refresh_schedule => '15 2 * * *', report_schedule => NULL)$$);

-- example: crm.unschedule_jobs
-- Removes crm's jobs from pg_cron and returns how many; without pg_cron, the same error:
SELECT * FROM pg_temp.scheduling_error('SELECT crm.unschedule_jobs()');

-- setup: locations, sites, territories and an event for crm_postgis
INSERT INTO crm_postgis.sites (name, kind, region, latitude, longitude, opening_hours, time_zone) VALUES
	('Berlin branch', 'branch', 'east', 52.52, 13.405, '{"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]], "thu": [["09:00", "18:00"]], "fri": [["09:00", "16:00"]]}', 'Europe/Berlin'),
	('Hamburg store', 'store', 'north', 53.551, 9.994, NULL, 'Europe/Berlin'),
	('Munich office', 'office', 'south', 48.137, 11.575, NULL, 'Europe/Berlin'),
	('Leipzig fair', 'venue', 'east', 51.397, 12.401, NULL, 'Europe/Berlin');
INSERT INTO crm_postgis.territories (name, owner, priority, boundary) VALUES
	('North', 'am_north', 0, 'POLYGON((8 52.5, 12 52.5, 12 55, 8 55, 8 52.5))'),
	('East', 'am_east', 0, 'POLYGON((12 50.5, 15 50.5, 15 54, 12 54, 12 50.5))');

-- example: crm_postgis.set_customer_location
-- Customer 1 is in Berlin (decimal degrees, WGS 84); customers 2-6 are placed the same way
SELECT crm_postgis.set_customer_location(1, 52.50, 13.40, 'geocoder');
SELECT count(crm_postgis.set_customer_location(customer_id, lat, lon, 'geocoder')) AS located
FROM (VALUES (2, 52.55, 13.30), (3, 53.56, 10.00), (4, 48.14, 11.58), (5, 51.34, 12.37), (6, 54.32, 10.13)) AS v(customer_id, lat, lon);
SELECT customer_id, latitude, longitude, source FROM crm_postgis.customer_locations ORDER BY customer_id;

-- example: crm_postgis.make_location
SELECT ST_AsText(crm_postgis.make_location(52.52, 13.405)) AS location;
\set VERBOSITY terse
SELECT crm_postgis.make_location(95, 13.405);
\set VERBOSITY default

-- example: crm_postgis.nearest_site_id
SELECT s.name FROM crm_postgis.sites s WHERE s.site_id = crm_postgis.nearest_site_id(crm_postgis.make_location(52.0, 13.0));

-- example: crm_postgis.nearest_sites
-- The two nearest sites of customer 1, and the nearest store
SELECT rank, name, kind, round(distance_m) AS distance_m FROM crm_postgis.nearest_sites(1, k => 2);
SELECT rank, name, round(distance_m) AS distance_m FROM crm_postgis.nearest_sites(1, site_kind => 'store');

-- example: crm_postgis.nearest_sites_to
-- Nearest site open on a Friday at 17:00 Berlin time (the branch closes at 16:00 on Fridays, sites without hours count as open)
SELECT rank, name, round(distance_m) AS distance_m FROM crm_postgis.nearest_sites_to(52.5, 13.4, k => 1, open_at => '2026-07-03 17:00+02');

-- example: crm_postgis.hours_open_at
SELECT crm_postgis.hours_open_at('{"fri": [["09:00", "16:00"]]}', 'Europe/Berlin', '2026-07-03 15:00+02') AS fri_15h,
	crm_postgis.hours_open_at('{"fri": [["09:00", "16:00"]]}', 'Europe/Berlin', '2026-07-03 16:30+02') AS fri_16h30;

-- example: crm_postgis.valid_opening_hours
SELECT crm_postgis.valid_opening_hours('{"mon": [["09:00", "12:00"], ["13:00", "24:00"]]}') AS ok,
	crm_postgis.valid_opening_hours('{"mon": [["18:00", "09:00"]]}') AS close_before_open;

-- example: crm_postgis.valid_time_zone
SELECT crm_postgis.valid_time_zone('Europe/Berlin') AS berlin, crm_postgis.valid_time_zone('Mars/Olympus') AS mars;

-- example: crm_postgis.customer_nearest_site
SELECT customer_id, site_name, round(distance_m) AS distance_m FROM crm_postgis.customer_nearest_site ORDER BY customer_id;

-- example: crm_postgis.customers_within
-- Located customers within 50 km of Berlin centre
SELECT customer_id, tier, rfm_segment, health_band, round(distance_m) AS distance_m
FROM crm_postgis.customers_within(52.52, 13.405, 50000) ORDER BY distance_m;

-- example: crm_postgis.proposed_assignments
-- What assign_territories would do: inside a polygon, else the nearest territory within the fallback distance
SELECT customer_id, territory_id, method, round(distance_m) AS distance_m, owner, assignment_changed
FROM crm_postgis.proposed_assignments() ORDER BY customer_id;

-- example: crm_postgis.assign_territories
SELECT crm_postgis.assign_territories(dry_run => true) AS dry_run;
SELECT crm_postgis.assign_territories();

-- example: crm_postgis.territory_stats
SELECT territory_id, name, owner, customers, revenue_12m, round(avg_health_score::numeric, 1) AS avg_health_score
FROM crm_postgis.territory_stats() ORDER BY territory_id;

-- example: crm_postgis.territory_summary
SELECT territory_id, name, owner, customers, revenue_12m FROM crm_postgis.territory_summary ORDER BY territory_id;

-- example: crm_postgis.customer_map
SELECT customer_id, latitude, longitude, tier, territory_name, owner FROM crm_postgis.customer_map ORDER BY customer_id;

-- example: crm_postgis.setting
SELECT crm_postgis.setting('fallback_distance_m') AS fallback_distance_m;

-- example: crm_postgis.set_setting
SELECT crm_postgis.set_setting('fallback_distance_m', '100000');
SELECT crm_postgis.set_setting('fallback_distance_m', NULL);

-- example: crm_postgis.settings
-- Overrides are rows of crm_postgis.settings (write them with crm_postgis.set_setting); undo with NULL
SELECT crm_postgis.set_setting('invitation_lead_days', '21');
SELECT key, value FROM crm_postgis.settings ORDER BY key;
SELECT crm_postgis.set_setting('invitation_lead_days', NULL);

-- setup: an event at the Leipzig fair site
INSERT INTO crm_postgis.events (name, starts_at, site_id, radius_m)
SELECT 'Customer day', '2026-09-10 10:00+02', site_id, 100000 FROM crm_postgis.sites WHERE name = 'Leipzig fair';

-- example: crm_postgis.event_venue
SELECT latitude, longitude, radius_m, starts_at, name FROM crm_postgis.event_venue((SELECT max(event_id) FROM crm_postgis.events));

-- example: crm_postgis.invitation_list
-- Located customers within the event's radius (here 200 km), optionally filtered by tier, segment or health band
SELECT customer_id, tier, round(distance_m) AS distance_m FROM crm_postgis.invitation_list((SELECT max(event_id) FROM crm_postgis.events), radius_m => 200000)
ORDER BY distance_m;

-- example: crm_postgis.may_contact
-- Marketing needs opt-in (crm.may_contact): customer 1 gives it by email
INSERT INTO crm.consent (customer_id, channel, purpose, granted, recorded_at, source) VALUES (1, 'email', 'marketing', true, '2026-06-01', 'web form');
SELECT crm_postgis.may_contact(1, 'email', 'marketing') AS customer_1, crm_postgis.may_contact(2, 'email', 'marketing') AS customer_2;

-- example: crm_postgis.invite_to_event
-- Queues the invitation for everyone on the list that consent allows
SELECT crm_postgis.invite_to_event((SELECT max(event_id) FROM crm_postgis.events), radius_m => 200000, due_at => '2026-08-27 09:00+00') AS invited;

-- example: crm_postgis.plan_visits
-- A visit route for am_berlin's open on-site tasks of a day, from a start point (or a site)
INSERT INTO crm.tasks (customer_id, kind, title, channel, owner, due_at, source)
	VALUES (1, 'onsite_visit', 'Visit', 'visit', 'am_berlin', '2026-07-02 10:00+00', 'manual'),
		   (2, 'onsite_visit', 'Visit', 'visit', 'am_berlin', '2026-07-02 14:00+00', 'manual');
SELECT stop, customer_id, task_kinds, round(leg_m) AS leg_m, round(cumulative_m) AS cumulative_m
FROM crm_postgis.plan_visits('am_berlin', '2026-07-02', 52.52, 13.405) ORDER BY stop;

-- example: crm_postgis.delete_customer_location
SELECT crm_postgis.delete_customer_location(6) AS removed, crm_postgis.delete_customer_location(6) AS removed_again;

-- example: crm.clear_sample
-- Deletes the sample customers and (ON DELETE CASCADE) all their rows; customers entered by hand stay
SELECT crm.clear_sample() AS customers_removed;

-- setup: a few customers with events relative to now(), for the views that look back from now()
INSERT INTO crm.customers (external_id, name, kind, created_at) VALUES ('ada', 'Ada Ltd', 'business', now() - interval '400 days'),
	('bob', 'Bob Co', 'business', now() - interval '400 days'), ('cy', 'Cy Smith', 'person', now() - interval '400 days');
INSERT INTO crm.interactions (customer_id, occurred_at, kind, direction, channel, converted)
SELECT customer_id, now() - d * interval '1 day', v.kind::crm.interaction_kind, v.dir::crm.direction, v.channel::crm.channel, v.converted
FROM crm.customers c JOIN (VALUES ('ada', 'email', 'outbound', 'email', false), ('ada', 'call', 'inbound', 'phone', true),
	('bob', 'email', 'outbound', 'email', true), ('cy', 'store', 'inbound', 'store', false)) v(ext, kind, dir, channel, converted)
	ON v.ext = c.external_id, generate_series(10, 30, 10) d;
INSERT INTO crm.feedback (customer_id, answered_at, nps, csat)
SELECT customer_id, now() - interval '20 days', v.nps, v.csat FROM crm.customers c
JOIN (VALUES ('ada', 10, 5), ('bob', 4, 2), ('cy', 8, 4)) v(ext, nps, csat) ON v.ext = c.external_id;

-- example: crm.channel_usage
-- Interactions of the last 365 days per channel
SELECT * FROM crm.channel_usage ORDER BY channel;

-- example: crm.satisfaction_by_segment
-- Feedback of the last 365 days by the segments of the current scores
SELECT status FROM crm.refresh(now());
SELECT segmentation, segment, answers, promoters, detractors, nps, avg_csat FROM crm.satisfaction_by_segment ORDER BY 1, 2;
