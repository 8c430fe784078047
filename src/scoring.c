/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  SQL-callable scoring math used by crm.refresh(): quantile scores,
 *	  linear sub-scores and percentile positions (core: src/core/scoring.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "pgutil.h"
#include "scoring.h"

PG_FUNCTION_INFO_V1(quantile_score);
PG_FUNCTION_INFO_V1(linear_score);
PG_FUNCTION_INFO_V1(percentile_position);
PG_FUNCTION_INFO_V1(health_score);
PG_FUNCTION_INFO_V1(health_explanation);

#define MAX_DIMENSIONS 64

/* One health evaluation: the dimensions' raw values and settings, and the results. */
typedef struct HealthInput
{
	int			n;
	double		raw[MAX_DIMENSIONS];
	int			present[MAX_DIMENSIONS];
	double		bad[MAX_DIMENSIONS];
	double		good[MAX_DIMENSIONS];
	double		weight[MAX_DIMENSIONS];
	double		sub[MAX_DIMENSIONS];
	double		contrib[MAX_DIMENSIONS];
	double		score;			/* -1 when no dimension has data */
} HealthInput;

/* The cut points of a float8[] argument: 1-D, no NULLs, finite, ascending. */
static const double *
CutsArg(ArrayType *arr, int *n)
{
	const double *cuts;
	int			i;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_NDIM(arr) > 1 || ARR_HASNULL(arr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cut points must be a one-dimensional float8 array without NULLs")));
	*n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (*n < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cut points must not be empty"),
				 errhint("Compute them with percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY ...).")));
	cuts = (const double *) ARR_DATA_PTR(arr);
	for (i = 0; i < *n; i++)
	{
		if (!isfinite(cuts[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cut point %d is %g; cut points must be finite", i + 1, cuts[i])));
		if (i > 0 && cuts[i] < cuts[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cut points must be ascending, but cut %d (%g) is below cut %d (%g)",
							i + 1, cuts[i], i, cuts[i - 1])));
	}
	return cuts;
}

/* quantile_score(value, cuts, higher_is_better): 1 + cuts strictly below value (reversed if not). */
Datum
quantile_score(PG_FUNCTION_ARGS)
{
	double		v = PG_GETARG_FLOAT8(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int			n;
	const double *cuts = CutsArg(arr, &n);

	CrmCheckFinite(v, "value");
	PG_RETURN_INT16((int16) crm_quantile_score(v, cuts, n, PG_GETARG_BOOL(2)));
}

/* linear_score(raw, bad, good): 0 at bad, 100 at good, linear between, clamped. */
Datum
linear_score(PG_FUNCTION_ARGS)
{
	double		raw = PG_GETARG_FLOAT8(0);
	double		bad = PG_GETARG_FLOAT8(1);
	double		good = PG_GETARG_FLOAT8(2);

	CrmCheckFinite(raw, "raw");
	CrmCheckFinite(bad, "bad");
	CrmCheckFinite(good, "good");
	if (bad == good)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bad and good must differ, both are %g", bad),
				 errhint("bad is the raw value that scores 0, good the one that scores 100.")));
	PG_RETURN_FLOAT8(crm_linear_score(raw, bad, good));
}

/* percentile_position(value, cuts): 0..100 position among equally spaced percentile cuts. */
Datum
percentile_position(PG_FUNCTION_ARGS)
{
	double		v = PG_GETARG_FLOAT8(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int			n;
	const double *cuts = CutsArg(arr, &n);

	CrmCheckFinite(v, "value");
	PG_RETURN_FLOAT8(crm_percentile_position(v, cuts, n));
}

/* Copies a float8[] argument that may hold NULLs into out[] (present[] marks non-NULLs). */
static int
Float8ArrayArg(ArrayType *arr, const char *name, double *out, int *present)
{
	Datum	   *values;
	bool	   *nulls;
	int			n,
				i;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional float8 array", name)));
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &values, &nulls, &n);
	if (n > MAX_DIMENSIONS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s has %d elements; at most %d health dimensions are supported", name, n, MAX_DIMENSIONS)));
	for (i = 0; i < n; i++)
	{
		if (present == NULL && nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULLs", name)));
		if (present != NULL)
			present[i] = !nulls[i];
		out[i] = nulls[i] ? 0.0 : DatumGetFloat8(values[i]);
		if (!nulls[i])
			CrmCheckFinite(out[i], name);
	}
	return n;
}

/* Reads (raw, bad, good, weight) arguments starting at argno and scores them. */
static void
HealthArgs(FunctionCallInfo fcinfo, int argno, HealthInput *h)
{
	int			i;

	for (i = 0; i < 4; i++)
		if (PG_ARGISNULL(argno + i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the raw, bad, good and weight arrays must not be NULL")));
	h->n = Float8ArrayArg(PG_GETARG_ARRAYTYPE_P(argno), "raw", h->raw, h->present);
	if (Float8ArrayArg(PG_GETARG_ARRAYTYPE_P(argno + 1), "bad", h->bad, NULL) != h->n ||
		Float8ArrayArg(PG_GETARG_ARRAYTYPE_P(argno + 2), "good", h->good, NULL) != h->n ||
		Float8ArrayArg(PG_GETARG_ARRAYTYPE_P(argno + 3), "weight", h->weight, NULL) != h->n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("raw, bad, good and weight must have one element per dimension (%d)", h->n)));
	for (i = 0; i < h->n; i++)
	{
		if (h->bad[i] == h->good[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("dimension %d: bad and good must differ, both are %g", i + 1, h->bad[i])));
		if (h->weight[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("dimension %d: weight %g must be >= 0", i + 1, h->weight[i])));
	}
	h->score = crm_health_combine(h->raw, h->present, h->bad, h->good, h->weight, h->n, h->sub, h->contrib);
}

/* health_score(raw[], bad[], good[], weight[]): weighted 0..100 over the non-NULL raws; NULL if none. */
Datum
health_score(PG_FUNCTION_ARGS)
{
	HealthInput h;

	HealthArgs(fcinfo, 0, &h);
	if (h.score < 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(h.score);
}

/* Pushes key: numeric (the text fmt renders v as, read as jsonb_in would). */
static void
PushNumber(JsonbParseState **state, const char *key, const char *fmt, double v)
{
	JsonbValue	jv;
	char		num[64];

	jv.type = jbvString;
	jv.val.string.val = (char *) key;
	jv.val.string.len = strlen(key);
	pushJsonbValue(state, WJB_KEY, &jv);
	snprintf(num, sizeof(num), fmt, v);
	jv.type = jbvNumeric;
	jv.val.numeric = DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(num),
														 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
	pushJsonbValue(state, WJB_VALUE, &jv);
}

/*
 * health_explanation(dimension[], raw[], bad[], good[], weight[]): per
 * dimension raw, sub-score, contribution. Built as a JsonbValue directly;
 * numbers go through the same text (%.6g, %.1f) and numeric_in as before,
 * so the result equals parsing the JSON text.
 */
Datum
health_explanation(PG_FUNCTION_ARGS)
{
	HealthInput h;
	Datum	   *names;
	bool	   *nulls;
	int			nnames,
				i;
	JsonbParseState *state = NULL;
	JsonbValue	jv;
	JsonbValue *res;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the dimension names must not be NULL")));
	HealthArgs(fcinfo, 1, &h);
	deconstruct_array(PG_GETARG_ARRAYTYPE_P(0), TEXTOID, -1, false, TYPALIGN_INT, &names, &nulls, &nnames);
	if (nnames != h.n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%d dimension names for %d dimensions", nnames, h.n)));
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < h.n; i++)
	{
		text	   *name;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("dimension name %d is NULL", i + 1)));
		name = DatumGetTextPP(names[i]);
		jv.type = jbvString;
		jv.val.string.val = VARDATA_ANY(name);
		jv.val.string.len = VARSIZE_ANY_EXHDR(name);
		pushJsonbValue(&state, WJB_KEY, &jv);
		pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
		if (h.present[i])
		{
			PushNumber(&state, "raw", "%.6g", h.raw[i]);
			PushNumber(&state, "sub_score", "%.1f", h.sub[i]);
			PushNumber(&state, "weight", "%.6g", h.weight[i]);
			PushNumber(&state, "contribution", "%.1f", h.score < 0 ? 0.0 : h.contrib[i]);
		}
		else
		{
			jv.type = jbvString;
			jv.val.string.val = "missing";
			jv.val.string.len = 7;
			pushJsonbValue(&state, WJB_KEY, &jv);
			jv.type = jbvBool;
			jv.val.boolean = true;
			pushJsonbValue(&state, WJB_VALUE, &jv);
			PushNumber(&state, "weight", "%.6g", h.weight[i]);
		}
		pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	PG_RETURN_POINTER(JsonbValueToJsonb(res));
}
