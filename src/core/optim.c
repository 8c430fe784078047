/*-------------------------------------------------------------------------
 *
 * optim.c
 *	  BFGS minimisation with a bracketing weak-Wolfe line search (see optim.h).
 *
 *-------------------------------------------------------------------------
 */
#include "optim.h"

#include <math.h>
#include <string.h>

#define LS_C1 1e-4
#define LS_C2 0.9
#define LS_MAX_TRIALS 60
/* A quasi-Newton step predicting less decrease than this (relative) is rounding noise. */
#define NOISE_DECREASE 1e-13

/* Dot product of two n-vectors. */
static double
Dot(const double *a, const double *b, int n)
{
	double		s = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

/* Largest absolute component of an n-vector. */
static double
MaxAbs(const double *a, int n)
{
	double		m = 0.0;
	int			i;

	for (i = 0; i < n; i++)
		if (fabs(a[i]) > m)
			m = fabs(a[i]);
	return m;
}

/* Sets the n x n matrix h to scale times the identity. */
static void
SetIdentity(double *h, int n, double scale)
{
	int			i;

	memset(h, 0, sizeof(double) * n * n);
	for (i = 0; i < n; i++)
		h[i * n + i] = scale;
}

/*
 * Weak-Wolfe line search along d from theta (value f, slope gd < 0).
 * Writes the accepted point into xt/ft/gt; returns 1 on progress, 0 if none.
 */
static int
LineSearch(crm_objective_fn fn, void *ctx, int n, const double *theta, double f,
		   const double *d, double gd, double t, double tmax,
		   double *xt, double *ft, double *gt, int *nev)
{
	double		lo = 0.0,
				hi = INFINITY;
	double		xlo[CRM_OPTIM_MAX_DIM],
				glo[CRM_OPTIM_MAX_DIM];
	double		flo = f;
	int			k,
				i;

	for (k = 0; k < LS_MAX_TRIALS; k++)
	{
		double		fv;

		for (i = 0; i < n; i++)
			xt[i] = theta[i] + t * d[i];
		fv = fn(xt, gt, ctx);
		(*nev)++;
		if (!isfinite(fv) || fv > f + LS_C1 * t * gd || !isfinite(MaxAbs(gt, n)))
		{
			/* sufficient decrease fails: shrink, by interpolation when possible */
			double		tq = t * 0.5;

			if (lo == 0.0 && isfinite(fv) && fv - f - gd * t > 0.0)
			{
				tq = -gd * t * t / (2.0 * (fv - f - gd * t));
				if (tq < 0.1 * t)
					tq = 0.1 * t;
				if (tq > 0.5 * t)
					tq = 0.5 * t;
			}
			hi = t;
			t = (lo > 0.0) ? 0.5 * (lo + hi) : tq;
		}
		else if (Dot(gt, d, n) < LS_C2 * gd && t < tmax)
		{
			/* curvature condition fails: the step can grow */
			lo = t;
			flo = fv;
			memcpy(xlo, xt, sizeof(double) * n);
			memcpy(glo, gt, sizeof(double) * n);
			t = isfinite(hi) ? 0.5 * (lo + hi) : fmin(2.0 * t, tmax);
		}
		else
		{
			*ft = fv;
			return 1;
		}
		if (hi - lo < 1e-16 * fmax(1.0, lo))
			break;
	}
	if (lo > 0.0)
	{
		memcpy(xt, xlo, sizeof(double) * n);
		memcpy(gt, glo, sizeof(double) * n);
		*ft = flo;
		return 1;
	}
	return 0;
}

/* BFGS on the inverse Hessian; see optim.h for the contract. */
int
crm_bfgs_minimize(crm_objective_fn fn, crm_stop_fn stop, void *ctx, int n,
				  double *theta, double *hinv, int max_iter, double gtol,
				  double max_step, crm_optim_result *res)
{
	double		g[CRM_OPTIM_MAX_DIM],
				d[CRM_OPTIM_MAX_DIM],
				xt[CRM_OPTIM_MAX_DIM],
				gt[CRM_OPTIM_MAX_DIM],
				s[CRM_OPTIM_MAX_DIM],
				y[CRM_OPTIM_MAX_DIM],
				hy[CRM_OPTIM_MAX_DIM];
	double		h[CRM_OPTIM_MAX_DIM * CRM_OPTIM_MAX_DIM];
	double		f,
				ft = 0.0;
	int			fresh = 1,
				stalls = 0,
				at_noise = 0;
	int			iter,
				i,
				j;

	memset(res, 0, sizeof(*res));
	f = fn(theta, g, ctx);
	res->evaluations = 1;
	if (!isfinite(f) || !isfinite(MaxAbs(g, n)) || n > CRM_OPTIM_MAX_DIM)
	{
		res->f = f;
		return -1;
	}
	if (hinv != NULL && hinv[0] > 0)
	{
		memcpy(h, hinv, sizeof(double) * n * n);
		fresh = 0;
	}
	else
		SetIdentity(h, n, 1.0);
	for (iter = 0; iter < max_iter; iter++)
	{
		double		gd,
					dmax,
					tmax,
					sy,
					yy,
					yhy;

		if (MaxAbs(g, n) <= gtol)
			break;
		for (i = 0; i < n; i++)
			d[i] = -Dot(h + i * n, g, n);
		gd = Dot(g, d, n);
		/* the model step would gain less than rounding noise: optimal to precision */
		if (!fresh && gd < 0.0 && -gd <= NOISE_DECREASE * fmax(1.0, fabs(f)) &&
			MaxAbs(g, n) <= sqrt(gtol))
		{
			at_noise = 1;
			break;
		}
		if (!(gd < 0.0))
		{
			SetIdentity(h, n, 1.0);
			fresh = 1;
			for (i = 0; i < n; i++)
				d[i] = -g[i];
			gd = Dot(g, d, n);
		}
		dmax = MaxAbs(d, n);
		tmax = (dmax > max_step) ? max_step / dmax : 1.0;
		if (!LineSearch(fn, ctx, n, theta, f, d, gd, fmin(1.0, tmax), fmax(1.0, tmax),
						xt, &ft, gt, &res->evaluations))
		{
			if (fresh)
				break;
			/* the quasi-Newton direction failed: retry along steepest descent */
			SetIdentity(h, n, 1.0);
			fresh = 1;
			continue;
		}
		for (i = 0; i < n; i++)
		{
			s[i] = xt[i] - theta[i];
			y[i] = gt[i] - g[i];
		}
		sy = Dot(s, y, n);
		yy = Dot(y, y, n);
		if (sy > 1e-12 * sqrt(Dot(s, s, n) * yy))
		{
			if (fresh)
				SetIdentity(h, n, sy / yy);
			for (i = 0; i < n; i++)
				hy[i] = Dot(h + i * n, y, n);
			yhy = Dot(y, hy, n);
			for (i = 0; i < n; i++)
				for (j = 0; j < n; j++)
					h[i * n + j] += ((sy + yhy) * s[i] * s[j] / sy
									 - hy[i] * s[j] - s[i] * hy[j]) / sy;
			fresh = 0;
		}
		/* steps that no longer lower f: stop rather than cycle */
		stalls = (ft < f) ? 0 : stalls + 1;
		memcpy(theta, xt, sizeof(double) * n);
		memcpy(g, gt, sizeof(double) * n);
		f = ft;
		if (stalls >= 3)
			break;
		if (stop != NULL && stop(theta, ctx))
		{
			res->stopped = 1;
			break;
		}
	}
	if (hinv != NULL)
		memcpy(hinv, h, sizeof(double) * n * n);
	res->f = f;
	res->gnorm = MaxAbs(g, n);
	res->iterations = iter;
	res->converged = (res->gnorm <= gtol) || at_noise;
	return 0;
}
