-- Fit aggregates and the crm.clv_model type: simulate-then-recover, type
-- round trips (text, binary, table), parallel = serial, penalizer, pattern
-- compression, published sBG fits, degenerate data and bad input errors.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS crm;
RESET client_min_messages;
SELECT setseed(0.2024);

-- BG/NBD customers simulated from known parameters: purchase rate
-- lambda ~ Gamma(r = 1, alpha = 2) (exponential, mean 0.5 a week), dropout
-- probability p ~ Beta(a = 1, b = 1) (uniform) after each purchase, observed
-- for T = 30..69 weeks.
CREATE TABLE clv_sim AS
WITH RECURSIVE c AS (
	SELECT i AS id, -ln(1 - random()) / 2 AS lam, random() AS p, 30 + floor(random() * 40)::float8 AS age
	FROM generate_series(1, 3000) i
), r AS (
	SELECT id, lam, p, age, 0::float8 AS t, 0 AS x, 0::float8 AS t_x, true AS alive FROM c
	UNION ALL
	SELECT id, lam, p, age, t + g, x + 1, t + g, random() >= p
	FROM (SELECT r.*, -ln(1 - random()) / lam AS g FROM r WHERE alive) s
	WHERE t + g <= age
)
SELECT id, max(x)::float8 AS x, max(t_x) AS t_x, min(age) AS age FROM r GROUP BY id;
SELECT count(*) AS customers, count(*) FILTER (WHERE x = 0) > 50 AS has_one_timers FROM clv_sim;

CREATE TABLE clv_models (name text PRIMARY KEY, model crm.clv_model NOT NULL);
INSERT INTO clv_models SELECT 'bgnbd', crm.fit_bgnbd(x, t_x, age, 'week') FROM clv_sim;

-- Recovered: every parameter within 4 standard errors of the truth; fit statistics stored.
SELECT crm.model_kind(model), crm.model_unit(model),
	   abs(crm.model_param(model, 'r') - 1) < 4 * crm.model_param(model, 'se_r') AS r_ok,
	   abs(crm.model_param(model, 'alpha') - 2) < 4 * crm.model_param(model, 'se_alpha') AS alpha_ok,
	   abs(crm.model_param(model, 'a') - 1) < 4 * crm.model_param(model, 'se_a') AS a_ok,
	   abs(crm.model_param(model, 'b') - 1) < 4 * crm.model_param(model, 'se_b') AS b_ok,
	   crm.model_param(model, 'se_r') BETWEEN 0.001 AND 0.2 AS se_plausible,
	   (crm.model_params(model) ->> 'n')::float8 AS n,
	   (crm.model_params(model) ->> 'converged')::bool AS converged,
	   (crm.model_params(model) ->> 'iterations')::int > 0 AS iterated,
	   crm.model_param(model, 'loglik') < 0 AS loglik_negative
FROM clv_models WHERE name = 'bgnbd';
-- The stored log-likelihood is the BG/NBD likelihood at the stored parameters,
-- summed in SQL from the closed form (Fader, Hardie & Lee 2005, eq. 6; the
-- gamma-function ratios of integer x expanded as products).
WITH m AS (
	SELECT crm.model_param(model, 'r') r, crm.model_param(model, 'alpha') al,
		   crm.model_param(model, 'a') a, crm.model_param(model, 'b') b, crm.model_param(model, 'loglik') ll
	FROM clv_models WHERE name = 'bgnbd'
), per AS (
	SELECT s.x, s.t_x, s.age, m.*,
		   (SELECT coalesce(sum(ln(m.r + k) + ln(m.b + k) - ln(m.a + m.b + k)), 0)
			FROM generate_series(0, s.x::int - 1) k) AS lg
	FROM clv_sim s, m
)
SELECT abs(sum(lg + r * ln(al)
			   + ln(exp(-(r + x) * ln(al + age))
					+ CASE WHEN x > 0 THEN exp(ln(a) - ln(b + x - 1) - (r + x) * ln(al + t_x)) ELSE 0 END))
		   / min(ll) - 1) < 1e-9 AS loglik_matches_closed_form
FROM per;

-- Text form round-trips exactly (shortest decimals), and reads back by hand.
SELECT model::text::crm.clv_model::text = model::text AS text_roundtrip,
	   crm.model_param(model::text::crm.clv_model, 'alpha') = crm.model_param(model, 'alpha') AS alpha_bits_equal,
	   crm.model_params(model::text::crm.clv_model) = crm.model_params(model) AS jsonb_equal
FROM clv_models WHERE name = 'bgnbd';
SELECT 'bgnbd(unit=week, r=0.243, alpha=4.414, a=0.793, b=2.426)'::crm.clv_model;
SELECT crm.clv_model('pnbd', ARRAY[0.553, 10.578, 0.606, 11.669], 'week');
SELECT crm.model_params('gg(p=6.25, q=3.74, gamma=15.44, n=946)');
-- Binary form round-trips (COPY BINARY uses crm.clv_model_send / _recv).
COPY clv_models TO '/tmp/crm_regress_clv_models.bin' (FORMAT binary);
CREATE TEMP TABLE clv_models_back (LIKE clv_models);
COPY clv_models_back FROM '/tmp/crm_regress_clv_models.bin' (FORMAT binary);
SELECT count(*) AS models, bool_and(b.model::text = m.model::text) AS binary_roundtrip
FROM clv_models m JOIN clv_models_back b USING (name);

-- Parallel = serial: a forced parallel plan (partial states combined) gives the identical model.
ANALYZE clv_sim;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT crm.fit_bgnbd(x, t_x, age, 'week')::text FROM clv_sim;
CREATE TEMP TABLE clv_par AS SELECT crm.fit_bgnbd(x, t_x, age, 'week') AS model FROM clv_sim;
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather; RESET parallel_leader_participation;
SELECT p.model::text = m.model::text AS parallel_equals_serial
FROM clv_par p, clv_models m WHERE m.name = 'bgnbd';

-- Pattern compression: k copies of every customer give the same parameters, k
-- times the log-likelihood and k times the customers (the objective is -LL / n).
-- With 350 copies (1,050,000 rows) the transition state passes 2^20 buffered
-- rows, from where it merges identical patterns before it grows.
SELECT k.copies,
	   abs(crm.model_param(q.d, 'r') / crm.model_param(m.model, 'r') - 1) < 1e-6 AS r_same,
	   abs(crm.model_param(q.d, 'b') / crm.model_param(m.model, 'b') - 1) < 1e-6 AS b_same,
	   abs(crm.model_param(q.d, 'loglik') / crm.model_param(m.model, 'loglik') - k.copies) < k.loglik_tol AS loglik_times_copies,
	   crm.model_param(q.d, 'n') AS n
FROM (VALUES (2, 1e-9), (350, 1e-6)) k(copies, loglik_tol)
CROSS JOIN LATERAL (SELECT crm.fit_bgnbd(x, t_x, age, 'week') AS d FROM clv_sim, generate_series(1, k.copies)) q,
	 clv_models m
WHERE m.name = 'bgnbd'
ORDER BY k.copies;

-- Aggregates over the same arguments share one transition state: the first
-- final function compresses it in place, the second still sees every customer.
SELECT s.b::text = m.model::text AS bgnbd_same,
	   s.p::text = (SELECT crm.fit_pnbd(x, t_x, age, 'week') FROM clv_sim)::text AS pnbd_same
FROM (SELECT crm.fit_bgnbd(x, t_x, age, 'week') AS b, crm.fit_pnbd(x, t_x, age, 'week') AS p
	  FROM clv_sim) s, clv_models m
WHERE m.name = 'bgnbd';

-- One state per group under hashed grouping: each group's model equals the
-- model fitted to that group's rows alone.
SET enable_sort = off;
SELECT count(*) AS groups,
	   bool_and(g.model::text = (SELECT crm.fit_bgnbd(x, t_x, age, 'week') FROM clv_sim s
								 WHERE s.id % 3 = g.k)::text) AS per_group_same
FROM (SELECT id % 3 AS k, crm.fit_bgnbd(x, t_x, age, 'week') AS model FROM clv_sim GROUP BY 1) g;
RESET enable_sort;

-- Penalizer: a lower likelihood and a smaller penalized norm (parameters in units
-- where mean T = 1, so alpha / mean T) than the unpenalized optimum, as L2 shrinkage must.
WITH f AS (
	SELECT crm.fit_bgnbd(x, t_x, age, 'week') AS m0, crm.fit_bgnbd(x, t_x, age, 'week', 0.05) AS m1,
		   avg(age) AS mean_t
	FROM clv_sim
), norms AS (
	SELECT crm.model_param(m0, 'loglik') AS ll0, crm.model_param(m1, 'loglik') AS ll1,
		   crm.model_param(m0, 'r') ^ 2 + (crm.model_param(m0, 'alpha') / mean_t) ^ 2
		   + crm.model_param(m0, 'a') ^ 2 + crm.model_param(m0, 'b') ^ 2 AS norm0,
		   crm.model_param(m1, 'r') ^ 2 + (crm.model_param(m1, 'alpha') / mean_t) ^ 2
		   + crm.model_param(m1, 'a') ^ 2 + crm.model_param(m1, 'b') ^ 2 AS norm1,
		   (crm.model_params(m1) ->> 'penalizer')::float8 AS penalizer
	FROM f
)
SELECT ll1 < ll0 AS penalized_loglik_lower, norm1 < norm0 AS penalized_norm_smaller, penalizer FROM norms;

-- MBG/NBD and Pareto/NBD fit the same rows (kinds stored; converged).
INSERT INTO clv_models
SELECT 'mbgnbd', crm.fit_mbgnbd(x, t_x, age, 'week') FROM clv_sim
UNION ALL SELECT 'pnbd', crm.fit_pnbd(x, t_x, age, 'week') FROM clv_sim;
SELECT name, crm.model_kind(model), (crm.model_params(model) ->> 'converged')::bool AS converged,
	   crm.model_param(model, 'n') AS n
FROM clv_models ORDER BY name;

-- Gamma-Gamma simulated from p = 6, q = 4, gamma = 15: nu ~ Gamma(q, gamma), the
-- mean of x amounts ~ Gamma(p x, nu x); integer shapes drawn as sums of exponentials.
CREATE TEMP TABLE clv_spend AS
WITH c AS MATERIALIZED (
	SELECT i AS id, 1 + floor(random() * 8)::int AS x,
		   (-ln(1 - random()) - ln(1 - random()) - ln(1 - random()) - ln(1 - random())) / 15 AS nu
	FROM generate_series(1, 2000) i
)
SELECT c.id, c.x::float8 AS x,
	   (SELECT sum(-ln(1 - random())) FROM generate_series(1, 6 * c.x) WHERE c.id > 0) / (c.nu * c.x) AS m
FROM c;
INSERT INTO clv_models SELECT 'gg', crm.fit_gamma_gamma(x, m) FROM clv_spend;
SELECT crm.model_unit(model),
	   abs(crm.model_param(model, 'p') - 6) < 4 * crm.model_param(model, 'se_p') AS p_ok,
	   abs(crm.model_param(model, 'q') - 4) < 4 * crm.model_param(model, 'se_q') AS q_ok,
	   abs(crm.model_param(model, 'gamma') - 15) < 4 * crm.model_param(model, 'se_gamma') AS gamma_ok,
	   crm.model_param(model, 'n') AS n
FROM clv_models WHERE name = 'gg';
-- Rows with x = 0 carry no spend information and are skipped.
SELECT crm.fit_gamma_gamma(x, m)::text = (SELECT model::text FROM clv_models WHERE name = 'gg') AS zero_rows_skipped
FROM (SELECT x, m FROM clv_spend UNION ALL SELECT 0, 0 FROM generate_series(1, 100)) q;

-- sBG: the published cohorts of Fader & Hardie (2007), "How to project customer retention":
-- regular alpha = 0.704, beta = 1.182; high end alpha = 0.668, beta = 3.806.
SELECT round(crm.model_param(m, 'alpha')::numeric, 3) AS alpha, round(crm.model_param(m, 'beta')::numeric, 3) AS beta,
	   crm.model_unit(m)
FROM (VALUES (crm.fit_sbg(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241], 'year')),
			 (crm.fit_sbg(ARRAY[1000, 869, 743, 653, 593, 551, 517, 491], 'year'))) v(m);
-- The (period, alive) aggregate, rows in any order, gives the same model.
SELECT crm.fit_sbg(period, alive, 'year')::text = crm.fit_sbg(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241], 'year')::text
	   AS aggregate_equals_array
FROM (VALUES (3, 382), (0, 1000), (1, 631), (2, 468), (7, 241), (4, 326), (5, 289), (6, 262)) v(period, alive);

-- Degenerate data: clear errors with the core's diagnosis.
\set VERBOSITY default
SELECT crm.fit_bgnbd(x, t_x, age, 'week') FROM clv_sim WHERE false;
SELECT crm.fit_bgnbd(0, 0, age, 'week') FROM clv_sim;
SELECT crm.fit_bgnbd(3, 20, 30, 'week') FROM generate_series(1, 500);
SELECT crm.fit_bgnbd(1 + i % 10, 30, 30, 'week') FROM generate_series(1, 1000) i;
SELECT crm.fit_pnbd(1 + i % 10, 30, 30, 'week') FROM generate_series(1, 1000) i;
SELECT crm.fit_gamma_gamma(x, 0) FROM (VALUES (0), (0)) v(x);
SELECT crm.fit_gamma_gamma(2, 10) FROM generate_series(1, 500);
SELECT crm.fit_sbg(ARRAY[1000, 1000, 1000], 'year');
\set VERBOSITY terse

-- A (0, 0, 0) row (first purchase exactly at as_of) has likelihood 1 and is skipped
SELECT crm.fit_bgnbd(x, t_x, age, 'week')::text = (SELECT crm.fit_bgnbd(x, t_x, age, 'week')::text FROM clv_sim) AS zero_age_row_skipped
FROM (SELECT x, t_x, age FROM clv_sim UNION ALL SELECT 0, 0, 0) q;

-- Bad input: the value and the allowed range are named.
SELECT crm.fit_bgnbd(x, t_x, age, 'fortnight') FROM clv_sim;
SELECT crm.fit_bgnbd(x, t_x, age, NULL) FROM clv_sim;
SELECT crm.fit_bgnbd(x, t_x, age, 'week', -1) FROM clv_sim;
SELECT crm.fit_bgnbd(x, t_x, age, 'week', id % 2) FROM clv_sim;
SELECT crm.fit_bgnbd(2, 5, 4, 'week');
SELECT crm.fit_bgnbd(-1, 0, 4, 'week');
SELECT crm.fit_bgnbd(1, 0, 0, 'week');
SELECT crm.fit_pnbd('NaN', 0, 4, 'week');
SELECT crm.fit_gamma_gamma(2, -5);
SELECT crm.fit_gamma_gamma(1.5, 5);
SELECT crm.fit_sbg(ARRAY[1000], 'year');
SELECT crm.fit_sbg(p, a, 'year') FROM (VALUES (0, 1000), (2, 500)) v(p, a);
SELECT crm.fit_sbg(p, a, 'year') FROM (VALUES (0, 1000), (1, 600), (1, 500)) v(p, a);
\set VERBOSITY default
SELECT 'bgnbd(unit=week, r=0.243, alpha=4.414, a=0.793)'::crm.clv_model;
SELECT 'bgnbd(unit=week, r=-0.243, alpha=4.414, a=0.793, b=2.4)'::crm.clv_model;
SELECT 'bgnbd(unit=week, r=0.243, alpha=4.414, a=0.793, b=2.4, color=blue)'::crm.clv_model;
SELECT 'bgnbd(unit=fortnight, r=0.243, alpha=4.414, a=0.793, b=2.4)'::crm.clv_model;
SELECT 'bgnbd(unit=week, r=NaN, alpha=4.414, a=0.793, b=2.4)'::crm.clv_model;
SELECT 'lognormal(unit=week, mu=1)'::crm.clv_model;
SELECT crm.clv_model('bgnbd', ARRAY[1, 2, 3], 'week');
SELECT crm.model_param('gg(p=6.25, q=3.74, gamma=15.44)', 'r');
\set VERBOSITY default

DROP TABLE clv_sim;
DROP TABLE clv_models;
