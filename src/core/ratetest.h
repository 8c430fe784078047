/*-------------------------------------------------------------------------
 *
 * ratetest.h
 *	  Exact conditional test that a Poisson event rate dropped (or rose):
 *	  recent count k1 over exposure t1 against a baseline count k0 over
 *	  exposure t0. Given n = k0 + k1, K1 ~ Binomial(n, t1 / (t0 + t1))
 *	  under equal rates; the p-value is P(K1 <= k1) ("dropped") or
 *	  P(K1 >= k1) ("rose"), computed in log space.
 *
 * Pure C, no PostgreSQL headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_RATETEST_H
#define CRM_CORE_RATETEST_H

#include <stddef.h>

/* Largest total count n = k_recent + k_base accepted. */
#define CRM_RATETEST_MAX_COUNT 1e12

/*
 * p-value of "the recent rate is lower" (rose = 0) or "higher" (rose = 1).
 * Counts must be non-negative integers with a total up to
 * CRM_RATETEST_MAX_COUNT, exposures finite and > 0. Returns 0 and sets
 * *p_value in [0, 1], or -1 with a message naming the bad value.
 */
int			crm_poisson_rate_test(double k_recent, double t_recent,
								  double k_base, double t_base, int rose,
								  double *p_value, char *msg, size_t msglen);

/* The same, returning log p (finite even when p underflows to 0). */
int			crm_poisson_rate_test_log(double k_recent, double t_recent,
									  double k_base, double t_base, int rose,
									  double *log_p, char *msg, size_t msglen);

/*
 * log P(K <= k) (upper = 0) or log P(K >= k) (upper = 1) for
 * K ~ Binomial(n, p), q = 1 - p passed separately for accuracy;
 * integers 0 <= k, n; 0 < p, q. Returns 0, or -1 for invalid input.
 */
int			crm_binom_log_tail(double k, double n, double p, double q, int upper,
							   double *log_p);

#endif
