-- Scoring engine on hand-computed fixtures (as_of 2025-01-01 UTC): tiers,
-- health (every dimension by hand), missing data, bands, lifecycle, simple
-- CLV, config changes, idempotency and incremental refresh.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;
SET timezone = 'UTC';

INSERT INTO crm.customers (external_id, name, kind, created_at, acquisition_cost) VALUES
	('big', 'Big Corp', 'business', '2024-11-20', 0),
	('old', 'Old Friend', 'person', '2020-06-01', 50),
	('young', 'Young Buyer', 'person', '2024-11-10', 20),
	('prospect', 'Prospect Ltd', 'business', '2024-12-01', 0),
	('e', 'Every Dimension Ltd', 'business', '2023-02-01', 0),
	('gone', 'Gone Ltd', 'business', '2022-01-01', 0),
	('g', 'Partial Data', 'person', '2024-01-01', 0);
CREATE TEMP VIEW ids AS SELECT external_id, customer_id FROM crm.customers;

-- Contracts
INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on, ends_on, status)
SELECT customer_id, v.acv, v.signed::timestamptz, v.starts::date, v.ends::date, v.status::crm.contract_status
FROM ids JOIN (VALUES
	('big', 6000000, '2024-12-01', '2024-12-01', '2025-11-30', 'active'),
	('e', 120000, '2023-02-20', '2023-03-01', '2024-02-29', 'renewed'),
	('e', 120000, '2024-02-20', '2024-03-01', '2025-03-01', 'active'),
	('gone', 50000, '2022-01-10', '2022-02-01', '2024-06-30', 'expired')) v(ext, acv, signed, starts, ends, status)
	ON v.ext = ids.external_id;

-- Purchases (sales; one refund for old)
INSERT INTO crm.purchases (customer_id, purchased_at, amount, kind)
SELECT customer_id, t::timestamptz, a, k::crm.purchase_kind FROM ids JOIN (VALUES
	('old', '2021-03-01', 100, 'sale'), ('old', '2024-03-01', 200, 'sale'), ('old', '2024-08-01', 300, 'sale'),
	('old', '2024-08-05', -50, 'refund'),
	('young', '2024-11-15', 40, 'sale'),
	('e', '2024-06-01', 1000, 'sale'), ('e', '2024-09-01', 1000, 'sale'),
	('big', '2024-12-15', 5000, 'sale')) v(ext, t, a, k) ON v.ext = ids.external_id;

-- e: usage 15 events in the last 30 days, 90 in the 90 days before (rate ratio 0.5)
INSERT INTO crm.interactions (customer_id, occurred_at, kind, channel)
SELECT customer_id, timestamptz '2025-01-01' - (i || ' hours')::interval * 47, 'login', 'web'
FROM ids, generate_series(1, 15) i WHERE external_id = 'e';
INSERT INTO crm.interactions (customer_id, occurred_at, kind, channel)
SELECT customer_id, timestamptz '2024-12-02' - (i || ' hours')::interval * 23.9, 'feature_use', 'web'
FROM ids, generate_series(1, 90) i WHERE external_id = 'e';
-- e: last two-way interaction 14 days before as_of; an older one
INSERT INTO crm.interactions (customer_id, occurred_at, kind, direction, channel, notes)
SELECT customer_id, t::timestamptz, 'call', 'outbound', 'phone', 'needs: SSO' FROM ids,
	(VALUES ('2024-12-18'), ('2024-10-01')) v(t) WHERE external_id = 'e';
-- e: tickets in the last 90 days: one urgent (3) and one general (1); one older, outside the window
INSERT INTO crm.tickets (customer_id, category, priority, subject, opened_at)
SELECT customer_id, 'product', p::crm.ticket_priority, 's', t::timestamptz FROM ids,
	(VALUES ('urgent', '2024-12-20'), ('general', '2024-11-01'), ('urgent', '2024-06-01')) v(p, t) WHERE external_id = 'e';
-- e: NPS 2 then 8 (latest counts); g: NPS 6
INSERT INTO crm.feedback (customer_id, answered_at, nps)
SELECT customer_id, t::timestamptz, n FROM ids JOIN (VALUES ('e', '2024-05-01', 2), ('e', '2024-11-01', 8), ('g', '2024-10-01', 6)) v(ext, t, n)
	ON v.ext = ids.external_id;

-- No CLV model for such a tiny base: refit => false, so everyone gets the simple CLV.
SELECT mode, status, customers FROM crm.refresh('2025-01-01', refit => false);

SELECT i.external_id, s.tier, s.tier_rule, s.lifecycle_stage, s.lifecycle_rule, s.health_band, s.clv_method
FROM crm.customer_scores s JOIN ids i USING (customer_id) ORDER BY i.external_id;

-- Health of e by hand: usage 0.5 -> (0.5-0.3)/0.7; tickets 4 per 90 days = 4/3 per 30 -> (4/3-6)/-6;
-- NPS 8 -> (8-3)/6; 14 days since two-way -> (14-90)/(7-90); 60 days to renewal -> 60/120.
SELECT abs(health_score - (0.30 * 100 * (0.5 - 0.3) / 0.7 + 0.15 * 100 * (4.0 / 3 - 6) / -6 + 0.25 * 100 * (8 - 3) / 6.0
	+ 0.15 * 100 * (14 - 90) / (7 - 90.0) + 0.15 * 100 * 60 / 120.0)) < 1e-9 AS e_health_by_hand,
	(health_explanation -> 'product_usage' ->> 'raw')::numeric AS usage_ratio,
	(health_explanation -> 'support_load' ->> 'raw')::numeric AS tickets_per_30d,
	(health_explanation -> 'satisfaction' ->> 'raw')::numeric AS nps,
	(health_explanation -> 'engagement' ->> 'raw')::numeric AS days_since_two_way,
	(health_explanation -> 'commercial' ->> 'raw')::numeric AS days_to_renewal,
	health_missing
FROM crm.customer_scores JOIN ids USING (customer_id) WHERE external_id = 'e';

-- The explanation's contributions (points, one decimal each) add up to the score
SELECT abs(sum((d.value ->> 'contribution')::numeric) - s.health_score::numeric) <= 0.3 AS contributions_add_up,
	count(*) FILTER (WHERE d.value ? 'sub_score') AS dimensions_with_data
FROM crm.customer_scores s JOIN ids USING (customer_id), jsonb_each(s.health_explanation) d
WHERE external_id = 'e' GROUP BY s.health_score;

-- crm.value_parts equals the jsonb SQL builds from the rounded parts (random
-- values, halves at the rounding edge, NULLs)
SELECT count(*) AS value_parts_checked,
	count(*) FILTER (WHERE crm.value_parts(a, b, c) IS DISTINCT FROM jsonb_build_object('current', round(a::numeric, 1),
		'potential', round(b::numeric, 1), 'strategic', round(c::numeric, 1))) AS value_parts_mismatches
FROM (SELECT random() * 100 a, CASE WHEN g % 7 = 0 THEN NULL ELSE g / 20.0 END b, (g % 201) / 2.0 - 0.05 c
	  FROM generate_series(1, 2000) g) t;

-- Missing data: g has only satisfaction (NPS 6) and support load (no tickets = 0):
-- weights re-normalised over those two, the gaps flagged, never counted as zero.
SELECT abs(health_score - (0.15 * 100 + 0.25 * 100 * (6 - 3) / 6.0) / (0.15 + 0.25)) < 1e-9 AS g_renormalised,
	health_missing, health_explanation -> 'product_usage' AS usage_entry
FROM crm.customer_scores JOIN ids USING (customer_id) WHERE external_id = 'g';

-- Simple CLV by hand: old: 12-month net revenue 200 + 300 - 50 = 450 (the 2021 sale is older),
-- x 3 years, - 50 acquisition cost; frequency counts the 2 purchase days in the 730-day window
SELECT abs(clv - (450 * 3 - 50)) < 1e-9 AS old_simple_clv, revenue_12m, monetary, frequency
FROM crm.customer_scores JOIN ids USING (customer_id) WHERE external_id = 'old';
-- big: ACV 6,000,000 > revenue, x 3 years
SELECT abs(clv - 6000000 * 3) < 1e-6 AS big_simple_clv, annual_contract_value FROM crm.customer_scores JOIN ids USING (customer_id) WHERE external_id = 'big';

-- RFM: purchasers have scores 1-5 and a segment; the prospect has none
SELECT i.external_id, s.r_score BETWEEN 1 AND 5 AS r_ok, s.rfm_segment IS NOT NULL AS has_segment
FROM crm.customer_scores s JOIN ids i USING (customer_id) ORDER BY 1;
-- the default segment map gives every one of the 25 (R, FM) cells exactly one segment
SELECT count(*) AS cells, count(DISTINCT segment) AS segments FROM (
	SELECT DISTINCT ON (r, fm) r, fm, s.segment
	FROM generate_series(1, 5) r, generate_series(1, 5) fm, crm.rfm_segments_effective s
	WHERE r BETWEEN s.r_min AND s.r_max AND fm BETWEEN s.fm_min AND s.fm_max ORDER BY r, fm, s.priority) c;

-- Idempotent: the same as_of again gives the same scores
CREATE TEMP TABLE first_run AS SELECT * FROM crm.customer_scores;
SELECT status FROM crm.refresh('2025-01-01', refit => false);
SELECT count(*) AS rows_that_differ FROM (
	SELECT customer_id, rfm_cell, rfm_segment, clv, tier, tier_rule, value_score, value_parts, loyalty_score, health_score,
		   health_explanation, health_missing, lifecycle_stage FROM crm.customer_scores
	EXCEPT
	SELECT customer_id, rfm_cell, rfm_segment, clv, tier, tier_rule, value_score, value_parts, loyalty_score, health_score,
		   health_explanation, health_missing, lifecycle_stage FROM first_run) d;
SELECT count(*) AS snapshots, count(DISTINCT customer_id) AS customers FROM crm.customer_score_history;
SELECT stage, row_count FROM crm.refresh_stages WHERE run_id = (SELECT max(run_id) FROM crm.refresh_runs) ORDER BY stage_no;
-- One statement scores and writes: the day's snapshot and customers' tier and
-- stage must equal the scores written (a rerun changes no stage).
SELECT details -> 'snapshots' AS snapshots_written, details -> 'stage_changes' AS stage_changes
FROM crm.refresh_runs ORDER BY run_id DESC LIMIT 1;
-- the weights behind the rows' value_parts and health_explanation are kept once per run
SELECT details -> 'value_weights' AS value_weights, details -> 'health_weights' AS health_weights
FROM crm.refresh_runs ORDER BY run_id DESC LIMIT 1;
SELECT count(*) FILTER (WHERE h.customer_id IS NULL OR (h.as_of, h.rfm_segment, h.tier, h.value_score, h.clv, h.p_alive,
		h.health_score, h.health_band, h.lifecycle_stage) IS DISTINCT FROM (s.as_of, s.rfm_segment, s.tier, s.value_score,
		s.clv, s.p_alive, s.health_score, s.health_band, s.lifecycle_stage)) AS snapshot_mismatches,
	count(*) FILTER (WHERE (c.tier, c.lifecycle_stage) IS DISTINCT FROM (s.tier, s.lifecycle_stage)) AS customer_mismatches
FROM crm.customer_scores s JOIN crm.customers c USING (customer_id)
LEFT JOIN crm.customer_score_history h ON h.customer_id = s.customer_id AND h.snapshot_date = (s.as_of AT TIME ZONE 'UTC')::date;

-- Config changes change scores as expected.
-- 1. A user tier rule: ACV above 100,000 is A as well (e has ACV 120,000).
INSERT INTO crm.tier_rules (rule, priority, tier, condition, threshold) VALUES ('acv_over_100k', 15, 'A', 'acv_above', 100000);
-- 2. Product usage weight 0: e's health is re-weighted over the other four.
INSERT INTO crm.health_dimensions (dimension, metric, window_days, bad, good, weight)
SELECT dimension, metric, window_days, bad, good, 0 FROM crm.health_dimension_defaults WHERE dimension = 'product_usage';
-- 3. healthy from 60 instead of 75
INSERT INTO crm.health_bands (band, min_score) VALUES ('healthy', 60);
SELECT status FROM crm.refresh('2025-01-01', refit => false);
SELECT s.tier, s.tier_rule, s.health_band,
	abs(s.health_score - (0.15 * 100 * (4.0 / 3 - 6) / -6 + 0.25 * 100 * (8 - 3) / 6.0
		+ 0.15 * 100 * (14 - 90) / (7 - 90.0) + 0.15 * 100 * 60 / 120.0) / 0.70) < 1e-9 AS e_health_reweighted
FROM crm.customer_scores s JOIN ids USING (customer_id) WHERE external_id = 'e';
-- a disabled built-in rule is skipped: without acv_over_5m, big falls to the next rule that holds
INSERT INTO crm.tier_rules (rule, priority, tier, condition, threshold, enabled)
SELECT rule, priority, tier, condition, threshold, false FROM crm.tier_rule_defaults WHERE rule = 'acv_over_5m';
SELECT status FROM crm.refresh('2025-01-01', refit => false);
SELECT tier, tier_rule FROM crm.customer_scores JOIN ids USING (customer_id) WHERE external_id = 'big';
DELETE FROM crm.tier_rules; DELETE FROM crm.health_dimensions; DELETE FROM crm.health_bands;

-- Incremental: only the customer with a new event is rescored, and it matches a full refresh
-- (quantile cut points are the last full run's, so compare what does not depend on them).
SELECT status FROM crm.refresh('2025-01-01', refit => false);
INSERT INTO crm.purchases (customer_id, purchased_at, amount) SELECT customer_id, '2024-12-30', 70 FROM ids WHERE external_id = 'young';
SELECT mode, customers FROM crm.refresh('2025-01-01', incremental => true, refit => false);
CREATE TEMP TABLE after_incremental AS SELECT * FROM crm.customer_scores;
SELECT mode, customers FROM crm.refresh('2025-01-01', incremental => true, refit => false);
SELECT status FROM crm.refresh('2025-01-01', refit => false);
SELECT count(*) AS incremental_differs_from_full FROM (
	SELECT customer_id, last_purchase, clv, tier, health_score, lifecycle_stage, frequency, monetary, x, t_x, age FROM crm.customer_scores
	EXCEPT SELECT customer_id, last_purchase, clv, tier, health_score, lifecycle_stage, frequency, monetary, x, t_x, age FROM after_incremental) d;
SELECT frequency, monetary FROM crm.customer_scores JOIN ids USING (customer_id) WHERE external_id = 'young';
-- Events written after a refresh in the same transaction are still marked dirty
BEGIN;
SELECT status FROM crm.refresh('2025-01-01', refit => false);
INSERT INTO crm.purchases (customer_id, purchased_at, amount) SELECT customer_id, '2024-12-31', 5 FROM ids WHERE external_id = 'young';
SELECT i.external_id AS dirty_after_refresh_in_same_transaction FROM crm.score_dirty d JOIN ids i USING (customer_id);
SELECT mode, customers FROM crm.refresh('2025-01-01', incremental => true, refit => false);
ROLLBACK;

-- Lifecycle stage is written to customers with its change date
SELECT i.external_id, c.lifecycle_stage, c.lifecycle_changed_at = '2025-01-01' AS changed_at_as_of
FROM crm.customers c JOIN ids i USING (customer_id) ORDER BY 1;

-- Bad input
\set VERBOSITY terse
SELECT crm.refresh(NULL);
SELECT crm.refresh('infinity');
SELECT crm.refresh('2999-01-01');
SELECT crm.quantile_score(1, ARRAY[3, 2]::float8[], true);
SELECT crm.quantile_score(1, ARRAY[]::float8[], true);
SELECT crm.quantile_score('NaN', ARRAY[1, 2]::float8[], true);
-- cut points are checked once per call site and value: rows that change them
-- are scored against their own cuts, and bad ones after good ones still fail
SELECT v, crm.quantile_score(v, cuts, true) AS q, crm.percentile_position(v, cuts) AS pos
FROM (VALUES (15, ARRAY[10, 20]::float8[]), (15, ARRAY[10, 20]::float8[]), (15, ARRAY[0, 10]::float8[]),
	(15, ARRAY[20, 30]::float8[])) t(v, cuts);
SELECT crm.percentile_position(v, cuts)
FROM (VALUES (1, ARRAY[1, 2]::float8[]), (2, ARRAY[1, 2]::float8[]), (3, ARRAY[2, 'Infinity']::float8[])) t(v, cuts);
SELECT crm.linear_score(1, 5, 5);
INSERT INTO crm.health_dimensions (dimension, metric, window_days, bad, good, weight) VALUES ('usage2', 'usage_trend', 30, 0, 1, 1);
SELECT crm.refresh('2025-01-01');
DELETE FROM crm.health_dimensions;
INSERT INTO crm.health_dimensions (dimension, metric, window_days, bad, good, weight) VALUES ('x', 'usage_trend', 30, 1, 1, 1);
DELETE FROM crm.health_dimensions;
SELECT crm.set_setting('time_unit', '"fortnight"');
-- a value written past crm.set_setting's checks is still caught by refresh
INSERT INTO crm.settings (key, value) VALUES ('time_unit', '"fortnight"');
SELECT status FROM crm.refresh('2025-01-01');
DELETE FROM crm.settings;
