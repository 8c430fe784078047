/*-------------------------------------------------------------------------
 *
 * gg.c
 *	  Gamma-Gamma model of spend (Fader, Hardie & Lee 2005 "RFM and CLV";
 *	  the parameterisation of the lifetimes package: p, q, gamma = v).
 *
 * Each of a customer's x transactions is Gamma(p, nu); nu ~ Gamma(q, v)
 * across customers. The density of the mean spend m of x transactions:
 *	  LL = -log B(px, q) + q log v + (px - 1) log m + px log x
 *		   - (px + q) log(xm + v)
 *
 *-------------------------------------------------------------------------
 */
#include "btyd.h"

#include <math.h>
#include <string.h>

#include "specfun.h"

/* Per-x constants of the Gamma-Gamma log-likelihood. */
typedef struct GgXTerms
{
	double		c;				/* -log B(px, q) + px log x + q log v */
	double		dp;				/* x (psi(px+q) - psi(px) + log x) */
	double		dq;				/* psi(px+q) - psi(q) + log v */
	double		px;
} GgXTerms;

/* Fills the constants of one x value. */
static void
SetGgXTerms(GgXTerms *xt, const double par[3], double x, double psi_q, double lv)
{
	double		p = par[0],
				q = par[1];
	double		px = p * x;
	double		psi_pxq = crm_digamma(px + q);

	xt->px = px;
	xt->c = -crm_lbeta(px, q) + px * log(x) + q * lv;
	xt->dp = x * (psi_pxq - crm_digamma(px) + log(x));
	xt->dq = psi_pxq - psi_q + lv;
}

/*
 * Summed Gamma-Gamma LL; patterns with x = 0 carry no information and are
 * skipped. -INFINITY (gradient 0) when not computable: p x so large that the
 * LL passes the double range.
 */
double
crm_gg_loglik_sum(const double par[3], const crm_spend_pattern *p, size_t n, double grad[3])
{
	double		q = par[1],
				v = par[2];
	double		psi_q = crm_digamma(q),
				lv = log(v);
	double		ll = 0.0,
				g[3] = {0, 0, 0};
	GgXTerms	xt;
	size_t		i = 0;

	while (i < n)
	{
		double		x = p[i].x;
		double		W = 0.0,
					sl = 0.0,
					slm = 0.0,
					sld = 0.0,
					sinv = 0.0;

		if (x <= 0)
		{
			i++;
			continue;
		}
		SetGgXTerms(&xt, par, x, psi_q, lv);
		for (; i < n && p[i].x == x; i++)
		{
			double		w = p[i].n;
			double		lm = log(p[i].m);
			double		u = x * p[i].m + v;
			/* x m overflows only for m near DBL_MAX, where v no longer counts */
			double		lu = isfinite(u) ? log(u) : log(x) + lm;

			W += w;
			slm += w * lm;
			sld += w * lu;
			sinv += w / u;
			sl += w * ((xt.px - 1.0) * lm - (xt.px + q) * lu);
		}
		ll += W * xt.c + sl;
		g[0] += W * xt.dp + x * (slm - sld);
		g[1] += W * xt.dq - sld;
		g[2] += W * q / v - (xt.px + q) * sinv;
	}
	/* p x near or past DBL_MAX: the LL passes the double range, not computable */
	if (isnan(ll))
	{
		ll = -INFINITY;
		memset(g, 0, sizeof(g));
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	return ll;
}

/* Gamma-Gamma log-likelihood of one customer (0 when x = 0). */
double
crm_gg_loglik(const double par[3], double x, double m, double grad[3])
{
	crm_spend_pattern p = {x, m, 1.0};

	return crm_gg_loglik_sum(par, &p, 1, grad);
}

/* Draws the mean of x transaction amounts of one simulated customer. */
double
crm_simulate_gg_mean(const double par[3], double x, crm_rng *rng)
{
	double		nu = crm_rng_gamma(rng, par[1], par[2]);

	if (x <= 0)
		return 0.0;
	return crm_rng_gamma(rng, par[0] * x, nu * x);
}
