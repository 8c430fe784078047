/*-------------------------------------------------------------------------
 *
 * scoring.h
 *	  Scoring math of crm.refresh(): quantile scores against cut points,
 *	  linear bad-to-good sub-scores and percentile positions.
 *
 * Pure C, no PostgreSQL headers. Every function returns a finite value for
 * finite input; callers reject NaN before calling.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_SCORING_H
#define CRM_CORE_SCORING_H

/*
 * Quantile score 1..n+1 of v against n ascending cut points: 1 + the number
 * of cuts strictly below v, so ties share a score and the smallest values
 * always score 1. With higher_is_better = 0 the scale is reversed.
 */
int			crm_quantile_score(double v, const double *cuts, int n, int higher_is_better);

/* Linear sub-score 0..100: 0 at bad, 100 at good (either order), clamped. */
double		crm_linear_score(double raw, double bad, double good);

/*
 * Percentile position 0..100 of v among n ascending cut points taken at
 * equally spaced probabilities 0, 1/(n-1), ..., 1 (e.g. 101 percentiles),
 * interpolating linearly between neighbouring cuts and resolving ties to the
 * middle of the tied run.
 */
double		crm_percentile_position(double v, const double *cuts, int n);

/*
 * Weighted health score of n dimensions: present[i] says whether raw[i]
 * exists; each present one scores crm_linear_score(raw, bad, good) into
 * sub[i] and contributes contrib[i] = w[i] * sub[i] / (sum of present
 * weights) points. Returns the score 0..100, or -1 when no present
 * dimension has a positive weight.
 */
double		crm_health_combine(const double *raw, const int *present, const double *bad,
							   const double *good, const double *w, int n, double *sub,
							   double *contrib);

/*
 * The number printf("%.1f", v) prints, as *tenths / 10 (exact: v * 10
 * rounded to an integer, ties to even, as glibc rounds). Returns 0 and
 * leaves *tenths alone when v is not finite or |v| >= 1e14; callers then
 * print v themselves.
 */
int			crm_round_tenths(double v, long long *tenths);

/*
 * The number printf("%.6g", v) prints, as *digits * 10^-*scale with no
 * trailing zeros in *digits (0 for a zero v of either sign): *scale is then
 * the count of decimals the text shows, or minus the zeros an integer ends
 * in. Exact (six significant digits, ties to even). Returns 0 and leaves
 * the outputs alone when v is not finite or |v| is outside [1e-17, 1e27)
 * (and not zero); callers then print v themselves.
 */
int			crm_round_sig6(double v, long long *digits, int *scale);

/*
 * PostgreSQL 15's round(v::numeric, 1) as *tenths / 10: v printed with 15
 * significant digits (ties to even), then rounded to tenths half away from
 * zero (0.04999999999999999 gives 0.1). Returns 0 and leaves *tenths alone
 * when v is not finite or |v| >= 1e15; callers then use PostgreSQL's.
 */
int			crm_round_numeric_tenths(double v, long long *tenths);

#endif
