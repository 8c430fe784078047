/*-------------------------------------------------------------------------
 *
 * test_sbg.c
 *	  Unit tests of the shifted-beta-geometric contract model: Fader &
 *	  Hardie's (2007) published cohort fits, likelihood against mpmath,
 *	  gradient against finite differences, survival/retention identities,
 *	  DERL against a brute-force sum, simulate-then-recover, degenerate
 *	  cohorts and input validation.
 *
 * mpmath (50 digits): LL = sum_t lost_t (lbeta(al+1, be+t-1) - lbeta(al, be))
 *	  + alive_P (lbeta(al, be+P) - lbeta(al, be)); DERL = nsum over k >= 0 of
 *	  B(al, be+n+k+1)/B(al, be+n) / (1+d)^k.
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

static const double regular[8] = {1000, 631, 468, 382, 326, 289, 262, 241};
static const double highend[8] = {1000, 869, 743, 653, 593, 551, 517, 491};

/* Published fits (Fader & Hardie 2007, "How to project customer retention"). */
static void
TestPublished(void)
{
	crm_fit_result res;

	CHECK(crm_fit_sbg(regular, 7, NULL, &res) == CRM_OK);
	CHECK(res.converged);
	CHECK_CLOSE(res.params[0], 0.704, 0, 0.0005);
	CHECK_CLOSE(res.params[1], 1.182, 0, 0.0005);
	CHECK_CLOSE(res.loglik, -1680.2651905533524997, 0, 0.01);
	CHECK(res.se[0] > 0 && res.se[1] > 0);
	CHECK(crm_fit_sbg(highend, 7, NULL, &res) == CRM_OK);
	CHECK_CLOSE(res.params[0], 0.668, 0, 0.0005);
	CHECK_CLOSE(res.params[1], 3.806, 0, 0.0005);
	CHECK_CLOSE(res.loglik, -1611.1581503549219012, 0, 0.01);
	CHECK_CLOSE(res.n_customers, 1000, 0, 0);
}

/* Likelihood against mpmath; gradient against central differences. */
static void
TestLoglik(void)
{
	static const double pts[][2] = {{0.704, 1.182}, {2.5, 0.3}, {1e-3, 1e3}, {300, 500}};
	static const double small[5] = {50, 20, 10, 9, 3};
	double		p1[2] = {0.704, 1.182},
				p2[2] = {0.668, 3.806},
				p3[2] = {2.5, 0.3};
	size_t		i;
	int			k;

	CHECK_CLOSE(crm_sbg_loglik(p1, regular, 7, NULL), -1680.2651905533524997, 1e-12, 0);
	CHECK_CLOSE(crm_sbg_loglik(p2, highend, 7, NULL), -1611.1581503549219012, 1e-12, 0);
	CHECK_CLOSE(crm_sbg_loglik(p3, small, 4, NULL), -77.000072162739811163, 1e-12, 0);
	for (i = 0; i < sizeof(pts) / sizeof(pts[0]); i++)
	{
		double		g[2],
					ll = crm_sbg_loglik(pts[i], regular, 7, g);

		for (k = 0; k < 2; k++)
		{
			double		pp[2] = {pts[i][0], pts[i][1]},
						pm[2] = {pts[i][0], pts[i][1]},
						h = 1e-6 * pts[i][k];

			pp[k] += h;
			pm[k] -= h;
			CHECK_CLOSE(g[k], (crm_sbg_loglik(pp, regular, 7, NULL) - crm_sbg_loglik(pm, regular, 7, NULL)) / (2 * h),
						1e-6, 1e-9 * fabs(ll) / h);
		}
	}
}

/* Survival, retention and DERL. */
static void
TestPredictions(void)
{
	double		par[2] = {0.704, 1.182},
				par2[2] = {0.668, 3.806};
	double		s,
				sprev = 1.0,
				r,
				v;
	char		msg[256];
	int			t;

	CHECK(crm_sbg_survival(par, 0, &s, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(s, 1.0, 1e-15, 0);
	for (t = 1; t <= 12; t++)
	{
		CHECK(crm_sbg_survival(par, t, &s, msg, sizeof(msg)) == CRM_OK);
		CHECK(crm_sbg_retention(par, t, &r, msg, sizeof(msg)) == CRM_OK);
		/* S(t) = S(t-1) * (beta + t - 1)/(alpha + beta + t - 1) */
		CHECK_CLOSE(s, sprev * (par[1] + t - 1) / (par[0] + par[1] + t - 1), 1e-12, 0);
		CHECK_CLOSE(r, s / sprev, 1e-12, 0);
		sprev = s;
	}
	/* retention rises with tenure (sorting effect of heterogeneity) */
	CHECK(crm_sbg_retention(par, 1, &r, msg, sizeof(msg)) == CRM_OK);
	CHECK(crm_sbg_retention(par, 2, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK(v > r);
	CHECK(crm_sbg_derl(par, 0.1, 0, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 2.9646621461320315172, 1e-10, 0);
	CHECK(crm_sbg_derl(par2, 0.1, 4, &v, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(v, 6.8970573977460904478, 1e-10, 0);
	/* d tiny: 1 - z = d/(1+d) is passed as such (a rounded z cost 2.5e-8 at d = 1e-9) */
	{
		double		p1[2] = {0.7, 1.3},
					p2[2] = {3.5, 1.3};

		CHECK(crm_sbg_derl(p1, 1e-9, 2, &v, msg, sizeof(msg)) == CRM_OK);
		CHECK_CLOSE(v, 3341.4229817855400954, 1e-12, 0);
		CHECK(crm_sbg_derl(p1, 1e-6, 2, &v, msg, sizeof(msg)) == CRM_OK);
		CHECK_CLOSE(v, 411.04682488707724466, 1e-12, 0);
		CHECK(crm_sbg_derl(p2, 1e-9, 0, &v, msg, sizeof(msg)) == CRM_OK);
		CHECK_CLOSE(v, 0.51999999920266669049, 1e-12, 0);
	}
	/* validation */
	CHECK(crm_sbg_derl(par, 0.0, 1, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(strstr(msg, "d = 0") != NULL);
	CHECK(crm_sbg_derl(par, 0.1, 1.5, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_sbg_retention(par, 0, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	CHECK(crm_sbg_survival(par, -1, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
	{
		double		bad[2] = {0.7, 0.0};

		CHECK(crm_sbg_survival(bad, 1, &v, msg, sizeof(msg)) == CRM_ERR_INPUT);
		CHECK(strstr(msg, "beta = 0") != NULL);
	}
}

/* Simulated cohorts: fit recovers the truth within 4 SE. */
static void
TestRecover(void)
{
	static const double truth[][2] = {{0.704, 1.182}, {3.0, 8.0}};
	const char *q = getenv("CRM_UNIT_QUICK");
	const char *pre = getenv("LD_PRELOAD");
	double		n = ((q && *q && *q != '0') || (pre && strstr(pre, "vgpreload"))) ? 5000 : 20000;
	double		alive[13];
	size_t		k;
	int			j;

	for (k = 0; k < 2; k++)
	{
		crm_rng		rng;
		crm_fit_result res;

		crm_rng_seed(&rng, 555 + k);
		crm_simulate_sbg(truth[k], n, 12, &rng, alive);
		CHECK_CLOSE(alive[0], n, 0, 0);
		CHECK(crm_fit_sbg(alive, 12, NULL, &res) == CRM_OK);
		CHECK(res.converged);
		for (j = 0; j < 2; j++)
			CHECK(fabs(res.params[j] - truth[k][j]) <= 4.0 * res.se[j]);
	}
}

/* Degenerate cohorts get a diagnosis; invalid ones an input error. */
static void
TestDegenerate(void)
{
	static const double allalive[5] = {100, 100, 100, 100, 100};
	static const double allgone[4] = {100, 0, 0, 0};
	static const double geometric[8] = {1024, 512, 256, 128, 64, 32, 16, 8};
	static const double growing[4] = {100, 90, 95, 80};
	static const double negative[3] = {100, 90, -1};
	crm_fit_result res;
	crm_fit_options opt = {-1.0, 0, 0, NULL};

	CHECK(crm_fit_sbg(allalive, 4, NULL, &res) == CRM_ERR_ALL_ALIVE);
	CHECK(strstr(res.message, "nobody churned") != NULL);
	CHECK(crm_fit_sbg(allgone, 3, NULL, &res) == CRM_ERR_NO_HETEROGENEITY);
	CHECK(crm_fit_sbg(geometric, 7, NULL, &res) == CRM_ERR_NO_HETEROGENEITY);
	CHECK(strstr(res.message, "same probability") != NULL);
	CHECK(crm_fit_sbg(growing, 3, NULL, &res) == CRM_ERR_INPUT);
	CHECK(strstr(res.message, "alive[2] = 95") != NULL);
	CHECK(crm_fit_sbg(negative, 2, NULL, &res) == CRM_ERR_INPUT);
	CHECK(crm_fit_sbg(regular, 0, NULL, &res) == CRM_ERR_NO_DATA);
	CHECK(crm_fit_sbg(regular, 7, &opt, &res) == CRM_ERR_INPUT);
	CHECK(strstr(res.message, "penalizer = -1") != NULL);
}

/*
 * Fuzz finding: with beta = 1e-19, (beta + 1) - 1 rounds to 0 and the period-1
 * churn term became lbeta(alpha + 1, 0) = NaN. beta + (t - 1) keeps it.
 * Truth: LL = lbeta(al+1, be) - lbeta(al, be) = log(al / (al + be)).
 */
static void
TestTinyBeta(void)
{
	static const double cohort[6] = {1, 0, 0, 0, 0, 0};
	double		par[2] = {1.3598257253536633e-4, 1.0842021724855044e-19};
	double		grad[2];
	double		out;
	char		msg[256];

	CHECK_CLOSE(crm_sbg_loglik(par, cohort, 5, grad), log(par[0] / (par[0] + par[1])), 0, 1e-12);
	CHECK_FINITE(grad[0]);
	CHECK_FINITE(grad[1]);
	CHECK(crm_sbg_retention(par, 1.0, &out, msg, sizeof(msg)) == CRM_OK);
	CHECK_CLOSE(out, par[1] / (par[0] + par[1]), 1e-12, 0);
}

/*
 * Truth for alpha, beta -> infinity at theta = alpha / (alpha + beta): every
 * customer churns with probability theta, so LL = sum_t lost_t log(theta
 * (1 - theta)^(t - 1)) + alive_P P log(1 - theta), plus the first order in
 * 1 / s (s = alpha + beta, b = beta) of log prod (b + k) / (s + 1 + k) and
 * log prod (b + k) / (s + k): (t-1)(t-2)/(2b) - t(t-1)/(2s) per churner,
 * P(P-1)/2 (1/b - 1/s) per survivor. The rest is O(t^3 / s^2).
 */
static double
GeometricLoglik(double theta, double s, const double *alive, int periods)
{
	long double b = (1.0L - theta) * s,
				l1 = log1pl(-(long double) theta),
				ll = 0;
	int			t;

	for (t = 1; t <= periods; t++)
		ll += (long double) (alive[t - 1] - alive[t]) *
			(logl(theta) + (t - 1) * l1 + (t - 1.0L) * (t - 2) / (2 * b) - t * (t - 1.0L) / (2 * s));
	ll += (long double) alive[periods] * (periods * l1 + periods * (periods - 1.0L) / 2 * (1 / b - 1 / (long double) s));
	return (double) ll;
}

/*
 * Constant retention (no heterogeneity): alpha and beta run off together.
 * The LL summed count * log B(...) - alive[0] * log B(alpha, beta), log Betas
 * of size alpha: 1e-2 off at 1e11 for a 1000-customer cohort, ~1 at 1e13,
 * and at 1e7 the jitter (3e-6) broke the gradient's finite differences.
 */
static void
TestRunOff(void)
{
	static const double thetas[] = {0.369, 0.05, 0.9};
	static const double sizes[] = {1e11, 1e13};
	double		out;
	char		msg[256];
	size_t		i,
				j;
	int			k;

	for (i = 0; i < sizeof(thetas) / sizeof(thetas[0]); i++)
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
		{
			double		th = thetas[i],
						par[2] = {th * sizes[j], (1.0 - th) * sizes[j]};

			CHECK_CLOSE(crm_sbg_loglik(par, regular, 4, NULL),
						GeometricLoglik(th, sizes[j], regular, 4), 1e-9, 0);
			CHECK_CLOSE(crm_sbg_loglik(par, highend, 7, NULL),
						GeometricLoglik(th, sizes[j], highend, 7), 1e-9, 0);
			CHECK(crm_sbg_survival(par, 6, &out, msg, sizeof(msg)) == CRM_OK);
			/* S(6) = (1 - theta)^6, to first order in 1 / s as above */
			CHECK_CLOSE(out, pow(1.0 - th, 6) * exp(15.0 * (1.0 / par[1] - 1.0 / sizes[j])), 1e-9, 0);
		}
	/* gradient in log-parameters against central differences, s = 1e7 and 1e9 */
	for (i = 0; i < sizeof(thetas) / sizeof(thetas[0]); i++)
		for (j = 0; j < 2; j++)
		{
			double		s = j ? 1e9 : 1e7,
						par[2] = {thetas[i] * s, (1.0 - thetas[i]) * s},
						g[2],
						h = 1e-5;

			crm_sbg_loglik(par, regular, 7, g);
			for (k = 0; k < 2; k++)
			{
				double		pp[2] = {par[0], par[1]},
							pm[2] = {par[0], par[1]},
							fd;

				pp[k] *= exp(h);
				pm[k] *= exp(-h);
				fd = (crm_sbg_loglik(pp, regular, 7, NULL) - crm_sbg_loglik(pm, regular, 7, NULL)) / (2 * h);
				CHECK_CLOSE(g[k] * par[k], fd, 1e-7, 1e-6);
			}
		}
}

/* Runs the suite. */
int
main(void)
{
	TestPublished();
	TestLoglik();
	TestPredictions();
	TestRecover();
	TestDegenerate();
	TestTinyBeta();
	TestRunOff();
	return UNIT_DONE("sbg");
}
