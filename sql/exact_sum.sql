-- crm.exact_sum: equal to sum() on random money amounts (serial, grouped,
-- and under a forced parallel plan), scales, big totals past int64, NULLs,
-- errors, and the state type's text and binary forms.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS crm;
RESET client_min_messages;
SELECT setseed(0.2718);

-- 300 groups of random amounts: cents, negatives (refunds), whole numbers, NULLs.
CREATE TABLE exact_amounts (grp int, amount numeric(14,2), whole numeric(12,0), fine numeric(12,4));
INSERT INTO exact_amounts
SELECT g, CASE WHEN random() < 0.05 THEN NULL ELSE round((random() * 2000 - 300)::numeric, 2) END,
	   round((random() * 1e6)::numeric), round((random() * 100 - 50)::numeric, 4)
FROM generate_series(1, 300) g, LATERAL generate_series(1, 1 + (random() * 60)::int + g * 0) k;
-- every total equals sum(), value and scale (text): serial
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE e::text IS DISTINCT FROM s::text) AS amount_mismatches,
	   count(*) FILTER (WHERE ew::text IS DISTINCT FROM sw::text) AS whole_mismatches,
	   count(*) FILTER (WHERE ef::text IS DISTINCT FROM sf::text) AS fine_mismatches
FROM (SELECT grp, crm.exact_sum(amount) e, sum(amount) s, crm.exact_sum(whole) ew, sum(whole) sw,
			 crm.exact_sum(fine) ef, sum(fine) sf
	  FROM exact_amounts GROUP BY grp) t;

-- Forced parallel plan: partial states in the workers, combined in the leader.
ANALYZE exact_amounts;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT crm.exact_sum(amount), crm.exact_sum(amount) FILTER (WHERE amount < 0) FROM exact_amounts;
SELECT crm.exact_sum(amount) = sum(amount) AS total_equal,
	   crm.exact_sum(amount) FILTER (WHERE amount < 0) = sum(amount) FILTER (WHERE amount < 0) AS refunds_equal,
	   crm.exact_sum(amount)::text = sum(amount)::text AS same_text
FROM exact_amounts;
CREATE TEMP TABLE exact_par AS
SELECT grp, crm.exact_sum(amount) e, sum(amount) s FROM exact_amounts GROUP BY grp;
SELECT count(*) AS groups, count(*) FILTER (WHERE e::text IS DISTINCT FROM s::text) AS parallel_mismatches FROM exact_par;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;

-- Scales: the largest input scale, at most 4 (sum() keeps trailing zeros beyond).
SELECT crm.exact_sum(v) AS mixed, sum(v) AS sum_mixed FROM (VALUES (1.5), (2.25), (-0.75)) t(v);
SELECT crm.exact_sum(v) AS whole FROM (VALUES (3::numeric), (4)) t(v);
SELECT crm.exact_sum(v) AS trailing_zeros FROM (VALUES (1.500000), (0.1234)) t(v);
SELECT crm.exact_sum(v) AS zero FROM (VALUES (0::numeric), (-0.00)) t(v);
-- Totals past int64 (9.2e14 at 4 decimals) and near the int128 limit, checked against sum().
SELECT crm.exact_sum(v) = sum(v) AS big_equal, crm.exact_sum(v)::text AS big
FROM (VALUES (9999999999999999999999999999999.9999), (9999999999999999999999999999999.9999), (-0.0001)) t(v);
SELECT crm.exact_sum(v) = sum(v) AS past_int64_equal, crm.exact_sum(v)::text AS past_int64
FROM (VALUES (922337203685477.58), (922337203685477.58), (0.01)) t(v);
SELECT crm.exact_sum(v) = sum(v) AS negative_equal, crm.exact_sum(v)::text AS negative
FROM (VALUES (-922337203685477.58), (-922337203685477.58), (-12345678901234567890.1234)) t(v);
-- NULLs are skipped; no rows or only NULLs give NULL, as sum() does.
SELECT crm.exact_sum(v) AS with_nulls FROM (VALUES (1.25), (NULL), (2)) t(v);
SELECT crm.exact_sum(v) IS NULL AS only_nulls FROM (VALUES (NULL::numeric), (NULL)) t(v);
SELECT crm.exact_sum(amount) IS NULL AS no_rows FROM exact_amounts WHERE false;

-- Errors: what cannot be summed exactly says so and points to sum().
\set VERBOSITY default
SELECT crm.exact_sum(v) FROM (VALUES (1.00001)) t(v);
SELECT crm.exact_sum(v) FROM (VALUES (1e32)) t(v);
SELECT crm.exact_sum(v) FROM (VALUES ('NaN'::numeric)) t(v);
-- 20000 amounts near 10^31 pass the int128 limit (1.7 x 10^34 at 4 decimals)
SELECT crm.exact_sum(9999999999999999999999999999999.9999) FROM generate_series(1, 20000);
SELECT '5:100'::crm.exact_sum_state;
SELECT '2:12x'::crm.exact_sum_state;
\set VERBOSITY terse

-- The state's text form, and called directly (outside an aggregate) it never
-- changes its argument.
SELECT '2:123400'::crm.exact_sum_state AS state, crm.exact_sum_final('2:123400') AS value,
	   crm.exact_sum_final(crm.exact_sum_step('2:123400', -0.5)) AS stepped,
	   crm.exact_sum_final(crm.exact_sum_combine('2:123400', '4:-1')) AS combined,
	   crm.exact_sum_final('2:123456') AS typed_in_scale_too_small;
SELECT crm.exact_sum_state_out(s) AS unchanged
FROM (SELECT '0:70000'::crm.exact_sum_state s) t, LATERAL (SELECT crm.exact_sum_step(s, 99)) u;
-- Binary form: COPY BINARY round trip of states (including one past int64).
CREATE TEMP TABLE exact_states (s crm.exact_sum_state);
INSERT INTO exact_states VALUES ('2:123400'), ('4:-1'), ('0:-170141183460469231731687303715884105728'), ('3:99999999999999999999999999');
COPY exact_states TO '/tmp/crm_exact_states.bin' (FORMAT binary);
CREATE TEMP TABLE exact_states_back (s crm.exact_sum_state);
COPY exact_states_back FROM '/tmp/crm_exact_states.bin' (FORMAT binary);
SELECT s::text FROM exact_states_back;
SELECT count(*) AS round_trip_mismatches
FROM (SELECT s::text FROM exact_states EXCEPT ALL SELECT s::text FROM exact_states_back) d;

DROP TABLE exact_amounts;
