/*-------------------------------------------------------------------------
 *
 * test_optim.c
 *	  The BFGS minimiser on functions with known minima: a quadratic,
 *	  Rosenbrock's valley, a function with a domain (non-finite outside),
 *	  the step bound, a warm start, a non-finite start, and the stop test
 *	  (a function whose infimum lies at infinity, as a fit that runs off).
 *
 *-------------------------------------------------------------------------
 */
#include <stdlib.h>
#include <string.h>

#include "optim.h"
#include "unit.h"

/* Records the points an objective was evaluated at. */
typedef struct Trace
{
	int			n;
	double		last[2];
	double		max_jump;		/* largest component of a move between evaluations */
	double		stop_at;		/* the stop test fires once theta[0] exceeds this */
} Trace;

/* Notes one evaluation point. */
static void
Note(Trace *tr, const double *theta)
{
	int			i;

	for (i = 0; tr->n > 0 && i < 2; i++)
		if (fabs(theta[i] - tr->last[i]) > tr->max_jump)
			tr->max_jump = fabs(theta[i] - tr->last[i]);
	memcpy(tr->last, theta, sizeof(tr->last));
	tr->n++;
}

/* (x - 3)^2 + 10 (y + 1)^2 + x y: minimum where 2(x-3) + y = 0, 20(y+1) + x = 0. */
static double
Quadratic(const double *th, double *g, void *ctx)
{
	Note(ctx, th);
	g[0] = 2.0 * (th[0] - 3.0) + th[1];
	g[1] = 20.0 * (th[1] + 1.0) + th[0];
	return (th[0] - 3.0) * (th[0] - 3.0) + 10.0 * (th[1] + 1.0) * (th[1] + 1.0) + th[0] * th[1];
}

/* Rosenbrock: minimum 0 at (1, 1) at the end of a curved valley. */
static double
Rosenbrock(const double *th, double *g, void *ctx)
{
	double		a = 1.0 - th[0],
				b = th[1] - th[0] * th[0];

	Note(ctx, th);
	g[0] = -2.0 * a - 400.0 * th[0] * b;
	g[1] = 200.0 * b;
	return a * a + 100.0 * b * b;
}

/* x - log x + (y - 2)^2, defined for x > 0 only (infinite outside): minimum at (1, 2). */
static double
Domain(const double *th, double *g, void *ctx)
{
	Note(ctx, th);
	if (!(th[0] > 0.0))
		return INFINITY;
	g[0] = 1.0 - 1.0 / th[0];
	g[1] = 2.0 * (th[1] - 2.0);
	return th[0] - log(th[0]) + (th[1] - 2.0) * (th[1] - 2.0);
}

/* exp(-x) + (y - 1)^2: the infimum is at x = infinity. */
static double
RunsOff(const double *th, double *g, void *ctx)
{
	Note(ctx, th);
	g[0] = -exp(-th[0]);
	g[1] = 2.0 * (th[1] - 1.0);
	return exp(-th[0]) + (th[1] - 1.0) * (th[1] - 1.0);
}

/* NaN at the start: the minimiser must refuse it. */
static double
NanStart(const double *th, double *g, void *ctx)
{
	(void) th;
	(void) ctx;
	g[0] = g[1] = 0.0;
	return NAN;
}

/* The stop test: theta[0] beyond the trace's stop_at. */
static int
PastStop(const double *th, void *ctx)
{
	return th[0] > ((Trace *) ctx)->stop_at;
}

/* Known minima, reached from ordinary starts, with and without a warm start. */
static void
TestMinima(void)
{
	crm_optim_result res;
	Trace		tr;
	double		th[2],
				h[4] = {0};
	int			ev;

	/* quadratic: the minimum solves 2x + y = 6, x + 20y = -20 */
	memset(&tr, 0, sizeof(tr));
	th[0] = 0.0;
	th[1] = 0.0;
	CHECK(crm_bfgs_minimize(Quadratic, NULL, &tr, 2, th, h, 200, 1e-10, 2.0, &res) == 0);
	CHECK(res.converged && !res.stopped);
	CHECK_CLOSE(th[0], 140.0 / 39.0, 1e-9, 0);
	CHECK_CLOSE(th[1], -46.0 / 39.0, 1e-9, 0);
	CHECK(res.gnorm <= 1e-5);	/* gtol, or sqrt(gtol) at rounding noise */
	CHECK(res.evaluations == tr.n);
	/* no step longer than max_step in any component */
	CHECK(tr.max_jump <= 2.0 + 1e-12);
	/* warm start from the final inverse Hessian: converges in a step or two */
	th[0] = 3.0;
	th[1] = -1.5;
	ev = tr.n;
	CHECK(crm_bfgs_minimize(Quadratic, NULL, &tr, 2, th, h, 200, 1e-10, 2.0, &res) == 0);
	CHECK(res.converged);
	CHECK(res.iterations <= 3);
	CHECK(tr.n - ev <= 8);
	CHECK_CLOSE(th[0], 140.0 / 39.0, 1e-9, 0);

	memset(&tr, 0, sizeof(tr));
	th[0] = -1.2;
	th[1] = 1.0;
	CHECK(crm_bfgs_minimize(Rosenbrock, NULL, &tr, 2, th, NULL, 500, 1e-9, 2.0, &res) == 0);
	CHECK(res.converged);
	CHECK_CLOSE(th[0], 1.0, 1e-6, 0);
	CHECK_CLOSE(th[1], 1.0, 1e-6, 0);
	CHECK(res.f < 1e-12);

	/* non-finite values outside the domain make the line search step back */
	memset(&tr, 0, sizeof(tr));
	th[0] = 5.0;
	th[1] = 0.0;
	CHECK(crm_bfgs_minimize(Domain, NULL, &tr, 2, th, NULL, 200, 1e-10, 10.0, &res) == 0);
	CHECK(res.converged);
	CHECK_CLOSE(th[0], 1.0, 1e-9, 0);
	CHECK_CLOSE(th[1], 2.0, 1e-9, 0);

	/* a start where the objective is not finite is refused */
	th[0] = th[1] = 0.0;
	CHECK(crm_bfgs_minimize(NanStart, NULL, &tr, 2, th, NULL, 200, 1e-10, 2.0, &res) == -1);
}

/* The stop test ends a run-off early, and changes nothing when it never fires. */
static void
TestStop(void)
{
	crm_optim_result res,
				res2;
	Trace		tr,
				tr2;
	double		th[2],
				th2[2];

	/* without a stop the minimiser walks on along the flat direction */
	memset(&tr, 0, sizeof(tr));
	th[0] = 0.0;
	th[1] = 0.0;
	CHECK(crm_bfgs_minimize(RunsOff, NULL, &tr, 2, th, NULL, 200, 1e-12, 2.0, &res) == 0);
	CHECK(!res.stopped);
	CHECK(th[0] > 20.0);
	/* with it, it ends at the first accepted step past x = 10: x <= 10 + max_step */
	memset(&tr2, 0, sizeof(tr2));
	tr2.stop_at = 10.0;
	th2[0] = 0.0;
	th2[1] = 0.0;
	CHECK(crm_bfgs_minimize(RunsOff, PastStop, &tr2, 2, th2, NULL, 200, 1e-12, 2.0, &res2) == 0);
	CHECK(res2.stopped && !res2.converged);
	CHECK(th2[0] > 10.0 && th2[0] <= 12.0);
	CHECK(tr2.n < tr.n);
	CHECK_CLOSE(res2.f, RunsOff(th2, (double[2]) {0}, &tr2), 0, 0);

	/* a stop that never fires: the same path to the bit */
	memset(&tr, 0, sizeof(tr));
	memset(&tr2, 0, sizeof(tr2));
	tr2.stop_at = 1e300;
	th[0] = th2[0] = -1.2;
	th[1] = th2[1] = 1.0;
	crm_bfgs_minimize(Rosenbrock, NULL, &tr, 2, th, NULL, 500, 1e-9, 2.0, &res);
	crm_bfgs_minimize(Rosenbrock, PastStop, &tr2, 2, th2, NULL, 500, 1e-9, 2.0, &res2);
	CHECK(th[0] == th2[0] && th[1] == th2[1]);
	CHECK(res.evaluations == res2.evaluations && res.iterations == res2.iterations);
	CHECK(!res2.stopped);
}

/* Runs the suite. */
int
main(void)
{
	TestMinima();
	TestStop();
	return UNIT_DONE("optim");
}
