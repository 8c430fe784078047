/*-------------------------------------------------------------------------
 *
 * clv_fit.c
 *	  Fit aggregates: crm.fit_bgnbd, crm.fit_mbgnbd, crm.fit_pnbd,
 *	  crm.fit_gamma_gamma and crm.fit_sbg, returning a crm.clv_model.
 *
 * The state is the varlena type crm.rfm_patterns: the rows seen so far as
 * (x, t_x, T, n) patterns (for spend rows (x, m, 0, n), for sBG rows
 * (period, alive, 0, 1)), plus the unit and penalizer, which must be the same
 * in every row. While aggregating, the state is an expanded object (like
 * array_append's arrays) in its own child of the aggregate context, so the
 * executor neither copies nor re-parents it on every growth, and its large
 * buffers get huge pages (bigmem.h). When the buffer fills, identical patterns are merged
 * (crm_merge_rfm) and only if that frees too little is it doubled. Flattened
 * (for a parallel worker's tuple, send/out or a spill), it holds exactly its
 * patterns. Combine appends, so parallel workers each collect their share
 * and the leader fits once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

#include "bigmem.h"
#include "btyd.h"
#include "model_type.h"
#include "pgutil.h"

/* What the patterns of a state hold. */
#define SHAPE_RFM		1		/* (x, t_x, T, n) */
#define SHAPE_SPEND		2		/* (x, mean spend, 0, n) */
#define SHAPE_COHORT	3		/* (period, alive, 0, 1) */

#define PATTERNS_MIN_CAPACITY 64
/* Buffers of at least this many patterns merge duplicates before growing (32 MB). */
#define PATTERNS_MERGE_AT (INT64CONST(1) << 20)

typedef struct PatternState
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		shape;			/* SHAPE_* */
	double		unit_days;		/* time unit of the rows (0 for spend) */
	double		penalizer;		/* L2 penalizer of the fit */
	int64		npatterns;		/* patterns in use */
	int64		capacity;		/* patterns allocated */
	crm_rfm_pattern p[FLEXIBLE_ARRAY_MEMBER];
} PatternState;

#define PATTERN_STATE_SIZE(cap) (offsetof(PatternState, p) + (Size) (cap) * sizeof(crm_rfm_pattern))

/* Expanded form of a state: the flat buffer, grown in place, in the object's context. */
typedef struct PatternsExpanded
{
	ExpandedObjectHeader hdr;
	PatternState *st;			/* palloc'd in hdr.eoh_context */
	int			unit_len;		/* bytes of the unit text in unit, -1 if none */
	char		unit[16];		/* unit text of the rows (parsed once) */
} PatternsExpanded;

PG_FUNCTION_INFO_V1(rfm_patterns_in);
PG_FUNCTION_INFO_V1(rfm_patterns_out);
PG_FUNCTION_INFO_V1(rfm_patterns_recv);
PG_FUNCTION_INFO_V1(rfm_patterns_send);
PG_FUNCTION_INFO_V1(clv_fit_rfm_step);
PG_FUNCTION_INFO_V1(clv_fit_spend_step);
PG_FUNCTION_INFO_V1(clv_fit_cohort_step);
PG_FUNCTION_INFO_V1(clv_fit_combine);
PG_FUNCTION_INFO_V1(clv_fit_bgnbd_final);
PG_FUNCTION_INFO_V1(clv_fit_mbgnbd_final);
PG_FUNCTION_INFO_V1(clv_fit_pnbd_final);
PG_FUNCTION_INFO_V1(clv_fit_gg_final);
PG_FUNCTION_INFO_V1(clv_fit_sbg_final);
PG_FUNCTION_INFO_V1(clv_fit_sbg_array);

/* Raises the "too many patterns" ERROR when `capacity` patterns would not fit a varlena. */
static void
CheckCapacity(int64 capacity)
{
	if (capacity < 0 || PATTERN_STATE_SIZE(capacity) > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many distinct patterns to fit (%lld)", (long long) capacity),
				 errhint("Round t_x and age to whole units (e.g. days or weeks) so that customers share patterns.")));
}

/* An empty flat state with room for `capacity` patterns, in the current context. */
static PatternState *
NewState(int32 shape, double unit_days, double penalizer, int64 capacity)
{
	PatternState *st;

	CheckCapacity(capacity);
	st = palloc(PATTERN_STATE_SIZE(capacity));
	crm_advise_huge(st, PATTERN_STATE_SIZE(capacity));
	SET_VARSIZE(st, PATTERN_STATE_SIZE(capacity));
	st->shape = shape;
	st->unit_days = unit_days;
	st->penalizer = penalizer;
	st->npatterns = 0;
	st->capacity = capacity;
	return st;
}

/*
 * st moved to a buffer with room for at least `need` patterns, in st's
 * context (a fresh buffer, not repalloc, so that it gets huge pages).
 */
static PatternState *
EnlargeState(PatternState *st, int64 need)
{
	int64		cap = Max(st->capacity, PATTERNS_MIN_CAPACITY);
	PatternState *dst;

	while (cap < need)
		cap *= 2;
	CheckCapacity(cap);
	dst = MemoryContextAlloc(GetMemoryChunkContext(st), PATTERN_STATE_SIZE(cap));
	crm_advise_huge(dst, PATTERN_STATE_SIZE(cap));
	memcpy(dst, st, PATTERN_STATE_SIZE(st->npatterns));
	SET_VARSIZE(dst, PATTERN_STATE_SIZE(cap));
	dst->capacity = cap;
	pfree(st);
	return dst;
}

/* Size of the flat form of an expanded state: exactly its patterns. */
static Size
PatternsFlatSize(ExpandedObjectHeader *eohptr)
{
	return PATTERN_STATE_SIZE(((PatternsExpanded *) eohptr)->st->npatterns);
}

/* Writes the flat form of an expanded state (capacity = patterns in use). */
static void
PatternsFlattenInto(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	const PatternState *st = ((PatternsExpanded *) eohptr)->st;
	PatternState *out = (PatternState *) result;

	Assert(allocated_size == PATTERN_STATE_SIZE(st->npatterns));
	memcpy(out, st, PATTERN_STATE_SIZE(st->npatterns));
	out->capacity = st->npatterns;
	SET_VARSIZE(out, allocated_size);
}

static const ExpandedObjectMethods PatternsMethods = {
	PatternsFlatSize,
	PatternsFlattenInto
};

/* A new expanded state in its own child of aggcontext: a copy of src's header and patterns. */
static PatternsExpanded *
NewExpanded(MemoryContext aggcontext, const PatternState *src, int64 capacity)
{
	MemoryContext objcxt = AllocSetContextCreate(aggcontext, "crm.rfm_patterns",
												 ALLOCSET_SMALL_SIZES);
	PatternsExpanded *eo = MemoryContextAlloc(objcxt, sizeof(PatternsExpanded));
	MemoryContext old = MemoryContextSwitchTo(objcxt);

	EOH_init_header(&eo->hdr, &PatternsMethods, objcxt);
	eo->unit_len = -1;
	eo->st = NewState(src->shape, src->unit_days, src->penalizer,
					  Max(Max(capacity, src->npatterns), PATTERNS_MIN_CAPACITY));
	eo->st->npatterns = src->npatterns;
	memcpy(eo->st->p, src->p, (Size) src->npatterns * sizeof(crm_rfm_pattern));
	MemoryContextSwitchTo(old);
	return eo;
}

/* The flat state behind a datum: an expanded state's buffer, or the detoasted varlena, checked. */
static PatternState *
ReadState(Datum d)
{
	PatternState *st;

	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods != &PatternsMethods)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid crm.rfm_patterns value")));
		return ((PatternsExpanded *) eoh)->st;
	}
	st = (PatternState *) PG_DETOAST_DATUM(d);
	if (VARSIZE(st) < PATTERN_STATE_SIZE(0) || st->npatterns < 0 || st->npatterns > st->capacity ||
		VARSIZE(st) != PATTERN_STATE_SIZE(st->capacity))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid crm.rfm_patterns value")));
	return st;
}

/* A state argument, read only (see ReadState). */
static PatternState *
StateArg(FunctionCallInfo fcinfo, int argno)
{
	return ReadState(PG_GETARG_DATUM(argno));
}

/*
 * The writable expanded state of argument 0 of a transition or combine call:
 * the argument itself when it is our read-write object owned by aggcontext,
 * else a copy (a flat value, e.g. read back from a spill).
 */
static PatternsExpanded *
WritableState(FunctionCallInfo fcinfo, MemoryContext aggcontext)
{
	Datum		d = PG_GETARG_DATUM(0);

	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
	{
		ExpandedObjectHeader *eoh = DatumGetEOHP(d);

		if (eoh->eoh_methods == &PatternsMethods &&
			MemoryContextGetParent(eoh->eoh_context) == aggcontext)
			return (PatternsExpanded *) eoh;
	}
	return NewExpanded(aggcontext, ReadState(d), 0);
}

/*
 * Appends pattern (x, tx, T) with weight 1. A full buffer doubles; from
 * PATTERNS_MERGE_AT patterns on it first merges identical patterns (if
 * `merge`) and doubles only if that freed too little. Below that, merging
 * is left to the final function's single pass (it costs more than growing).
 */
static void
AddPattern(PatternsExpanded *eo, double x, double tx, double T, bool merge)
{
	PatternState *st = eo->st;
	crm_rfm_pattern *p;

	if (st->npatterns >= st->capacity)
	{
		if (merge && st->capacity >= PATTERNS_MERGE_AT)
			st->npatterns = (int64) crm_merge_rfm(st->p, (size_t) st->npatterns);
		if (st->npatterns * 4 > st->capacity * 3)
			eo->st = st = EnlargeState(st, st->capacity * 2);
	}
	p = &st->p[st->npatterns++];
	p->x = x;
	p->tx = tx;
	p->T = T;
	p->n = 1.0;
}

/* Checks the aggregate context and the unit/penalizer arguments; returns the writable state. */
static PatternsExpanded *
StepState(FunctionCallInfo fcinfo, int32 shape, int unit_arg, int pen_arg, const char *aggname)
{
	MemoryContext aggcontext;
	double		unit_days = 0.0;
	double		penalizer = 0.0;
	PatternsExpanded *eo = NULL;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s transition called in non-aggregate context", aggname)));
	if (!PG_ARGISNULL(0))
		eo = WritableState(fcinfo, aggcontext);
	if (unit_arg >= 0)
	{
		text	   *unit;

		if (PG_ARGISNULL(unit_arg))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("time unit of %s must not be NULL", aggname),
					 errhint("Pass the unit the summaries were built with: 'day', 'week', 'month' or 'year'.")));
		unit = PG_GETARG_TEXT_PP(unit_arg);
		/* the unit is a constant: parse it only when it differs from the last row's */
		if (eo != NULL && eo->unit_len == VARSIZE_ANY_EXHDR(unit) &&
			memcmp(eo->unit, VARDATA_ANY(unit), eo->unit_len) == 0)
			unit_days = eo->st->unit_days;
		else
			unit_days = ClvUnitDays(unit);
	}
	if (pen_arg >= 0 && pen_arg < PG_NARGS())
	{
		if (PG_ARGISNULL(pen_arg))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("penalizer of %s must not be NULL", aggname),
					 errhint("Pass 0 for no penalty, or a small value such as 0.001.")));
		penalizer = PG_GETARG_FLOAT8(pen_arg);
		if (!isfinite(penalizer) || penalizer < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("penalizer %g of %s is out of range", penalizer, aggname),
					 errhint("The penalizer must be a finite number >= 0 (0 = none).")));
	}
	if (eo == NULL)
	{
		PatternState head;

		head.shape = shape;
		head.unit_days = unit_days;
		head.penalizer = penalizer;
		head.npatterns = 0;
		eo = NewExpanded(aggcontext, &head, PATTERNS_MIN_CAPACITY);
	}
	else if (eo->st->shape != shape || eo->st->unit_days != unit_days || eo->st->penalizer != penalizer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit and penalizer of %s must be the same in every row", aggname),
				 errhint("Pass constants, not columns, as unit and penalizer.")));
	if (unit_arg >= 0 && eo->unit_len < 0)
	{
		text	   *unit = PG_GETARG_TEXT_PP(unit_arg);

		if (VARSIZE_ANY_EXHDR(unit) <= (int) sizeof(eo->unit))
		{
			eo->unit_len = VARSIZE_ANY_EXHDR(unit);
			memcpy(eo->unit, VARDATA_ANY(unit), eo->unit_len);
		}
	}
	return eo;
}

/* Transition of the BG/NBD, MBG/NBD and Pareto/NBD fits: (x, t_x, T, unit [, penalizer]). */
Datum
clv_fit_rfm_step(PG_FUNCTION_ARGS)
{
	PatternsExpanded *eo = StepState(fcinfo, SHAPE_RFM, 4, 5, "crm.fit_*");
	double		x, tx, T;
	char		msg[256];

	/* Rows with a NULL summary (no purchase before as_of) are skipped. */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
	x = PG_GETARG_FLOAT8(1);
	tx = PG_GETARG_FLOAT8(2);
	T = PG_GETARG_FLOAT8(3);
	/* First seen exactly at as_of: likelihood 1 in every model, no information. */
	if (x == 0.0 && tx == 0.0 && T == 0.0)
		PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
	if (crm_check_rfm(x, tx, T, msg, sizeof(msg)) != CRM_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid customer summary (x = %g, t_x = %g, age = %g): %s", x, tx, T, msg),
				 errhint("Build the rows with crm.btyd_summary: x >= 0, 0 <= t_x <= age, age > 0.")));
	AddPattern(eo, x, tx, T, true);
	PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
}

/* Transition of the Gamma-Gamma fit: (x, monetary [, penalizer]); x = 0 rows carry no information. */
Datum
clv_fit_spend_step(PG_FUNCTION_ARGS)
{
	PatternsExpanded *eo = StepState(fcinfo, SHAPE_SPEND, -1, 3, "crm.fit_gamma_gamma");
	double		x, m;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
	x = PG_GETARG_FLOAT8(1);
	m = PG_GETARG_FLOAT8(2);
	if (!isfinite(x) || x < 0.0 || x != floor(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("x = %g is invalid for crm.fit_gamma_gamma", x),
				 errhint("x is the number of repeat purchases: an integer >= 0.")));
	if (x == 0.0)
		PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
	if (!isfinite(m) || m <= 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("monetary = %g is invalid for a customer with x = %g", m, x),
				 errdetail("The Gamma-Gamma model needs a positive mean spend for every customer with repeat purchases."),
				 errhint("Exclude customers whose repeat purchases total 0, e.g. WHERE monetary > 0.")));
	AddPattern(eo, x, m, 0.0, true);
	PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
}

/* Transition of the sBG aggregate: (period, alive, unit). */
Datum
clv_fit_cohort_step(PG_FUNCTION_ARGS)
{
	PatternsExpanded *eo = StepState(fcinfo, SHAPE_COHORT, 3, -1, "crm.fit_sbg");
	int32		period;
	double		alive;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
	period = PG_GETARG_INT32(1);
	alive = PG_GETARG_FLOAT8(2);
	if (period < 0 || period > 100000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period %d is out of range for crm.fit_sbg", period),
				 errhint("Period 0 is the cohort at start; periods 1, 2, ... count renewals (at most 100000).")));
	if (!isfinite(alive) || alive < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alive = %g in period %d is invalid", alive, period),
				 errhint("alive counts customers still active: a finite number >= 0.")));
	/* not merged: a period given twice must reach the final function */
	AddPattern(eo, period, alive, 0.0, false);
	PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
}

/* Combine: appends the second partial state to the first (parallel workers). */
Datum
clv_fit_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	PatternsExpanded *eo;
	PatternState *b;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("clv_fit_combine called in non-aggregate context")));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = StateArg(fcinfo, 1);
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(EOHPGetRWDatum(&NewExpanded(aggcontext, b, 0)->hdr));
	eo = WritableState(fcinfo, aggcontext);
	if (eo->st->shape != b->shape || eo->st->unit_days != b->unit_days || eo->st->penalizer != b->penalizer)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine fit states with different unit or penalizer")));
	if (eo->st->npatterns + b->npatterns > eo->st->capacity)
		eo->st = EnlargeState(eo->st, eo->st->npatterns + b->npatterns);
	memcpy(eo->st->p + eo->st->npatterns, b->p, (Size) b->npatterns * sizeof(crm_rfm_pattern));
	eo->st->npatterns += b->npatterns;
	PG_RETURN_DATUM(EOHPGetRWDatum(&eo->hdr));
}

/*
 * Cancel poll of the core's fits: a pending query cancel or termination
 * stops them. Not InterruptPending, which other signals (a barrier, a
 * memory-context dump request) raise too; those wait for the next
 * CHECK_FOR_INTERRUPTS after the fit.
 */
static int
FitCancelRequested(void)
{
	return (QueryCancelPending || ProcDiePending) ? 1 : 0;
}

/* Hint for a failed fit, by status (and kind where it matters). */
static const char *
FitHint(crm_status status, crm_model_kind kind)
{
	if (kind == CRM_SBG && status == CRM_ERR_ALL_ALIVE)
		return "Observe the cohort for more periods, until some customers have churned.";
	if (kind == CRM_SBG && status == CRM_ERR_NO_HETEROGENEITY)
		return "A constant retention rate describes this cohort: use the observed retention rate directly.";
	if (kind == CRM_GG && status == CRM_ERR_NO_DATA)
		return "Gamma-Gamma needs customers with x >= 1 (repeat purchases): rows with x = 0 are skipped.";
	switch (status)
	{
		case CRM_ERR_INPUT:
			return "Check the rows: x >= 0, 0 <= t_x <= age, age > 0 (build them with crm.btyd_summary).";
		case CRM_ERR_NO_DATA:
			return "Check the WHERE clause: the aggregate saw no usable rows.";
		case CRM_ERR_NO_REPEAT:
			return "Use a longer calibration period (a later as_of) so that customers have time to come back.";
		case CRM_ERR_NO_HETEROGENEITY:
			return "Fit on a larger, more varied customer base, or pass a small penalizer (e.g. 0.001).";
		case CRM_ERR_ALL_ALIVE:
			return "Use a longer calibration period, or pass a small penalizer (e.g. 0.001).";
		case CRM_ERR_BOUNDARY:
			return "Pass a small penalizer (e.g. 0.001), or check the data for unusual customers.";
		case CRM_ERR_NUMERIC:
			return "Try another time unit (e.g. week instead of day) or a small penalizer.";
		case CRM_ERR_CANCELLED:
			return "The fit was cancelled; run it again.";
		case CRM_OK:
			break;
	}
	return "Check the input rows.";
}

/* Short description of a failed fit, by status. */
static const char *
FitProblem(crm_status status)
{
	switch (status)
	{
		case CRM_ERR_INPUT:
			return "invalid input";
		case CRM_ERR_NO_DATA:
			return "no rows to fit";
		case CRM_ERR_NO_REPEAT:
			return "nobody made a repeat purchase";
		case CRM_ERR_NO_HETEROGENEITY:
			return "customers show no heterogeneity";
		case CRM_ERR_ALL_ALIVE:
			return "the data show no evidence of dropout";
		case CRM_ERR_BOUNDARY:
			return "a parameter ran to the boundary";
		case CRM_ERR_NUMERIC:
			return "the likelihood could not be evaluated";
		case CRM_ERR_CANCELLED:
			return "the fit was cancelled";
		case CRM_OK:
			break;
	}
	return "unknown failure";
}

/* Raises the ERROR of a failed fit (errdetail is the core's diagnosis). */
static void
ReportFit(const char *aggname, const crm_fit_result *res, crm_status status)
{
	ereport(ERROR,
			(errcode(status == CRM_ERR_INPUT ? ERRCODE_INVALID_PARAMETER_VALUE : ERRCODE_DATA_EXCEPTION),
			 errmsg("%s cannot fit the model: %s", aggname, FitProblem(status)),
			 errdetail("%s", res->message[0] ? res->message : FitProblem(status)),
			 errhint("%s", FitHint(status, res->kind))));
}

/* Raises the "no rows" ERROR of a fit aggregate over an empty input. */
static void
ReportNoRows(const char *aggname, crm_model_kind kind)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("%s cannot fit the model: no rows to fit", aggname),
			 errdetail("The aggregate saw no rows, or only rows with NULL values."),
			 errhint("%s", FitHint(CRM_ERR_NO_DATA, kind))));
}

/* Shared final function of the (x, t_x, T) fits. */
static Datum
FitRfmFinal(FunctionCallInfo fcinfo, crm_model_kind kind, const char *aggname)
{
	PatternState *st;
	crm_rfm_pattern *p;
	size_t		n;
	crm_fit_options opt;
	crm_fit_result res;
	crm_status	status;

	if (PG_ARGISNULL(0))
		ReportNoRows(aggname, kind);
	st = StateArg(fcinfo, 0);
	if (st->npatterns == 0)
		ReportNoRows(aggname, kind);
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(PG_GETARG_DATUM(0))))
		p = st->p;				/* our own buffer: compressing keeps the same multiset */
	else
	{
		p = palloc((Size) st->npatterns * sizeof(crm_rfm_pattern));
		memcpy(p, st->p, (Size) st->npatterns * sizeof(crm_rfm_pattern));
	}
	n = crm_compress_rfm(p, (size_t) st->npatterns);
	if (p == st->p)
		st->npatterns = (int64) n;
	memset(&opt, 0, sizeof(opt));
	opt.cancel = FitCancelRequested;
	opt.penalizer = st->penalizer;
	memset(&res, 0, sizeof(res));
	res.kind = kind;
	status = crm_fit_rfm(kind, p, n, &opt, &res);
	if (status == CRM_ERR_CANCELLED)
		CHECK_FOR_INTERRUPTS();
	if (status != CRM_OK)
		ReportFit(aggname, &res, status);
	if (p != st->p)
		pfree(p);
	PG_RETURN_POINTER(ClvModelFromFit(&res, st->unit_days, st->penalizer));
}

/* Final of crm.fit_bgnbd. */
Datum
clv_fit_bgnbd_final(PG_FUNCTION_ARGS)
{
	return FitRfmFinal(fcinfo, CRM_BGNBD, "crm.fit_bgnbd");
}

/* Final of crm.fit_mbgnbd. */
Datum
clv_fit_mbgnbd_final(PG_FUNCTION_ARGS)
{
	return FitRfmFinal(fcinfo, CRM_MBGNBD, "crm.fit_mbgnbd");
}

/* Final of crm.fit_pnbd. */
Datum
clv_fit_pnbd_final(PG_FUNCTION_ARGS)
{
	return FitRfmFinal(fcinfo, CRM_PNBD, "crm.fit_pnbd");
}

/* Final of crm.fit_gamma_gamma. */
Datum
clv_fit_gg_final(PG_FUNCTION_ARGS)
{
	const char *aggname = "crm.fit_gamma_gamma";
	PatternState *st;
	crm_spend_pattern *sp;
	size_t		n, i;
	crm_fit_options opt;
	crm_fit_result res;
	crm_status	status;

	if (PG_ARGISNULL(0))
		ReportNoRows(aggname, CRM_GG);
	st = StateArg(fcinfo, 0);
	if (st->npatterns == 0)
		ReportNoRows(aggname, CRM_GG);
	sp = palloc((Size) st->npatterns * sizeof(crm_spend_pattern));
	for (i = 0; i < (size_t) st->npatterns; i++)
	{
		sp[i].x = st->p[i].x;
		sp[i].m = st->p[i].tx;
		sp[i].n = st->p[i].n;
	}
	n = crm_compress_spend(sp, (size_t) st->npatterns);
	memset(&opt, 0, sizeof(opt));
	opt.cancel = FitCancelRequested;
	opt.penalizer = st->penalizer;
	memset(&res, 0, sizeof(res));
	res.kind = CRM_GG;
	status = crm_fit_gg(sp, n, &opt, &res);
	if (status == CRM_ERR_CANCELLED)
		CHECK_FOR_INTERRUPTS();
	if (status != CRM_OK)
		ReportFit(aggname, &res, status);
	pfree(sp);
	PG_RETURN_POINTER(ClvModelFromFit(&res, 0.0, st->penalizer));
}

/* Fits sBG to alive[0..periods] and returns the model. */
static ClvModel *
FitSbg(const double *alive, int periods, double unit_days, double penalizer, const char *fname)
{
	crm_fit_options opt;
	crm_fit_result res;
	crm_status	status;

	memset(&opt, 0, sizeof(opt));
	opt.cancel = FitCancelRequested;
	opt.penalizer = penalizer;
	memset(&res, 0, sizeof(res));
	res.kind = CRM_SBG;
	status = crm_fit_sbg(alive, periods, &opt, &res);
	if (status == CRM_ERR_CANCELLED)
		CHECK_FOR_INTERRUPTS();
	if (status != CRM_OK)
		ReportFit(fname, &res, status);
	return ClvModelFromFit(&res, unit_days, penalizer);
}

/* Final of the sBG aggregate: periods 0..k each exactly once. */
Datum
clv_fit_sbg_final(PG_FUNCTION_ARGS)
{
	const char *aggname = "crm.fit_sbg";
	PatternState *st;
	double	   *alive;
	bool	   *seen;
	int			maxp = 0;
	int64		i;

	if (PG_ARGISNULL(0))
		ReportNoRows(aggname, CRM_SBG);
	st = StateArg(fcinfo, 0);
	if (st->npatterns == 0)
		ReportNoRows(aggname, CRM_SBG);
	for (i = 0; i < st->npatterns; i++)
		maxp = Max(maxp, (int) st->p[i].x);
	alive = palloc0((maxp + 1) * sizeof(double));
	seen = palloc0((maxp + 1) * sizeof(bool));
	for (i = 0; i < st->npatterns; i++)
	{
		int			per = (int) st->p[i].x;

		if (seen[per])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period %d appears more than once in crm.fit_sbg", per),
					 errhint("Pass one row per period: (period, customers still active).")));
		seen[per] = true;
		alive[per] = st->p[i].tx;
	}
	for (i = 0; i <= maxp; i++)
		if (!seen[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period %d is missing in crm.fit_sbg (periods 0..%d expected)", (int) i, maxp),
					 errhint("Period 0 is the cohort size; pass every period from 0 to the last one.")));
	PG_RETURN_POINTER(FitSbg(alive, maxp, st->unit_days, 0.0, aggname));
}

/* crm.fit_sbg(alive float8[], unit, penalizer): alive[1] = cohort size, then survivors per period. */
Datum
clv_fit_sbg_array(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	double		unit_days = ClvUnitDays(PG_GETARG_TEXT_PP(1));
	double		penalizer = PG_GETARG_FLOAT8(2);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	double	   *alive;
	int			i;

	if (!isfinite(penalizer) || penalizer < 0.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("penalizer %g of crm.fit_sbg is out of range", penalizer),
				 errhint("The penalizer must be a finite number >= 0 (0 = none).")));
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &nelems);
	if (nelems < 2)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("crm.fit_sbg needs the cohort size and at least one later period, got %d values", nelems),
				 errhint("Pass e.g. ARRAY[1000, 631, 468, 382]: customers active at start and after each renewal.")));
	alive = palloc(nelems * sizeof(double));
	for (i = 0; i < nelems; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("alive count %d of crm.fit_sbg is NULL", i + 1),
					 errhint("Pass a count for every period.")));
		alive[i] = DatumGetFloat8(elems[i]);
	}
	PG_RETURN_POINTER(FitSbg(alive, nelems - 1, unit_days, penalizer, "crm.fit_sbg"));
}

/* Text form: shape,unit_days,penalizer:x tx T n;x tx T n;... (debugging, COPY). */
Datum
rfm_patterns_out(PG_FUNCTION_ARGS)
{
	PatternState *st = StateArg(fcinfo, 0);
	StringInfoData buf;
	int64		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d,%.17g,%.17g:", st->shape, st->unit_days, st->penalizer);
	for (i = 0; i < st->npatterns; i++)
		appendStringInfo(&buf, "%s%.17g %.17g %.17g %.17g", i ? ";" : "",
						 st->p[i].x, st->p[i].tx, st->p[i].T, st->p[i].n);
	PG_RETURN_CSTRING(buf.data);
}

/* Parses the text form written by rfm_patterns_out. */
Datum
rfm_patterns_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int			shape;
	double		unit_days, penalizer;
	int			consumed = 0;
	char	   *p;
	PatternState *st;

	if (sscanf(str, "%d,%lf,%lf:%n", &shape, &unit_days, &penalizer, &consumed) != 3 || consumed == 0 ||
		shape < SHAPE_RFM || shape > SHAPE_COHORT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type crm.rfm_patterns: \"%s\"", str)));
	st = NewState(shape, unit_days, penalizer, PATTERNS_MIN_CAPACITY);
	p = str + consumed;
	while (*p)
	{
		crm_rfm_pattern q;
		int			used = 0;

		if (sscanf(p, "%lf %lf %lf %lf%n", &q.x, &q.tx, &q.T, &q.n, &used) != 4 || used == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid pattern list in crm.rfm_patterns: \"%s\"", str)));
		if (st->npatterns >= st->capacity)
			st = EnlargeState(st, st->capacity * 2);
		st->p[st->npatterns++] = q;
		p += used;
		if (*p == ';')
			p++;
	}
	PG_RETURN_POINTER(st);
}

/* Binary send: shape, unit, penalizer, count, then the patterns. */
Datum
rfm_patterns_send(PG_FUNCTION_ARGS)
{
	PatternState *st = StateArg(fcinfo, 0);
	StringInfoData buf;
	int64		i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->shape);
	pq_sendfloat8(&buf, st->unit_days);
	pq_sendfloat8(&buf, st->penalizer);
	pq_sendint64(&buf, st->npatterns);
	for (i = 0; i < st->npatterns; i++)
	{
		pq_sendfloat8(&buf, st->p[i].x);
		pq_sendfloat8(&buf, st->p[i].tx);
		pq_sendfloat8(&buf, st->p[i].T);
		pq_sendfloat8(&buf, st->p[i].n);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary receive (inverse of rfm_patterns_send). */
Datum
rfm_patterns_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		shape = pq_getmsgint(buf, 4);
	double		unit_days = pq_getmsgfloat8(buf);
	double		penalizer = pq_getmsgfloat8(buf);
	int64		n = pq_getmsgint64(buf);
	PatternState *st;
	int64		i;

	if (shape < SHAPE_RFM || shape > SHAPE_COHORT || n < 0 || n > (buf->len - buf->cursor) / 32)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid crm.rfm_patterns value (shape %d, %lld patterns)", shape, (long long) n)));
	st = NewState(shape, unit_days, penalizer, Max(n, 1));
	for (i = 0; i < n; i++)
	{
		st->p[i].x = pq_getmsgfloat8(buf);
		st->p[i].tx = pq_getmsgfloat8(buf);
		st->p[i].T = pq_getmsgfloat8(buf);
		st->p[i].n = pq_getmsgfloat8(buf);
	}
	st->npatterns = n;
	PG_RETURN_POINTER(st);
}
