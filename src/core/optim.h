/*-------------------------------------------------------------------------
 *
 * optim.h
 *	  Unconstrained minimisation by BFGS with a safeguarded (weak Wolfe,
 *	  bracketing) line search, for the maximum-likelihood fits.
 *
 * Pure C, no PostgreSQL headers. The objective returns f(theta) and writes
 * its gradient; a non-finite value means "outside the domain" and makes the
 * line search step back. Dimension at most CRM_OPTIM_MAX_DIM.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_CORE_OPTIM_H
#define CRM_CORE_OPTIM_H

#define CRM_OPTIM_MAX_DIM 8

/* Objective: returns f(theta), writes grad[0..n-1]. */
typedef double (*crm_objective_fn) (const double *theta, double *grad, void *ctx);

/* Stop test after each accepted step: nonzero ends the minimisation there. */
typedef int (*crm_stop_fn) (const double *theta, void *ctx);

typedef struct crm_optim_result
{
	double		f;				/* objective at the returned theta */
	double		gnorm;			/* largest absolute gradient component there */
	int			iterations;		/* BFGS iterations made */
	int			evaluations;	/* objective evaluations made */
	int			converged;		/* 1 when gnorm <= gtol, or when gnorm <= sqrt(gtol)
								 * and a quasi-Newton step would gain less
								 * than rounding noise (1e-13 relative) */
	int			stopped;		/* 1 when the stop test ended the minimisation */
} crm_optim_result;

/*
 * Minimises fn from theta (updated in place) until the largest absolute
 * gradient component is <= gtol, max_iter iterations pass, or the line
 * search can make no more progress. max_step bounds the largest component
 * of any step (e.g. 2 for log-parameters). hinv (n x n, row-major) may be
 * NULL; otherwise, when hinv[0] > 0 it is the starting inverse-Hessian
 * approximation (a warm start), and the final one is written back. stop
 * (may be NULL) is asked after each accepted step whether to end there, e.g.
 * once parameters have run off to where the outcome is already known.
 * Returns 0, or -1 when fn is not finite at the start.
 */
int			crm_bfgs_minimize(crm_objective_fn fn, crm_stop_fn stop, void *ctx, int n,
							  double *theta, double *hinv, int max_iter, double gtol,
							  double max_step, crm_optim_result *res);

#endif
