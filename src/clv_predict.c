/*-------------------------------------------------------------------------
 *
 * clv_predict.c
 *	  Predictions from a crm.clv_model: expected purchases, P(alive),
 *	  P(X(t) = n), expected spend, discounted CLV, Pareto/NBD DERT and the
 *	  sBG survival, retention and DERL.
 *
 * Every function copies the small model once (no palloc, no catalog
 * lookups), checks its kind, and hands the numbers to the core, which
 * validates them; a core error becomes an ERROR naming the bad value. Times
 * are in the model's unit; discount rates are annual and converted with the
 * model's unit (365.25 days a year).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/timestamp.h"

#include "btyd.h"
#include "model_type.h"
#include "pgutil.h"

#define CLV_DAYS_PER_YEAR 365.25
#define CLV_DAYS_PER_MONTH 30.4375

PG_FUNCTION_INFO_V1(clv_expected_purchases);
PG_FUNCTION_INFO_V1(clv_conditional_expected_purchases);
PG_FUNCTION_INFO_V1(clv_p_alive);
PG_FUNCTION_INFO_V1(clv_prob_purchases);
PG_FUNCTION_INFO_V1(clv_expected_spend);
PG_FUNCTION_INFO_V1(clv_clv);
PG_FUNCTION_INFO_V1(clv_dert);
PG_FUNCTION_INFO_V1(clv_sbg_survival);
PG_FUNCTION_INFO_V1(clv_sbg_retention);
PG_FUNCTION_INFO_V1(clv_sbg_derl);

/* Checks the status of a core call and returns *value (read after the call). */
static inline double
Result(crm_status status, const double *value, const char *msg, const char *funcname)
{
	if (status != CRM_OK)
		ClvReportPrediction(status, msg, funcname);
	return *value;
}

/* An annual discount rate checked and converted to a rate per `unit_days`. */
static double
RatePerUnit(double annual, double unit_days, const char *funcname)
{
	if (!isfinite(annual) || annual < 0.0 || annual > 100.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: annual discount rate %g is out of range", funcname, annual),
				 errhint("Pass a yearly rate between 0 and 100, e.g. 0.10 for 10%% a year.")));
	return expm1(log1p(annual) * unit_days / CLV_DAYS_PER_YEAR);
}

/* crm.expected_purchases(model, t): E[X(t)] for a new customer. */
Datum
clv_expected_purchases(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KINDS_RFM, "crm.expected_purchases");
	PG_RETURN_FLOAT8(Result(crm_expected_purchases(m.kind, m.params, PG_GETARG_FLOAT8(1), &out, msg, sizeof(msg)),
							&out, msg, "crm.expected_purchases"));
}

/* crm.conditional_expected_purchases(model, t, x, t_x, age): E[Y(t) | x, t_x, T]. */
Datum
clv_conditional_expected_purchases(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KINDS_RFM, "crm.conditional_expected_purchases");
	PG_RETURN_FLOAT8(Result(crm_conditional_expected(m.kind, m.params, PG_GETARG_FLOAT8(1),
													 PG_GETARG_FLOAT8(2), PG_GETARG_FLOAT8(3),
													 PG_GETARG_FLOAT8(4), &out, msg, sizeof(msg)),
							&out, msg, "crm.conditional_expected_purchases"));
}

/* crm.p_alive(model, x, t_x, age): probability the customer is still active. */
Datum
clv_p_alive(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KINDS_RFM, "crm.p_alive");
	PG_RETURN_FLOAT8(Result(crm_p_alive(m.kind, m.params, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2),
										PG_GETARG_FLOAT8(3), &out, msg, sizeof(msg)),
							&out, msg, "crm.p_alive"));
}

/* crm.prob_purchases(model, n, t): P(X(t) = n) for a new customer. */
Datum
clv_prob_purchases(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KINDS_RFM, "crm.prob_purchases");
	PG_RETURN_FLOAT8(Result(crm_prob_n_purchases(m.kind, m.params, (double) PG_GETARG_INT32(1),
												 PG_GETARG_FLOAT8(2), &out, msg, sizeof(msg)),
							&out, msg, "crm.prob_purchases"));
}

/* crm.expected_spend(model, x, monetary): Gamma-Gamma E[M | x, m]. */
Datum
clv_expected_spend(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KIND_BIT(CRM_GG), "crm.expected_spend");
	PG_RETURN_FLOAT8(Result(crm_gg_expected_spend(m.params, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2),
												  &out, msg, sizeof(msg)),
							&out, msg, "crm.expected_spend"));
}

/* Length of an interval in days (months of 30.4375 days); errors unless finite and > 0. */
static double
IntervalDays(const Interval *iv, const char *funcname)
{
	double		days = iv->month * CLV_DAYS_PER_MONTH + iv->day + (double) iv->time / USECS_PER_DAY;

	if (!isfinite(days) || days <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: horizon of %g days must be positive", funcname, days),
				 errhint("Pass a positive interval, e.g. '1 year' or '36 months'.")));
	return days;
}

/*
 * crm.clv(transactions, spend, x, t_x, age, monetary, horizon, annual_discount_rate):
 * expected discounted revenue over the horizon, in monthly steps.
 */
Datum
clv_clv(PG_FUNCTION_ARGS)
{
	const char *fname = "crm.clv";
	ClvModel	txn;
	ClvModel	gg;
	double		x = PG_GETARG_FLOAT8(2);
	double		tx = PG_GETARG_FLOAT8(3);
	double		T = PG_GETARG_FLOAT8(4);
	double		monetary = PG_GETARG_FLOAT8(5);
	double		horizon_days = IntervalDays(PG_GETARG_INTERVAL_P(6), fname);
	double		annual = PG_GETARG_FLOAT8(7);
	double		steps, step_days, rate, spend = 0.0, out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &txn);
	ClvModelArg(fcinfo, 1, &gg);
	ClvRequireKind(&txn, CLV_KINDS_RFM, "crm.clv (transaction model)");
	ClvRequireKind(&gg, CLV_KIND_BIT(CRM_GG), "crm.clv (spend model)");
	/* whole months; a horizon shorter than a month is one step */
	steps = Max(1.0, rint(horizon_days / CLV_DAYS_PER_MONTH));
	step_days = horizon_days / steps;
	rate = RatePerUnit(annual, step_days, fname);
	Result(crm_gg_expected_spend(gg.params, x, monetary, &spend, msg, sizeof(msg)), &spend, msg, fname);
	Result(crm_clv(txn.kind, txn.params, spend, x, tx, T, horizon_days / txn.unit_days,
				   step_days / txn.unit_days, rate, &out, msg, sizeof(msg)), &out, msg, fname);
	PG_RETURN_FLOAT8(out);
}

/* crm.dert(model, x, t_x, age, annual_discount_rate): Pareto/NBD discounted expected residual transactions. */
Datum
clv_dert(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		delta;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KIND_BIT(CRM_PNBD), "crm.dert");
	delta = log1p(RatePerUnit(PG_GETARG_FLOAT8(4), m.unit_days, "crm.dert"));
	if (delta <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.dert: annual discount rate %g must be > 0", PG_GETARG_FLOAT8(4)),
				 errhint("DERT is finite only with discounting; pass e.g. 0.15.")));
	PG_RETURN_FLOAT8(Result(crm_pnbd_dert(m.params, delta, PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2),
										  PG_GETARG_FLOAT8(3), &out, msg, sizeof(msg)),
							&out, msg, "crm.dert"));
}

/* crm.sbg_survival(model, t): share of a cohort still active after t periods. */
Datum
clv_sbg_survival(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KIND_BIT(CRM_SBG), "crm.sbg_survival");
	PG_RETURN_FLOAT8(Result(crm_sbg_survival(m.params, PG_GETARG_FLOAT8(1), &out, msg, sizeof(msg)),
							&out, msg, "crm.sbg_survival"));
}

/* crm.sbg_retention(model, t): retention rate of period t, S(t) / S(t - 1). */
Datum
clv_sbg_retention(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KIND_BIT(CRM_SBG), "crm.sbg_retention");
	PG_RETURN_FLOAT8(Result(crm_sbg_retention(m.params, PG_GETARG_FLOAT8(1), &out, msg, sizeof(msg)),
							&out, msg, "crm.sbg_retention"));
}

/* crm.sbg_derl(model, renewals, annual_discount_rate): discounted expected residual lifetime (periods). */
Datum
clv_sbg_derl(PG_FUNCTION_ARGS)
{
	ClvModel	m;
	double		d;
	double		out = 0.0;
	char		msg[256] = "";

	ClvModelArg(fcinfo, 0, &m);
	ClvRequireKind(&m, CLV_KIND_BIT(CRM_SBG), "crm.sbg_derl");
	d = RatePerUnit(PG_GETARG_FLOAT8(2), m.unit_days, "crm.sbg_derl");
	PG_RETURN_FLOAT8(Result(crm_sbg_derl(m.params, d, (double) PG_GETARG_INT32(1), &out, msg, sizeof(msg)),
							&out, msg, "crm.sbg_derl"));
}
