/*-------------------------------------------------------------------------
 *
 * test_bgnbd.c
 *	  Unit tests of BG/NBD and MBG/NBD: likelihood values against mpmath,
 *	  analytic gradients against finite differences, predictions against
 *	  mpmath (including the removable singularity at a = 1), P(X(t) = n)
 *	  consistency, simulation checks, simulate-then-recover and CDNOW.
 *
 * Reference values: mpmath at 100 digits from the textbook formulas
 * (Fader, Hardie & Lee 2005 eqs. 6 and 10; lifetimes' MBG/NBD), e.g.
 *	  LL = lgamma(r+x) - lgamma(r) + r log(alpha) + lgamma(a+b) + lgamma(b+x+m)
 *		   - lgamma(b) - lgamma(a+b+x+m) + log((alpha+T)^-(r+x)
 *		   + [x+m>0] a/(b+x+m-1) (alpha+tx)^-(r+x))
 *	  E[Y(t)|..] = (a+b+x+m-1)/(a-1) (1 - ((alpha+T)/(alpha+T+t))^(r+x)
 *		   hyp2f1(r+x, b+x+m, a+b+x+m-1, t/(alpha+T+t))) / (1 + [x+m>0] a/(b+x+m-1)
 *		   ((alpha+T)/(alpha+tx))^(r+x)), at a = 1 evaluated at a = 1 + 1e-50.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btyd.h"
#include "rng.h"
#include "unit.h"
#include "cdnow.h"

static const double cdnow_par[4] = {0.243, 4.414, 0.793, 2.426};

/* Large-simulation size, smaller under valgrind. */
static int
SimSize(int full)
{
	const char *q = getenv("CRM_UNIT_QUICK");
	const char *pre = getenv("LD_PRELOAD");

	/* CRM_UNIT_QUICK=1, or running under valgrind (its preload library) */
	if ((q && *q && *q != '0') || (pre && strstr(pre, "vgpreload")))
		return full / 10;
	return full;
}

/* Checks the analytic gradient of a loglik against central differences. */
static void
CheckGradient(int modified, const double par[4], double x, double tx, double T)
{
	double		g[4],
				ll;
	int			i;

	ll = modified ? crm_mbgnbd_loglik(par, x, tx, T, g) : crm_bgnbd_loglik(par, x, tx, T, g);
	CHECK_FINITE(ll);
	for (i = 0; i < 4; i++)
	{
		double		pp[4],
					pm[4],
					h = 1e-6 * par[i],
					fd;

		memcpy(pp, par, sizeof(pp));
		memcpy(pm, par, sizeof(pm));
		pp[i] += h;
		pm[i] -= h;
		fd = modified ?
			(crm_mbgnbd_loglik(pp, x, tx, T, NULL) - crm_mbgnbd_loglik(pm, x, tx, T, NULL)) / (2 * h) :
			(crm_bgnbd_loglik(pp, x, tx, T, NULL) - crm_bgnbd_loglik(pm, x, tx, T, NULL)) / (2 * h);
		/* rounding of ll (up to ~1e5 at x = 1e5) limits the difference's precision */
		CHECK_CLOSE(g[i], fd, 1e-6, 1e-9 * (1.0 + fabs(ll)) / h);
	}
}

/* Likelihood values against mpmath, and gradients against differences. */
static void
TestLoglik(void)
{
	static const double pts[][4] = {
		{0.243, 4.414, 0.793, 2.426},
		{0.243, 4.414, 1.0 + 1e-9, 2.426},
		{5.0, 0.01, 0.05, 30.0},
		{0.01, 300.0, 8.0, 0.2},
		{1e-3, 1e-3, 1e3, 1e3}
	};
	static const double cust[][3] = {
		{2, 30.43, 38.86}, {0, 0, 38.86}, {1, 0, 5}, {7, 7, 7}, {100000, 9000, 10000}, {1, 0.5, 1e4}
	};
	size_t		i,
				j;

	CHECK_CLOSE(crm_bgnbd_loglik(cdnow_par, 2, 30.43, 38.86, NULL), -9.4586063070662712312, 1e-12, 0);
	CHECK_CLOSE(crm_bgnbd_loglik(cdnow_par, 0, 0, 38.86, NULL), -0.55471327643815844845, 1e-12, 0);
	CHECK_CLOSE(crm_bgnbd_loglik(cdnow_par, 100000, 9000, 10000, NULL), 140720.1144897467898, 1e-12, 0);
	CHECK_CLOSE(crm_mbgnbd_loglik(cdnow_par, 2, 30.43, 38.86, NULL), -9.6871826362499614147, 1e-12, 0);
	CHECK_CLOSE(crm_mbgnbd_loglik(cdnow_par, 0, 0, 38.86, NULL), -0.38695222057085345065, 1e-12, 0);
	for (i = 0; i < sizeof(pts) / sizeof(pts[0]); i++)
		for (j = 0; j < sizeof(cust) / sizeof(cust[0]); j++)
		{
			CheckGradient(0, pts[i], cust[j][0], cust[j][1], cust[j][2]);
			CheckGradient(1, pts[i], cust[j][0], cust[j][1], cust[j][2]);
		}
}

/* Summed likelihoods (raw and prepared) equal the sum of per-customer ones. */
static void
TestSums(void)
{
	crm_rfm_pattern p[400];
	crm_rfm_prep prep;
	crm_rng		rng;
	double		g1[4],
				g2[4],
				g3[4],
				gi[4],
				s1 = 0,
				s2 = 0,
				want = 0,
				wantm = 0,
				wg[4] = {0, 0, 0, 0},
				gm[4];
	size_t		n,
				i;
	int			k;

	crm_rng_seed(&rng, 7);
	for (i = 0; i < 400; i++)
	{
		double		x,
					tx;

		/* coarse times so that patterns repeat */
		crm_simulate_rfm(CRM_BGNBD, cdnow_par, 20.0 + (double) (i % 5), &rng, &x, &tx);
		p[i].x = x;
		p[i].tx = floor(tx);
		p[i].T = 20.0 + (double) (i % 5);
		p[i].n = 1.0 + (double) (i % 3);
		want += p[i].n * crm_bgnbd_loglik(cdnow_par, p[i].x, p[i].tx, p[i].T, gi);
		wantm += p[i].n * crm_mbgnbd_loglik(cdnow_par, p[i].x, p[i].tx, p[i].T, NULL);
		for (k = 0; k < 4; k++)
			wg[k] += p[i].n * gi[k];
	}
	n = crm_compress_rfm(p, 400);
	CHECK(n < 400);
	for (i = 0; i < n; i++)
	{
		s1 += p[i].n;
		if (i > 0)
			CHECK(p[i - 1].x < p[i].x || (p[i - 1].x == p[i].x && (p[i - 1].tx < p[i].tx ||
					(p[i - 1].tx == p[i].tx && p[i - 1].T < p[i].T))));
	}
	for (i = 0; i < 400; i++)
		s2 += 1.0 + (double) (i % 3);
	CHECK_CLOSE(s1, s2, 0, 0);
	CHECK_CLOSE(crm_bgnbd_loglik_sum(cdnow_par, p, n, g1), want, 1e-12, 0);
	CHECK_CLOSE(crm_mbgnbd_loglik_sum(cdnow_par, p, n, gm), wantm, 1e-12, 0);
	CHECK(crm_rfm_prep_init(&prep, p, n) == 0);
	CHECK_CLOSE(crm_bgnbd_loglik_prep(cdnow_par, 0, &prep, g2), want, 1e-12, 0);
	CHECK_CLOSE(crm_bgnbd_loglik_prep(cdnow_par, 1, &prep, g3), wantm, 1e-12, 0);
	for (k = 0; k < 4; k++)
	{
		CHECK_CLOSE(g1[k], wg[k], 1e-10, 1e-10);
		CHECK_CLOSE(g2[k], wg[k], 1e-10, 1e-10);
		CHECK_CLOSE(g3[k], gm[k], 1e-10, 1e-10);
	}
	crm_rfm_prep_free(&prep);
}

/* One conditional expectation through the public API. */
static double
Cond(crm_model_kind kind, const double *par, double t, double x, double tx, double T)
{
	double		v = NAN;
	char		msg[256];

	if (crm_conditional_expected(kind, par, t, x, tx, T, &v, msg, sizeof(msg)) != CRM_OK)
		fprintf(stderr, "conditional failed: %s\n", msg);
	return v;
}

/* Expectations against mpmath, including a at and near 1. */
static void
TestExpectations(void)
{
	static const double as[5] = {1.0, 1.0000001, 0.9996, 1.0007, 1.002};
	static const double e39[5] = {1.0842790105915187835, 1.0842789630688812909, 1.0844691478777500353,
		1.0839464951173268808, 1.0833297243788491381};
	static const double bc[5] = {1.1021367860399558136, 1.1021367314169068794, 1.1023553154272078218,
		1.101754538503080037, 1.1010452537047010481};
	static const double mc[5] = {1.2244346222743100539, 1.2244345703903460416, 1.224642188283889819,
		1.224071526801554597, 1.2233976960081929347};
	double		v;
	char		msg[256];
	int			i;

	CHECK(crm_expected_purchases(CRM_BGNBD, cdnow_par, 39, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 1.1967231933208168667, 1e-10, 0);
	CHECK(crm_expected_purchases(CRM_MBGNBD, cdnow_par, 39, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 0.99112653358404040391, 1e-10, 0);
	CHECK(crm_expected_purchases(CRM_BGNBD, cdnow_par, 1e4, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 15.067913315055177409, 1e-9, 0);
	/* Fader, Hardie & Lee's example: 1.226 */
	CHECK_CLOSE(Cond(CRM_BGNBD, cdnow_par, 39, 2, 30.43, 38.86), 1.2260281747671444631, 1e-10, 0);
	CHECK_CLOSE(Cond(CRM_MBGNBD, cdnow_par, 39, 2, 30.43, 38.86), 1.3404974284912132345, 1e-10, 0);
	CHECK_CLOSE(Cond(CRM_BGNBD, cdnow_par, 52, 200, 300, 400), 1.2370889950458410103e-21, 1e-8, 0);
	for (i = 0; i < 5; i++)
	{
		double		q[4] = {0.243, 4.414, as[i], 2.426};

		CHECK(crm_expected_purchases(CRM_BGNBD, q, 39, &v, msg, sizeof(msg)) == CRM_OK);
		CHECK_CLOSE(v, e39[i], 1e-9, 0);
		CHECK_CLOSE(Cond(CRM_BGNBD, q, 39, 2, 30.43, 38.86), bc[i], 1e-9, 0);
		CHECK_CLOSE(Cond(CRM_MBGNBD, q, 39, 2, 30.43, 38.86), mc[i], 1e-9, 0);
	}
	/* defined, finite answers at the extremes */
	{
		static const double ext[][4] = {
			{0.243, 4.414, 1.0, 2.426}, {0.243, 4.414, 1.0 - 1e-12, 2.426}, {50, 0.01, 0.01, 500},
			{1e-4, 1e3, 1e3, 1e-3}, {0.5, 2.0, 3.0, 1e5}
		};
		static const double cu[][4] = {
			{100000, 9000, 10000, 52}, {0, 0, 10000, 10000}, {1, 0, 1e4, 1e4}, {3, 1, 2, 1e-6}
		};
		size_t		a,
					b;

		for (a = 0; a < sizeof(ext) / sizeof(ext[0]); a++)
			for (b = 0; b < sizeof(cu) / sizeof(cu[0]); b++)
			{
				double		pa;

				v = Cond(CRM_BGNBD, ext[a], cu[b][3], cu[b][0], cu[b][1], cu[b][2]);
				CHECK(isfinite(v) && v >= 0);
				v = Cond(CRM_MBGNBD, ext[a], cu[b][3], cu[b][0], cu[b][1], cu[b][2]);
				CHECK(isfinite(v) && v >= 0);
				CHECK(crm_p_alive(CRM_BGNBD, ext[a], cu[b][0], cu[b][1], cu[b][2], &pa, msg, sizeof(msg)) == CRM_OK);
				CHECK(pa >= 0 && pa <= 1);
			}
	}
}

/* P(alive) closed cases. */
static void
TestPAlive(void)
{
	double		v;
	char		msg[256];
	double		r = 0.243,
				al = 4.414,
				a = 0.793,
				b = 2.426;

	/* BG/NBD: no repeat purchase means no chance to have dropped out */
	CHECK(crm_p_alive(CRM_BGNBD, cdnow_par, 0, 0, 38.86, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 1.0, 0, 0);
	/* tx = T: only the dropout coin after the last purchase matters */
	CHECK(crm_p_alive(CRM_BGNBD, cdnow_par, 3, 20, 20, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 1.0 / (1.0 + a / (b + 2.0)), 1e-14, 0);
	CHECK(crm_p_alive(CRM_MBGNBD, cdnow_par, 0, 0, 10, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 1.0 / (1.0 + a / b * pow((al + 10) / al, r)), 1e-14, 0);
	CHECK(crm_p_alive(CRM_BGNBD, cdnow_par, 2, 30.43, 38.86, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 1.0 / (1.0 + a / (b + 1.0) * pow((al + 38.86) / (al + 30.43), r + 2)), 1e-14, 0);
	/* a very active customer silent for long is almost surely gone, without underflow to NaN */
	CHECK(crm_p_alive(CRM_BGNBD, cdnow_par, 100000, 10, 10000, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK(v >= 0 && v < 1e-300);
}

/* P(X(t) = n) sums to one and its mean is E[X(t)]. */
static void
TestProbN(void)
{
	static const double pars[][4] = {
		{0.243, 4.414, 0.793, 2.426}, {2.0, 10.0, 0.5, 0.7}, {0.5, 10.0, 1.0, 3.0}
	};
	static const double ts[] = {1.0, 39.0, 200.0};
	size_t		i,
				j;
	int			m;

	for (m = 0; m < 2; m++)
		for (i = 0; i < 3; i++)
			for (j = 0; j < 3; j++)
			{
				crm_model_kind kind = m ? CRM_MBGNBD : CRM_BGNBD;
				double		sum = 0,
							mean = 0,
							e,
							pn;
				char		msg[256];
				int			n,
							ok = 1;

				for (n = 0; n < 3000; n++)
				{
					ok &= crm_prob_n_purchases(kind, pars[i], n, ts[j], &pn, msg, sizeof(msg)) == CRM_OK;
					ok &= (pn >= 0 && pn <= 1);
					sum += pn;
					mean += n * pn;
				}
				CHECK(ok);
				CHECK(crm_expected_purchases(kind, pars[i], ts[j], &e, msg, sizeof(msg)) == CRM_OK);
				CHECK_CLOSE(sum, 1.0, 1e-9, 0);
				CHECK_CLOSE(mean, e, 1e-7, 0);
			}
}

/* Draws a BG/NBD / MBG/NBD path directly; counts calibration and holdout. */
static void
SimPath(int modified, const double *par, double T, double t, crm_rng *rng,
		double *x, double *tx, double *hold)
{
	double		lambda = crm_rng_gamma(rng, par[0], par[1]);
	double		p = crm_rng_beta(rng, par[2], par[3]);
	double		s = 0;

	*x = *tx = *hold = 0;
	if (modified && crm_rng_uniform(rng) < p)
		return;
	for (;;)
	{
		s += -log(crm_rng_uniform(rng)) / lambda;
		if (s > T + t)
			return;
		if (s <= T)
		{
			*x += 1;
			*tx = s;
		}
		else
			*hold += 1;
		if (crm_rng_uniform(rng) < p)
			return;
	}
}

/* E[X(T)] and E[Y(t) | history] against simulated customers. */
static void
TestSimulation(void)
{
	int			n = SimSize(40000);
	int			m;

	for (m = 0; m < 2; m++)
	{
		crm_model_kind kind = m ? CRM_MBGNBD : CRM_BGNBD;
		static const double par[4] = {0.8, 6.0, 0.6, 2.0};
		crm_rng		rng;
		double		sx = 0,
					sxx = 0,
					sd = 0,
					sdd = 0,
					e;
		char		msg[256];
		int			i;

		crm_rng_seed(&rng, 99 + m);
		for (i = 0; i < n; i++)
		{
			double		x,
						tx,
						h,
						pred,
						d;

			SimPath(m, par, 30.0, 20.0, &rng, &x, &tx, &h);
			sx += x;
			sxx += x * x;
			pred = Cond(kind, par, 20.0, x, tx, 30.0);
			d = h - pred;
			sd += d;
			sdd += d * d;
		}
		CHECK(crm_expected_purchases(kind, par, 30.0, &e, msg, sizeof(msg)) == CRM_OK);
		/* mean within 4 standard errors */
		CHECK(fabs(sx / n - e) < 4.0 * sqrt((sxx / n - (sx / n) * (sx / n)) / n));
		CHECK(fabs(sd / n) < 4.0 * sqrt((sdd / n - (sd / n) * (sd / n)) / n));
		/* the library simulator agrees with the direct one */
		{
			double		sy = 0,
						syy = 0;
			int			ok = 1;

			for (i = 0; i < n; i++)
			{
				double		x,
							tx;

				crm_simulate_rfm(kind, par, 30.0, &rng, &x, &tx);
				ok &= (tx <= 30.0 && (x > 0 || tx == 0) && x == floor(x));
				sy += x;
				syy += x * x;
			}
			CHECK(ok);
			CHECK(fabs(sy / n - e) < 4.0 * sqrt((syy / n - (sy / n) * (sy / n)) / n));
		}
	}
}

/* Fit simulated data; each parameter within 4 SE of the truth. */
static void
TestRecover(void)
{
	static const double truth[][4] = {{0.243, 4.414, 0.793, 2.426}, {1.5, 12.0, 0.4, 3.0}};
	int			n = SimSize(30000);
	crm_rfm_pattern *p = malloc(sizeof(*p) * n);
	int			m,
				k,
				i,
				j;

	for (m = 0; m < 2; m++)
		for (k = 0; k < 2; k++)
		{
			crm_model_kind kind = m ? CRM_MBGNBD : CRM_BGNBD;
			crm_fit_result res;
			crm_rng		rng;

			crm_rng_seed(&rng, 1000 + 10 * m + k);
			for (i = 0; i < n; i++)
			{
				double		T = 30.0 + 50.0 * crm_rng_uniform(&rng);

				crm_simulate_rfm(kind, truth[k], T, &rng, &p[i].x, &p[i].tx);
				p[i].T = T;
				p[i].n = 1;
			}
			CHECK(crm_fit_rfm(kind, p, n, NULL, &res) == CRM_OK);
			CHECK(res.converged);
			CHECK_CLOSE(res.n_customers, n, 0, 0);
			for (j = 0; j < 4; j++)
			{
				CHECK(res.se[j] > 0);
				if (fabs(res.params[j] - truth[k][j]) > 4.0 * res.se[j])
					fprintf(stderr, "recover %s %s: %g vs %g (se %g)\n", crm_model_name(kind),
							crm_model_param_name(kind, j), res.params[j], truth[k][j], res.se[j]);
				CHECK(fabs(res.params[j] - truth[k][j]) <= 4.0 * res.se[j]);
			}
		}
	free(p);
}

/* CDNOW: the published BG/NBD fit. */
static void
TestCdnow(void)
{
	cdnow_data	d;
	crm_rfm_pattern *p;
	crm_fit_result res;
	size_t		i;

	if (cdnow_load(&d) != 0)
	{
		printf("bgnbd: CDNOW sample not found, skipping CDNOW checks\n");
		return;
	}
	p = malloc(sizeof(*p) * d.n);
	for (i = 0; i < (size_t) d.n; i++)
	{
		p[i].x = d.cust[i].x;
		p[i].tx = d.cust[i].tx;
		p[i].T = d.cust[i].T;
		p[i].n = 1;
	}
	CHECK(crm_fit_rfm(CRM_BGNBD, p, d.n, NULL, &res) == CRM_OK);
	CHECK(res.converged);
	CHECK_CLOSE(res.params[0], 0.243, 0, 0.0005);
	CHECK_CLOSE(res.params[1], 4.414, 0, 0.005);
	CHECK_CLOSE(res.params[2], 0.793, 0, 0.0005);
	CHECK_CLOSE(res.params[3], 2.426, 0, 0.0005);
	CHECK_CLOSE(res.loglik, -9582.4, 0, 0.05);
	CHECK_CLOSE(res.n_customers, 2357, 0, 0);
	/* the summed likelihood at the published estimates */
	CHECK_CLOSE(crm_bgnbd_loglik_sum(cdnow_par, p, d.n, NULL), -9582.4, 0, 0.1);
	free(p);
	cdnow_free(&d);
}

/* Invalid inputs are refused with a message naming the value. */
static void
TestValidation(void)
{
	double		v = 1.0;
	char		msg[256];
	double		bad[4] = {0.243, -4.0, 0.793, 2.426};
	double		nanp[4] = {0.243, 4.414, NAN, 2.426};

	CHECK(crm_conditional_expected(CRM_BGNBD, cdnow_par, 10, -1, 0, 5, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "x = -1") != NULL);
	CHECK(v == 0);
	CHECK(crm_conditional_expected(CRM_BGNBD, cdnow_par, 10, 2, 6, 5, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "tx = 6") != NULL);
	CHECK(crm_conditional_expected(CRM_BGNBD, cdnow_par, 10, 2, 0, 0, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "T = 0") != NULL);
	CHECK(crm_conditional_expected(CRM_BGNBD, cdnow_par, NAN, 2, 1, 5, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "t = nan") != NULL);
	CHECK(crm_conditional_expected(CRM_BGNBD, cdnow_par, 10, 1.5, 1, 5, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_expected_purchases(CRM_BGNBD, bad, 10, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "alpha = -4") != NULL);
	CHECK(crm_p_alive(CRM_MBGNBD, nanp, 1, 1, 2, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "a = nan") != NULL);
	CHECK(crm_prob_n_purchases(CRM_BGNBD, cdnow_par, 2.5, 10, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "n = 2.5") != NULL);
	CHECK(crm_prob_n_purchases(CRM_BGNBD, cdnow_par, -1, 10, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_expected_purchases(CRM_GG, cdnow_par, 10, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_expected_purchases((crm_model_kind) 42, cdnow_par, 10, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_check_rfm(0, 3, 5, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_check_rfm(2, 3, 5, msg, sizeof(msg)) == CRM_OK);
	CHECK(crm_check_rfm(1e5, 0, 1e4, msg, sizeof(msg)) == CRM_OK);
	CHECK(crm_check_rfm(2, 3, INFINITY, msg, sizeof(msg)) == CRM_ERR_INPUT);
}

/* CLV: undiscounted equals spend * E[Y(horizon)]; discounting by hand. */
static void
TestClv(void)
{
	double		clv,
				e1,
				e2,
				e3;
	char		msg[256];

	CHECK(crm_clv(CRM_BGNBD, cdnow_par, 20.0, 2, 30.43, 38.86, 52, 4, 0.0, &clv, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(clv, 20.0 * 1.2260281747671444631 * Cond(CRM_BGNBD, cdnow_par, 52, 2, 30.43, 38.86)
				/ Cond(CRM_BGNBD, cdnow_par, 39, 2, 30.43, 38.86), 1e-10, 0);
	/* three steps of 13, the last one partial (horizon 30) */
	e1 = Cond(CRM_BGNBD, cdnow_par, 13, 2, 30.43, 38.86);
	e2 = Cond(CRM_BGNBD, cdnow_par, 26, 2, 30.43, 38.86);
	e3 = Cond(CRM_BGNBD, cdnow_par, 30, 2, 30.43, 38.86);
	CHECK(crm_clv(CRM_MBGNBD, cdnow_par, 10.0, 2, 30.43, 38.86, 30, 13, 0.1, &clv, msg, sizeof(msg)) == CRM_OK);
	CHECK(clv > 0);
	CHECK(crm_clv(CRM_BGNBD, cdnow_par, 10.0, 2, 30.43, 38.86, 30, 13, 0.1, &clv, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(clv, 10.0 * (e1 / 1.1 + (e2 - e1) / 1.21 + (e3 - e2) / 1.331), 1e-12, 0);
	CHECK(crm_clv(CRM_BGNBD, cdnow_par, 10.0, 2, 30.43, 38.86, 30, 0, 0.1, &clv, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "step = 0") != NULL);
	CHECK(crm_clv(CRM_BGNBD, cdnow_par, 10.0, 2, 30.43, 38.86, 1e9, 1e-3, 0.1, &clv, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_clv(CRM_BGNBD, cdnow_par, -1.0, 2, 30.43, 38.86, 30, 1, 0.1, &clv, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_clv(CRM_BGNBD, cdnow_par, 1.0, 2, 30.43, 38.86, 30, 1, -0.5, &clv, msg, sizeof(msg)) == CRM_ERR_INPUT);
}

/*
 * CLV evaluates its horizons in blocks sharing one 2F1 series: it must equal
 * the discounted sum of one-at-a-time conditional expectations, for every
 * RFM kind, across the 64-horizon block boundary, for heavy buyers and for a
 * next to 1 (where the shared series is not used).
 */
static void
TestClvBlocks(void)
{
	static const double pnbd_par[4] = {0.553, 10.58, 0.606, 11.67};
	static const double near_one[4] = {0.243, 4.414, 1.0 + 1e-4, 2.426};
	static const double rfm[][3] = {{0, 0, 38.86}, {2, 30.43, 38.86}, {7, 35, 39}, {50, 70, 78},
									{1000, 77, 78}, {1e5, 77.9, 78}};
	const double *pars[4] = {cdnow_par, cdnow_par, pnbd_par, near_one};
	crm_model_kind kinds[4] = {CRM_BGNBD, CRM_MBGNBD, CRM_PNBD, CRM_BGNBD};
	size_t		i;
	int			j;
	char		msg[256];

	for (j = 0; j < 4; j++)
		for (i = 0; i < sizeof(rfm) / sizeof(rfm[0]); i++)
		{
			double		clv,
						want = 0.0,
						prev = 0.0,
						disc = 1.0;
			int			k;

			/* 130 weekly steps of 0.5: blocks of 64, 64 and 2; the last step partial */
			for (k = 1; k <= 130; k++)
			{
				double		e = Cond(kinds[j], pars[j], fmin(0.5 * k, 64.8), rfm[i][0], rfm[i][1], rfm[i][2]);

				disc /= 1.01;
				want += (e - prev) * disc;
				prev = e;
			}
			CHECK(crm_clv(kinds[j], pars[j], 3.0, rfm[i][0], rfm[i][1], rfm[i][2], 64.8, 0.5, 0.01,
						  &clv, msg, sizeof(msg)) == CRM_OK);
			CHECK_CLOSE(clv, 3.0 * want, 1e-10, 1e-300);
			CHECK_FINITE(clv);
		}
}

/* Runs the suite. */
int
main(void)
{
	TestLoglik();
	TestSums();
	TestExpectations();
	TestPAlive();
	TestProbN();
	TestSimulation();
	TestRecover();
	TestCdnow();
	TestValidation();
	TestClv();
	TestClvBlocks();
	return UNIT_DONE("bgnbd");
}
