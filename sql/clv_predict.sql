-- Predictions from crm.clv_model, checked against independent truth: closed
-- forms evaluated in SQL, and reference values computed with mpmath at 30
-- digits (the script is at the end of this file). Models are the published
-- CDNOW fits (weeks): BG/NBD r=0.243 alpha=4.414 a=0.793 b=2.426; Pareto/NBD
-- r=0.553 alpha=10.578 s=0.606 beta=11.669; Gamma-Gamma p=6.25 q=3.74 gamma=15.44.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS crm;
RESET client_min_messages;
CREATE TEMP TABLE m AS
SELECT 'bgnbd(unit=week, r=0.243, alpha=4.414, a=0.793, b=2.426)'::crm.clv_model AS bg,
	   'mbgnbd(unit=week, r=0.243, alpha=4.414, a=0.793, b=2.426)'::crm.clv_model AS mbg,
	   'pnbd(unit=week, r=0.553, alpha=10.578, s=0.606, beta=11.669)'::crm.clv_model AS pn,
	   'gg(p=6.25, q=3.74, gamma=15.44)'::crm.clv_model AS gg,
	   crm.clv_model('sbg', ARRAY[0.704, 1.182], 'year') AS sbg;

-- BG/NBD. The Fader, Hardie & Lee (2005) example customer: x = 2, t_x = 30.43, T = 38.86 weeks;
-- E[Y(39)] = 1.226 is published; the rest is mpmath.
SELECT abs(crm.conditional_expected_purchases(bg, 39, 2, 30.43, 38.86) - 1.22602817476714444629) < 1e-9 AS cond_ok,
	   round(crm.conditional_expected_purchases(bg, 39, 2, 30.43, 38.86)::numeric, 3) AS published_1_226,
	   abs(crm.p_alive(bg, 2, 30.43, 38.86) - 0.72657857008067291068) < 1e-12 AS p_alive_ok,
	   crm.p_alive(bg, 0, 0, 38.86) = 1 AS p_alive_no_repeat_is_1,
	   abs(crm.expected_purchases(bg, 39) - 1.19672319332081684186) < 1e-9 AS ex39_ok,
	   abs(crm.expected_purchases(bg, 78) - 1.86051905794276853630) < 1e-9 AS ex78_ok,
	   abs(crm.prob_purchases(bg, 0, 39) - 0.57378635209600940507) < 1e-9 AS p0_ok,
	   abs(crm.prob_purchases(bg, 1, 39) - 0.19939528083591145644) < 1e-9 AS p1_ok,
	   abs(crm.prob_purchases(bg, 5, 39) - 0.01796549386657904351) < 1e-9 AS p5_ok
FROM m;
-- P(X(t) = n) is a distribution whose mean is E[X(t)] (all three kinds).
SELECT k, abs(sum(pr) - 1) < 1e-8 AS sums_to_1, abs(sum(n * pr) / min(ex) - 1) < 1e-6 AS mean_is_expected
FROM (SELECT k, n, crm.prob_purchases(model, n, 39) AS pr, crm.expected_purchases(model, 39) AS ex
	  FROM m, LATERAL (VALUES ('bgnbd', m.bg), ('mbgnbd', m.mbg), ('pnbd', m.pn)) v(k, model), generate_series(0, 400) n) q
GROUP BY k ORDER BY k;
-- MBG/NBD P(alive) closed form (Batislam et al. 2007): 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), x = 0 included.
SELECT bool_and(abs(crm.p_alive(mbg, x, t_x, age)
					- 1 / (1 + 0.793 / (2.426 + x) * ((4.414 + age) / (4.414 + t_x)) ^ (0.243 + x))) < 1e-12) AS mbg_p_alive_ok
FROM m, (VALUES (0, 0, 38.86), (2, 30.43, 38.86), (10, 5, 50), (1, 1, 1)) v(x, t_x, age);

-- Pareto/NBD against 2-D numerical integration over (lambda, mu) in mpmath.
SELECT abs(crm.p_alive(pn, 2, 30.43, 38.86) - 0.86916755915301119160) < 1e-9 AS p_alive_ok,
	   abs(crm.p_alive(pn, 0, 0, 38.86) - 0.29528660461689414961) < 1e-9 AS p_alive_x0_ok,
	   abs(crm.conditional_expected_purchases(pn, 39, 2, 30.43, 38.86) - 1.45512319325760242247) < 1e-8 AS cond_ok,
	   abs(crm.expected_purchases(pn, 39) - 1.21300284428101573295) < 1e-9 AS ex39_ok,
	   -- DERT at 15% a year: continuous weekly rate ln(1.15) * 7 / 365.25
	   abs(crm.dert(pn, 2, 30.43, 38.86, 0.15) - 6.51527154447313046859) < 1e-7 AS dert_ok
FROM m;
-- alpha = beta (the 2F1 form degenerates): mpmath reference.
SELECT abs(crm.p_alive('pnbd(unit=week, r=0.553, alpha=10.578, s=0.606, beta=10.578)', 2, 30.43, 38.86)
		   - 0.86622621471877675223) < 1e-9 AS p_alive_alpha_eq_beta_ok;
-- s = 1: E[X(t)] = r beta / alpha ln((beta + t) / beta) (the limit of the s != 1 form).
SELECT abs(crm.expected_purchases('pnbd(unit=week, r=0.553, alpha=10.578, s=1, beta=11.669)', 39)
		   - 0.553 * 11.669 / 10.578 * ln((11.669 + 39) / 11.669)) < 1e-10 AS ex_s_eq_1_ok;

-- Near-singular and extreme inputs give finite, sane answers.
-- BG/NBD at a = 1 (removable singularity): between the values at a = 1 -+ 1e-6 (mpmath).
SELECT abs(crm.expected_purchases('bgnbd(unit=week, r=0.243, alpha=4.414, a=1, b=2.426)', 39)
		   - (1.08427853536540658336 + 1.08427948581821482937) / 2) < 1e-6 AS a_eq_1_ok;
-- x = 1e5 bought until T: alive, about 10 weeks x (r + x) / (alpha + T) ~ 1.5e4-1.8e4 purchases ahead;
-- x = 1e5 then silent: dead. Every value finite, P(alive) in [0, 1].
SELECT kind, bool_and(p >= 0 AND p <= 1) AS p_alive_in_0_1,
	   bool_and(e >= 0 AND e < 'Infinity') AS expected_finite,
	   bool_and(e BETWEEN 1.4e4 AND 1.8e4) FILTER (WHERE x = 1e5 AND t_x = age) AS heavy_buyer_plausible,
	   bool_and(p < 1e-6) FILTER (WHERE x = 1e5 AND t_x < age) AS silent_heavy_buyer_dead
FROM (SELECT kind, x, t_x, age, crm.p_alive(model, x, t_x, age) AS p,
			 crm.conditional_expected_purchases(model, 10, x, t_x, age) AS e
	  FROM m, LATERAL (VALUES ('bgnbd', m.bg), ('mbgnbd', m.mbg), ('pnbd', m.pn),
							  ('bgnbd a=1', 'bgnbd(unit=week, r=0.243, alpha=4.414, a=1, b=2.426)'::crm.clv_model),
							  ('pnbd s=1', 'pnbd(unit=week, r=0.553, alpha=10.578, s=1, beta=11.669)'::crm.clv_model),
							  ('pnbd alpha=beta', 'pnbd(unit=week, r=0.553, alpha=10.578, s=0.606, beta=10.578)'::crm.clv_model)) v(kind, model),
		   (VALUES (1e5, 50, 52), (1e5, 1, 52), (1e5, 52, 52), (0, 0, 1e-3), (3, 0.5, 1e4)) c(x, t_x, age)) q
GROUP BY kind ORDER BY kind;

-- Gamma-Gamma expected spend: (p (gamma + x m)) / (p x + q - 1); x = 0 is the population mean.
SELECT bool_and(abs(crm.expected_spend(gg, x, mon) - 6.25 * (15.44 + x * mon) / (6.25 * x + 3.74 - 1)) < 1e-9) AS spend_ok,
	   bool_and(abs(crm.expected_spend(gg, 0, 0) - 6.25 * 15.44 / 2.74) < 1e-9) AS population_mean_ok
FROM m, (VALUES (1, 10), (2, 35.5), (10, 100), (1e5, 20)) v(x, mon);

-- CLV: monthly steps over the horizon, discounted at the annual rate, equals the sum
-- of monthly expected purchases times expected spend (summed here in SQL).
WITH c AS (
	SELECT v.*, crm.expected_spend(m.gg, v.x, v.mon) AS spend,
		   crm.clv(m.bg, m.gg, v.x, v.t_x, v.age, v.mon, '12 months', 0.10) AS clv,
		   crm.clv(m.bg, m.gg, v.x, v.t_x, v.age, v.mon, '12 months', 0) AS clv_undiscounted,
		   (SELECT sum((crm.conditional_expected_purchases(m.bg, k * 30.4375 / 7, v.x, v.t_x, v.age)
						- crm.conditional_expected_purchases(m.bg, (k - 1) * 30.4375 / 7, v.x, v.t_x, v.age))
					   / (1.10 ^ (k * 30.4375 / 365.25)))
			FROM generate_series(1, 12) k) AS discounted_purchases,
		   crm.conditional_expected_purchases(m.bg, 365.25 / 7, v.x, v.t_x, v.age) AS purchases
	FROM m, (VALUES (2, 30.43, 38.86, 40.0), (0, 0, 20, 0), (7, 35, 39, 55)) v(x, t_x, age, mon)
)
SELECT x, abs(clv / (discounted_purchases * spend) - 1) < 1e-9 AS clv_ok,
	   abs(clv_undiscounted / (purchases * spend) - 1) < 1e-9 AS undiscounted_ok,
	   clv < clv_undiscounted AS discounting_lowers
FROM c ORDER BY x;
-- Pareto/NBD as the transaction model, and a horizon not a whole number of months.
SELECT crm.clv(pn, gg, 2, 30.43, 38.86, 40, '1 year 10 days', 0.1) > crm.clv(pn, gg, 2, 30.43, 38.86, 40, '1 year', 0.1) AS longer_is_more
FROM m;

-- sBG: S(t) = prod_{i=1..t} (beta + i - 1) / (alpha + beta + i - 1); r(t) = (beta + t - 1) / (alpha + beta + t - 1);
-- DERL after n renewals, d per period: sum_{k>=0} S(n + 1 + k) / S(n) / (1 + d)^k (summed here to 3000 terms).
WITH s AS (
	SELECT t, exp(sum(ln((1.182 + t - 1) / (0.704 + 1.182 + t - 1))) OVER (ORDER BY t)) AS surv
	FROM generate_series(1, 3100) t
), r AS (
	SELECT bool_and(abs(crm.sbg_survival(m.sbg, t) - surv) < 1e-12) FILTER (WHERE t <= 20) AS survival_ok,
		   bool_and(abs(crm.sbg_retention(m.sbg, t) - (1.182 + t - 1) / (0.704 + 1.182 + t - 1)) < 1e-12)
			   FILTER (WHERE t <= 20) AS retention_ok,
		   sum(surv / 1.10 ^ (t - 4)) FILTER (WHERE t >= 4) / min(surv) FILTER (WHERE t = 3) AS derl_sql
	FROM m, s
)
SELECT survival_ok, retention_ok, abs(crm.sbg_derl(m.sbg, 3, 0.10) - derl_sql) < 1e-6 AS derl_ok,
	   crm.sbg_survival(m.sbg, 0) = 1 AS survival_at_0_is_1
FROM m, r;

-- Errors: wrong model kind, invalid inputs (the value is named).
\set VERBOSITY terse
SELECT crm.p_alive(gg, 1, 1, 2) FROM m;
SELECT crm.expected_spend(bg, 1, 10) FROM m;
SELECT crm.dert(bg, 1, 1, 2, 0.1) FROM m;
SELECT crm.sbg_survival(pn, 1) FROM m;
SELECT crm.clv(bg, bg, 1, 1, 2, 10, '1 year', 0.1) FROM m;
SELECT crm.p_alive(bg, -1, 1, 2) FROM m;
SELECT crm.p_alive(bg, 1, 3, 2) FROM m;
SELECT crm.p_alive(bg, 1, 0, 0) FROM m;
SELECT crm.p_alive(pn, 'NaN', 1, 2) FROM m;
SELECT crm.conditional_expected_purchases(bg, -1, 1, 1, 2) FROM m;
SELECT crm.expected_purchases(pn, 'Infinity') FROM m;
SELECT crm.prob_purchases(bg, -1, 10) FROM m;
SELECT crm.expected_spend(gg, 1, -5) FROM m;
SELECT crm.clv(bg, gg, 1, 1, 2, 10, '-1 year', 0.1) FROM m;
SELECT crm.clv(bg, gg, 1, 1, 2, 10, '1 year', -0.1) FROM m;
SELECT crm.dert(pn, 1, 1, 2, 0) FROM m;
SELECT crm.sbg_retention(sbg, 0) FROM m;
SELECT crm.sbg_derl(sbg, -1, 0.1) FROM m;
\set VERBOSITY default

/*
 * Reference values: python3 with python3-mpmath (mp.dps = 30).
 *
 * from mpmath import mp, mpf, hyp2f1, gamma, beta, quad, exp, log, inf, factorial
 * mp.dps = 30
 * def bg_ex(r, al, a, b, t):
 *     return (a+b-1)/(a-1) * (1 - (al/(al+t))**r * hyp2f1(r, b, a+b-1, t/(al+t)))
 * def bg_cond(r, al, a, b, t, x, tx, T):
 *     num = (a+b+x-1)/(a-1) * (1 - ((al+T)/(al+T+t))**(r+x) * hyp2f1(r+x, b+x, a+b+x-1, t/(al+T+t)))
 *     return num / (1 + (a/(b+x-1) * ((al+T)/(al+tx))**(r+x) if x > 0 else 0))
 * def bg_palive(r, al, a, b, x, tx, T):
 *     return 1/(1 + a/(b+x-1) * ((al+T)/(al+tx))**(r+x)) if x > 0 else mpf(1)
 * def bg_pn(r, al, a, b, n, t):   # FHL 2005 eq. 8
 *     p = beta(a, b+n)/beta(a, b) * gamma(r+n)/(gamma(r)*factorial(n)) * (al/(al+t))**r * (t/(al+t))**n
 *     if n > 0:
 *         s = sum(gamma(r+j)/(gamma(r)*factorial(j)) * (t/(al+t))**j for j in range(n))
 *         p += beta(a+1, b+n-1)/beta(a, b) * (1 - (al/(al+t))**r * s)
 *     return p
 * def pn_parts(r, al, s, be, x, tx, T):   # Pareto/NBD: integrate over lambda ~ Gamma(r, al), mu ~ Gamma(s, be)
 *     g = lambda lam: lam**(r-1)*exp(-al*lam)*al**r/gamma(r)
 *     h = lambda mu: mu**(s-1)*exp(-be*mu)*be**s/gamma(s)
 *     alive = quad(lambda lam: lam**x*exp(-lam*T)*g(lam), [0, inf]) * quad(lambda mu: exp(-mu*T)*h(mu), [0, inf])
 *     dead = quad(lambda lam, mu: lam**x * mu/(lam+mu) * (exp(-(lam+mu)*tx) - exp(-(lam+mu)*T)) * g(lam)*h(mu),
 *                 [0, 1, inf], [0, 1, inf])
 *     return alive, dead
 * def pn_palive(*a): al_, d = pn_parts(*a); return al_/(al_+d)
 * def pn_cond(r, al, s, be, t, x, tx, T):   # alive: lambda ~ Gamma(r+x, al+T), mu ~ Gamma(s, be+T)
 *     return pn_palive(r, al, s, be, x, tx, T) * (r+x)/(al+T) * quad(lambda u: ((be+T)/(be+T+u))**s, [0, t])
 * def pn_dert(r, al, s, be, delta, x, tx, T):
 *     return pn_palive(r, al, s, be, x, tx, T) * (r+x)/(al+T) * quad(lambda u: exp(-delta*u)*((be+T)/(be+T+u))**s, [0, inf])
 * bg = (0.243, 4.414, 0.793, 2.426); pn = (0.553, 10.578, 0.606, 11.669)  (as mpf)
 * bg_ex(*bg, 39), bg_ex(*bg, 78), bg_cond(*bg, 39, 2, 30.43, 38.86), bg_palive(*bg, 2, 30.43, 38.86),
 * bg_pn(*bg, n, 39) for n = 0, 1, 5; bg_ex with a = 1 -+ 1e-6;
 * pn_palive(*pn, 2, 30.43, 38.86), pn_palive(*pn, 0, 0, 38.86), pn_cond(*pn, 39, 2, 30.43, 38.86),
 * r beta / (alpha (s-1)) (1 - (beta/(beta+39))^(s-1)), pn_dert(*pn, log(1.15)*7/365.25, 2, 30.43, 38.86),
 * pn_palive with beta = alpha = 10.578.
 */
