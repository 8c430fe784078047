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
	double		c;				/* -log B(px, q) */
	double		dp;				/* x (psi(px + q) - psi(px)) */
	double		dq;				/* psi(px + q) - psi(q) */
	double		lvx;			/* log v - log x */
	double		px;
} GgXTerms;

/* Fills the constants of one x value. */
static void
SetGgXTerms(GgXTerms *xt, const double par[3], double x, double lv)
{
	double		p = par[0],
				q = par[1];
	double		px = p * x;

	xt->px = px;
	xt->lvx = lv - log(x);
	xt->c = -crm_lbeta(px, q);
	crm_digamma_diff_pair(px, q, &xt->dp, &xt->dq);
	xt->dp *= x;
}

/*
 * log1p(r) for -1/2 <= r <= 1 to a few eps, by the (faster) log: log(1 + r)
 * plus the rounding error of 1 + r, exact there.
 */
static inline double
Log1pSmall(double r)
{
	double		y = 1.0 + r;

	return log(y) + (r - (y - 1.0));
}

/*
 * Summed Gamma-Gamma LL; patterns with x = 0 carry no information and are
 * skipped. -INFINITY (gradient 0) when not computable: p x so large that the
 * LL passes the double range.
 *
 * With u = x m + v: LL = -log B(px, q) - log m - q log(u / v) - px log(u / (x m)),
 * the smaller of the two logs as a log1p: no difference of logs multiplied by
 * q (q and v run off together without spend heterogeneity) or p x (heavy
 * buyers).
 */
double
crm_gg_loglik_sum(const double par[3], const crm_spend_pattern *p, size_t n, double grad[3])
{
	double		q = par[1],
				v = par[2];
	double		lv = log(v),
				iv = 1.0 / v;
	double		ll = 0.0,
				g[3] = {0, 0, 0};
	GgXTerms	xt;
	size_t		i = 0;

	while (i < n)
	{
		double		x = p[i].x;
		double		W = 0.0,
					slv = 0.0,
					slx = 0.0,
					sxmu = 0.0,
					sinv = 0.0;

		if (x <= 0)
		{
			i++;
			continue;
		}
		SetGgXTerms(&xt, par, x, lv);
		for (; i < n && p[i].x == x; i++)
		{
			double		w = p[i].n,
						xm = x * p[i].m,	/* may overflow (inf) or underflow (0) */
						inv_u = 1.0 / (xm + v);
			double		lm = log(p[i].m);
			double		lv_u,	/* log(u / v) */
						lxm_u,	/* log(u / (x m)) = lv_u + log v - log x - log m */
						xm_u;	/* x m / u */

			if (xm <= v)
			{
				lv_u = Log1pSmall(xm * iv);
				lxm_u = lv_u + (xt.lvx - lm);
				xm_u = xm * inv_u;
			}
			else
			{
				double		t = v * inv_u;

				lxm_u = -Log1pSmall(-t);
				lv_u = lxm_u - (xt.lvx - lm);
				xm_u = 1.0 - t;
			}
			W += w;
			slv += w * lv_u;
			slx += w * lxm_u;
			sxmu += w * xm_u;
			sinv += w * inv_u;
		}
		/* the sum of log m is slv - slx + W (log v - log x) */
		ll += W * (xt.c - xt.lvx) - (1.0 + q) * slv - (xt.px - 1.0) * slx;
		g[0] += W * xt.dp - x * slx;
		g[1] += W * xt.dq - slv;
		/* q / v - (px + q) / u = (q / v) (x m / u) - px / u */
		g[2] += (q * iv) * sxmu - xt.px * sinv;
	}
	/* p x near or past DBL_MAX: the LL passes the double range, not computable */
	if (!isfinite(ll))
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
