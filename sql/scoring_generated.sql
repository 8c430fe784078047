-- Scoring on generated data, cross-checked against brute-force SQL:
-- RFM quantile cut points (percentile_cont by its definition), scores,
-- segments (the default map written out by hand), bands and quadrants.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;
SET timezone = 'UTC';
SELECT sum(row_count) > 0 AS loaded FROM crm.load_sample(customers => 2000, seed => 7, as_of => '2026-06-30');
-- A customer first seen exactly at as_of (summary age 0) must not stop the fit or the refresh
INSERT INTO crm.customers (external_id, name, created_at) VALUES ('fresh', 'Fresh Buyer', '2026-06-30');
INSERT INTO crm.purchases (customer_id, purchased_at, amount)
SELECT customer_id, '2026-06-30', 80 FROM crm.customers WHERE external_id = 'fresh';
SELECT status, customers FROM crm.refresh('2026-06-30');

-- The CLV models were fitted and stored; model-based CLV for customers with enough history
SELECT purpose, crm.model_kind(model) AS kind, customers > 0 AS fitted_on_customers FROM crm.models ORDER BY purpose;
SELECT count(*) FILTER (WHERE clv_method = 'model') > 0 AS some_model_clv,
	count(*) FILTER (WHERE p_alive < 0 OR p_alive > 1 OR p_alive = 'NaN') AS bad_p_alive,
	count(*) FILTER (WHERE clv = 'NaN' OR clv = 'Infinity' OR clv = '-Infinity') AS bad_clv
FROM crm.customer_scores;
-- ... it is alive and expected to buy like a new customer over the horizon (unit days from the model)
SELECT s.p_alive, abs(s.expected_purchases - crm.expected_purchases(m.model,
		extract(epoch FROM make_interval(months => (crm.setting('clv_horizon_months'))::int)) / 86400.0
		/ (extract(epoch FROM ('1 ' || crm.model_unit(m.model))::interval) / 86400.0))) < 1e-9 AS new_customer_expectation
FROM crm.customer_scores s JOIN crm.customers c USING (customer_id), crm.models m
WHERE c.external_id = 'fresh' AND m.purpose = 'transactions';

-- Brute force cut points: percentile_cont at p is x[floor(h)] + frac(h) * (x[floor(h)+1] - x[floor(h)]),
-- h = p * (n - 1) over the sorted values (1-based arrays below).
CREATE TEMP TABLE sorted AS
SELECT 'recency' AS q, array_agg(recency_days ORDER BY recency_days) AS v FROM crm.customer_scores WHERE first_purchase IS NOT NULL
UNION ALL SELECT 'frequency', array_agg(frequency::float8 ORDER BY frequency) FROM crm.customer_scores WHERE first_purchase IS NOT NULL
UNION ALL SELECT 'monetary', array_agg(monetary::float8 ORDER BY monetary) FROM crm.customer_scores WHERE first_purchase IS NOT NULL;
CREATE TEMP TABLE brute_cuts AS
SELECT q, array_agg(v[1 + floor(h)::int] + (h - floor(h)) * (v[least(2 + floor(h)::int, n)] - v[1 + floor(h)::int]) ORDER BY p) AS cuts
FROM (SELECT q, v, cardinality(v) AS n, p, p * (cardinality(v) - 1) AS h
	  FROM sorted, unnest(ARRAY[0.2, 0.4, 0.6, 0.8]) p) s
GROUP BY q;
-- they equal the cut points the refresh used
SELECT b.q, (SELECT bool_and(abs(x - y) <= 1e-9 * greatest(1, abs(x))) FROM unnest(b.cuts, ARRAY(
	SELECT jsonb_array_elements_text(r.details -> 'cuts' -> b.q)::float8)) AS u(x, y)) AS cuts_match
FROM brute_cuts b, crm.refresh_runs r WHERE r.run_id = (SELECT max(run_id) FROM crm.refresh_runs)
ORDER BY b.q;

-- Brute force scores: 1 + the number of cuts strictly below (recency reversed), FM = round((F + M) / 2),
-- and the default segment map written out cell by cell.
WITH brute AS (
	SELECT s.customer_id, s.rfm_segment,
		5 - (SELECT count(*) FROM unnest((SELECT cuts FROM brute_cuts WHERE q = 'recency')) c WHERE c < s.recency_days) AS r,
		1 + (SELECT count(*) FROM unnest((SELECT cuts FROM brute_cuts WHERE q = 'frequency')) c WHERE c < s.frequency) AS f,
		1 + (SELECT count(*) FROM unnest((SELECT cuts FROM brute_cuts WHERE q = 'monetary')) c WHERE c < s.monetary) AS m,
		s.r_score, s.f_score, s.m_score
	FROM crm.customer_scores s WHERE s.first_purchase IS NOT NULL
), cells AS (
	SELECT *, round((f + m) / 2.0) AS fm FROM brute
)
SELECT count(*) AS customers_with_purchases,
	count(*) FILTER (WHERE r <> r_score OR f <> f_score OR m <> m_score) AS score_mismatches,
	count(*) FILTER (WHERE rfm_segment IS DISTINCT FROM CASE
		WHEN r = 1 AND fm = 1 THEN 'Lost'
		WHEN r = 5 AND fm >= 4 THEN 'Champions'
		WHEN r IN (3, 4) AND fm >= 4 THEN 'Loyal'
		WHEN r >= 4 AND fm IN (2, 3) THEN 'Potential loyalist'
		WHEN r = 5 AND fm = 1 THEN 'New'
		WHEN r = 4 AND fm = 1 THEN 'Promising'
		WHEN r = 3 AND fm = 3 THEN 'Need attention'
		WHEN r = 3 AND fm <= 2 THEN 'About to sleep'
		WHEN r <= 2 AND fm = 5 THEN 'Can''t lose'
		WHEN r <= 2 AND fm IN (3, 4) THEN 'At risk'
		WHEN r <= 2 AND fm <= 2 THEN 'Hibernating' END) AS segment_mismatches,
	count(DISTINCT rfm_segment) AS segments_used
FROM cells;
-- every score quintile is populated (roughly a fifth each, ties permitting)
SELECT r_score, count(*) > 0 AS populated FROM crm.customer_scores WHERE r_score IS NOT NULL GROUP BY 1 ORDER BY 1;

-- Bands follow the thresholds; quadrants follow the thresholds; stages follow their rules
SELECT count(*) FILTER (WHERE health_band IS DISTINCT FROM CASE WHEN health_score >= 75 THEN 'healthy'
			WHEN health_score >= 50 THEN 'watch' WHEN health_score >= 0 THEN 'at_risk' END) AS band_mismatches,
	count(*) FILTER (WHERE value_quadrant <> CASE WHEN value_score >= 50 THEN 'high_value' ELSE 'low_value' END || '_' ||
			CASE WHEN loyalty_score >= 50 THEN 'high_loyalty' ELSE 'low_loyalty' END) AS quadrant_mismatches,
	count(*) FILTER (WHERE value_score NOT BETWEEN 0 AND 100 OR loyalty_score NOT BETWEEN 0 AND 100) AS out_of_range,
	count(*) FILTER (WHERE lifecycle_stage = 'at_risk' AND health_band <> 'at_risk') AS at_risk_without_band,
	count(*) FILTER (WHERE lifecycle_rule = 'p_alive_low' AND NOT p_alive < 0.1) AS churned_without_low_p_alive
FROM crm.customer_scores;
SELECT count(DISTINCT lifecycle_stage) >= 4 AS several_stages, count(DISTINCT health_band) = 3 AS all_bands,
	count(DISTINCT tier) >= 2 AS several_tiers
FROM crm.customer_scores;

-- The segment summary view adds up
SELECT sum(customers) = (SELECT count(*) FROM crm.customer_scores WHERE rfm_segment IS NOT NULL) AS summary_adds_up,
	round(sum(customer_share_pct)) AS total_share_pct
FROM crm.rfm_segment_summary;

-- Ground truth from the generator: customers whose usage declines score lower on product usage
-- and overall health, and land in the at-risk band more often
SELECT avg((s.health_explanation -> 'product_usage' ->> 'sub_score')::float8) FILTER (WHERE t.declining)
	 < avg((s.health_explanation -> 'product_usage' ->> 'sub_score')::float8) FILTER (WHERE NOT t.declining)
	AS decliners_lower_usage_score,
	avg(s.health_score) FILTER (WHERE t.declining) < avg(s.health_score) FILTER (WHERE NOT t.declining) AS decliners_lower_health,
	avg((s.health_band = 'at_risk')::int) FILTER (WHERE t.declining)
	 > avg((s.health_band = 'at_risk')::int) FILTER (WHERE NOT t.declining) AS decliners_more_often_at_risk
FROM crm.customer_scores s JOIN crm.sample_truth(7, 1, 2000, '2026-06-30', 10) t USING (customer_id);

-- Trend: deltas against the history snapshots 7, 30 and 90 days back (the newest snapshot on or
-- before each day), brute force from crm.customer_score_history with the snapshot days written out:
-- runs on 2026-03-31, 05-31 and 06-20, then 06-30 again: 7 days back (06-23) is the 06-20 snapshot,
-- 30 days back (05-31) the 05-31 one, 90 days back (04-01) the 03-31 one.
SELECT string_agg(status, ',') AS earlier_runs FROM (SELECT (crm.refresh(d)).status FROM
	unnest(ARRAY['2026-03-31', '2026-05-31', '2026-06-20', '2026-06-30']::timestamptz[]) d) r;
SELECT array_agg(DISTINCT snapshot_date ORDER BY snapshot_date) AS snapshots FROM crm.customer_score_history;
WITH h AS (SELECT customer_id,
		max(health_score) FILTER (WHERE snapshot_date = '2026-06-30') AS now,
		max(health_score) FILTER (WHERE snapshot_date = '2026-06-20') AS d7,
		max(health_score) FILTER (WHERE snapshot_date = '2026-05-31') AS d30,
		max(health_score) FILTER (WHERE snapshot_date = '2026-03-31') AS d90
	FROM crm.customer_score_history GROUP BY customer_id)
SELECT count(*) FILTER (WHERE s.health_delta_7d IS DISTINCT FROM h.now - h.d7
						   OR s.health_delta_30d IS DISTINCT FROM h.now - h.d30
						   OR s.health_delta_90d IS DISTINCT FROM h.now - h.d90) AS trend_mismatches,
	count(*) FILTER (WHERE s.health_delta_30d <> 0) > 100 AS many_30d_changes,
	count(*) FILTER (WHERE s.health_delta_90d IS NOT NULL) > 1000 AS most_have_90d
FROM crm.customer_scores s JOIN h USING (customer_id);
-- health_movers ranks exactly the customers whose score fell since the 05-31 snapshot
WITH h AS (SELECT customer_id,
		max(health_score) FILTER (WHERE snapshot_date = '2026-06-30') - max(health_score) FILTER (WHERE snapshot_date = '2026-05-31') AS drop30
	FROM crm.customer_score_history GROUP BY customer_id)
SELECT (SELECT count(*) FROM h WHERE drop30 < 0) = (SELECT count(*) FROM crm.health_movers) AS same_customers,
	(SELECT count(*) FROM crm.health_movers m JOIN h USING (customer_id)
	 WHERE m.drop_rank <> (SELECT count(*) + 1 FROM h h2 WHERE h2.drop30 < h.drop30)) AS rank_mismatches;

-- Reproducible under a forced parallel plan: the same as_of again, with the purchase pass split
-- across workers that combine their partial sums in whatever order, gives every column of every
-- row to the bit (money is summed exactly), and the same cut points.
CREATE TEMP TABLE serial_scores AS SELECT * FROM crm.customer_scores;
CREATE TEMP TABLE serial_cuts AS SELECT details -> 'cuts' AS cuts FROM crm.refresh_runs ORDER BY run_id DESC LIMIT 1;
ANALYZE crm.purchases;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
-- (the plan of the refresh's purchase pass: its aggregates, filters and table)
EXPLAIN (COSTS OFF) CREATE TEMP TABLE purchase_pass AS
SELECT p.customer_id,
	crm.btyd_summary(p.purchased_at, p.amount, '2026-06-30', 'week') FILTER (WHERE p.kind = 'sale') AS s,
	crm.btyd_summary(p.purchased_at, p.amount, '2026-06-30', 'day')
		FILTER (WHERE p.kind = 'sale' AND p.purchased_at > '2026-06-30'::timestamptz - 365 * interval '1 day') AS w,
	crm.exact_sum(p.amount) FILTER (WHERE p.purchased_at > '2026-06-30'::timestamptz - 365 * interval '1 day') AS monetary,
	crm.exact_sum(p.amount) FILTER (WHERE p.purchased_at > '2026-06-30'::timestamptz - interval '365 days') AS revenue_12m
FROM crm.purchases p
WHERE p.purchased_at <= '2026-06-30'
GROUP BY p.customer_id;
SELECT status FROM crm.refresh('2026-06-30');
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
SELECT count(*) AS customers,
	count(*) FILTER (WHERE to_jsonb(a) - 'computed_at' IS DISTINCT FROM to_jsonb(b) - 'computed_at') AS differing_rows,
	(SELECT cuts FROM serial_cuts) = (SELECT details -> 'cuts' FROM crm.refresh_runs ORDER BY run_id DESC LIMIT 1) AS same_cuts
FROM serial_scores a FULL JOIN crm.customer_scores b USING (customer_id);
