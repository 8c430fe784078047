/*-------------------------------------------------------------------------
 *
 * sbg.c
 *	  Shifted-beta-geometric contract model (Fader & Hardie 2007, "How to
 *	  project customer retention"): each customer churns at each renewal
 *	  with probability theta ~ Beta(alpha, beta).
 *
 *	  P(churn at t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)
 *	  S(t)          = B(alpha, beta + t) / B(alpha, beta)
 *
 *-------------------------------------------------------------------------
 */
#include "btyd.h"

#include <math.h>

#include "specfun.h"

/*
 * Cohort log-likelihood: churners of each period plus survivors at the end.
 * S(t) and P(churn at t) as ratios to B(alpha, beta), by the recurrences
 * S(t + 1) = S(t) (beta + t) / (alpha + beta + t) and P(churn at t + 1) =
 * S(t) alpha / (alpha + beta + t): no log Beta of size alpha cancelled
 * against another, which lost eps (alpha + beta) per customer when alpha
 * and beta run off together (constant retention). alive[] must not grow
 * (crm_fit_sbg checks it): the terms then sum to alive[0] customers.
 */
double
crm_sbg_loglik(const double par[2], const double *alive, int periods, double grad[2])
{
	double		al = par[0],
				be = par[1];
	double		ial = 1.0 / al;
	double		ls = 0.0,		/* log S(t), and its derivatives */
				dsa = 0.0,
				dsb = 0.0;
	double		ll = 0.0,
				ga = 0.0,
				gb = 0.0;
	int			t;

	for (t = 1; t <= periods; t++)
	{
		double		lost = alive[t - 1] - alive[t];
		double		bt = be + (t - 1.0);	/* keeps a tiny beta */
		double		iabt = 1.0 / (al + bt);

		if (lost > 0)
		{
			ll += lost * (ls - crm_log1p_ratio(bt, al));
			ga += lost * (dsa + (ial - iabt));
			gb += lost * (dsb - iabt);
		}
		ls -= crm_log1p_ratio(al, bt);
		dsa -= iabt;
		dsb += (al * iabt) / bt;
	}
	ll += alive[periods] * ls;
	ga += alive[periods] * dsa;
	gb += alive[periods] * dsb;
	if (grad)
	{
		grad[0] = ga;
		grad[1] = gb;
	}
	return ll;
}

/* Simulates a cohort of n customers over `periods` renewals. */
void
crm_simulate_sbg(const double par[2], double n, int periods, crm_rng *rng, double *alive)
{
	double		i;
	int			t;

	for (t = 0; t <= periods; t++)
		alive[t] = 0.0;
	for (i = 0; i < n; i++)
	{
		double		theta = crm_rng_beta(rng, par[0], par[1]);

		alive[0] += 1.0;
		for (t = 1; t <= periods; t++)
		{
			if (crm_rng_bernoulli(rng, theta))
				break;
			alive[t] += 1.0;
		}
	}
}
