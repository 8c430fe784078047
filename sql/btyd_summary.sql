-- crm.btyd_summary: brute-force SQL equivalence on random data, edge cases,
-- error cases, a forced parallel plan, and the calibration/holdout helper.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS crm;
RESET client_min_messages;
-- Days are UTC days whatever the session time zone: run in a zone far from UTC.
SET timezone = 'America/New_York';
SELECT setseed(0.4242);

-- Random purchases: 400 customers, 1..25 purchases each over ~2 years, with
-- same-UTC-day repeats, purchases after as_of, and cents amounts.
CREATE TABLE btyd_p (customer int, purchased_at timestamptz, amount numeric(12,2));
INSERT INTO btyd_p
SELECT c, '2023-01-01 00:00+00'::timestamptz + (random() * 760) * interval '1 day',
	   round((random() * 200)::numeric, 2)
FROM generate_series(1, 400) c, LATERAL generate_series(1, 1 + (random() * 24)::int + c * 0) k;
-- same UTC day as an existing purchase, a few hours later (or earlier)
INSERT INTO btyd_p
SELECT customer, date_trunc('day', purchased_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
				 + (random() * 86399) * interval '1 second', 1.5
FROM btyd_p WHERE random() < 0.2;

-- Brute force: per customer and UTC day up to as_of, then the rules of docs/clv.md.
CREATE TEMP TABLE btyd_brute AS
WITH d AS (
	SELECT customer, (purchased_at AT TIME ZONE 'UTC')::date AS day, sum(amount) AS amt,
		   min(purchased_at) AS first_t, max(purchased_at) AS last_t
	FROM btyd_p
	WHERE (purchased_at AT TIME ZONE 'UTC')::date <= date '2024-09-30'
	GROUP BY 1, 2
), f AS (
	SELECT d.*, min(day) OVER (PARTITION BY customer) AS first_day FROM d
)
SELECT customer, count(*) - 1 AS x,
	   (max(day) - min(day)) / 7.0 AS t_x,
	   (date '2024-09-30' - min(day)) / 7.0 AS age,
	   coalesce(sum(amt) FILTER (WHERE day > first_day) / nullif(count(*) - 1, 0), 0) AS monetary,
	   sum(amt) AS total_amount, min(first_t) AS first_purchase, max(last_t) AS last_purchase
FROM f GROUP BY customer;

-- as_of 2024-09-30 23:59:59 UTC (a 19:59 New York time): its UTC day is 2024-09-30.
CREATE TEMP TABLE btyd_agg AS
SELECT customer, (crm.btyd_summary(purchased_at, amount, '2024-09-30 23:59:59+00', 'week')).*
FROM btyd_p GROUP BY customer;

-- Every field of every customer matches (customers with no purchase up to as_of give NULL).
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE b.customer IS NULL OR a.x IS DISTINCT FROM b.x
			OR abs(a.t_x - b.t_x) > 1e-12 OR abs(a.age - b.age) > 1e-12
			OR abs(a.monetary - b.monetary) > 1e-15 * greatest(1, b.monetary)
			OR a.total_amount IS DISTINCT FROM b.total_amount::float8
			OR a.first_purchase IS DISTINCT FROM b.first_purchase
			OR a.last_purchase IS DISTINCT FROM b.last_purchase) AS mismatches
FROM btyd_agg a FULL JOIN btyd_brute b USING (customer)
WHERE a.x IS NOT NULL OR b.customer IS NOT NULL;
SELECT count(*) AS null_summaries_without_purchases
FROM btyd_agg a WHERE a.x IS NULL
  AND NOT EXISTS (SELECT 1 FROM btyd_brute b WHERE b.customer = a.customer);
-- The data exercise the rules: repeaters, one-timers, merged days, ignored purchases.
SELECT count(*) FILTER (WHERE x = 0) > 10 AS has_one_timers, count(*) FILTER (WHERE x > 5) > 100 AS has_repeaters,
	   (SELECT count(*) FROM btyd_p WHERE purchased_at > '2024-10-01 00:00+00') > 100 AS has_later_purchases,
	   (SELECT count(*) - count(DISTINCT (customer, (purchased_at AT TIME ZONE 'UTC')::date)) FROM btyd_p) > 100 AS has_same_day
FROM btyd_brute;

-- float8 amounts give the same summaries, to the bit (amounts are held as exact 0.0001s).
SELECT count(*) AS float8_mismatches
FROM (SELECT customer, crm.btyd_summary(purchased_at, amount::float8, '2024-09-30 23:59:59+00', 'week') AS s
	  FROM btyd_p GROUP BY customer) f
JOIN btyd_agg a USING (customer)
WHERE (f.s).x IS DISTINCT FROM a.x OR (f.s).monetary IS DISTINCT FROM a.monetary
   OR (f.s).total_amount IS DISTINCT FROM a.total_amount;
-- Amounts with more than 4 decimals are rounded half away from zero, as round(amount, 4).
SELECT (s).total_amount, (s).monetary
FROM (SELECT crm.btyd_summary(t, a, '2024-01-15 00:00+00', 'day') AS s
	  FROM (VALUES ('2024-01-01'::timestamptz, 1.00005), ('2024-01-02', 2.00005), ('2024-01-03', -0.00005)) v(t, a)) q;

-- Units: day and month (30.4375 days).
SELECT bool_and(abs((s).age * 30.4375 - b.age * 7) < 1e-9 AND abs((s).t_x * 30.4375 - b.t_x * 7) < 1e-9) AS month_ok
FROM (SELECT customer, crm.btyd_summary(purchased_at, amount, '2024-09-30 12:00+00', 'month') AS s
	  FROM btyd_p GROUP BY customer) m JOIN btyd_brute b USING (customer);

-- Edge cases, one customer each.
-- Same UTC day merged, though the New York dates differ (2024-01-01 20:00 and 2024-01-02 18:30 local).
SELECT (s).x, (s).t_x, (s).age, (s).monetary, (s).total_amount
FROM (SELECT crm.btyd_summary(t, a, '2024-01-15 00:00+00', 'day') AS s
	  FROM (VALUES ('2024-01-02 01:00+00'::timestamptz, 10.0), ('2024-01-02 23:30+00', 5.0)) v(t, a)) q;
-- One minute apart but different UTC days: two purchase days.
SELECT (s).x, (s).t_x, (s).monetary
FROM (SELECT crm.btyd_summary(t, a, '2024-01-15 00:00+00', 'day') AS s
	  FROM (VALUES ('2024-01-02 23:59:30+00'::timestamptz, 10.0), ('2024-01-03 00:00:30+00', 5.0)) v(t, a)) q;
-- Purchases after as_of's UTC day are ignored; later on the same UTC day they count.
SELECT (s).x, (s).t_x, (s).age, (s).total_amount, (s).last_purchase AT TIME ZONE 'UTC' AS last_utc
FROM (SELECT crm.btyd_summary(t, a, '2024-01-10 08:00+00', 'day') AS s
	  FROM (VALUES ('2024-01-01 12:00+00'::timestamptz, 10.0), ('2024-01-10 20:00+00', 4.0),
				   ('2024-01-11 00:00+00', 100.0), ('2025-01-01', 100.0)) v(t, a)) q;
-- A single purchase: x = 0, t_x = 0, monetary 0.
SELECT (s).x, (s).t_x, (s).age, (s).monetary, (s).total_amount
FROM (SELECT crm.btyd_summary('2024-01-01 10:00+00'::timestamptz, 42.5, '2024-01-15 00:00+00', 'week') AS s) q;
-- Only purchases after as_of, or no rows: NULL.
SELECT crm.btyd_summary('2024-02-01'::timestamptz, 1.0, '2024-01-15', 'week') IS NULL AS after_as_of_is_null;
SELECT crm.btyd_summary(t, a, '2024-01-15', 'week') IS NULL AS no_rows_is_null
FROM (SELECT now(), 1.0 WHERE false) v(t, a);
-- NULL time or amount: the row is skipped.
SELECT (s).x, (s).total_amount
FROM (SELECT crm.btyd_summary(t, a, '2024-01-15 00:00+00', 'day') AS s
	  FROM (VALUES ('2024-01-01'::timestamptz, 1.0), (NULL, 2.0), ('2024-01-05', NULL), ('2024-01-07', 3.0)) v(t, a)) q;
-- A purchase on as_of's day itself gives t_x = age.
SELECT (s).t_x = (s).age AS recency_equals_age
FROM (SELECT crm.btyd_summary(t, 1.0, '2024-01-15 23:00+00', 'week') AS s
	  FROM (VALUES ('2024-01-01'::timestamptz), ('2024-01-15 01:00+00')) v(t)) q;

-- Errors: bad or NULL unit, NULL as_of, infinite timestamps, NaN amount, varying as_of.
\set VERBOSITY terse
SELECT crm.btyd_summary(now(), 1.0, now(), 'fortnight');
SELECT crm.btyd_summary(now(), 1.0, now(), NULL);
SELECT crm.btyd_summary(now(), 1.0, NULL, 'week');
SELECT crm.btyd_summary('infinity'::timestamptz, 1.0, now(), 'week');
SELECT crm.btyd_summary(now(), 1.0, '-infinity'::timestamptz, 'week');
SELECT crm.btyd_summary(now(), 'NaN'::numeric, now(), 'week');
SELECT crm.btyd_summary(now(), 'Infinity'::float8, now(), 'week');
SELECT crm.btyd_summary(t, 1.0, t, 'week') FROM (VALUES ('2024-01-01'::timestamptz), ('2024-02-01')) v(t);
\set VERBOSITY default
-- Amounts of 10^18 or more are refused (they are held exactly, in units of 0.0001).
SELECT crm.btyd_summary(now(), 1e18::numeric, now(), 'week');
SELECT crm.btyd_summary(now(), -1e18::float8, now(), 'week');
SELECT (crm.btyd_summary(now(), 999999999999999999.9999, now(), 'week')).total_amount AS largest_amount;
-- A row that is skipped (after as_of, or with a NULL time) is not checked: its NaN is no error.
SELECT (s).x, (s).total_amount
FROM (SELECT crm.btyd_summary(t, a, '2024-01-15', 'day') AS s
	  FROM (VALUES ('2024-01-01'::timestamptz, 5.0::float8), ('2024-02-01', 'NaN'), (NULL, 'Infinity')) v(t, a)) q;
-- Hand-made states cannot push the amount sums past 2^120 units of 0.0001.
SELECT '19000,7,1641600000000000,1641600000000000,0,1329227995784915872903807060280344577:19000'::crm.btyd_state;
CREATE AGGREGATE public.btyd_merge(crm.btyd_state) (
	SFUNC = crm.btyd_summary_combine, STYPE = crm.btyd_state, COMBINEFUNC = crm.btyd_summary_combine);
SELECT public.btyd_merge(st) IS NOT NULL AS merged
FROM (VALUES ('19000,7,1641600000000000,1641600000000000,0,664613997892457936451903530140172288:19000'::crm.btyd_state),
			 ('19000,7,1641600000000000,1641600000000000,0,664613997892457936451903530140172288:19000')) v(st);
SELECT public.btyd_merge(st)
FROM (VALUES ('19000,7,1641600000000000,1641600000000000,0,664613997892457936451903530140172288:19000'::crm.btyd_state),
			 ('19000,7,1641600000000000,1641600000000000,0,664613997892457936451903530140172289:19000')) v(st);
DROP AGGREGATE public.btyd_merge(crm.btyd_state);

-- Forced parallel plan: partial aggregates in workers, combined in the leader.
ANALYZE btyd_p;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
-- One summary over all rows (a "customer" with ~760 purchase days): combine merges big day sets.
EXPLAIN (COSTS OFF) CREATE TEMP TABLE btyd_par AS
SELECT crm.btyd_summary(purchased_at, amount, '2024-09-30 23:59:59+00', 'week') AS s FROM btyd_p;
CREATE TEMP TABLE btyd_par AS
SELECT crm.btyd_summary(purchased_at, amount, '2024-09-30 23:59:59+00', 'week') AS s FROM btyd_p;
-- Per customer, in parallel: every summary equals the serial one, to the bit
-- (money is summed exactly, so the order of rows and partial states cannot matter).
EXPLAIN (COSTS OFF) CREATE TEMP TABLE btyd_par_cust AS
SELECT customer, crm.btyd_summary(purchased_at, amount, '2024-09-30 23:59:59+00', 'week') AS s
FROM btyd_p GROUP BY customer;
CREATE TEMP TABLE btyd_par_cust AS
SELECT customer, crm.btyd_summary(purchased_at, amount, '2024-09-30 23:59:59+00', 'week') AS s
FROM btyd_p GROUP BY customer;
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE (p.s).x IS DISTINCT FROM a.x OR (p.s).t_x IS DISTINCT FROM a.t_x
						   OR (p.s).age IS DISTINCT FROM a.age OR (p.s).monetary IS DISTINCT FROM a.monetary
						   OR (p.s).total_amount IS DISTINCT FROM a.total_amount
						   OR (p.s).first_purchase IS DISTINCT FROM a.first_purchase
						   OR (p.s).last_purchase IS DISTINCT FROM a.last_purchase) AS parallel_mismatches
FROM btyd_par_cust p JOIN btyd_agg a USING (customer);
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation; RESET enable_hashagg;
SET max_parallel_workers_per_gather = 0;
SELECT (p.s).x = (q.s).x AS x_equal, (p.s).t_x = (q.s).t_x AS t_x_equal, (p.s).age = (q.s).age AS age_equal,
	   (p.s).monetary = (q.s).monetary AND (p.s).total_amount = (q.s).total_amount AS money_equal,
	   (p.s).first_purchase = (q.s).first_purchase AND (p.s).last_purchase = (q.s).last_purchase AS times_equal,
	   (q.s).x = (SELECT count(DISTINCT (purchased_at AT TIME ZONE 'UTC')::date) - 1 FROM btyd_p
				  WHERE (purchased_at AT TIME ZONE 'UTC')::date <= '2024-09-30') AS x_brute_force
FROM btyd_par p,
	 (SELECT crm.btyd_summary(purchased_at, amount, '2024-09-30 23:59:59+00', 'week') AS s FROM btyd_p) q;
RESET max_parallel_workers_per_gather;

-- The state type's text and binary forms round-trip (a helper aggregate exposes the state).
CREATE AGGREGATE public.btyd_state_of(timestamptz, numeric, timestamptz, text) (
	SFUNC = crm.btyd_summary_step, STYPE = crm.btyd_state);
CREATE TEMP TABLE btyd_states AS
SELECT customer, public.btyd_state_of(purchased_at, amount, '2024-09-30 23:59:59+00', 'week') AS st
FROM btyd_p GROUP BY customer;
COPY btyd_states TO '/tmp/crm_regress_btyd_state.bin' (FORMAT binary);
CREATE TEMP TABLE btyd_states_back (LIKE btyd_states);
COPY btyd_states_back FROM '/tmp/crm_regress_btyd_state.bin' (FORMAT binary);
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE crm.btyd_summary_final(s.st::text::crm.btyd_state) IS DISTINCT FROM
							  crm.btyd_summary_final(s.st)) AS text_mismatches,
	   count(*) FILTER (WHERE crm.btyd_summary_final(b.st) IS DISTINCT FROM crm.btyd_summary_final(s.st)) AS binary_mismatches,
	   count(*) FILTER (WHERE (crm.btyd_summary_final(s.st)).x IS DISTINCT FROM a.x
						   OR (crm.btyd_summary_final(s.st)).monetary IS DISTINCT FROM a.monetary) AS summary_mismatches
FROM btyd_states s JOIN btyd_states_back b USING (customer) JOIN btyd_agg a USING (customer);
DROP AGGREGATE public.btyd_state_of(timestamptz, numeric, timestamptz, text);
DROP TABLE btyd_p;

-- Calibration/holdout over crm.purchases (sales only; refunds are not purchases).
INSERT INTO crm.customers (external_id, name) VALUES ('btyd-1', 'One'), ('btyd-2', 'Two'), ('btyd-3', 'Three');
INSERT INTO crm.purchases (customer_id, purchased_at, amount, kind)
SELECT c.customer_id, v.t::timestamptz, v.a, v.k::crm.purchase_kind
FROM (VALUES ('btyd-1', '2024-01-01 10:00+00', 10.00, 'sale'), ('btyd-1', '2024-01-08 10:00+00', 20.00, 'sale'),
			 ('btyd-1', '2024-01-08 11:00+00', 5.00, 'sale'), ('btyd-1', '2024-01-09 10:00+00', -20.00, 'refund'),
			 ('btyd-1', '2024-02-01 00:00+00', 7.00, 'sale'), ('btyd-1', '2024-02-02 00:00+00', 7.00, 'sale'),
			 ('btyd-1', '2024-02-02 05:00+00', 7.00, 'sale'), ('btyd-1', '2024-04-01 00:00+00', 7.00, 'sale'),
			 ('btyd-2', '2024-01-15 00:00+00', 30.00, 'sale'),
			 ('btyd-3', '2024-02-10 00:00+00', 30.00, 'sale')) v(ext, t, a, k)
JOIN crm.customers c ON c.external_id = v.ext;
SELECT c.external_id, h.x, h.t_x, h.age, h.monetary, h.x_holdout, h.holdout_length
FROM crm.btyd_calibration_holdout('2024-01-31 23:00+00', '2024-02-28 23:00+00', 'week') h
JOIN crm.customers c USING (customer_id)
ORDER BY 1;
DELETE FROM crm.customers WHERE external_id LIKE 'btyd-%';
RESET timezone;
