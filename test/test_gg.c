/*-------------------------------------------------------------------------
 *
 * test_gg.c
 *	  Unit tests of the Gamma-Gamma spend model: likelihood against mpmath,
 *	  gradient against finite differences, summed likelihood, simulation
 *	  (the posterior mean spend against simulated true means),
 *	  simulate-then-recover, the published CDNOW fit, validation.
 *
 * mpmath (40 digits): LL = lgamma(px+q) - lgamma(px) - lgamma(q) + q log v
 *	  + (px-1) log m + px log x - (px+q) log(xm+v)  (lifetimes' form).
 *
 *-------------------------------------------------------------------------
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btyd.h"
#include "rng.h"
#include "unit.h"
#include "cdnow.h"

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

/* Values against mpmath; gradients against central differences. */
static void
TestLoglik(void)
{
	static const double pts[][3] = {{6.25, 3.74, 15.44}, {0.2, 1.1, 0.01}, {50.0, 80.0, 3000.0}};
	static const double cust[][2] = {{1, 10.0}, {3, 25.5}, {100000, 40.0}, {2, 1e-4}};
	double		par[3] = {6.25, 3.74, 15.44};
	size_t		i,
				j;
	int			k;

	CHECK_CLOSE(crm_gg_loglik(par, 3, 25.5, NULL), -3.6121980483206951445, 1e-12, 0);
	CHECK_CLOSE(crm_gg_loglik(par, 100000, 40.0, NULL), -4.2827048306308430664, 1e-9, 0);
	CHECK_CLOSE(crm_gg_loglik(par, 0, 0.0, NULL), 0.0, 0, 0);
	for (i = 0; i < sizeof(pts) / sizeof(pts[0]); i++)
		for (j = 0; j < sizeof(cust) / sizeof(cust[0]); j++)
		{
			double		g[3],
						ll = crm_gg_loglik(pts[i], cust[j][0], cust[j][1], g);

			CHECK_FINITE(ll);
			for (k = 0; k < 3; k++)
			{
				double		pp[3],
							pm[3],
							h = 1e-6 * pts[i][k];

				memcpy(pp, pts[i], sizeof(pp));
				memcpy(pm, pts[i], sizeof(pm));
				pp[k] += h;
				pm[k] -= h;
				CHECK_CLOSE(g[k], (crm_gg_loglik(pp, cust[j][0], cust[j][1], NULL) -
								   crm_gg_loglik(pm, cust[j][0], cust[j][1], NULL)) / (2 * h),
							1e-6, 1e-9 * (1.0 + fabs(ll)) / h);
			}
		}
	/* summed = sum of singles, after compression */
	{
		crm_spend_pattern p[6] = {{2, 10, 1}, {1, 5, 2}, {2, 10, 3}, {0, 0, 4}, {1, 7, 1}, {1, 5, 1}};
		double		want = 0,
					wg[3] = {0, 0, 0},
					g[3],
					gi[3];
		size_t		n;

		for (i = 0; i < 6; i++)
		{
			want += p[i].n * crm_gg_loglik(par, p[i].x, p[i].m, gi);
			for (k = 0; k < 3; k++)
				wg[k] += p[i].n * gi[k];
		}
		n = crm_compress_spend(p, 6);
		CHECK(n == 4);
		CHECK(p[0].x == 0 && p[1].x == 1 && p[1].m == 5 && p[1].n == 3 && p[3].n == 4);
		CHECK_CLOSE(crm_gg_loglik_sum(par, p, n, g), want, 1e-13, 0);
		for (k = 0; k < 3; k++)
			CHECK_CLOSE(g[k], wg[k], 1e-12, 1e-12);
	}
}

/* Posterior mean spend vs the simulated true mean p/nu (tower property). */
static void
TestExpectedSpend(void)
{
	double		par[3] = {3.0, 4.0, 20.0};
	double		v;
	char		msg[256];
	crm_rng		rng;
	int			n = SimSize(40000),
				i,
				ok = 1;
	double		sd = 0,
				sdd = 0;

	CHECK(crm_gg_expected_spend(par, 0, 0, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 3.0 * 20.0 / 3.0, 1e-15, 0);
	crm_rng_seed(&rng, 31);
	for (i = 0; i < n; i++)
	{
		double		nu = crm_rng_gamma(&rng, par[1], par[2]);
		double		x = 3.0,
					m = 0,
					e,
					d;
		int			k;

		for (k = 0; k < 3; k++)
			m += crm_rng_gamma(&rng, par[0], nu) / x;
		ok &= (crm_gg_expected_spend(par, x, m, &e, msg, sizeof(msg)) == CRM_OK);
		d = e - par[0] / nu;
		sd += d;
		sdd += d * d;
	}
	CHECK(ok);
	CHECK(fabs(sd / n) < 4.0 * sqrt((sdd / n - (sd / n) * (sd / n)) / n));
	/* validation */
	{
		double		q1[3] = {3.0, 0.8, 20.0},
					bad[3] = {3.0, 4.0, -2.0};

		CHECK(crm_gg_expected_spend(q1, 0, 0, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
		CHECK(strstr(msg, "q = 0.8") != NULL);
		CHECK(crm_gg_expected_spend(q1, 2, 10, &v, msg, sizeof(msg)) == CRM_OK);
		CHECK(crm_gg_expected_spend(par, 2, 0, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
		CHECK(strstr(msg, "m = 0") != NULL);
		CHECK(crm_gg_expected_spend(par, 1.5, 3, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
		CHECK(crm_gg_expected_spend(bad, 1, 3, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
		CHECK(strstr(msg, "gamma = -2") != NULL);
	}
}

/* Simulated spend: fit recovers the truth within 4 SE. */
static void
TestRecover(void)
{
	static const double truth[][3] = {{6.25, 3.74, 15.44}, {1.5, 6.0, 80.0}};
	int			n = SimSize(30000);
	crm_spend_pattern *p = malloc(sizeof(*p) * n);
	size_t		k;
	int			i,
				j;

	for (k = 0; k < 2; k++)
	{
		crm_rng		rng;
		crm_fit_result res;
		double		sm = 0,
					smm = 0,
					mean = truth[k][0] * truth[k][2] / (truth[k][1] - 1.0);

		crm_rng_seed(&rng, 77 + k);
		for (i = 0; i < n; i++)
		{
			p[i].x = (double) (1 + crm_rng_poisson(&rng, 2.0));
			p[i].m = crm_simulate_gg_mean(truth[k], p[i].x, &rng);
			p[i].n = 1;
			sm += p[i].m;
			smm += p[i].m * p[i].m;
		}
		/* the simulator's mean spend is p gamma / (q - 1) */
		CHECK(fabs(sm / n - mean) < 4.0 * sqrt((smm / n - (sm / n) * (sm / n)) / n));
		CHECK(crm_fit_gg(p, n, NULL, &res) == CRM_OK);
		CHECK(res.converged);
		for (j = 0; j < 3; j++)
		{
			if (fabs(res.params[j] - truth[k][j]) > 4.0 * res.se[j])
				fprintf(stderr, "recover gg %d: %g vs %g (se %g)\n", j, res.params[j], truth[k][j], res.se[j]);
			CHECK(res.se[j] > 0 && fabs(res.params[j] - truth[k][j]) <= 4.0 * res.se[j]);
		}
	}
	free(p);
}

/* CDNOW: the published Gamma-Gamma fit (p 6.25, q 3.74, gamma 15.44). */
static void
TestCdnow(void)
{
	cdnow_data	d;
	crm_spend_pattern *p;
	crm_fit_result res;
	size_t		i;

	if (cdnow_load(&d) != 0)
	{
		printf("gg: CDNOW sample not found, skipping CDNOW checks\n");
		return;
	}
	p = malloc(sizeof(*p) * d.n);
	for (i = 0; i < (size_t) d.n; i++)
	{
		p[i].x = d.cust[i].x;
		p[i].m = d.cust[i].mean_spend;
		p[i].n = 1;
	}
	CHECK(crm_fit_gg(p, d.n, NULL, &res) == CRM_OK);
	CHECK(res.converged);
	CHECK_CLOSE(res.params[0], 6.25, 0, 0.01);
	CHECK_CLOSE(res.params[1], 3.74, 0, 0.01);
	CHECK_CLOSE(res.params[2], 15.44, 0, 0.01);
	/* customers with x >= 1 only */
	CHECK(res.n_customers > 900 && res.n_customers < 1000);
	free(p);
	cdnow_free(&d);
}

/*
 * Truth for q, gamma -> infinity at nu = q / gamma: every customer's rate is
 * nu, so the mean spend of x transactions is Gamma(p x, nu x): LL = a log(nu
 * x) + (a - 1) log m - s - lgamma(a), a = p x, s = nu x m. At finite q the LL
 * is that plus [lgamma(q + a) - lgamma(q) - a log q] - [(a + q) log1p(s / q)
 * - s] = ((a - s)^2 - a) / (2 q) + O(1 / q^2).
 */
static double
KnownRateLoglik(double p, double q, double nu, double x, double m)
{
	long double a = (long double) p * x,
				s = (long double) nu * x * m;

	return (double) (a * logl((long double) nu * x) + (a - 1) * logl(m) - s - lgammal(a) +
					 ((a - s) * (a - s) - a) / (2 * (long double) q));
}

/*
 * No spend heterogeneity: q and gamma run off together. The LL took
 * q log gamma - (p x + q) log(x m + gamma), two values of size q log q:
 * 0.23 off per customer at q = 1e13, and at q = 1e7 the jitter (1e-7) broke
 * the gradient's finite differences.
 */
static void
TestRunOff(void)
{
	static const double cust[][2] = {{1, 0.8}, {2, 1.3}, {7, 2.1}, {30, 0.05}};
	static const double qs[] = {1e11, 1e13};
	double		p = 2.5,
				nu = 1.7;
	size_t		i,
				j;
	int			k;

	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++)
		for (j = 0; j < sizeof(cust) / sizeof(cust[0]); j++)
		{
			double		par[3] = {p, qs[i], qs[i] / nu};

			CHECK_CLOSE(crm_gg_loglik(par, cust[j][0], cust[j][1], NULL),
						KnownRateLoglik(p, qs[i], nu, cust[j][0], cust[j][1]), 1e-9, 1e-12);
		}
	/* gradient in log-parameters against central differences, q = 1e7 and 1e9 */
	for (i = 0; i < 2; i++)
		for (j = 0; j < sizeof(cust) / sizeof(cust[0]); j++)
		{
			double		q = i ? 1e9 : 1e7,
						par[3] = {p, q, q / nu},
						g[3],
						h = 1e-5;

			crm_gg_loglik(par, cust[j][0], cust[j][1], g);
			for (k = 0; k < 3; k++)
			{
				double		pp[3],
							pm[3],
							fd;

				memcpy(pp, par, sizeof(pp));
				memcpy(pm, par, sizeof(pm));
				pp[k] *= exp(h);
				pm[k] *= exp(-h);
				fd = (crm_gg_loglik(pp, cust[j][0], cust[j][1], NULL) -
					  crm_gg_loglik(pm, cust[j][0], cust[j][1], NULL)) / (2 * h);
				CHECK_CLOSE(g[k] * par[k], fd, 1e-7, 1e-7);
			}
		}
}

/* True where long double is wider than double at run time (valgrind computes it in 64 bits). */
static int
ExtendedPrecision(void)
{
	volatile long double one = 1.0L,
				tiny = LDBL_EPSILON;

	return LDBL_MANT_DIG > DBL_MANT_DIG && one + tiny != one;
}

/*
 * A heavy buyer (x = 1e6) at the CDNOW parameters: p x log x and (p x + q)
 * log(x m + v) cancelled to 4e-8. Truth: lifetimes' form in long double.
 */
static void
TestHeavyBuyer(void)
{
	static const double ms[] = {40.0, 2.0, 300.0};
	double		par[3] = {6.25, 3.74, 15.44};
	long double p = par[0],
				q = par[1],
				v = par[2],
				x = 1e6;
	size_t		j;

	if (!ExtendedPrecision())
	{
		printf("gg: long double is no wider than double here, skipping the heavy buyer check\n");
		return;
	}
	for (j = 0; j < sizeof(ms) / sizeof(ms[0]); j++)
	{
		long double m = ms[j],
					px = p * x;
		long double want = lgammal(px + q) - lgammal(px) - lgammal(q) + q * logl(v) +
			(px - 1) * logl(m) + px * logl(x) - (px + q) * logl(x * m + v);

		CHECK_CLOSE(crm_gg_loglik(par, 1e6, ms[j], NULL), (double) want, 0, 2e-10);
	}
}

/* Runs the suite. */
/*
 * Spend near DBL_MAX: x m overflowed to inf and the log-likelihood became
 * -inf (found by the fuzzer). The m-dependent part is
 * (p x - 1) log m - (p x + q) log(x m + v); the rest, taken from a moderate
 * m, must carry over with log(x m + v) = log x + log m + log1p(v / (x m)).
 */
static void
TestHugeSpend(void)
{
	double		par[3] = {1.0, 1.0, 2.0};
	double		x = 63.0,
				px = par[0] * x,
				q = par[1],
				v = par[2];
	double		m1 = 10.0;
	double		rest = crm_gg_loglik(par, x, m1, NULL) -
		((px - 1.0) * log(m1) - (px + q) * log(x * m1 + v));
	static const double ms[] = {1e300, 9.8310593047478846e+306, 1.7e308};
	size_t		k;

	for (k = 0; k < sizeof(ms) / sizeof(ms[0]); k++)
	{
		double		m = ms[k];
		double		g[3];
		double		got = crm_gg_loglik(par, x, m, g);
		double		want = rest + (px - 1.0) * log(m) -
			(px + q) * (log(x) + log(m) + log1p(v / x / m));

		CHECK(isfinite(got));
		CHECK_CLOSE(got, want, 1e-12, 1e-9);
		CHECK(isfinite(g[0]) && isfinite(g[1]) && isfinite(g[2]));
	}
}

/*
 * p x past the double range (a fuzz finding: p = 9.4e252, x = 3.8e255): the
 * LL, about -p x log(...), is not representable; -INFINITY and a zero
 * gradient, never NaN. Just inside the range the LL is finite.
 */
static void
TestHugePx(void)
{
	double		par[3] = {9.3720813175763373e+252, 2.245934698164038e-307, 2695356.2912066812};
	double		g[3] = {1, 1, 1};
	double		inside[3] = {1e150, 2.0, 3.0};

	CHECK(crm_gg_loglik(par, 3.7537584143764249e+255, 5.0941176470588234e-08, g) == -INFINITY);
	CHECK(g[0] == 0.0 && g[1] == 0.0 && g[2] == 0.0);
	CHECK(isfinite(crm_gg_loglik(inside, 1e149, 7.0, g)));
}

int
main(void)
{
	TestLoglik();
	TestHugePx();
	TestExpectedSpend();
	TestRecover();
	TestCdnow();
	TestHugeSpend();
	TestRunOff();
	TestHeavyBuyer();
	return UNIT_DONE("gg");
}
