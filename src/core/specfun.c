/*-------------------------------------------------------------------------
 *
 * specfun.c
 *	  Special functions and log-space arithmetic for the CLV models
 *	  (see specfun.h).
 *
 * The Gauss hypergeometric function is evaluated by trying several
 * equivalent representations (direct series, Euler and Pfaff
 * transformations, the 1-z connection formula), each with a bounded number
 * of terms and an error estimate that accounts for cancellation; the first
 * accurate one wins. When c-a-b is (nearly) an integer the connection
 * formula is evaluated at perturbed parameters and Richardson-extrapolated.
 *
 * For predictions at many horizons, (2F1 - 1)/b is summed as one power
 * series shared by every z (four terms per pass, z in pairs the compiler
 * vectorizes, each z dropping out once its tail bound is met); z close to 1
 * are instead reached by a chain of Taylor steps of the function's ODE,
 * started from a pivot whose value and derivative come from the series.
 *
 *-------------------------------------------------------------------------
 */
#include "specfun.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#define CRM_LN_SQRT_2PI 0.918938533204672741780329736406
#define CRM_EULER_GAMMA 0.577215664901532860606512090082
#define CRM_EPS DBL_EPSILON
/* Below this, shifted differences of psi and psi' subtract two direct values. */
#define PSI_DIFF_DIRECT_MAX 100.0

/* Series terms allowed per hypergeometric series evaluation. */
#define HYP_MAX_TERMS 2000000
/* Estimated relative error at which a representation is accepted at once. */
#define HYP_GOOD_ERR 1e-13
/* Estimated relative error above which no answer is given. */
#define HYP_WORST_ERR 1e-7
/* Perturbation step for an integer c - a - b in the connection formula. */
#define HYP_PERTURB 1e-3
/* Shared 2F1 series up to this z (one z: the second), Taylor steps beyond. */
#define HYP_STEP_Z 0.8
#define HYP_STEP_Z1 0.7
/*
 * A Taylor step covers at most this fraction of the distance to z = 1, and
 * lambda s (see HypM1Step) at most HYP_STEP_LAMBDA; steps are taken only
 * while |c - (a+b+1) z| <= HYP_STEP_Q.
 */
#define HYP_STEP_RHO 0.6
#define HYP_STEP_LAMBDA 2.0
#define HYP_STEP_Q 16.0
/*
 * The shared series keep the powers z^i apart from the coefficients; for
 * tiny z with huge a (r and alpha running off together) the powers would
 * underflow while the terms still count. So once the largest power is
 * below HYP_POW_MIN, HYP_POW_UP moves from the coefficient to the powers
 * (exact: powers of two): in crm_log_hyp2f1_fast at once; in
 * crm_hyp2f1_m1_multi when the coefficient has also passed HYP_POW_UP (at
 * no cost: the overflow check), so a power underflows only under a
 * coefficient below about 2^500, where the terms no longer count.
 */
#define HYP_POW_MIN 0x1p-500
#define HYP_POW_UP 0x1p500
/* Taylor steps allowed per call (1 - z shrinks by 9% or more per step). */
#define HYP_MAX_STEPS 200
/* Iterations allowed in the incomplete gamma continued fraction and series. */
#define IGAM_MAX_ITER 100000
/*
 * Below this s the incomplete gamma continued fraction converges within 18
 * levels at any x > 0 (see LogUpperGammaCfScaled); from it up to s = -1/2
 * (and x <= 1.5) the downward recurrence takes at most 50 steps.
 */
#define IGAM_CF_S_MAX (-50.0)

/* A real number as sign * exp(l); sign 0 means the value 0. */
typedef struct SignedLog
{
	double		l;
	int			sign;
} SignedLog;

/* log Gamma(x) for x > 0, thread-safe (lgamma_r, no signgam). */
double
crm_lgamma(double x)
{
	int			sign;

	if (!(x > 0.0))
		return NAN;
	return lgamma_r(x, &sign);
}

/* log |Gamma(x)| and its sign for any real x; *sign = 0 at a pole. */
static double
LogGammaSigned(double x, int *sign)
{
	if (x <= 0.0 && x == floor(x))
	{
		*sign = 0;
		return INFINITY;
	}
	return lgamma_r(x, sign);
}

/* log |Gamma(x)| and its sign for any real x (see specfun.h). */
double
crm_lgamma_signed(double x, int *sign)
{
	return LogGammaSigned(x, sign);
}

/* digamma: recurrence up to x >= 10, then the asymptotic series. */
double
crm_digamma(double x)
{
	double		acc = 0.0;
	double		x2;

	if (!(x > 0.0) || isinf(x))
		return isinf(x) && x > 0.0 ? INFINITY : NAN;
	if (x < 1e-6)
	{
		/* psi(x) = -1/x - gamma + zeta(2) x + O(x^2) */
		return -1.0 / x - CRM_EULER_GAMMA + 1.6449340668482264365 * x;
	}
	while (x < 10.0)
	{
		acc -= 1.0 / x;
		x += 1.0;
	}
	x2 = 1.0 / (x * x);
	/* log x - 1/(2x) - sum B_2k / (2k x^2k) */
	return acc + log(x) - 0.5 / x -
		x2 * (1.0 / 12 - x2 * (1.0 / 120 - x2 * (1.0 / 252 - x2 * (1.0 / 240 -
			 x2 * (1.0 / 132 - x2 * (691.0 / 32760 - x2 * (1.0 / 12)))))));
}

/* trigamma: recurrence up to x >= 10, then the asymptotic series. */
double
crm_trigamma(double x)
{
	double		acc = 0.0;
	double		x2;

	if (!(x > 0.0) || isinf(x))
		return isinf(x) && x > 0.0 ? 0.0 : NAN;
	if (x < 1e-4)
		return 1.0 / (x * x) + 1.6449340668482264365 - 2.4041138063191885708 * x;
	while (x < 10.0)
	{
		acc += 1.0 / (x * x);
		x += 1.0;
	}
	x2 = 1.0 / (x * x);
	/* 1/x + 1/(2x^2) + sum B_2k / x^(2k+1) */
	return acc + 1.0 / x + 0.5 * x2 +
		x2 / x * (1.0 / 6 - x2 * (1.0 / 30 - x2 * (1.0 / 42 - x2 * (1.0 / 30 -
				  x2 * (5.0 / 66 - x2 * (691.0 / 2730 - x2 * (7.0 / 6)))))));
}

/* Stirling remainder lgamma(x) - [(x-1/2) log x - x + log sqrt(2 pi)], x >= 10. */
static double
LogGammaCorrection(double x)
{
	double		x2 = 1.0 / (x * x);

	return (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 * (1.0 / 1680 -
			x2 * (1.0 / 1188 - x2 * (691.0 / 360360 - x2 * (1.0 / 156))))))) / x;
}

/* log Beta(a, b), avoiding the cancellation of large log Gammas (as R's lbeta). */
double
crm_lbeta(double a, double b)
{
	double		p = a < b ? a : b;
	double		q = a < b ? b : a;

	if (!(p > 0.0) || isnan(q))
		return NAN;
	if (isinf(q))
		return -INFINITY;
	if (p >= 10.0)
	{
		double		corr = LogGammaCorrection(p) + LogGammaCorrection(q) -
			LogGammaCorrection(p + q);

		return -0.5 * log(q) + CRM_LN_SQRT_2PI + corr +
			(p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q));
	}
	if (q >= 10.0)
	{
		double		corr = LogGammaCorrection(q) - LogGammaCorrection(p + q);

		return crm_lgamma(p) + corr + p - p * log(p + q) +
			(q - 0.5) * log1p(-p / (p + q));
	}
	return crm_lgamma(p) + (crm_lgamma(q) - crm_lgamma(p + q));
}

/*
 * psi(z + n) - psi(z) for z > 0, n >= 0. For z >= 100 the difference of the
 * asymptotic series, led by log1p(n / z) (its first omitted term is below
 * z^-8 / 30 relative): the two digammas are both near log z, and a model
 * multiplies their difference by a count.
 */
double
crm_digamma_diff(double z, double n)
{
	double		w;
	double		iz2;
	double		iw2;

	if (n == 0.0)
		return 0.0;
	if (z < PSI_DIFF_DIRECT_MAX)
		return crm_digamma(z + n) - crm_digamma(z);
	w = z + n;
	iz2 = 1.0 / (z * z);
	iw2 = 1.0 / (w * w);
	/* (log w - 1/(2w) - sum B_2k / (2k w^2k)) - (the same at z), to z^-6 */
	return log1p(n / z) + 0.5 * n / (z * w) + (iz2 - iw2) * (1.0 / 12) -
		(iz2 * iz2 - iw2 * iw2) * (1.0 / 120) + (iz2 * iz2 * iz2 - iw2 * iw2 * iw2) * (1.0 / 252);
}

/*
 * Both shifted differences of psi(a + b), a, b > 0: where crm_digamma_diff
 * takes psi directly (both below PSI_DIFF_DIRECT_MAX) psi(a + b) is computed
 * once; the results equal two crm_digamma_diff calls to the bit.
 */
void
crm_digamma_diff_pair(double a, double b, double *da, double *db)
{
	if (a < PSI_DIFF_DIRECT_MAX && b < PSI_DIFF_DIRECT_MAX && a != 0.0 && b != 0.0)
	{
		double		w = crm_digamma(a + b);

		*da = w - crm_digamma(a);
		*db = w - crm_digamma(b);
		return;
	}
	*da = crm_digamma_diff(a, b);
	*db = crm_digamma_diff(b, a);
}

/*
 * psi'(z + n) - psi'(z) for z > 0, n >= 0. For z >= 100 the difference of the
 * asymptotic series, without cancelling two values near 1/z.
 */
double
crm_trigamma_diff(double z, double n)
{
	double		w = z + n,
				iz,
				iw,
				z2,
				w2;

	if (n == 0.0)
		return 0.0;
	if (z < PSI_DIFF_DIRECT_MAX)
		return crm_trigamma(w) - crm_trigamma(z);
	iz = 1.0 / z;
	iw = 1.0 / w;
	z2 = iz * iz;
	w2 = iw * iw;
	/* 1/x + 1/(2x^2) + 1/(6x^3) - 1/(30x^5) + 1/(42x^7) at w minus at z, to z^-9 */
	return -n * iz * iw - 0.5 * n * (z + w) * z2 * w2 +
		(iw * w2 * (1.0 / 6 - w2 * (1.0 / 30 - w2 * (1.0 / 42))) -
		 iz * z2 * (1.0 / 6 - z2 * (1.0 / 30 - z2 * (1.0 / 42))));
}

/* log(1 + a / b) for a >= 0, b > 0: log1p, or a difference of logs where a / b overflows. */
double
crm_log1p_ratio(double a, double b)
{
	double		r = a / b;

	return isfinite(r) ? log1p(r) : log(a) - log(b);
}

/*
 * log Gamma(z + n) - log Gamma(z) for z > 0, n >= 0. For z >= 10 Stirling's
 * form n log z + (z + n - 1/2) log1p(n / z) - n plus the remainders: no
 * difference of two log Gammas of size z log z.
 */
double
crm_lpoch(double z, double n)
{
	if (n == 0.0)
		return 0.0;
	if (z < 10.0)
		return crm_lgamma(z + n) - crm_lgamma(z);
	return n * log(z) + ((z + n - 0.5) * log1p(n / z) - n) +
		(LogGammaCorrection(z + n) - LogGammaCorrection(z));
}

/*
 * log |Gamma(x+h)| - log |Gamma(x)| (see specfun.h): the recurrence up to
 * 10, then crm_lpoch or, for h tiny, Taylor.
 */
double
crm_lgamma_shift(double x, double h, double *abssum)
{
	double		sum = 0.0,
				v;

	*abssum = 0.0;
	if (!(x > -100.0) || !isfinite(h))
		return NAN;
	while (x < 10.0 || x + h < 10.0)
	{
		/* G(x+h)/G(x) = G(x+1+h)/G(x+1) * x/(x+h) */
		v = log1p(h / x);
		sum -= v;
		*abssum += fabs(v);
		x += 1.0;
	}
	if (fabs(h) <= 1e-6 * x)
	{
		/* Taylor: crm_lpoch's Stirling remainders would round to eps / (12 x) */
		double		x2 = 1.0 / (x * x),
					psi2 = -x2 * (1.0 + (1.0 + 0.5 / x) / x);

		v = h * (crm_digamma(x) + 0.5 * h * (crm_trigamma(x) + h / 3.0 * psi2));
		*abssum += 2.0 * fabs(v);
	}
	else
	{
		v = crm_lpoch(x, h);
		*abssum += 2.0 * fabs(v) + fabs(h) + 0.1 / x;
	}
	return sum + v;
}

/*
 * log B(a, b + n) - log B(a, b) = lpoch(b, n) - lpoch(a + b, n) = lpoch(b, a)
 * - lpoch(b + n, a) for a, b > 0, n >= 0, to an absolute error of a few eps
 * min(n, a) log(a + b + n). For 10 <= b, n <= b: n log(b /
 * (a + b)) as -n log1p(a / b) and the rest by Stirling, so b huge (alone or
 * with a) loses nothing; a difference of two log Betas would lose eps (a + b).
 */
double
crm_lbeta_ratio(double a, double b, double n)
{
	if (n == 0.0)
		return 0.0;
	if (b < 10.0 || n > b)
	{
		if (a < 10.0)
			return crm_lbeta(a, b + n) - crm_lbeta(a, b);
		/* shift by the smaller of n and a: each lpoch rounds to eps times about shift log(z) */
		return n <= a ? crm_lpoch(b, n) - crm_lpoch(a + b, n) : crm_lpoch(b, a) - crm_lpoch(b + n, a);
	}
	return -n * log1p(a / b) +
		(((b + n - 0.5) * log1p(n / b) - n) - ((a + b + n - 0.5) * log1p(n / (a + b)) - n)) +
		(LogGammaCorrection(b + n) - LogGammaCorrection(b)) -
		(LogGammaCorrection(a + b + n) - LogGammaCorrection(a + b));
}

/* log(exp(a) + exp(b)). */
double
crm_logaddexp(double a, double b)
{
	double		hi = a > b ? a : b;
	double		lo = a > b ? b : a;

	if (isnan(a) || isnan(b))
		return NAN;
	if (hi == -INFINITY || hi == INFINITY)
		return hi;
	return hi + log1p(exp(lo - hi));
}

/* log(exp(a) - exp(b)), a >= b. */
double
crm_logsubexp(double a, double b)
{
	if (isnan(a) || isnan(b) || b > a)
		return NAN;
	if (b == -INFINITY)
		return a;
	if (a == b)
		return -INFINITY;
	return a + crm_log1mexp(b - a);
}

/* log(1 - exp(x)), x <= 0 (Maechler 2012). */
double
crm_log1mexp(double x)
{
	if (!(x <= 0.0))
		return NAN;
	if (x > -0.693147180559945309)
		return log(-expm1(x));
	return log1p(-exp(x));
}

/* (exp(x) - 1) / x with the removable singularity at 0. */
double
crm_exprel(double x)
{
	if (fabs(x) < 1e-5)
		return 1.0 + x * (0.5 + x * (1.0 / 6.0 + x / 24.0));
	return expm1(x) / x;
}

/* --- signed log arithmetic -------------------------------------------- */

/* Sum of two signed-log values; *cancel gets (|x| + |y|) / |x + y|. */
static SignedLog
SignedLogAdd(SignedLog x, SignedLog y, double *cancel)
{
	SignedLog	r;
	SignedLog	hi = x;
	SignedLog	lo = y;
	double		e;

	*cancel = 1.0;
	if (x.sign == 0)
		return y;
	if (y.sign == 0)
		return x;
	if (y.l > x.l)
	{
		hi = y;
		lo = x;
	}
	e = exp(lo.l - hi.l);
	r.sign = hi.sign;
	if (hi.sign == lo.sign)
		r.l = hi.l + log1p(e);
	else
	{
		if (e >= 1.0)
		{
			r.sign = 0;
			r.l = -INFINITY;
			*cancel = INFINITY;
			return r;
		}
		r.l = hi.l + log1p(-e);
		*cancel = (1.0 + e) / (1.0 - e);
	}
	return r;
}

/* --- Gauss hypergeometric function ------------------------------------ */

#ifdef CRM_CORE_COUNTERS
/* Terms summed by crm_log_hyp2f1's series so far (see specfun.h). */
long		crm_hyp2f1_terms = 0;
#endif

/* Index of the largest series term, roughly (terms grow while the ratio exceeds 1). */
static double
HypPeakIndex(double a, double b, double c, double u)
{
	double		au = fabs(u);
	double		qa = 1.0 - au;
	double		qb = fabs(c) + 1.0 - (fabs(a) + fabs(b)) * au;
	double		qc = fabs(c) - fabs(a) * fabs(b) * au;
	double		disc;

	/* (1-u) n^2 + (c+1-(a+b)u) n + (c-abu) = 0, positive root */
	if (qa <= 0.0)
		return INFINITY;
	disc = qb * qb - 4.0 * qa * qc;
	if (disc < 0.0)
		return 0.0;
	disc = (-qb + sqrt(disc)) / (2.0 * qa);
	return disc > 0.0 ? disc : 0.0;
}

/* Estimated number of terms of the series for 2F1(a, b; c; u). */
static double
HypSeriesCost(double a, double b, double c, double u)
{
	double		peak;
	double		au = fabs(u);

	if (u == 0.0)
		return 1.0;
	if (au >= 1.0)
		return INFINITY;
	peak = HypPeakIndex(a, b, c, u);
	return peak + 6.0 * sqrt(peak) + 40.0 / -log(au) + 2.0;
}

/*
 * Sums the series 2F1(a, b; c; u), |u| < 1, with rescaling against overflow.
 * Returns 0 with *out and the estimated relative error *err, or -1 when the
 * series does not converge within HYP_MAX_TERMS or hits a pole.
 */
static int
HypSeries(double a, double b, double c, double u, SignedLog *out, double *err)
{
	double		term = 1.0;
	double		sum = 1.0;
	double		abssum = 1.0;
	double		logscale = 0.0;
	long		n;

	if (u == 0.0 || a == 0.0 || b == 0.0)
	{
		out->l = 0.0;
		out->sign = 1;
		*err = CRM_EPS;
		return 0;
	}
	if (!(fabs(u) < 1.0) || HypSeriesCost(a, b, c, u) > HYP_MAX_TERMS)
		return -1;
	for (n = 0; n < HYP_MAX_TERMS; n++)
	{
		double		dn = (double) n;
		double		ratio;
		double		next;

		if (c + dn == 0.0)
			return -1;
		ratio = ((a + dn) / (c + dn)) * ((b + dn) / (dn + 1.0)) * u;
		term *= ratio;
		sum += term;
		abssum += fabs(term);
		if (term == 0.0)
			break;				/* polynomial: a or b reached a non-positive integer */
		if (abssum > 1e250)
		{
			term *= 1e-250;
			sum *= 1e-250;
			abssum *= 1e-250;
			logscale += 575.64627324851142;	/* 250 ln 10 */
		}
		/* converged when every later ratio is below 1 and the tail is negligible */
		if (a + dn + 1.0 > 0.0 && b + dn + 1.0 > 0.0 && c + dn + 1.0 > 0.0)
		{
			next = fabs(((a + dn + 1.0) / (c + dn + 1.0)) * ((b + dn + 1.0) / (dn + 2.0)) * u);
			if (next < fabs(u))
				next = fabs(u);
			if (next < 1.0 && fabs(term) * next / (1.0 - next) <= 1e-17 * abssum)
				break;
		}
	}
#ifdef CRM_CORE_COUNTERS
	crm_hyp2f1_terms += n;
#endif
	if (n >= HYP_MAX_TERMS || sum == 0.0 || !isfinite(sum))
		return -1;
	out->sign = sum > 0.0 ? 1 : -1;
	out->l = log(fabs(sum)) + logscale;
	*err = CRM_EPS * (abssum / fabs(sum)) * (4.0 + sqrt((double) n));
	return 0;
}

/*
 * The 1-u connection formula (A&S 15.3.6) for 2F1(a, b; c; u), given u and
 * omu = 1 - u (passed separately to keep it exact), c - a - b not an integer.
 */
static int
HypConnectionRaw(double a, double b, double c, double u, double omu,
				 SignedLog *out, double *err)
{
	double		m = c - a - b;
	SignedLog	t1 = {0.0, 0};
	SignedLog	t2 = {0.0, 0};
	SignedLog	s;
	double		e1 = 0.0;
	double		e2 = 0.0;
	double		cancel;
	int			sg_c, sg_m, sg_ca, sg_cb, sg_nm, sg_a, sg_b;
	double		lg_c, lg_m, lg_ca, lg_cb, lg_nm, lg_a, lg_b;

	(void) u;
	if (!(omu > 0.0) || omu > 1.0)
		return -1;
	lg_c = LogGammaSigned(c, &sg_c);
	lg_m = LogGammaSigned(m, &sg_m);
	lg_nm = LogGammaSigned(-m, &sg_nm);
	lg_ca = LogGammaSigned(c - a, &sg_ca);
	lg_cb = LogGammaSigned(c - b, &sg_cb);
	lg_a = LogGammaSigned(a, &sg_a);
	lg_b = LogGammaSigned(b, &sg_b);
	if (sg_c == 0 || sg_m == 0 || sg_nm == 0)
		return -1;
	/* Gamma(c) Gamma(m) / (Gamma(c-a) Gamma(c-b)) 2F1(a, b; 1-m; 1-u) */
	if (sg_ca != 0 && sg_cb != 0)
	{
		if (HypSeries(a, b, 1.0 - m, omu, &s, &e1) != 0)
			return -1;
		t1.sign = s.sign * sg_c * sg_m * sg_ca * sg_cb;
		t1.l = s.l + lg_c + lg_m - lg_ca - lg_cb;
		e1 += CRM_EPS * (fabs(lg_c) + fabs(lg_m) + fabs(lg_ca) + fabs(lg_cb) + fabs(s.l));
	}
	/* Gamma(c) Gamma(-m) / (Gamma(a) Gamma(b)) (1-u)^m 2F1(c-a, c-b; 1+m; 1-u) */
	if (sg_a != 0 && sg_b != 0)
	{
		if (HypSeries(c - a, c - b, 1.0 + m, omu, &s, &e2) != 0)
			return -1;
		t2.sign = s.sign * sg_c * sg_nm * sg_a * sg_b;
		t2.l = s.l + lg_c + lg_nm - lg_a - lg_b + m * log(omu);
		e2 += CRM_EPS * (fabs(lg_c) + fabs(lg_nm) + fabs(lg_a) + fabs(lg_b) +
						 fabs(s.l) + fabs(m * log(omu)));
	}
	*out = SignedLogAdd(t1, t2, &cancel);
	if (out->sign == 0 || !isfinite(out->l))
		return -1;
	*err = cancel * (e1 > e2 ? e1 : e2) + cancel * CRM_EPS;
	return 0;
}

/*
 * The connection formula; when c - a - b is within h/4 of an integer, it is
 * evaluated at c +- h, c +- 2h and Richardson-extrapolated on log |F|. The
 * step shrinks with |log(1-u)| (F depends on c through (1-u)^(c-a-b)) so that
 * h |log(1-u)| stays <= HYP_PERTURB: O(h^4) truncation, O(eps/h) cancellation.
 */
static int
HypConnection(double a, double b, double c, double u, double omu,
			  SignedLog *out, double *err)
{
	double		m = c - a - b;
	double		lomu = fabs(log(omu));
	double		h = HYP_PERTURB / (lomu > 1.0 ? lomu : 1.0);
	SignedLog	v[4];
	double		e[4];
	double		emax = 0.0;
	int			k;
	int			shift_c;

	if (fabs(m - nearbyint(m)) >= 0.25 * h)
		return HypConnectionRaw(a, b, c, u, omu, out, err);
	/* perturb c (or a when c is too close to its pole at 0) */
	shift_c = c > 10.0 * h;
	for (k = 0; k < 4; k++)
	{
		double		d = (k < 2 ? 1.0 : 2.0) * h * (k % 2 == 0 ? 1.0 : -1.0);

		if (HypConnectionRaw(shift_c ? a : a + d, b, shift_c ? c + d : c, u, omu,
							 &v[k], &e[k]) != 0)
			return -1;
		if (v[k].sign != v[0].sign)
			return -1;
		if (e[k] > emax)
			emax = e[k];
	}
	/* f(0) = (4 (f(h) + f(-h)) - (f(2h) + f(-2h))) / 6 + O(h^4), on log |F| */
	out->sign = v[0].sign;
	out->l = (4.0 * (v[0].l + v[1].l) - (v[2].l + v[3].l)) / 6.0;
	/* the O(h^4) remainder is estimated as h^2 times the size of the h^2 term */
	*err = 3.0 * emax + fabs(v[0].l + v[1].l - v[2].l - v[3].l) * HYP_PERTURB * HYP_PERTURB;
	return 0;
}

/* One equivalent representation: exp(pref) * 2F1(a, b; c; u), omu = 1 - u. */
typedef struct HypRep
{
	double		pref;
	double		a;
	double		b;
	double		c;
	double		u;
	double		omu;
	int			connection;		/* 1: use the connection formula */
	double		cost;
} HypRep;

/* qsort order: cheaper candidates first. */
static int
HypRepCompare(const void *x, const void *y)
{
	double		cx = ((const HypRep *) x)->cost;
	double		cy = ((const HypRep *) y)->cost;

	return cx < cy ? -1 : (cx > cy ? 1 : 0);
}

/* Adds the direct-series and connection-formula candidates of one representation. */
static int
HypAddRep(HypRep *list, int n, double pref, double a, double b, double c,
		  double u, double omu)
{
	HypRep		r;
	int			positive = (a > 0.0 && b > 0.0 && c > 0.0 && u >= 0.0);

	r.pref = pref;
	r.a = a;
	r.b = b;
	r.c = c;
	r.u = u;
	r.omu = omu;
	r.connection = 0;
	r.cost = HypSeriesCost(a, b, c, u) * (positive ? 1.0 : 4.0);
	if (r.cost <= HYP_MAX_TERMS)
		list[n++] = r;
	if (u >= 0.3)
	{
		double		m = c - a - b;

		r.connection = 1;
		r.cost = 50.0 + HypSeriesCost(a, b, 1.0 - m, omu) +
			HypSeriesCost(c - a, c - b, 1.0 + m, omu);
		if (fabs(m - nearbyint(m)) < 0.25 * HYP_PERTURB)
			r.cost *= 4.0;		/* may need the perturbed evaluation */
		r.cost *= 2.0;			/* prefer a clean series at equal cost */
		if (r.cost <= 2.0 * HYP_MAX_TERMS)
			list[n++] = r;
	}
	return n;
}

/* log 2F1(a, b; c; z) for z < 1, c > 0 (see specfun.h). */
int
crm_log_hyp2f1(double a, double b, double c, double z, double *logval)
{
	double		err;

	return crm_log_hyp2f1_err(a, b, c, z, 1.0 - z, logval, &err);
}

/* log 2F1(a, b; c; z) given 1 - z, and its estimated absolute error (see specfun.h). */
int
crm_log_hyp2f1_err(double a, double b, double c, double z, double omz, double *logval,
				   double *logerr)
{
	HypRep		reps[8];
	int			nrep = 0;
	int			i;
	SignedLog	best = {0.0, 0};
	double		best_err = INFINITY;

	if (!isfinite(a) || !isfinite(b) || !isfinite(c) || isnan(z) ||
		!(c > 0.0) || !(z < 1.0) || z == -INFINITY || !(omz > 0.0))
		return -1;
	if (z == 0.0 || a == 0.0 || b == 0.0)
	{
		*logval = 0.0;
		*logerr = 0.0;
		return 0;
	}
	if (z > 0.0)
	{
		/* 1 - z as given: near z = 1, F ~ (1-z)^(c-a-b) magnifies a rounded z */
		nrep = HypAddRep(reps, nrep, 0.0, a, b, c, z, omz);
		nrep = HypAddRep(reps, nrep, (c - a - b) * log(omz), c - a, c - b, c, z, omz);
	}
	else
	{
		double		L = log1p(-z);
		double		w = -z / (1.0 - z);
		double		omw = 1.0 / (1.0 - z);

		nrep = HypAddRep(reps, nrep, -a * L, a, c - b, c, w, omw);
		nrep = HypAddRep(reps, nrep, -b * L, c - a, b, c, w, omw);
		if (z > -1.0)
			nrep = HypAddRep(reps, nrep, 0.0, a, b, c, z, 1.0 - z);
	}
	qsort(reps, nrep, sizeof(HypRep), HypRepCompare);
	for (i = 0; i < nrep; i++)
	{
		SignedLog	v;
		double		err;
		int			rc;

		if (reps[i].connection)
			rc = HypConnection(reps[i].a, reps[i].b, reps[i].c, reps[i].u,
							   reps[i].omu, &v, &err);
		else
			rc = HypSeries(reps[i].a, reps[i].b, reps[i].c, reps[i].u, &v, &err);
		if (rc != 0 || !isfinite(v.l) || !isfinite(err))
			continue;
		v.l += reps[i].pref;
		err += CRM_EPS * fabs(reps[i].pref);
		if (err < best_err)
		{
			best = v;
			best_err = err;
		}
		if (best_err < HYP_GOOD_ERR)
			break;
	}
	if (best.sign != 1 || !(best_err < HYP_WORST_ERR) || !isfinite(best.l))
		return -1;
	*logval = best.l;
	*logerr = best_err;
	return 0;
}

/*
 * Shared-series fast path for positive parameters (see specfun.h). The
 * powers are rescaled (HYP_POW_MIN): for tiny z with huge a (r and alpha
 * running off together) they would underflow while the terms still count.
 */
int
crm_log_hyp2f1_fast(double a, double b, double c, const double *z, int n, double *logval)
{
	double		pw[CRM_HYP_FAST_MAX_Z],
				sum[CRM_HYP_FAST_MAX_Z];
	double		coef = 1.0,		/* times the powers' scale */
				one = 1.0,		/* the leading term, rescaled with the sums */
				zmax = 0.0,
				logscale = 0.0;
	int			i,
				k,
				kmax = 0;

	if (n < 1 || n > CRM_HYP_FAST_MAX_Z || !(a > 0.0) || !(b > 0.0) || !(c > 0.0) ||
		!isfinite(a) || !isfinite(b) || !isfinite(c))
		return -1;
	for (k = 0; k < n; k++)
	{
		if (!(z[k] >= 0.0) || !(z[k] < 1.0))
			return -1;
		if (z[k] > zmax)
		{
			zmax = z[k];
			kmax = k;
		}
		pw[k] = 1.0;
		sum[k] = 0.0;			/* the terms after the leading 1 */
	}
	if (zmax == 0.0)
		goto done;
	if (HypSeriesCost(a, b, c, zmax) > CRM_HYP_FAST_TERMS)
		return -1;
	for (i = 0; i < CRM_HYP_FAST_TERMS; i++)
	{
		double		di = (double) i;
		double		next;
		int			converged = 1;

		coef *= (a + di) * (b + di) / ((c + di) * (di + 1.0));
		for (k = 0; k < n; k++)
		{
			pw[k] *= z[k];
			sum[k] += coef * pw[k];
		}
		if (coef > 1e250)
		{
			coef *= 1e-250;
			for (k = 0; k < n; k++)
				sum[k] *= 1e-250;
			one *= 1e-250;
			logscale += 575.64627324851142;	/* 250 ln 10 */
		}
		/* see HYP_POW_MIN; the largest power is the largest z's */
		if (pw[kmax] < HYP_POW_MIN)
		{
			coef *= 1.0 / HYP_POW_UP;
			for (k = 0; k < n; k++)
				pw[k] *= HYP_POW_UP;
		}
		/*
		 * Term ratios from here on are f(m) z, f(m) - 1 = (A m + B) / ((c+m)(m+1))
		 * with A = a+b-c-1, B = ab-c, so f(m) <= 1 + A+/(i+2) + B+/((c+i+1)(i+2))
		 * for m > i: a geometric bound on the tail once that is below 1.
		 */
		next = (1.0 + fmax(a + b - c - 1.0, 0.0) / (di + 2.0) +
				fmax(a * b - c, 0.0) / ((c + di + 1.0) * (di + 2.0))) * zmax;
		if (next >= 1.0)
			continue;
		for (k = 0; k < n && converged; k++)
			/* against the terms after the 1: log1p below keeps their digits */
			converged = coef * pw[k] * next <= 1e-17 * (1.0 - next) * sum[k];
		if (converged)
			goto done;
	}
	return -1;
done:
	for (k = 0; k < n; k++)
	{
		/* log1p: a 2F1 of 1 + 1e-15 keeps its digits (log(1 + sum) rounds to eps absolute) */
		logval[k] = logscale == 0.0 ? log1p(sum[k]) : log(one + sum[k]) + logscale;
		if (!isfinite(logval[k]))
			return -1;
	}
	return 0;
}

/* Upper bound of the term ratio f(m) = (a+m)(b+m) / ((c+m)(m+1)) for m >= i (see below). */
static inline double
HypRatioBound(double a, double b, double c, double i)
{
	double		A = a + b - c - 1.0;
	double		B = a * b - c;

	/*
	 * f(m) - 1 = (A m + B) / ((c+m)(m+1)). For A > 0 that is at most
	 * A/(i+1) + B+/((c+i)(i+1)); for A <= 0 the numerator falls and the
	 * denominator grows with m, so it is at most (A i + B)+ / ((c+i)(i+1)).
	 */
	if (A > 0.0)
		return 1.0 + (A + (B > 0.0 ? B : 0.0) / (c + i)) / (i + 1.0);
	B += A * i;
	return B > 0.0 ? 1.0 + B / ((c + i) * (i + 1.0)) : 1.0;
}

/*
 * Adds terms i .. i+3 (coefficients cf, powers pw[k] = z^(i-1)) to sum[k]
 * for k in [from, to), and to abssum[k] when mixed (a constant at each call:
 * the compiler makes two versions). In pairs, which the compiler turns into
 * vector operations; a pair may include a converged z (more terms do not
 * hurt) or the padding slot.
 */
static inline void
HypAddTerms(const double cf[4], const double *zs, double *pw, double *sum, double *abssum,
			int from, int to, int mixed)
{
	int			j,
				k;

	for (j = from & ~1; j < to; j += 2)
		for (k = j; k < j + 2; k++)
		{
			double		z2 = zs[k] * zs[k];
			double		p1 = pw[k] * zs[k],
						p2 = pw[k] * z2,
						p3 = p1 * z2,
						p4 = p2 * z2;

			sum[k] += (cf[0] * p1 + cf[1] * p2) + (cf[2] * p3 + cf[3] * p4);
			if (mixed)
				abssum[k] += (fabs(cf[0] * p1) + fabs(cf[1] * p2)) +
					(fabs(cf[2] * p3) + fabs(cf[3] * p4));
			pw[k] = p4;
		}
}

/*
 * Taylor step of F = (2F1(a, b; c; z) - 1) / b from z0 to z1 through its ODE
 *	  z(1-z) F'' + [c - (a+b+1) z] F' - ab F = a,
 * whose coefficients d_n = F^(n)(z0) s^n / n!, s = z1 - z0, follow
 *	  d_(n+2) = ([n=0] a s - (n+1)(p1 n + q0) d_(n+1) + (n+a)(n+b) s d_n)
 *				* sg / ((n+1)(n+2)),  sg = s / (z0 (1-z0)),
 * p1 = 1 - 2 z0, q0 = c - (a+b+1) z0. The other solution of the ODE varies
 * like exp(-lambda s), lambda = q0 / (z0 (1-z0)), so rounding grows by about
 * exp(|lambda| s): callers keep |lambda| s <= HYP_STEP_LAMBDA = 2. On entry
 * *f, *df, *mag hold F, F' and the error scale at z0 (see
 * crm_hyp2f1_m1_multi); on exit those at z1. Returns -1 if the series does
 * not converge.
 */
static int
HypM1Step(double a, double b, double c, double z0, double z1, double *f, double *df,
		  double *mag)
{
	double		s = z1 - z0;
	double		sg = s / (z0 * (1.0 - z0));
	double		p1 = 1.0 - 2.0 * z0,
				q0 = c - (a + b + 1.0) * z0;
	/* the singularities nearest to z0 are at 0 and 1 */
	double		rho = s / (z0 < 1.0 - z0 ? z0 : 1.0 - z0);
	double		d0 = *f,
				d1 = *df * s,
				d2;
	double		sum = d0 + d1,
				dsum = d1,
				abssum = fabs(d0) + fabs(d1),
				ls;
	int			n;

	if (s == 0.0)
		return 0;
	for (n = 0; n < CRM_HYP_FAST_TERMS; n++)
	{
		double		dn = (double) n;
		double		w = sg / ((dn + 1.0) * (dn + 2.0));	/* off the d_n chain */

		d2 = (dn + a) * (dn + b) * s * w * d0 - (dn + 1.0) * (p1 * dn + q0) * w * d1;
		if (n == 0)
			d2 += a * s * w;
		sum += d2;
		dsum += (dn + 2.0) * d2;
		abssum += fabs(d2);
		d0 = d1;
		d1 = d2;
		/* two small terms in a row, the derivative's too (it scales the next step) */
		if ((dn + 2.0) * (fabs(d0) + fabs(d1)) <= 1e-16 * (1.0 - rho) * fabs(sum))
			break;
	}
	if (n == CRM_HYP_FAST_TERMS || !isfinite(sum) || !isfinite(dsum) || sum == 0.0 || *f == 0.0)
		return -1;
	/* relative errors add up along the steps, each grown by up to exp(|lambda| s) */
	ls = fabs(q0 * sg);
	*mag = (*mag / fabs(*f) + (1.0 + ls * (1.0 + ls)) * abssum / fabs(sum)) * fabs(sum);
	*f = sum;
	*df = dsum / s;
	return 0;
}

/* Shared-series (2F1 - 1) / b, with Taylor steps for the larger z (see specfun.h). */
int
crm_hyp2f1_m1_multi(double a, double b, double c, const double *z, int n,
					double *out, double *mag)
{
	/* sorted z (and the pivot), powers, sums, sums of |terms|; a padding slot */
	double		zs[CRM_HYP_FAST_MAX_Z + 2],
				pw[CRM_HYP_FAST_MAX_Z + 2],
				sum[CRM_HYP_FAST_MAX_Z + 2],
				abssum[CRM_HYP_FAST_MAX_Z + 2];
	int			idx[CRM_HYP_FAST_MAX_Z + 1];	/* input index; -1: the pivot */
	/* the series is shared by n z: with one, step sooner */
	double		zstep = (n == 1) ? HYP_STEP_Z1 : HYP_STEP_Z;
	double		coef = a / c;	/* c_i = (a)_i (b+1)_(i-1) / ((c)_i i!) */
	double		dsum = 0.0;		/* the pivot's F' times z */
	int			neg = 0;		/* some z < 0 */
	int			mixed;			/* terms may differ in sign (a < 0 or z < 0) */
	int			lo = 0,
				nd,
				nz = n,
				i,
				j,
				k;

	if (n < 1 || n > CRM_HYP_FAST_MAX_Z)
		return -1;
	for (k = 0; k < n; k++)
		out[k] = mag[k] = NAN;
	if (!isfinite(a) || !isfinite(b) || !isfinite(c) || !(c > 0.0) || !(b > -1.0))
		return -1;
	/* sorted by |z| (insertion sort: CLV passes increasing horizons) */
	for (k = 0; k < n; k++)
	{
		if (!(fabs(z[k]) < 1.0))
			return -1;
		neg |= (z[k] < 0.0);
		for (j = k; j > 0 && fabs(zs[j - 1]) > fabs(z[k]); j--)
		{
			zs[j] = zs[j - 1];
			idx[j] = idx[j - 1];
		}
		zs[j] = z[k];
		idx[j] = k;
	}
	/*
	 * zs[0..nd) by the series; z beyond zstep by steps from a pivot at
	 * zstep, unless some z < 0 or c - (a+b+1) z (linear in z) is large on
	 * [zstep, 1]: then steps would have to be short (and the series
	 * converges fast anyway)
	 */
	for (nd = 0; nd < n && zs[nd] <= zstep; nd++)
		;
	mixed = (a < 0.0 || neg);
	if (neg || fabs(c - (a + b + 1.0) * zstep) > HYP_STEP_Q ||
		fabs(c - (a + b + 1.0)) > HYP_STEP_Q)
		nd = n;
	if (nd < n)
	{
		for (j = n; j > nd; j--)
		{
			zs[j] = zs[j - 1];
			idx[j] = idx[j - 1];
		}
		zs[nd] = zstep;
		idx[nd++] = -1;
		nz++;
	}
	for (j = 0; j <= nz; j++)
	{
		pw[j] = 1.0;
		sum[j] = abssum[j] = 0.0;
	}
	zs[nz] = 0.0;
	/* four terms per pass, i .. i+3 */
	for (i = 1; i <= CRM_HYP_FAST_TERMS && lo < nd; i += 4)
	{
		double		di = (double) i;
		double		cf[4];
		double		next;

		for (k = 0; k < 4; k++)
		{
			cf[k] = coef;
			coef *= (a + di + k) * (b + di + k) / ((c + di + k) * (di + k + 1.0));
		}
		if (nd < nz)
		{
			double		zp = zstep,
						p = pw[nd - 1] * zp;

			dsum += p * (di * cf[0] + zp * ((di + 1.0) * cf[1] + zp * ((di + 2.0) * cf[2] +
																	zp * (di + 3.0) * cf[3])));
		}
		/* every z not yet converged: the larger ones */
		if (mixed)
			HypAddTerms(cf, zs, pw, sum, abssum, lo, nd, 1);
		else
			HypAddTerms(cf, zs, pw, sum, abssum, lo, nd, 0);
		if (cf[3] == 0.0)
			lo = nd;			/* a polynomial: a is a non-positive integer */
		/* from term i+3 on every ratio is at most next / |z| in size */
		else if (b + di + 3.0 > 0.0)
		{
			/*
			 * while a + i+3 <= 0 (the terms alternate), |a + m| <= a' + m
			 * for m >= i+3, a' = -a - 2 (i+3)
			 */
			double		bound = HypRatioBound(a + di + 3.0 > 0.0 ? a : -a - 2.0 * (di + 3.0),
											  b, c, di + 3.0);

			/*
			 * the smallest z first: the tail is at most term * next / (1 -
			 * next); the pivot's F' at most i+3 + 1/(1-next) times that
			 */
			while (lo < nd && (next = bound * fabs(zs[lo])) < 1.0 &&
				   fabs(cf[3] * pw[lo]) * next *
				   (lo == nd - 1 && nd < nz ? di + 3.0 + 1.0 / (1.0 - next) : 1.0) <=
				   1e-16 * (1.0 - next) * fabs(sum[lo]))
				lo++;
		}
		/* see HYP_POW_MIN; the largest power is the last series z's */
		if (!(fabs(coef) <= HYP_POW_UP))
		{
			if (!isfinite(coef))
				break;
			if (fabs(pw[nd - 1]) < HYP_POW_MIN)
			{
				coef *= 1.0 / HYP_POW_UP;
				for (j = 0; j < nd; j++)
					pw[j] *= HYP_POW_UP;
			}
		}
	}
	/*
	 * a sum that overflowed did not converge; sums of |terms| (of terms of
	 * one sign: the sums) grow with |z|, so those are the largest z's
	 */
	while (lo > 0 && !isfinite(sum[lo - 1] + abssum[lo - 1]))
		lo--;
	for (j = 0; j < lo; j++)
		if (idx[j] >= 0)
		{
			out[idx[j]] = sum[j];
			mag[idx[j]] = mixed ? abssum[j] : fabs(sum[j]);
		}
	/* the larger z by Taylor steps from the pivot (see HypM1Step) */
	if (lo == nd && nd < nz)
	{
		double		zc = zstep,
					f = sum[nd - 1],
					df = dsum / zstep,
					e = mixed ? abssum[nd - 1] : fabs(sum[nd - 1]);
		int			steps = 0;

		for (j = nd; j < nz; j++)
		{
			while (zc < zs[j])
			{
				double		q = fabs(c - (a + b + 1.0) * zc);
				double		zn = zc + (1.0 - zc) * (q * HYP_STEP_RHO < HYP_STEP_LAMBDA * zc ?
												   HYP_STEP_RHO : HYP_STEP_LAMBDA * zc / q);

				/* the last step also when the next one would round to no step */
				zn = (zn < zs[j] && zn > zc) ? zn : zs[j];
				if (++steps > HYP_MAX_STEPS || HypM1Step(a, b, c, zc, zn, &f, &df, &e) != 0)
					return -1;
				zc = zn;
			}
			out[idx[j]] = f;
			mag[idx[j]] = e;
		}
		return 0;
	}
	return lo == nz ? 0 : -1;
}

/* --- upper incomplete gamma ------------------------------------------- */

/*
 * log of x^-s e^x Gamma(s, x) by the Legendre continued fraction (modified
 * Lentz), for x > 1 + s or s very negative: the fraction is that scaled
 * value itself, so x and s of 1e14 lose nothing. Gamma(s, x) = x^s e^-x /
 * (b_0 + a_1 / (b_1 + a_2 / (b_2 + ...))), a_n = -n (n - s), b_n = x + 2n + 1
 * - s; for s < -50, |a_n / (b_(n-1) b_n)| <= n / (n - s) < n / 50 at any
 * x > 0, so the tail after n levels is about n! / 50^n: 2e-15 at n = 18
 * (measured: 3 to 8 levels from s = -1e7 to -1000, 13 at -100, 18 at -50,
 * x = 1e-300 to 1.5).
 */
static double
LogUpperGammaCfScaled(double s, double x)
{
	double		tiny = 1e-300;
	double		b = x + 1.0 - s;
	double		c = 1.0 / tiny;
	double		d = 1.0 / b;
	double		h = d;
	int			i;

	for (i = 1; i < IGAM_MAX_ITER; i++)
	{
		double		an = -i * (i - s);
		double		del;

		b += 2.0;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-16)
			break;
	}
	return log(h);
}

/* log Gamma(s, x) by the continued fraction, x > 1 + s. */
static double
LogUpperGammaCf(double s, double x)
{
	return -x + s * log(x) + LogUpperGammaCfScaled(s, x);
}

/* log of the regularized lower gamma P(s, x) by its power series, s > 0. */
static double
LogLowerGammaP(double s, double x)
{
	double		term = 1.0 / s;
	double		sum = term;
	int			n;

	for (n = 1; n < IGAM_MAX_ITER; n++)
	{
		term *= x / (s + n);
		sum += term;
		if (term < sum * 1e-17)
			break;
	}
	return s * log(x) - x + log(sum) - crm_lgamma(s);
}

/* Taylor coefficients of 1/Gamma(z) about 0, c_2 .. c_29 (mpmath, 50 digits). */
static const double RgammaCoef[] = {
	0.57721566490153286061, -0.65587807152025388108, -0.042002635034095235529,
	0.1665386113822914895, -0.042197734555544336748, -0.0096219715278769735621,
	0.0072189432466630995424, -0.0011651675918590651121, -0.00021524167411495097282,
	0.00012805028238811618615, -0.000020134854780788238656, -1.2504934821426706573e-6,
	1.1330272319816958824e-6, -2.0563384169776071035e-7, 6.1160951044814158179e-9,
	5.0020076444692229301e-9, -1.1812745704870201446e-9, 1.0434267116911005105e-10,
	7.782263439905071254e-12, -3.6968056186422057082e-12, 5.100370287454475979e-13,
	-2.0583260535665067832e-14, -5.3481225394230179824e-15, 1.2267786282382607902e-15,
	-1.1812593016974587695e-16, 1.1866922547516003326e-18, 1.4123806553180317816e-18,
	-2.2987456844353702066e-19
};

/* (Gamma(1+s) - 1) / s for |s| <= 1, without cancellation near s = 0. */
static double
GammaMinusOneOverS(double s)
{
	int			k = (int) (sizeof(RgammaCoef) / sizeof(RgammaCoef[0])) - 1;
	double		q = 0.0;

	/* 1/Gamma(1+s) = 1 + s q(s), q(s) = sum c_{k+2} s^k */
	for (; k >= 0; k--)
		q = q * s + RgammaCoef[k];
	/* Gamma(1+s) - 1 = -s q / (1 + s q) */
	return -q / (1.0 + s * q);
}

/*
 * Gamma(s, x) for -1/2 <= s < 1 and x <= 2 by
 * [Gamma(1+s) - 1]/s - [x^s - 1]/s - x^s sum_{n>=1} (-x)^n / (n! (s+n)),
 * which has no cancellation as s -> 0 (the limit is E1(x)). Returns the value.
 */
static double
UpperGammaSmallS(double s, double x)
{
	double		lx = log(x);
	double		sum = 0.0;
	double		term = 1.0;
	int			n;

	for (n = 1; n < 200; n++)
	{
		term *= -x / n;
		sum += term / (s + n);
		if (fabs(term) < 1e-18)
			break;
	}
	return GammaMinusOneOverS(s) - lx * crm_exprel(s * lx) - exp(s * lx) * sum;
}

/* log Gamma(s, x) for any real s and x > 0. */
double
crm_log_upper_gamma(double s, double x)
{
	double		m;
	double		s0;
	double		lg;
	double		lx;
	long		k;

	if (isnan(s) || isinf(s) || !(x > 0.0))
		return NAN;
	if (isinf(x))
		return -INFINITY;
	/* s < -50, any x: at most 18 levels (the recurrence would take -s steps) */
	if ((x > 1.5 && x > s + 1.0) || s < IGAM_CF_S_MAX)
		return LogUpperGammaCf(s, x);
	if (s >= 1.0)
		return crm_lgamma(s) + crm_log1mexp(LogLowerGammaP(s, x));
	if (s >= -0.5)
		return log(UpperGammaSmallS(s, x));
	/* -50 <= s < -1/2: start from s0 = s + m in [-1/2, 1/2), m <= 50, */
	/* recur down with Gamma(t-1, x) = (x^(t-1) e^-x - Gamma(t, x)) / (1 - t) */
	m = ceil(-s - 0.5);
	s0 = s + m;
	if (s0 >= 0.5)
	{
		s0 -= 1.0;
		m -= 1.0;
	}
	lg = log(UpperGammaSmallS(s0, x));
	lx = log(x);
	for (k = 0; k < (long) m; k++)
	{
		double		t = s0 - (double) k;

		double		lead = (t - 1.0) * lx - x;

		if (!(lead > lg))
			return LogUpperGammaCf(s, x);	/* rounding ate the difference */
		lg = crm_logsubexp(lead, lg) - log(1.0 - t);
	}
	return lg;
}

/*
 * log(x^-s e^x Gamma(s, x)) = log int_0^inf e^(-x t) (1 + t)^(s-1) dt for any
 * real s and x > 0. Where crm_log_upper_gamma takes its continued fraction
 * (x > max(1.5, s + 1), or s < -50 at any x) this is the fraction alone:
 * no -x + s log(x) of size 1e14 to cancel when s and x are both huge.
 * Elsewhere (x <= max(1.5, s + 1), s >= -50) it is crm_log_upper_gamma + x
 * - s log(x), to eps |s log(x)| (at most 50 |log x| eps).
 */
double
crm_log_upper_gamma_scaled(double s, double x)
{
	if (isnan(s) || isinf(s) || !(x > 0.0))
		return NAN;
	if (isinf(x))
		return -INFINITY;
	if ((x > 1.5 && x > s + 1.0) || s < IGAM_CF_S_MAX)
		return LogUpperGammaCfScaled(s, x);
	return crm_log_upper_gamma(s, x) + x - s * log(x);
}
