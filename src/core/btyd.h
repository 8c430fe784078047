/*-------------------------------------------------------------------------
 *
 * btyd.h
 *	  Buy-till-you-die customer-base models: BG/NBD, MBG/NBD, Pareto/NBD,
 *	  Gamma-Gamma spend and the shifted-beta-geometric (sBG) contract model.
 *	  Log-likelihoods with analytic gradients, maximum-likelihood fits,
 *	  predictions and simulators.
 *
 * Pure C, no PostgreSQL headers. Times (t, t_x, T) are in the caller's time
 * unit; the models do not care which. Parameter order per kind:
 *	  BG/NBD, MBG/NBD:	r, alpha, a, b
 *	  Pareto/NBD:		r, alpha, s, beta
 *	  Gamma-Gamma:		p, q, gamma
 *	  sBG:				alpha, beta
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_BTYD_H
#define CRM_CORE_BTYD_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define CRM_MAX_PARAMS 4
/* Largest repeat-purchase count x accepted (a purchase a day for 2.7 million years). */
#define CRM_MAX_X 1e9

typedef enum crm_model_kind
{
	CRM_BGNBD = 1,
	CRM_MBGNBD = 2,
	CRM_PNBD = 3,
	CRM_GG = 4,
	CRM_SBG = 5
} crm_model_kind;

typedef enum crm_status
{
	CRM_OK = 0,
	CRM_ERR_INPUT,				/* an input value is invalid (message names it) */
	CRM_ERR_NO_DATA,			/* nothing to fit */
	CRM_ERR_NO_REPEAT,			/* nobody made a repeat purchase */
	CRM_ERR_NO_HETEROGENEITY,	/* all customers alike: mixing distribution collapses */
	CRM_ERR_ALL_ALIVE,			/* no evidence of dropout: dropout parameters run off */
	CRM_ERR_BOUNDARY,			/* some other parameter ran to the boundary */
	CRM_ERR_NUMERIC,			/* the likelihood could not be evaluated */
	CRM_ERR_CANCELLED			/* the caller's cancel callback asked to stop */
} crm_status;

/* Number of parameters of a model kind (0 for an unknown kind). */
int			crm_model_nparams(crm_model_kind kind);

/* Short name: "bgnbd", "mbgnbd", "pnbd", "gg", "sbg"; NULL for unknown. */
const char *crm_model_name(crm_model_kind kind);

/* Parameter names, in order, for a kind (e.g. "r","alpha","a","b"). */
const char *crm_model_param_name(crm_model_kind kind, int i);

/* One (x, t_x, T) pattern shared by n customers (n may be fractional: a weight). */
typedef struct crm_rfm_pattern
{
	double		x;				/* repeat purchases, >= 0 */
	double		tx;				/* recency: last - first purchase, 0 <= tx <= T */
	double		T;				/* age: as_of - first purchase, > 0 */
	double		n;				/* customers with this pattern, > 0 */
} crm_rfm_pattern;

/* One (x, mean spend) pattern for Gamma-Gamma; only x >= 1 carries information. */
typedef struct crm_spend_pattern
{
	double		x;				/* repeat transactions, >= 1 */
	double		m;				/* mean spend of those transactions, > 0 */
	double		n;				/* customers with this pattern, > 0 */
} crm_spend_pattern;

/*
 * Fit options. The objective minimised is -LL / n_customers + penalizer *
 * sum(params^2), as in lifetimes, with the parameters taken in units where
 * the data's mean T (RFM kinds) or mean spend (Gamma-Gamma) is 1, so that
 * the penalty does not depend on the time or currency unit.
 */
typedef struct crm_fit_options
{
	double		penalizer;		/* L2 penalty on the parameters, >= 0 (0 = none) */
	int			max_iter;		/* optimiser iterations (<= 0: default 200) */
	double		tol;			/* gradient tolerance (<= 0: default 1e-8) */
	int			(*cancel) (void);	/* polled at every evaluation; nonzero stops the fit
									 * with CRM_ERR_CANCELLED (NULL: never) */
} crm_fit_options;

typedef struct crm_fit_result
{
	crm_model_kind kind;
	int			nparams;
	double		params[CRM_MAX_PARAMS];
	double		se[CRM_MAX_PARAMS];		/* from the inverse Hessian of -LL; NAN-free: 0 if not available */
	double		loglik;			/* total log-likelihood at the optimum (without penalty) */
	double		n_customers;	/* sum of pattern weights (Gamma-Gamma: of those with x >= 1;
								 * sBG: alive[0]) */
	int			iterations;
	int			converged;		/* 1 when the gradient tolerance was met (or the
								 * optimum was reached to rounding precision) */
	crm_status	status;
	char		message[256];	/* diagnosis when status != CRM_OK */
} crm_fit_result;

/* --- validation ------------------------------------------------------- */

/* Checks one (x, tx, T); on failure writes a message naming the value. */
crm_status	crm_check_rfm(double x, double tx, double T, char *msg, size_t msglen);

/* Checks a parameter vector for a kind (finite, > 0); message names the bad one. */
crm_status	crm_check_params(crm_model_kind kind, const double *par, char *msg, size_t msglen);

/*
 * --- log-likelihoods (one customer/pattern, gradient w.r.t. params, grad may be NULL) ---
 * Pareto/NBD and Gamma-Gamma return -INFINITY (gradient 0) when the value is
 * not computable.
 */

double		crm_bgnbd_loglik(const double par[4], double x, double tx, double T, double grad[4]);
double		crm_mbgnbd_loglik(const double par[4], double x, double tx, double T, double grad[4]);
double		crm_pnbd_loglik(const double par[4], double x, double tx, double T, double grad[4]);
double		crm_gg_loglik(const double par[3], double x, double m, double grad[3]);

/* sBG cohort log-likelihood: alive[0] = cohort size, alive[t] = still active after t renewals. */
double		crm_sbg_loglik(const double par[2], const double *alive, int periods, double grad[2]);

/*
 * Sums of n * loglik over patterns (grad may be NULL: else the summed
 * gradient). Terms that depend on x only are computed once per run of equal
 * x, so sort the patterns first (crm_compress_rfm / crm_compress_spend).
 */
double		crm_bgnbd_loglik_sum(const double par[4], const crm_rfm_pattern *p, size_t n,
								 double grad[4]);
double		crm_mbgnbd_loglik_sum(const double par[4], const crm_rfm_pattern *p, size_t n,
								  double grad[4]);
double		crm_gg_loglik_sum(const double par[3], const crm_spend_pattern *p, size_t n,
							  double grad[3]);

/* --- pattern compression ------------------------------------------------ */

/*
 * Sorts patterns by (x, tx, T) (spend: by (x, m)) and merges identical ones,
 * summing their n. Works in place; returns the number of distinct patterns.
 */
size_t		crm_compress_rfm(crm_rfm_pattern *p, size_t n);

/*
 * Merges identical RFM patterns without sorting (hash table, one pass; the
 * first occurrence keeps its place). Returns the distinct count, or n
 * unchanged when the table cannot be allocated. For accumulating states.
 */
size_t		crm_merge_rfm(crm_rfm_pattern *p, size_t n);
size_t		crm_compress_spend(crm_spend_pattern *p, size_t n);

/* True when p is strictly sorted by (x, tx, T), as crm_compress_rfm leaves it. */
int			crm_rfm_sorted_distinct(const crm_rfm_pattern *p, size_t n);

/*
 * Sorted, compressed RFM patterns prepared for many likelihood evaluations:
 * patterns grouped by x, and T and tx mapped to a table of distinct times so
 * log(alpha + t) is computed once per distinct time per evaluation.
 */
typedef struct crm_rfm_prep
{
	size_t		n;				/* patterns */
	size_t		nx;				/* distinct x values (groups) */
	size_t		nu;				/* distinct times (T and tx pooled) */
	double	   *xval;			/* [nx] x of each group */
	size_t	   *xstart;			/* [nx + 1] first pattern of each group */
	double	   *w;				/* [n] pattern weights */
	uint32_t   *iT;				/* [n] index of T in uval */
	uint32_t   *itx;			/* [n] index of tx in uval */
	double	   *uval;			/* [nu] distinct times, in order of first use */
	double	   *work;			/* [2 * nu] scratch: log1p(u / alpha), u / (alpha + u) */
} crm_rfm_prep;

/* Builds a prep from patterns sorted by x (crm_compress_rfm); -1 when out of memory. */
int			crm_rfm_prep_init(crm_rfm_prep *prep, const crm_rfm_pattern *p, size_t n);
void		crm_rfm_prep_free(crm_rfm_prep *prep);

/* BG/NBD (modified = 0) or MBG/NBD (modified = 1) summed log-likelihood over a prep. */
double		crm_bgnbd_loglik_prep(const double par[4], int modified, crm_rfm_prep *prep,
								  double grad[4]);

/*
 * The same with its gradient (may be NULL) and analytic Hessian in
 * (r, alpha, a, b), row-major: standard errors without finite differences.
 */
double		crm_bgnbd_hessian_prep(const double par[4], int modified, crm_rfm_prep *prep,
								   double grad[4], double hess[16]);

/* --- fits -------------------------------------------------------------- */

crm_status	crm_fit_rfm(crm_model_kind kind, const crm_rfm_pattern *p, size_t n,
						const crm_fit_options *opt, crm_fit_result *out);
crm_status	crm_fit_gg(const crm_spend_pattern *p, size_t n,
					   const crm_fit_options *opt, crm_fit_result *out);
crm_status	crm_fit_sbg(const double *alive, int periods,
						const crm_fit_options *opt, crm_fit_result *out);

/* --- predictions (BG/NBD, MBG/NBD, Pareto/NBD: kind selects) ------------ */
/* Each returns CRM_OK and writes *out, or an error status with msg filled. */

/* E[X(t)] for a new customer over a period of length t. */
crm_status	crm_expected_purchases(crm_model_kind kind, const double *par, double t,
								   double *out, char *msg, size_t msglen);

/* E[Y(t) | x, tx, T]: purchases in the next t given the history. */
crm_status	crm_conditional_expected(crm_model_kind kind, const double *par, double t,
									 double x, double tx, double T,
									 double *out, char *msg, size_t msglen);

/* P(alive | x, tx, T). */
crm_status	crm_p_alive(crm_model_kind kind, const double *par,
						double x, double tx, double T,
						double *out, char *msg, size_t msglen);

/* P(X(t) = n) for a new customer. */
crm_status	crm_prob_n_purchases(crm_model_kind kind, const double *par, double n, double t,
								 double *out, char *msg, size_t msglen);

/* Pareto/NBD discounted expected residual transactions, continuous rate delta > 0 per time unit. */
crm_status	crm_pnbd_dert(const double par[4], double delta, double x, double tx, double T,
						  double *out, char *msg, size_t msglen);

/* Gamma-Gamma: E[M | x, m] (x = 0 gives the population mean p*gamma/(q-1), q > 1). */
crm_status	crm_gg_expected_spend(const double par[3], double x, double m,
								  double *out, char *msg, size_t msglen);

/*
 * Discounted CLV over `horizon` time units: sum over steps k = 1..ceil(horizon/step)
 * of (E[Y(k*step)] - E[Y((k-1)*step)]) * spend / (1 + rate)^k, with the
 * conditional expectation given (x, tx, T) and k*step capped at horizon
 * (a last partial step). rate is per step (>= 0); at most 100000 steps.
 */
crm_status	crm_clv(crm_model_kind kind, const double *par, double spend,
					double x, double tx, double T, double horizon, double step,
					double rate, double *out, char *msg, size_t msglen);

/*
 * sBG: S(t) = B(alpha, beta + t) / B(alpha, beta) survival (t >= 0 real);
 * r(t) = S(t) / S(t - 1) retention rate of period t (t >= 1); DERL with
 * discount rate d > 0 per period for a customer who has made n renewals
 * (Fader & Hardie 2010): expected discounted number of further payments,
 * the upcoming one undiscounted.
 */
crm_status	crm_sbg_survival(const double par[2], double t, double *out, char *msg, size_t msglen);
crm_status	crm_sbg_retention(const double par[2], double t, double *out, char *msg, size_t msglen);
crm_status	crm_sbg_derl(const double par[2], double d, double n, double *out, char *msg, size_t msglen);

/* --- simulators (simulate-then-recover) -------------------------------- */

/* Draws one customer's (x, tx) over an observation window of length T. */
void		crm_simulate_rfm(crm_model_kind kind, const double *par, double T,
							 crm_rng *rng, double *x, double *tx);

/* Draws x spend amounts' mean for a customer with x transactions (Gamma-Gamma). */
double		crm_simulate_gg_mean(const double par[3], double x, crm_rng *rng);

/* Simulates an sBG cohort of size n over `periods`; fills alive[0..periods]. */
void		crm_simulate_sbg(const double par[2], double n, int periods, crm_rng *rng, double *alive);

/* --- model internals (bgnbd.c, gg.c, sbg.c; inputs already validated) ---- */
/* Each returns 0 and writes *out, or -1 when the value cannot be computed. */

int			crm_bgnbd_expected(const double par[4], int modified, double t, double *out);
int			crm_bgnbd_conditional(const double par[4], int modified, double t, double x,
								  double tx, double T, double *out);
/* E[Y(t[k]) | x, tx, T] for k < n, t[k] >= 0, sharing one 2F1 series where possible. */
int			crm_bgnbd_conditional_multi(const double par[4], int modified, const double *t, int n,
										double x, double tx, double T, double *out);
int			crm_bgnbd_p_alive(const double par[4], int modified, double x, double tx,
							  double T, double *out);
int			crm_bgnbd_prob_n(const double par[4], int modified, double n, double t, double *out);
void		crm_bgnbd_simulate(const double par[4], int modified, double T, crm_rng *rng,
							   double *x, double *tx);

/* log of the regularized incomplete beta I_z(a, b), 0 <= z <= 1, a, b > 0. */
double		crm_log_betainc(double a, double b, double z);

#endif
