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

/* Cohort log-likelihood: churners of each period plus survivors at the end. */
double
crm_sbg_loglik(const double par[2], const double *alive, int periods, double grad[2])
{
	double		al = par[0],
				be = par[1];
	double		lb0 = crm_lbeta(al, be);
	double		psi_a = crm_digamma(al),
				psi_a1 = crm_digamma(al + 1.0),
				psi_ab = crm_digamma(al + be),
				psi_b = crm_digamma(be);
	double		ll = 0.0,
				ga = 0.0,
				gb = 0.0,
				total = alive[0];
	int			t;

	for (t = 1; t <= periods; t++)
	{
		double		lost = alive[t - 1] - alive[t];
		double		psi_abt;

		if (lost <= 0)
			continue;
		psi_abt = crm_digamma(al + be + t);
		ll += lost * crm_lbeta(al + 1.0, be + (t - 1.0));
		ga += lost * (psi_a1 - psi_abt);
		gb += lost * (crm_digamma(be + (t - 1.0)) - psi_abt);
	}
	if (alive[periods] > 0)
	{
		double		psi_abp = crm_digamma(al + be + periods);

		ll += alive[periods] * crm_lbeta(al, be + periods);
		ga += alive[periods] * (psi_a - psi_abp);
		gb += alive[periods] * (crm_digamma(be + periods) - psi_abp);
	}
	ll -= total * lb0;
	ga -= total * (psi_a - psi_ab);
	gb -= total * (psi_b - psi_ab);
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
