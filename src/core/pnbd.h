/*-------------------------------------------------------------------------
 *
 * pnbd.h
 *	  Pareto/NBD (Schmittlein, Morrison & Colombo 1987; Fader & Hardie
 *	  2005 note) likelihood, gradient and predictions, in log space.
 *
 * Pure C, no PostgreSQL headers. Parameters par = {r, alpha, s, beta}, all
 * > 0 and already validated by the caller (btyd.c). Each prediction returns
 * 0 and writes *out, or -1 when the value cannot be computed (never NaN).
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_PNBD_H
#define CRM_CORE_PNBD_H

#include <stddef.h>

#include "btyd.h"

/* Sum of n * loglik over patterns; grad (may be NULL) gets the summed gradient. */
double		crm_pnbd_loglik_sum(const double par[4], const crm_rfm_pattern *p, size_t n,
								double grad[4]);

/* E[X(t)] for a new customer. */
int			crm_pnbd_expected(const double par[4], double t, double *out);

/* E[Y(t) | x, tx, T]. */
int			crm_pnbd_conditional(const double par[4], double t, double x, double tx,
								 double T, double *out);

/* E[Y(t[k]) | x, tx, T] for k < n, t[k] >= 0 (P(alive) computed once). */
int			crm_pnbd_conditional_multi(const double par[4], const double *t, int n, double x,
									   double tx, double T, double *out);

/* P(alive | x, tx, T). */
int			crm_pnbd_p_alive(const double par[4], double x, double tx, double T, double *out);

/* log P(alive | x, tx, T); finite even when P(alive) underflows. */
int			crm_pnbd_log_p_alive(const double par[4], double x, double tx, double T, double *out);

/* P(X(t) = n) for a new customer. */
int			crm_pnbd_prob_n(const double par[4], double n, double t, double *out);

/* DERT with continuous discount rate delta > 0 per time unit. */
int			crm_pnbd_dert_core(const double par[4], double delta, double x, double tx,
							   double T, double *out);

/* Draws one customer's (x, tx) over (0, T]. */
void		crm_pnbd_simulate(const double par[4], double T, crm_rng *rng, double *x, double *tx);

#endif
