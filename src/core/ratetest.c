/*-------------------------------------------------------------------------
 *
 * ratetest.c
 *	  Exact conditional Poisson rate test (see ratetest.h).
 *
 * The binomial probability at the observed count is computed with
 * Loader's saddle-point form (Stirling remainders and the deviance bd0),
 * accurate to full relative precision for n up to 1e12; the tail is then
 * summed outward as a positive series of ratios to that term, from the
 * side where the terms decrease, so at most a few dozen standard
 * deviations of terms are ever added.
 *
 *-------------------------------------------------------------------------
 */
#include "ratetest.h"

#include <math.h>
#include <stdio.h>

#include "specfun.h"

#define CRM_LN_SQRT_2PI 0.918938533204672741780329736406
#define CRM_LN_2PI 1.83787706640934548356065947281

/* lgamma(n+1) - [(n+1/2) log n - n + log sqrt(2 pi)], the Stirling remainder, n > 0. */
static double
StirlingError(double n)
{
	double		nn;

	if (n <= 15.0)
		return crm_lgamma(n + 1.0) - (n + 0.5) * log(n) + n - CRM_LN_SQRT_2PI;
	nn = n * n;
	return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * nn)) / nn) / nn) / nn) / n;
}

/* Deviance term x log(x / np) + np - x, accurate when x is close to np (Loader 2000). */
static double
Bd0(double x, double np)
{
	if (fabs(x - np) < 0.1 * (x + np))
	{
		double		v = (x - np) / (x + np);
		double		s = (x - np) * v;
		double		ej = 2.0 * x * v;
		int			j;

		v *= v;
		for (j = 1; j < 1000; j++)
		{
			double		s1;

			ej *= v;
			s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
		return s;
	}
	return x * log(x / np) + np - x;
}

/* log P(K = k) for K ~ Binomial(n, p), q = 1 - p, 0 <= k <= n. */
static double
LogBinomPmf(double k, double n, double p, double q)
{
	double		lc;

	if (k == 0.0)
		return n == 0.0 ? 0.0 : n * log(q);
	if (k == n)
		return n * log(p);
	lc = StirlingError(n) - StirlingError(k) - StirlingError(n - k) -
		Bd0(k, n * p) - Bd0(n - k, n * q);
	return lc + 0.5 * (log(n) - log(k) - log(n - k) - CRM_LN_2PI);
}

/*
 * log of sum_{j from k going away from the mode} P(K = j) / P(K = k), moving
 * down (dir = -1) or up (dir = +1); used only where the terms decrease.
 */
static double
LogTailRatioSum(double k, double n, double p, double q, int dir)
{
	double		term = 1.0;
	double		sum = 1.0;
	double		j = k;
	double		odds = dir < 0 ? q / p : p / q;

	for (;;)
	{
		double		ratio;

		if (dir < 0)
		{
			if (j <= 0.0)
				break;
			ratio = j / (n - j + 1.0) * odds;
		}
		else
		{
			if (j >= n)
				break;
			ratio = (n - j) / (j + 1.0) * odds;
		}
		term *= ratio;
		sum += term;
		j += dir;
		/* ratios only shrink from here on: stop once the geometric tail is negligible */
		if (ratio < 1.0 && term * ratio / (1.0 - ratio) < 1e-17 * sum)
			break;
		if (term < 1e-300)
			break;
	}
	return log(sum);
}

/* log P(K <= k) or log P(K >= k) for K ~ Binomial(n, p). */
int
crm_binom_log_tail(double k, double n, double p, double q, int upper, double *log_p)
{
	double		mode;

	if (!(k >= 0.0) || !(n >= 0.0) || k != floor(k) || n != floor(n) ||
		!(p > 0.0) || !(q > 0.0) || !isfinite(n) || n > CRM_RATETEST_MAX_COUNT)
		return -1;
	/* the lower tail P(K <= k) is the upper tail of n - K ~ Binomial(n, q) */
	if (!upper)
	{
		double		t = p;

		k = n - k;
		p = q;
		q = t;
	}
	/* now log P(K >= k), K ~ Binomial(n, p) */
	if (k <= 0.0)
	{
		*log_p = 0.0;
		return 0;
	}
	if (k > n)
	{
		*log_p = -INFINITY;
		return -1;
	}
	mode = floor((n + 1.0) * p);
	if (k > mode)
	{
		/* terms decrease upward from k */
		*log_p = LogBinomPmf(k, n, p, q) + LogTailRatioSum(k, n, p, q, +1);
	}
	else
	{
		/* complement: P(K >= k) = 1 - P(K <= k-1), terms decrease downward */
		double		lo = LogBinomPmf(k - 1.0, n, p, q) + LogTailRatioSum(k - 1.0, n, p, q, -1);

		*log_p = lo < 0.0 ? crm_log1mexp(lo) : -INFINITY;
	}
	if (*log_p > 0.0)
		*log_p = 0.0;
	return isfinite(*log_p) ? 0 : -1;
}

/* Validates one count; writes the message and returns -1 when bad. */
static int
CheckCount(const char *name, double k, char *msg, size_t msglen)
{
	if (isnan(k) || !(k >= 0.0) || k != floor(k) || k > CRM_RATETEST_MAX_COUNT)
	{
		snprintf(msg, msglen, "%s must be a non-negative integer count up to %g, got %g",
				 name, CRM_RATETEST_MAX_COUNT, k);
		return -1;
	}
	return 0;
}

/* Validates one exposure; writes the message and returns -1 when bad. */
static int
CheckExposure(const char *name, double t, char *msg, size_t msglen)
{
	if (!(t > 0.0) || !isfinite(t))
	{
		snprintf(msg, msglen, "%s must be a finite exposure > 0, got %g", name, t);
		return -1;
	}
	return 0;
}

/* log p-value of the conditional rate test (see ratetest.h). */
int
crm_poisson_rate_test_log(double k_recent, double t_recent, double k_base, double t_base,
						  int rose, double *log_p, char *msg, size_t msglen)
{
	double		n;
	double		p;
	double		q;

	if (msglen > 0)
		msg[0] = '\0';
	if (CheckCount("k_recent", k_recent, msg, msglen) != 0 ||
		CheckCount("k_base", k_base, msg, msglen) != 0 ||
		CheckExposure("t_recent", t_recent, msg, msglen) != 0 ||
		CheckExposure("t_base", t_base, msg, msglen) != 0)
		return -1;
	n = k_recent + k_base;
	if (n > CRM_RATETEST_MAX_COUNT)
	{
		snprintf(msg, msglen, "k_recent + k_base must be at most %g, got %g",
				 CRM_RATETEST_MAX_COUNT, n);
		return -1;
	}
	/* p = t1 / (t0 + t1), q = t0 / (t0 + t1), each without cancellation */
	if (t_recent >= t_base)
	{
		q = 1.0 / (1.0 + t_recent / t_base);
		p = (t_recent / t_base) * q;
	}
	else
	{
		p = 1.0 / (1.0 + t_base / t_recent);
		q = (t_base / t_recent) * p;
	}
	if (!(p > 0.0) || !(q > 0.0))
	{
		snprintf(msg, msglen, "t_recent / t_base must be within [1e-300, 1e300], got %g / %g",
				 t_recent, t_base);
		return -1;
	}
	if (crm_binom_log_tail(k_recent, n, p, q, rose ? 1 : 0, log_p) != 0)
	{
		snprintf(msg, msglen, "p-value could not be computed for k_recent %g, n %g", k_recent, n);
		return -1;
	}
	return 0;
}

/* p-value of the conditional rate test (see ratetest.h). */
int
crm_poisson_rate_test(double k_recent, double t_recent, double k_base, double t_base,
					  int rose, double *p_value, char *msg, size_t msglen)
{
	double		lp;

	if (crm_poisson_rate_test_log(k_recent, t_recent, k_base, t_base, rose, &lp,
								  msg, msglen) != 0)
		return -1;
	*p_value = exp(lp);
	return 0;
}
