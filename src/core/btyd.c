/*-------------------------------------------------------------------------
 *
 * btyd.c
 *	  Buy-till-you-die models: names, input validation,
 *	  the maximum-likelihood fit driver, prediction dispatch and CLV.
 *
 * Fits minimise -LL / n + penalizer * sum(params^2) over log-parameters with
 * BFGS (optim.c), on data rescaled so that the mean T (or mean spend) is 1:
 * the start values and the run-off thresholds that diagnose degenerate data
 * are then unit-free. Results are reported in the caller's units.
 *
 *-------------------------------------------------------------------------
 */
#include "btyd.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "optim.h"
#include "pnbd.h"
#include "specfun.h"

/* Log-parameters are kept inside [-LOG_BOUND, LOG_BOUND]. */
#define LOG_BOUND 30.0
/* Scaled parameters beyond these ran off to a boundary. */
#define RUNOFF_HI 1e4
#define RUNOFF_LO 1e-4
/*
 * A fit stops once parameters have run off this far (the diagnosis is then
 * certain): walking on to LOG_BOUND along a flat valley cost most of a
 * run-off fit's evaluations.
 */
#define RUNOFF_STOP_HI 1e10
#define RUNOFF_STOP_LO 1e-10
#define MAX_STARTS 3
/* Above this many patterns, start values come from a systematic subsample. */
#define SUBSAMPLE_MIN 60000
#define SUBSAMPLE_SIZE 30000
#define MAX_CLV_STEPS 100000
#define CLV_BLOCK CRM_HYP_FAST_MAX_Z	/* horizons evaluated together (one series) */

/* Writes a printf-style message into msg (when there is room). */
static void SetMsg(char *msg, size_t msglen, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static void
SetMsg(char *msg, size_t msglen, const char *fmt,...)
{
	va_list		ap;

	if (msg == NULL || msglen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

/* Number of parameters of a kind. */
int
crm_model_nparams(crm_model_kind kind)
{
	switch (kind)
	{
		case CRM_BGNBD:
		case CRM_MBGNBD:
		case CRM_PNBD:
			return 4;
		case CRM_GG:
			return 3;
		case CRM_SBG:
			return 2;
	}
	return 0;
}

/* Short name of a kind. */
const char *
crm_model_name(crm_model_kind kind)
{
	switch (kind)
	{
		case CRM_BGNBD:
			return "bgnbd";
		case CRM_MBGNBD:
			return "mbgnbd";
		case CRM_PNBD:
			return "pnbd";
		case CRM_GG:
			return "gg";
		case CRM_SBG:
			return "sbg";
	}
	return NULL;
}

/* Display name used in messages. */
static const char *
DisplayName(crm_model_kind kind)
{
	switch (kind)
	{
		case CRM_BGNBD:
			return "BG/NBD";
		case CRM_MBGNBD:
			return "MBG/NBD";
		case CRM_PNBD:
			return "Pareto/NBD";
		case CRM_GG:
			return "Gamma-Gamma";
		case CRM_SBG:
			return "sBG";
	}
	return "unknown model";
}

/* Name of parameter i of a kind. */
const char *
crm_model_param_name(crm_model_kind kind, int i)
{
	static const char *const bg[] = {"r", "alpha", "a", "b"};
	static const char *const pn[] = {"r", "alpha", "s", "beta"};
	static const char *const gg[] = {"p", "q", "gamma"};
	static const char *const sb[] = {"alpha", "beta"};

	if (i < 0 || i >= crm_model_nparams(kind))
		return NULL;
	switch (kind)
	{
		case CRM_BGNBD:
		case CRM_MBGNBD:
			return bg[i];
		case CRM_PNBD:
			return pn[i];
		case CRM_GG:
			return gg[i];
		case CRM_SBG:
			return sb[i];
	}
	return NULL;
}

/* True for a finite whole number >= 0. */
static int
IsCount(double v)
{
	return isfinite(v) && v >= 0 && v == floor(v);
}

/* Checks one (x, tx, T). */
crm_status
crm_check_rfm(double x, double tx, double T, char *msg, size_t msglen)
{
	if (!IsCount(x))
	{
		SetMsg(msg, msglen, "x = %g is invalid: the number of repeat purchases must be a whole number >= 0", x);
		return CRM_ERR_INPUT;
	}
	if (x > CRM_MAX_X)
	{
		SetMsg(msg, msglen, "x = %g is invalid: at most %g repeat purchases are supported", x, CRM_MAX_X);
		return CRM_ERR_INPUT;
	}
	if (!isfinite(T) || T <= 0)
	{
		SetMsg(msg, msglen, "T = %g is invalid: the customer's age T must be finite and > 0", T);
		return CRM_ERR_INPUT;
	}
	if (!isfinite(tx) || tx < 0 || tx > T)
	{
		SetMsg(msg, msglen, "tx = %g is invalid: recency must satisfy 0 <= tx <= T (T = %g)", tx, T);
		return CRM_ERR_INPUT;
	}
	if (x == 0 && tx != 0)
	{
		SetMsg(msg, msglen, "tx = %g is invalid with x = 0: a customer without repeat purchases has tx = 0", tx);
		return CRM_ERR_INPUT;
	}
	return CRM_OK;
}

/* Checks a parameter vector: every entry finite and >= DBL_MIN (no subnormals: 1/par overflows). */
crm_status
crm_check_params(crm_model_kind kind, const double *par, char *msg, size_t msglen)
{
	int			np = crm_model_nparams(kind),
				i;

	if (np == 0)
	{
		SetMsg(msg, msglen, "model kind %d is unknown: allowed are 1 (bgnbd) to 5 (sbg)", (int) kind);
		return CRM_ERR_INPUT;
	}
	if (par == NULL)
	{
		SetMsg(msg, msglen, "%s parameters are missing", DisplayName(kind));
		return CRM_ERR_INPUT;
	}
	for (i = 0; i < np; i++)
	{
		if (!isfinite(par[i]) || !(par[i] >= DBL_MIN))
		{
			SetMsg(msg, msglen, "parameter %s = %g is invalid: %s parameters must be finite and > 0 "
				   "(at least %g)", crm_model_param_name(kind, i), par[i], DisplayName(kind), DBL_MIN);
			return CRM_ERR_INPUT;
		}
	}
	return CRM_OK;
}

/* ---------------------------------------------------------------------- */
/* fit driver                                                              */
/* ---------------------------------------------------------------------- */

/* What a fit's objective needs. */
typedef struct FitCtx
{
	crm_model_kind kind;
	int			np;
	double		wsum;			/* total weight (customers) */
	double		penalizer;
	crm_rfm_prep prep;			/* BG/NBD, MBG/NBD: scaled patterns */
	crm_rfm_pattern *rfm;		/* Pareto/NBD: scaled patterns */
	crm_spend_pattern *spend;	/* Gamma-Gamma: scaled patterns */
	size_t		n;
	const double *alive;		/* sBG */
	int			periods;
	int			(*cancel) (void);	/* caller's cancel poll, or NULL */
	int			cancelled;		/* set once cancel() returned nonzero */
} FitCtx;

/* Log-likelihood (scaled data) and its gradient in the scaled parameters. */
static double
FitLoglik(FitCtx *c, const double *par, double *grad)
{
	switch (c->kind)
	{
		case CRM_BGNBD:
			return crm_bgnbd_loglik_prep(par, 0, &c->prep, grad);
		case CRM_MBGNBD:
			return crm_bgnbd_loglik_prep(par, 1, &c->prep, grad);
		case CRM_PNBD:
			return crm_pnbd_loglik_sum(par, c->rfm, c->n, grad);
		case CRM_GG:
			return crm_gg_loglik_sum(par, c->spend, c->n, grad);
		case CRM_SBG:
			return crm_sbg_loglik(par, c->alive, c->periods, grad);
	}
	return NAN;
}

/* Objective over log-parameters: -LL/n + penalizer * sum(par^2). */
static double
FitObjective(const double *theta, double *grad, void *vctx)
{
	FitCtx	   *c = vctx;
	double		par[CRM_MAX_PARAMS],
				g[CRM_MAX_PARAMS];
	double		ll,
				f;
	int			i;

	if (c->cancelled || (c->cancel != NULL && c->cancel()))
	{
		c->cancelled = 1;		/* stops the optimiser: no finite value any more */
		return NAN;
	}
	for (i = 0; i < c->np; i++)
	{
		if (!(fabs(theta[i]) <= LOG_BOUND))
			return INFINITY;
		par[i] = exp(theta[i]);
	}
	ll = FitLoglik(c, par, g);
	f = -ll / c->wsum;
	for (i = 0; i < c->np; i++)
	{
		f += c->penalizer * par[i] * par[i];
		grad[i] = (-g[i] / c->wsum + 2.0 * c->penalizer * par[i]) * par[i];
	}
	return f;
}

/*
 * Diagnoses parameters that ran off (scaled values) beyond hi_at or lo_at:
 * which of them tells what the data lacks. Returns CRM_OK when none did.
 */
static crm_status
DiagnoseAt(crm_model_kind kind, const double *par, double hi_at, double lo_at,
		   char *msg, size_t msglen)
{
	int			np = crm_model_nparams(kind),
				i;
	int			hi[CRM_MAX_PARAMS],
				lo[CRM_MAX_PARAMS];
	const char *who = DisplayName(kind);

	for (i = 0; i < np; i++)
	{
		hi[i] = par[i] > hi_at;
		lo[i] = par[i] < lo_at;
	}
	if ((kind == CRM_BGNBD || kind == CRM_MBGNBD || kind == CRM_PNBD) && hi[0] && hi[1])
	{
		SetMsg(msg, msglen, "%s: every customer appears to buy at the same rate (r and alpha run off "
			   "to infinity together), so the model's heterogeneity cannot be estimated; "
			   "use more varied customers or a simpler model", who);
		return CRM_ERR_NO_HETEROGENEITY;
	}
	if ((kind == CRM_BGNBD || kind == CRM_MBGNBD || kind == CRM_PNBD) && hi[2] && hi[3])
	{
		SetMsg(msg, msglen, "%s: every customer appears to drop out at the same rate (%s and %s run "
			   "off to infinity together), so heterogeneity in dropout cannot be estimated; "
			   "use more varied customers", who, crm_model_param_name(kind, 2),
			   crm_model_param_name(kind, 3));
		return CRM_ERR_NO_HETEROGENEITY;
	}
	if ((kind == CRM_BGNBD || kind == CRM_MBGNBD || kind == CRM_PNBD) && (lo[2] || hi[3]))
	{
		SetMsg(msg, msglen, "%s: the data show no evidence of customers dropping out (%s runs to %s), "
			   "e.g. everyone kept buying until the end of the calibration period; use a longer "
			   "calibration period or a model without dropout", who,
			   lo[2] ? crm_model_param_name(kind, 2) : crm_model_param_name(kind, 3),
			   lo[2] ? "0" : "infinity");
		return CRM_ERR_ALL_ALIVE;
	}
	if (kind == CRM_GG && (hi[0] || hi[1]))
	{
		SetMsg(msg, msglen, "Gamma-Gamma: spend shows no heterogeneity (%s runs off to infinity): "
			   "all customers' mean spends look alike or every transaction has the same amount; "
			   "use the plain mean spend instead", hi[0] ? "p" : "q");
		return CRM_ERR_NO_HETEROGENEITY;
	}
	if (kind == CRM_SBG && hi[0] && hi[1])
	{
		SetMsg(msg, msglen, "sBG: every customer appears to churn with the same probability (alpha and "
			   "beta run off to infinity together); a constant retention rate fits the cohort");
		return CRM_ERR_NO_HETEROGENEITY;
	}
	if (kind == CRM_SBG && (lo[0] || hi[1]))
	{
		SetMsg(msg, msglen, "sBG: the cohort shows almost no churn (%s runs to %s); observe more periods",
			   lo[0] ? "alpha" : "beta", lo[0] ? "0" : "infinity");
		return CRM_ERR_ALL_ALIVE;
	}
	for (i = 0; i < np; i++)
	{
		if (hi[i] || lo[i])
		{
			SetMsg(msg, msglen, "%s: parameter %s ran to the boundary (%s), so the fit is not "
				   "reliable; try a penalizer > 0 or more data", who,
				   crm_model_param_name(kind, i), hi[i] ? "infinity" : "0");
			return CRM_ERR_BOUNDARY;
		}
	}
	return CRM_OK;
}

/* Diagnoses a fit's final parameters (see DiagnoseAt). */
static crm_status
Diagnose(crm_model_kind kind, const double *par, char *msg, size_t msglen)
{
	return DiagnoseAt(kind, par, RUNOFF_HI, RUNOFF_LO, msg, msglen);
}

/* Stop test of the fits: the parameters ran off too far to come back. */
static int
RanOff(const double *theta, void *vctx)
{
	FitCtx	   *c = vctx;
	double		par[CRM_MAX_PARAMS];
	int			i;

	for (i = 0; i < c->np; i++)
		par[i] = exp(theta[i]);
	return DiagnoseAt(c->kind, par, RUNOFF_STOP_HI, RUNOFF_STOP_LO, NULL, 0) != CRM_OK;
}

/* True when every scaled parameter lies inside the run-off thresholds. */
static int
InsideRunoff(const double *theta, int np)
{
	int			i;

	for (i = 0; i < np; i++)
		if (exp(theta[i]) > RUNOFF_HI || exp(theta[i]) < RUNOFF_LO)
			return 0;
	return 1;
}

/*
 * Runs BFGS from each start until one converges inside the thresholds;
 * keeps the best. Returns 0, or -1 when no start could be evaluated.
 */
static int
MultiStart(FitCtx *c, const double starts[][CRM_MAX_PARAMS], int nstarts,
		   int max_iter, double tol, double *theta, double *hinv, crm_optim_result *best)
{
	int			s,
				found = 0,
				i;

	for (s = 0; s < nstarts; s++)
	{
		double		th[CRM_MAX_PARAMS],
					h[CRM_MAX_PARAMS * CRM_MAX_PARAMS] = {0};
		crm_optim_result res;
		int			better;

		for (i = 0; i < c->np; i++)
			th[i] = log(starts[s][i]);
		if (crm_bfgs_minimize(FitObjective, RanOff, c, c->np, th, h, max_iter, tol, 2.0, &res) != 0 || c->cancelled)
		{
			if (c->cancelled)
				return -1;
			continue;
		}
		better = !found ||
			(res.converged && !best->converged) ||
			(res.converged == best->converged && res.f < best->f);
		if (better)
		{
			*best = res;
			memcpy(theta, th, sizeof(double) * c->np);
			memcpy(hinv, h, sizeof(h));
			found = 1;
		}
		if (res.converged && InsideRunoff(th, c->np))
			break;
	}
	return found ? 0 : -1;
}

/* Inverts a symmetric positive definite n x n matrix by Cholesky; -1 if not SPD. */
static int
InvertSpd(double *a, int n)
{
	double		l[CRM_MAX_PARAMS * CRM_MAX_PARAMS] = {0};
	double		inv[CRM_MAX_PARAMS * CRM_MAX_PARAMS] = {0};
	int			i,
				j,
				k;

	for (j = 0; j < n; j++)
	{
		double		d = a[j * n + j];

		for (k = 0; k < j; k++)
			d -= l[j * n + k] * l[j * n + k];
		if (!(d > 0) || !isfinite(d))
			return -1;
		l[j * n + j] = sqrt(d);
		for (i = j + 1; i < n; i++)
		{
			double		s = a[i * n + j];

			for (k = 0; k < j; k++)
				s -= l[i * n + k] * l[j * n + k];
			l[i * n + j] = s / l[j * n + j];
		}
	}
	/* columns of inv: solve L L' x = e_c */
	for (k = 0; k < n; k++)
	{
		double		y[CRM_MAX_PARAMS];

		for (i = 0; i < n; i++)
		{
			double		s = (i == k) ? 1.0 : 0.0;

			for (j = 0; j < i; j++)
				s -= l[i * n + j] * y[j];
			y[i] = s / l[i * n + i];
		}
		for (i = n - 1; i >= 0; i--)
		{
			double		s = y[i];

			for (j = i + 1; j < n; j++)
				s -= l[j * n + i] * inv[j * n + k];
			inv[i * n + k] = s / l[i * n + i];
		}
	}
	memcpy(a, inv, sizeof(double) * n * n);
	return 0;
}

/*
 * Standard errors of the scaled parameters from the inverse of the Hessian
 * of -LL: analytic for BG/NBD and MBG/NBD, else by forward differences
 * (relative step 1e-5) of the analytic gradient; 0 when the Hessian is not
 * positive definite. Returns LL at par (scaled data, no penalty).
 */
static double
StandardErrors(FitCtx *c, const double *par, double *se)
{
	double		h[CRM_MAX_PARAMS * CRM_MAX_PARAMS];
	double		g0[CRM_MAX_PARAMS];
	double		ll;
	int			np = c->np,
				i,
				j;

	for (i = 0; i < np; i++)
		se[i] = 0.0;
	if (c->kind == CRM_BGNBD || c->kind == CRM_MBGNBD)
	{
		/* analytic (np = 4, row-major): one pass instead of np + 1 */
		ll = crm_bgnbd_hessian_prep(par, c->kind == CRM_MBGNBD, &c->prep, g0, h);
		for (i = 0; i < np * np; i++)
			h[i] = -h[i];
	}
	else
	{
		ll = FitLoglik(c, par, g0);
		for (j = 0; j < np; j++)
		{
			double		pp[CRM_MAX_PARAMS],
						gp[CRM_MAX_PARAMS];
			double		step;

			memcpy(pp, par, sizeof(double) * np);
			pp[j] = par[j] * (1.0 + 1e-5);
			step = pp[j] - par[j];
			if (!isfinite(FitLoglik(c, pp, gp)))
				return ll;
			for (i = 0; i < np; i++)
				h[i * np + j] = -(gp[i] - g0[i]) / step;
		}
		for (i = 0; i < np; i++)
			for (j = 0; j < i; j++)
				h[i * np + j] = h[j * np + i] = 0.5 * (h[i * np + j] + h[j * np + i]);
	}
	if (!isfinite(ll) || InvertSpd(h, np) != 0)
		return ll;
	for (i = 0; i < np; i++)
		se[i] = (h[i * np + i] > 0 && isfinite(h[i * np + i])) ? sqrt(h[i * np + i]) : 0.0;
	return ll;
}

/* Validates fit options; fills defaults. */
static crm_status
CheckOptions(const crm_fit_options *opt, double *pen, int *max_iter, double *tol,
			 crm_fit_result *out)
{
	*pen = 0.0;
	*max_iter = 200;
	*tol = 1e-8;
	if (opt == NULL)
		return CRM_OK;
	if (!isfinite(opt->penalizer) || opt->penalizer < 0)
	{
		SetMsg(out->message, sizeof(out->message),
			   "penalizer = %g is invalid: it must be finite and >= 0", opt->penalizer);
		return out->status = CRM_ERR_INPUT;
	}
	if (!(opt->tol <= 0) && !(isfinite(opt->tol) && opt->tol < 1))
	{
		SetMsg(out->message, sizeof(out->message),
			   "tol = %g is invalid: it must be < 1 (or <= 0 for the default 1e-8)", opt->tol);
		return out->status = CRM_ERR_INPUT;
	}
	*pen = opt->penalizer;
	if (opt->max_iter > 0)
		*max_iter = opt->max_iter;
	if (opt->tol > 0)
		*tol = opt->tol;
	return CRM_OK;
}

/* Starts the result record. */
static void
InitResult(crm_fit_result *out, crm_model_kind kind)
{
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->nparams = crm_model_nparams(kind);
	out->status = CRM_OK;
}

/*
 * Shared tail of every fit: optimise from the starts (on the subsample sub
 * when given, then polished on the full data from there), then fill the
 * result with natural parameters (scaled ones times scale[]), SE and
 * diagnosis.
 */
static crm_status
RunFit(FitCtx *c, FitCtx *sub, const double starts[][CRM_MAX_PARAMS], int nstarts,
	   int max_iter, double tol, const double *scale, crm_fit_result *out)
{
	double		theta[CRM_MAX_PARAMS],
				par[CRM_MAX_PARAMS],
				se[CRM_MAX_PARAMS],
				hinv[CRM_MAX_PARAMS * CRM_MAX_PARAMS];
	crm_optim_result res;
	crm_status	st;
	int			i,
				rc = -1;

	if (sub != NULL &&
		MultiStart(sub, starts, nstarts, max_iter, tol, theta, hinv, &res) == 0)
	{
		int			it = res.iterations;

		rc = crm_bfgs_minimize(FitObjective, RanOff, c, c->np, theta, hinv, max_iter, tol, 2.0, &res);
		res.iterations += it;
	}
	if (sub != NULL && sub->cancelled)
		c->cancelled = 1;
	if (c->cancelled || (rc != 0 && MultiStart(c, starts, nstarts, max_iter, tol, theta, hinv, &res) != 0))
	{
		if (c->cancelled)
		{
			SetMsg(out->message, sizeof(out->message), "%s: the fit was cancelled", DisplayName(c->kind));
			return out->status = CRM_ERR_CANCELLED;
		}
		SetMsg(out->message, sizeof(out->message),
			   "%s: the likelihood could not be evaluated at any start value", DisplayName(c->kind));
		return out->status = CRM_ERR_NUMERIC;
	}
	for (i = 0; i < c->np; i++)
		par[i] = exp(theta[i]);
	st = Diagnose(c->kind, par, out->message, sizeof(out->message));
	/* a diagnosed fit is an error: no standard errors (costly where it ran off) */
	if (st == CRM_OK)
		out->loglik = StandardErrors(c, par, se);	/* scaled data: callers convert */
	else
	{
		/* LL from the objective at theta (-LL / wsum + penalty): no extra evaluation */
		double		pen = 0.0;

		for (i = 0; i < c->np; i++)
			pen += c->penalizer * par[i] * par[i];
		out->loglik = -(res.f - pen) * c->wsum;
		memset(se, 0, sizeof(se));
	}
	for (i = 0; i < c->np; i++)
	{
		out->params[i] = par[i] * scale[i];
		out->se[i] = se[i] * scale[i];
	}
	out->iterations = res.iterations;
	out->converged = res.converged;
	if (st == CRM_OK && !res.converged)
		SetMsg(out->message, sizeof(out->message),
			   "%s: not converged after %d iterations (largest gradient %.3g); the estimates may be "
			   "imprecise", DisplayName(c->kind), res.iterations, res.gnorm);
	return out->status = st;
}

/* Fits BG/NBD, MBG/NBD or Pareto/NBD to RFM patterns. */
crm_status
crm_fit_rfm(crm_model_kind kind, const crm_rfm_pattern *p, size_t n,
			const crm_fit_options *opt, crm_fit_result *out)
{
	FitCtx		c,
				sub;
	int			have_sub = 0;
	crm_rfm_pattern *cp = NULL;
	double		pen,
				tol,
				wsum = 0.0,
				wx = 0.0,
				wT = 0.0,
				rate,
				ll;
	double		scale[CRM_MAX_PARAMS] = {1, 1, 1, 1};
	double		starts[MAX_STARTS][CRM_MAX_PARAMS];
	int			max_iter;
	size_t		i,
				m;
	crm_status	st;

	InitResult(out, kind);
	if (kind != CRM_BGNBD && kind != CRM_MBGNBD && kind != CRM_PNBD)
	{
		SetMsg(out->message, sizeof(out->message),
			   "model kind %d cannot be fitted to RFM data: use bgnbd, mbgnbd or pnbd", (int) kind);
		return out->status = CRM_ERR_INPUT;
	}
	if ((st = CheckOptions(opt, &pen, &max_iter, &tol, out)) != CRM_OK)
		return st;
	if (n > 0 && p == NULL)
	{
		SetMsg(out->message, sizeof(out->message), "patterns are missing");
		return out->status = CRM_ERR_INPUT;
	}
	for (i = 0; i < n; i++)
	{
		char		m2[200];

		if (crm_check_rfm(p[i].x, p[i].tx, p[i].T, m2, sizeof(m2)) != CRM_OK)
		{
			SetMsg(out->message, sizeof(out->message), "pattern %zu: %s", i + 1, m2);
			return out->status = CRM_ERR_INPUT;
		}
		if (!isfinite(p[i].n) || p[i].n < 0)
		{
			SetMsg(out->message, sizeof(out->message),
				   "pattern %zu: n = %g is invalid: the customer count must be finite and >= 0", i + 1, p[i].n);
			return out->status = CRM_ERR_INPUT;
		}
		wsum += p[i].n;
		wx += p[i].n * p[i].x;
		wT += p[i].n * p[i].T;
	}
	out->n_customers = wsum;
	if (n == 0 || !(wsum > 0))
	{
		SetMsg(out->message, sizeof(out->message),
			   "%s: there are no customers to fit; check the calibration period and the filter",
			   DisplayName(kind));
		return out->status = CRM_ERR_NO_DATA;
	}
	if (!(wx > 0))
	{
		SetMsg(out->message, sizeof(out->message),
			   "%s: every customer has x = 0: nobody made a repeat purchase in the calibration "
			   "period; use a longer calibration period", DisplayName(kind));
		return out->status = CRM_ERR_NO_REPEAT;
	}
	/* scaled, compressed copy without zero-weight patterns */
	cp = crm_big_malloc(sizeof(*cp) * n);
	if (cp == NULL)
	{
		SetMsg(out->message, sizeof(out->message), "out of memory");
		return out->status = CRM_ERR_NUMERIC;
	}
	scale[1] = wT / wsum;
	if (kind == CRM_PNBD)
		scale[3] = scale[1];
	for (i = 0, m = 0; i < n; i++)
	{
		if (p[i].n <= 0)
			continue;
		cp[m] = p[i];
		cp[m].T /= scale[1];
		cp[m].tx /= scale[1];
		if (cp[m].tx > cp[m].T)
			cp[m].tx = cp[m].T;
		m++;
	}
	if (!crm_rfm_sorted_distinct(cp, m))
		m = crm_compress_rfm(cp, m);
	memset(&c, 0, sizeof(c));
	memset(&sub, 0, sizeof(sub));
	c.kind = kind;
	c.np = 4;
	c.wsum = wsum;
	c.penalizer = pen;
	c.cancel = opt != NULL ? opt->cancel : NULL;
	c.rfm = cp;
	c.n = m;
	if (kind != CRM_PNBD && crm_rfm_prep_init(&c.prep, cp, m) != 0)
	{
		free(cp);
		SetMsg(out->message, sizeof(out->message), "out of memory");
		return out->status = CRM_ERR_NUMERIC;
	}
	/* starts: purchase rate from the observed repeat rate (mean T is 1) */
	rate = wx / wsum;
	{
		static const double shape[MAX_STARTS] = {1.0, 0.3, 3.0};
		static const double drop[MAX_STARTS][2] = {{1.0, 2.0}, {0.5, 5.0}, {2.0, 1.0}};
		static const double pdrop[MAX_STARTS][2] = {{1.0, 1.0}, {0.5, 2.0}, {2.0, 0.5}};

		for (i = 0; i < MAX_STARTS; i++)
		{
			starts[i][0] = shape[i];
			starts[i][1] = shape[i] / rate;
			starts[i][2] = (kind == CRM_PNBD) ? pdrop[i][0] : drop[i][0];
			starts[i][3] = (kind == CRM_PNBD) ? pdrop[i][1] : drop[i][1];
		}
	}
	/* a systematic subsample of the sorted patterns finds the start */
	if (m > SUBSAMPLE_MIN)
	{
		size_t		k = (m + SUBSAMPLE_SIZE - 1) / SUBSAMPLE_SIZE,
					j;

		sub = c;
		memset(&sub.prep, 0, sizeof(sub.prep));
		sub.rfm = malloc(sizeof(*cp) * (m / k + 1));
		sub.n = 0;
		sub.wsum = 0.0;
		if (sub.rfm != NULL)
		{
			for (j = k / 2; j < m; j += k)
			{
				sub.rfm[sub.n++] = cp[j];
				sub.wsum += cp[j].n;
			}
			have_sub = (kind == CRM_PNBD || crm_rfm_prep_init(&sub.prep, sub.rfm, sub.n) == 0);
		}
	}
	st = RunFit(&c, have_sub ? &sub : NULL, (const double (*)[CRM_MAX_PARAMS]) starts,
				MAX_STARTS, max_iter, tol, scale, out);
	if (sub.rfm != NULL)
	{
		if (kind != CRM_PNBD)
			crm_rfm_prep_free(&sub.prep);
		free(sub.rfm);
	}
	if (st != CRM_ERR_NUMERIC)
	{
		/*
		 * log-likelihood in the caller's units: times and the time-scale
		 * parameters divided by s leave every term but the x inter-purchase
		 * densities unchanged, so LL = LL(scaled) - log(s) sum(n x)
		 */
		ll = out->loglik - log(scale[1]) * wx;
		out->loglik = ll;
		if (!isfinite(ll) && st == CRM_OK)
		{
			SetMsg(out->message, sizeof(out->message),
				   "%s: the log-likelihood is not finite at the estimates", DisplayName(kind));
			st = out->status = CRM_ERR_NUMERIC;
		}
	}
	if (kind != CRM_PNBD)
		crm_rfm_prep_free(&c.prep);
	free(cp);
	return st;
}

/* Fits the Gamma-Gamma spend model. */
crm_status
crm_fit_gg(const crm_spend_pattern *p, size_t n, const crm_fit_options *opt,
		   crm_fit_result *out)
{
	FitCtx		c;
	crm_spend_pattern *cp = NULL;
	double		pen,
				tol,
				wsum = 0.0,
				wall = 0.0,
				wm = 0.0;
	double		scale[CRM_MAX_PARAMS] = {1, 1, 1, 1};
	static const double starts[MAX_STARTS][CRM_MAX_PARAMS] = {
		{1.0, 3.0, 2.0, 0}, {5.0, 5.0, 0.8, 0}, {0.5, 1.5, 1.0, 0}
	};
	int			max_iter;
	size_t		i,
				m;
	crm_status	st;

	InitResult(out, CRM_GG);
	if ((st = CheckOptions(opt, &pen, &max_iter, &tol, out)) != CRM_OK)
		return st;
	if (n > 0 && p == NULL)
	{
		SetMsg(out->message, sizeof(out->message), "patterns are missing");
		return out->status = CRM_ERR_INPUT;
	}
	for (i = 0; i < n; i++)
	{
		if (!IsCount(p[i].x))
		{
			SetMsg(out->message, sizeof(out->message),
				   "pattern %zu: x = %g is invalid: the number of repeat transactions must be a whole number >= 0",
				   i + 1, p[i].x);
			return out->status = CRM_ERR_INPUT;
		}
		if (!isfinite(p[i].n) || p[i].n < 0)
		{
			SetMsg(out->message, sizeof(out->message),
				   "pattern %zu: n = %g is invalid: the customer count must be finite and >= 0", i + 1, p[i].n);
			return out->status = CRM_ERR_INPUT;
		}
		if (p[i].x > 0 && (!isfinite(p[i].m) || p[i].m <= 0))
		{
			SetMsg(out->message, sizeof(out->message),
				   "pattern %zu: m = %g is invalid: the mean spend of repeat transactions must be finite and > 0",
				   i + 1, p[i].m);
			return out->status = CRM_ERR_INPUT;
		}
		wall += p[i].n;
		if (p[i].x > 0)
		{
			wsum += p[i].n;
			wm += p[i].n * p[i].m;
		}
	}
	out->n_customers = wsum;
	if (n == 0 || !(wall > 0))
	{
		SetMsg(out->message, sizeof(out->message),
			   "Gamma-Gamma: there are no customers to fit; check the calibration period and the filter");
		return out->status = CRM_ERR_NO_DATA;
	}
	if (!(wsum > 0))
	{
		SetMsg(out->message, sizeof(out->message),
			   "Gamma-Gamma: every customer has x = 0: nobody made a repeat purchase, so there is no "
			   "repeat spend to model; use a longer calibration period");
		return out->status = CRM_ERR_NO_REPEAT;
	}
	cp = crm_big_malloc(sizeof(*cp) * n);
	if (cp == NULL)
	{
		SetMsg(out->message, sizeof(out->message), "out of memory");
		return out->status = CRM_ERR_NUMERIC;
	}
	scale[2] = wm / wsum;
	for (i = 0, m = 0; i < n; i++)
	{
		if (p[i].x <= 0 || p[i].n <= 0)
			continue;
		cp[m] = p[i];
		cp[m].m /= scale[2];
		m++;
	}
	m = crm_compress_spend(cp, m);
	memset(&c, 0, sizeof(c));
	c.kind = CRM_GG;
	c.np = 3;
	c.wsum = wsum;
	c.penalizer = pen;
	c.cancel = opt != NULL ? opt->cancel : NULL;
	c.spend = cp;
	c.n = m;
	st = RunFit(&c, NULL, starts, MAX_STARTS, max_iter, tol, scale, out);
	if (st != CRM_ERR_NUMERIC)
	{
		for (i = 0; i < m; i++)
			cp[i].m *= scale[2];
		out->loglik = crm_gg_loglik_sum(out->params, cp, m, NULL);
	}
	free(cp);
	return st;
}

/* Checks an sBG alive series: finite, >= 0, non-increasing, alive[0] > 0. */
static crm_status
CheckAlive(const double *alive, int periods, char *msg, size_t msglen)
{
	int			t;

	if (alive == NULL || periods < 1)
	{
		SetMsg(msg, msglen, "sBG: periods = %d: the cohort needs at least one renewal period", periods);
		return CRM_ERR_NO_DATA;
	}
	for (t = 0; t <= periods; t++)
	{
		if (!isfinite(alive[t]) || alive[t] < 0)
		{
			SetMsg(msg, msglen, "alive[%d] = %g is invalid: counts must be finite and >= 0", t, alive[t]);
			return CRM_ERR_INPUT;
		}
		if (t > 0 && alive[t] > alive[t - 1])
		{
			SetMsg(msg, msglen, "alive[%d] = %g exceeds alive[%d] = %g: the number still active "
				   "cannot grow", t, alive[t], t - 1, alive[t - 1]);
			return CRM_ERR_INPUT;
		}
	}
	if (!(alive[0] > 0))
	{
		SetMsg(msg, msglen, "sBG: the cohort is empty (alive[0] = 0); there is nothing to fit");
		return CRM_ERR_NO_DATA;
	}
	return CRM_OK;
}

/* Fits the sBG model to one cohort's alive counts. */
crm_status
crm_fit_sbg(const double *alive, int periods, const crm_fit_options *opt, crm_fit_result *out)
{
	FitCtx		c;
	double		pen,
				tol;
	double		scale[CRM_MAX_PARAMS] = {1, 1, 1, 1};
	static const double starts[MAX_STARTS][CRM_MAX_PARAMS] = {
		{1.0, 1.0, 0, 0}, {0.5, 3.0, 0, 0}, {3.0, 0.5, 0, 0}
	};
	int			max_iter;
	crm_status	st;

	InitResult(out, CRM_SBG);
	if ((st = CheckOptions(opt, &pen, &max_iter, &tol, out)) != CRM_OK)
		return st;
	if ((st = CheckAlive(alive, periods, out->message, sizeof(out->message))) != CRM_OK)
		return out->status = st;
	out->n_customers = alive[0];
	if (alive[periods] == alive[0])
	{
		SetMsg(out->message, sizeof(out->message),
			   "sBG: nobody churned: all %g customers are still active after %d periods, so there is "
			   "no evidence of churn; observe the cohort for longer", alive[0], periods);
		return out->status = CRM_ERR_ALL_ALIVE;
	}
	if (alive[1] == 0)
	{
		SetMsg(out->message, sizeof(out->message),
			   "sBG: every customer churned at the first renewal, so heterogeneity in churn "
			   "cannot be estimated (the retention rate is 0)");
		return out->status = CRM_ERR_NO_HETEROGENEITY;
	}
	memset(&c, 0, sizeof(c));
	c.kind = CRM_SBG;
	c.np = 2;
	c.wsum = alive[0];
	c.penalizer = pen;
	c.cancel = opt != NULL ? opt->cancel : NULL;
	c.alive = alive;
	c.periods = periods;
	st = RunFit(&c, NULL, starts, MAX_STARTS, max_iter, tol, scale, out);
	if (st != CRM_ERR_NUMERIC)
		out->loglik = crm_sbg_loglik(out->params, alive, periods, NULL);
	return st;
}

/* ---------------------------------------------------------------------- */
/* predictions                                                             */
/* ---------------------------------------------------------------------- */

/* Checks the kind is an RFM model and its parameters are valid. */
static crm_status
CheckRfmModel(crm_model_kind kind, const double *par, char *msg, size_t msglen)
{
	if (kind != CRM_BGNBD && kind != CRM_MBGNBD && kind != CRM_PNBD)
	{
		SetMsg(msg, msglen, "model kind %d has no purchase predictions: use bgnbd, mbgnbd or pnbd",
			   (int) kind);
		return CRM_ERR_INPUT;
	}
	return crm_check_params(kind, par, msg, msglen);
}

/* Checks a prediction horizon t (finite, >= 0). */
static crm_status
CheckHorizon(double t, char *msg, size_t msglen)
{
	if (!isfinite(t) || t < 0)
	{
		SetMsg(msg, msglen, "t = %g is invalid: the prediction period must be finite and >= 0", t);
		return CRM_ERR_INPUT;
	}
	return CRM_OK;
}

/* Turns a model function's -1 into CRM_ERR_NUMERIC with a message. */
static crm_status
NumericResult(int rc, double *out, const char *what, char *msg, size_t msglen)
{
	if (rc != 0 || !isfinite(*out))
	{
		SetMsg(msg, msglen, "%s could not be computed for these inputs", what);
		*out = 0.0;
		return CRM_ERR_NUMERIC;
	}
	return CRM_OK;
}

/* E[X(t)] for a new customer. */
crm_status
crm_expected_purchases(crm_model_kind kind, const double *par, double t,
					   double *out, char *msg, size_t msglen)
{
	crm_status	st;
	int			rc;

	*out = 0.0;
	if ((st = CheckRfmModel(kind, par, msg, msglen)) != CRM_OK ||
		(st = CheckHorizon(t, msg, msglen)) != CRM_OK)
		return st;
	if (kind == CRM_PNBD)
		rc = crm_pnbd_expected(par, t, out);
	else
		rc = crm_bgnbd_expected(par, kind == CRM_MBGNBD, t, out);
	return NumericResult(rc, out, "the expected number of purchases", msg, msglen);
}

/* Conditional expectation, already validated. */
static int
Conditional(crm_model_kind kind, const double *par, double t, double x, double tx,
			double T, double *out)
{
	if (kind == CRM_PNBD)
		return crm_pnbd_conditional(par, t, x, tx, T, out);
	return crm_bgnbd_conditional(par, kind == CRM_MBGNBD, t, x, tx, T, out);
}

/* E[Y(t) | x, tx, T]. */
crm_status
crm_conditional_expected(crm_model_kind kind, const double *par, double t,
						 double x, double tx, double T,
						 double *out, char *msg, size_t msglen)
{
	crm_status	st;

	*out = 0.0;
	if ((st = CheckRfmModel(kind, par, msg, msglen)) != CRM_OK ||
		(st = CheckHorizon(t, msg, msglen)) != CRM_OK ||
		(st = crm_check_rfm(x, tx, T, msg, msglen)) != CRM_OK)
		return st;
	return NumericResult(Conditional(kind, par, t, x, tx, T, out), out,
						 "the conditional expected number of purchases", msg, msglen);
}

/* P(alive | x, tx, T). */
crm_status
crm_p_alive(crm_model_kind kind, const double *par, double x, double tx, double T,
			double *out, char *msg, size_t msglen)
{
	crm_status	st;
	int			rc;

	*out = 0.0;
	if ((st = CheckRfmModel(kind, par, msg, msglen)) != CRM_OK ||
		(st = crm_check_rfm(x, tx, T, msg, msglen)) != CRM_OK)
		return st;
	if (kind == CRM_PNBD)
		rc = crm_pnbd_p_alive(par, x, tx, T, out);
	else
		rc = crm_bgnbd_p_alive(par, kind == CRM_MBGNBD, x, tx, T, out);
	return NumericResult(rc, out, "P(alive)", msg, msglen);
}

/* P(X(t) = n) for a new customer. */
crm_status
crm_prob_n_purchases(crm_model_kind kind, const double *par, double n, double t,
					 double *out, char *msg, size_t msglen)
{
	crm_status	st;
	int			rc;

	*out = 0.0;
	if ((st = CheckRfmModel(kind, par, msg, msglen)) != CRM_OK ||
		(st = CheckHorizon(t, msg, msglen)) != CRM_OK)
		return st;
	if (!IsCount(n))
	{
		SetMsg(msg, msglen, "n = %g is invalid: the number of purchases must be a whole number >= 0", n);
		return CRM_ERR_INPUT;
	}
	if (kind == CRM_PNBD)
		rc = crm_pnbd_prob_n(par, n, t, out);
	else
		rc = crm_bgnbd_prob_n(par, kind == CRM_MBGNBD, n, t, out);
	return NumericResult(rc, out, "P(X(t) = n)", msg, msglen);
}

/* Pareto/NBD DERT. */
crm_status
crm_pnbd_dert(const double par[4], double delta, double x, double tx, double T,
			  double *out, char *msg, size_t msglen)
{
	crm_status	st;

	*out = 0.0;
	if ((st = crm_check_params(CRM_PNBD, par, msg, msglen)) != CRM_OK ||
		(st = crm_check_rfm(x, tx, T, msg, msglen)) != CRM_OK)
		return st;
	if (!isfinite(delta) || delta <= 0)
	{
		SetMsg(msg, msglen, "delta = %g is invalid: the continuous discount rate must be finite and > 0",
			   delta);
		return CRM_ERR_INPUT;
	}
	return NumericResult(crm_pnbd_dert_core(par, delta, x, tx, T, out), out, "DERT", msg, msglen);
}

/* Gamma-Gamma E[M | x, m]. */
crm_status
crm_gg_expected_spend(const double par[3], double x, double m, double *out,
					  char *msg, size_t msglen)
{
	crm_status	st;
	double		p,
				q,
				v;

	*out = 0.0;
	if ((st = crm_check_params(CRM_GG, par, msg, msglen)) != CRM_OK)
		return st;
	p = par[0];
	q = par[1];
	v = par[2];
	if (!IsCount(x))
	{
		SetMsg(msg, msglen, "x = %g is invalid: the number of repeat transactions must be a whole number >= 0", x);
		return CRM_ERR_INPUT;
	}
	if (x > 0 && (!isfinite(m) || m <= 0))
	{
		SetMsg(msg, msglen, "m = %g is invalid: the mean spend must be finite and > 0 when x > 0", m);
		return CRM_ERR_INPUT;
	}
	if (x == 0)
	{
		if (q <= 1)
		{
			SetMsg(msg, msglen, "q = %g <= 1: the population mean spend p*gamma/(q-1) is infinite, so "
				   "a customer without repeat purchases has no expected spend", q);
			return CRM_ERR_INPUT;
		}
		*out = p * v / (q - 1.0);
	}
	else
	{
		if (p * x + q <= 1)
		{
			SetMsg(msg, msglen, "p*x + q = %g <= 1: the expected spend is infinite for x = %g", p * x + q, x);
			return CRM_ERR_INPUT;
		}
		/* weighted mean of the population mean and the customer's mean */
		*out = p * (v + x * m) / (p * x + q - 1.0);
	}
	return NumericResult(0, out, "the expected spend", msg, msglen);
}

/* Discounted CLV (see btyd.h). */
crm_status
crm_clv(crm_model_kind kind, const double *par, double spend,
		double x, double tx, double T, double horizon, double step,
		double rate, double *out, char *msg, size_t msglen)
{
	crm_status	st;
	double		prev = 0.0,
				sum = 0.0,
				disc = 1.0,
				factor = 1.0 / (1.0 + rate),	/* one step's discount */
				steps;
	long		k,
				K;

	*out = 0.0;
	if ((st = CheckRfmModel(kind, par, msg, msglen)) != CRM_OK ||
		(st = crm_check_rfm(x, tx, T, msg, msglen)) != CRM_OK)
		return st;
	if (!isfinite(spend) || spend < 0)
	{
		SetMsg(msg, msglen, "spend = %g is invalid: the expected spend per purchase must be finite and >= 0", spend);
		return CRM_ERR_INPUT;
	}
	if (!isfinite(horizon) || horizon <= 0)
	{
		SetMsg(msg, msglen, "horizon = %g is invalid: it must be finite and > 0", horizon);
		return CRM_ERR_INPUT;
	}
	if (!isfinite(step) || step <= 0)
	{
		SetMsg(msg, msglen, "step = %g is invalid: it must be finite and > 0", step);
		return CRM_ERR_INPUT;
	}
	if (!isfinite(rate) || rate < 0)
	{
		SetMsg(msg, msglen, "rate = %g is invalid: the discount rate per step must be finite and >= 0", rate);
		return CRM_ERR_INPUT;
	}
	steps = ceil(horizon / step);
	if (steps > MAX_CLV_STEPS)
	{
		SetMsg(msg, msglen, "horizon / step = %g is too large: at most %d discounting steps are allowed",
			   steps, MAX_CLV_STEPS);
		return CRM_ERR_INPUT;
	}
	K = (long) steps;
	for (k = 1; k <= K; k += CLV_BLOCK)
	{
		double		tk[CLV_BLOCK],
					e[CLV_BLOCK];
		int			nb = (int) (K - k + 1 < CLV_BLOCK ? K - k + 1 : CLV_BLOCK),
					j,
					rc;

		for (j = 0; j < nb; j++)
		{
			tk[j] = (double) (k + j) * step;
			tk[j] = tk[j] < horizon ? tk[j] : horizon;
		}
		/* both return finite values or -1 */
		if (kind == CRM_PNBD)
			rc = crm_pnbd_conditional_multi(par, tk, nb, x, tx, T, e);
		else
			rc = crm_bgnbd_conditional_multi(par, kind == CRM_MBGNBD, tk, nb, x, tx, T, e);
		if (rc != 0)
			return NumericResult(-1, out, "CLV", msg, msglen);
		for (j = 0; j < nb; j++)
		{
			disc *= factor;
			sum += (e[j] - prev) * disc;
			prev = e[j];
		}
	}
	*out = sum * spend;
	return NumericResult(0, out, "CLV", msg, msglen);
}

/* sBG survival S(t). */
crm_status
crm_sbg_survival(const double par[2], double t, double *out, char *msg, size_t msglen)
{
	crm_status	st;

	*out = 0.0;
	if ((st = crm_check_params(CRM_SBG, par, msg, msglen)) != CRM_OK)
		return st;
	if (!isfinite(t) || t < 0)
	{
		SetMsg(msg, msglen, "t = %g is invalid: the number of periods must be finite and >= 0", t);
		return CRM_ERR_INPUT;
	}
	/* B(alpha, beta + t) / B(alpha, beta), without cancelling two log Betas of size alpha */
	*out = exp(crm_lbeta_ratio(par[0], par[1], t));
	return NumericResult(0, out, "the survival probability", msg, msglen);
}

/* sBG retention rate of period t. */
crm_status
crm_sbg_retention(const double par[2], double t, double *out, char *msg, size_t msglen)
{
	crm_status	st;

	*out = 0.0;
	if ((st = crm_check_params(CRM_SBG, par, msg, msglen)) != CRM_OK)
		return st;
	if (!isfinite(t) || t < 1)
	{
		SetMsg(msg, msglen, "t = %g is invalid: the retention rate is defined for periods t >= 1", t);
		return CRM_ERR_INPUT;
	}
	*out = (par[1] + (t - 1.0)) / (par[0] + par[1] + (t - 1.0));
	return NumericResult(0, out, "the retention rate", msg, msglen);
}

/* sBG DERL: (beta+n)/(alpha+beta+n) 2F1(1, beta+n+1; alpha+beta+n+1; 1/(1+d)). */
crm_status
crm_sbg_derl(const double par[2], double d, double n, double *out, char *msg, size_t msglen)
{
	crm_status	st;
	double		lf,
				lerr;
	int			rc;

	*out = 0.0;
	if ((st = crm_check_params(CRM_SBG, par, msg, msglen)) != CRM_OK)
		return st;
	if (!isfinite(d) || d <= 0)
	{
		SetMsg(msg, msglen, "d = %g is invalid: the discount rate must be finite and > 0", d);
		return CRM_ERR_INPUT;
	}
	if (!IsCount(n))
	{
		SetMsg(msg, msglen, "n = %g is invalid: the number of renewals must be a whole number >= 0", n);
		return CRM_ERR_INPUT;
	}
	/* 1 - z = d/(1+d) exactly as known: F ~ (1-z)^(alpha-1) magnifies a rounded z for d small */
	rc = crm_log_hyp2f1_err(1.0, par[1] + n + 1.0, par[0] + par[1] + n + 1.0, 1.0 / (1.0 + d),
							d / (1.0 + d), &lf, &lerr);
	if (rc == 0)
		*out = (par[1] + n) / (par[0] + par[1] + n) * exp(lf);
	return NumericResult(rc, out, "DERL", msg, msglen);
}

/* Draws one customer's (x, tx) for an RFM kind. */
void
crm_simulate_rfm(crm_model_kind kind, const double *par, double T, crm_rng *rng,
				 double *x, double *tx)
{
	*x = 0.0;
	*tx = 0.0;
	if (kind == CRM_PNBD)
		crm_pnbd_simulate(par, T, rng, x, tx);
	else if (kind == CRM_BGNBD || kind == CRM_MBGNBD)
		crm_bgnbd_simulate(par, kind == CRM_MBGNBD, T, rng, x, tx);
}
