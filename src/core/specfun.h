/*-------------------------------------------------------------------------
 *
 * specfun.h
 *	  Special functions and log-space arithmetic for the CLV models.
 *
 * Pure C, no PostgreSQL headers. Every function is thread-safe (no use of
 * the global signgam) and returns a finite value for finite valid input.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_SPECFUN_H
#define CRM_CORE_SPECFUN_H

/* log Gamma(x) for x > 0. */
double		crm_lgamma(double x);

/* log |Gamma(x)| and its sign for any real x; *sign = 0 (and +inf) at a pole. */
double		crm_lgamma_signed(double x, int *sign);

/* digamma psi(x) = d/dx log Gamma(x), x > 0. */
double		crm_digamma(double x);

/* trigamma psi'(x), x > 0. */
double		crm_trigamma(double x);

/* log Beta(a, b) for a, b > 0. */
double		crm_lbeta(double a, double b);

/* psi(z + n) - psi(z), z > 0, n >= 0; accurate when z is huge. */
double		crm_digamma_diff(double z, double n);

/* *da = psi(a + b) - psi(a) and *db = psi(a + b) - psi(b), sharing psi(a + b). */
void		crm_digamma_diff_pair(double a, double b, double *da, double *db);

/* psi'(z + n) - psi'(z), z > 0, n >= 0; accurate when z is huge. */
double		crm_trigamma_diff(double z, double n);

/* log(1 + a / b), a >= 0, b > 0; also where a / b overflows. */
double		crm_log1p_ratio(double a, double b);

/* log Gamma(z + n) - log Gamma(z), z > 0, n >= 0; accurate when z is huge. */
double		crm_lpoch(double z, double n);

/*
 * log |Gamma(x+h)| - log |Gamma(x)| for x, x+h between the same poles (x >
 * -100, any real h): no log Gamma of x alone (x huge) and no difference of
 * two (h tiny). *abssum: the magnitude of the pieces summed, the scale of
 * the rounding error (a few eps times it).
 */
double		crm_lgamma_shift(double x, double h, double *abssum);

/* log B(a, b + n) - log B(a, b), a, b > 0, n >= 0; accurate when a and b are huge. */
double		crm_lbeta_ratio(double a, double b, double n);

/* log(exp(a) + exp(b)) without overflow; handles -INFINITY operands. */
double		crm_logaddexp(double a, double b);

/* log(exp(a) - exp(b)) for a >= b; -INFINITY when a == b. */
double		crm_logsubexp(double a, double b);

/* log(1 - exp(x)) for x <= 0, accurate near 0 and for very negative x. */
double		crm_log1mexp(double x);

/* (exp(x) - 1) / x, equal to 1 at x = 0; accurate near 0 (removable singularity). */
double		crm_exprel(double x);

/*
 * log of the Gauss hypergeometric function 2F1(a, b; c; z) for real z < 1,
 * c > 0, in the region where the value is positive (all our model uses).
 * Uses bounded series plus Euler/Pfaff/1-z transformations; never an
 * unbounded series. Returns 0 and sets *logval on success, -1 when the
 * arguments are outside the supported domain or the value is not positive.
 */
int			crm_log_hyp2f1(double a, double b, double c, double z, double *logval);

/*
 * The same given omz = 1 - z as the caller knows it (near z = 1 a rounded z
 * loses digits: F ~ (1-z)^(c-a-b)), with *logerr the estimated absolute
 * error of *logval.
 */
int			crm_log_hyp2f1_err(double a, double b, double c, double z, double omz,
							   double *logval, double *logerr);

#ifdef CRM_CORE_COUNTERS
/* Terms summed by crm_log_hyp2f1's series so far: its cost, for the unit tests only. */
extern long crm_hyp2f1_terms;
#endif

/*
 * Fast path: log 2F1(a, b; c; z[k]) for k < n from one shared power series,
 * for a, b, c > 0 and 0 <= z[k] < 1 (every term positive, so no
 * cancellation; tiny z with huge a too), 1 <= n <= CRM_HYP_FAST_MAX_Z.
 * Returns -1 when the series would need more than CRM_HYP_FAST_TERMS
 * terms; callers then use crm_log_hyp2f1.
 */
#define CRM_HYP_FAST_TERMS 400
#define CRM_HYP_FAST_MAX_Z 64	/* most z values per call */
int			crm_log_hyp2f1_fast(double a, double b, double c, const double *z, int n,
								double *logval);

/*
 * (2F1(a, b; c; z[k]) - 1) / b for k < n: the power series
 * sum_{i>=1} (a)_i (b+1)_(i-1) / ((c)_i i!) z^i, with no division by b (b = 0
 * gives the limit), shared by every z, each z stopping at its own term; when
 * every z >= 0, those beyond 0.8 are reached by Taylor steps of the
 * function's ODE instead. For c > 0, b > -1, |z[k]| < 1 (tiny z with huge
 * |a| too), 1 <= n <= CRM_HYP_FAST_MAX_Z. mag[k] is the error scale: the
 * rounding error is a small multiple of DBL_EPSILON * mag[k] (|out[k]|
 * when every term has one sign). Returns 0 when every z converged within
 * CRM_HYP_FAST_TERMS terms; otherwise -1, with out[k] = NAN where it did
 * not (everywhere for invalid arguments).
 */
int			crm_hyp2f1_m1_multi(double a, double b, double c, const double *z, int n,
								double *out, double *mag);

/*
 * log of the upper incomplete gamma function Gamma(s, x) for real s (any
 * sign, including 0 and negative non-integers and integers) and x > 0.
 * Needed for the Pareto/NBD DERT: U(s, s; z) = exp(z) Gamma(1 - s, z).
 */
double		crm_log_upper_gamma(double s, double x);

/*
 * log of the scaled upper incomplete gamma function x^-s e^x Gamma(s, x)
 * (any real s, x > 0), without forming -x + s log(x): finite and accurate
 * when s and x are both huge. z^s U(s, s; z) = z exp(this at (1 - s, z)).
 */
double		crm_log_upper_gamma_scaled(double s, double x);

#endif
