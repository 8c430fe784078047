/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  SQL-callable scoring math used by crm.refresh(): quantile scores,
 *	  linear sub-scores, percentile positions, the health explanation and
 *	  the value parts jsonb (core: src/core/scoring.c).
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
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "pgutil.h"
#include "scoring.h"

PG_FUNCTION_INFO_V1(quantile_score);
PG_FUNCTION_INFO_V1(linear_score);
PG_FUNCTION_INFO_V1(percentile_position);
PG_FUNCTION_INFO_V1(health_score);
PG_FUNCTION_INFO_V1(health_explanation);
PG_FUNCTION_INFO_V1(value_parts);

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

/* True if the (detoasted) value's bytes equal the cached copy. */
static bool
SameBytes(const void *value, const void *cached)
{
	return cached != NULL && VARSIZE(value) == VARSIZE(cached) &&
		memcmp(value, cached, VARSIZE(value)) == 0;
}

/* A copy of a (detoasted) value in cxt. */
static void *
CopyBytes(MemoryContext cxt, const void *value)
{
	void	   *copy = MemoryContextAlloc(cxt, VARSIZE(value));

	memcpy(copy, value, VARSIZE(value));
	return copy;
}

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

/*
 * CutsArg with a per call site cache (fn_extra): cut points whose bytes equal
 * the last ones checked are not checked again (refresh passes the same 101
 * percentiles for every customer).
 */
static const double *
CachedCutsArg(FunctionCallInfo fcinfo, ArrayType *arr, int *n)
{
	ArrayType  *checked = fcinfo->flinfo != NULL ? (ArrayType *) fcinfo->flinfo->fn_extra : NULL;
	const double *cuts;

	if (SameBytes(arr, checked))
	{
		*n = ARR_DIMS(arr)[0];
		return (const double *) ARR_DATA_PTR(arr);
	}
	cuts = CutsArg(arr, n);
	if (fcinfo->flinfo != NULL)
	{
		if (checked != NULL)
			pfree(checked);
		fcinfo->flinfo->fn_extra = CopyBytes(fcinfo->flinfo->fn_mcxt, arr);
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
	const double *cuts = CachedCutsArg(fcinfo, arr, &n);

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
	const double *cuts = CachedCutsArg(fcinfo, arr, &n);

	CrmCheckFinite(v, "value");
	PG_RETURN_FLOAT8(crm_percentile_position(v, cuts, n));
}

/*
 * Copies a float8[] argument that may hold NULLs into out[] (present[] marks
 * non-NULLs; NULLs are an error without it), reading the elements in place.
 */
static int
Float8ArrayArg(ArrayType *arr, const char *name, double *out, int *present)
{
	const char *p;
	bits8	   *bitmap;
	int			n,
				i;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional float8 array", name)));
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (n > MAX_DIMENSIONS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s has %d elements; at most %d health dimensions are supported", name, n, MAX_DIMENSIONS)));
	p = ARR_DATA_PTR(arr);
	bitmap = ARR_NULLBITMAP(arr);
	for (i = 0; i < n; i++)
	{
		bool		isnull = bitmap != NULL && (bitmap[i / 8] & (1 << (i % 8))) == 0;

		if (present == NULL && isnull)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULLs", name)));
		if (present != NULL)
			present[i] = !isnull;
		out[i] = 0.0;
		if (!isnull)
		{
			memcpy(&out[i], p, sizeof(double));
			p += sizeof(double);
			CrmCheckFinite(out[i], name);
		}
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

/* The numeric the text fmt renders v as, read as jsonb_in would (the slow, general path). */
static Numeric
NumberFromText(const char *fmt, double v)
{
	char		num[400];

	snprintf(num, sizeof(num), fmt, v);
	return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(num),
											   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
}

/* numeric_in of printf("%.6g", v), built from exact digits when possible. */
static Numeric
Sig6Number(double v)
{
	long long	digits;
	int			scale;

	if (crm_round_sig6(v, &digits, &scale))
		return int64_div_fast_to_numeric((int64) digits, scale);
	return NumberFromText("%.6g", v);
}

#define CACHED_TENTHS 1001		/* 0.0 .. 100.0, the usual sub-scores and contributions */

/*
 * health_explanation's per call site cache (fn_extra): its decoded constant
 * arguments, keyed by their bytes, and the numerics 0.0 .. 100.0.
 */
typedef struct ExplainCache
{
	MemoryContext names_cxt;	/* names_bytes and keys */
	ArrayType  *names_bytes;	/* the dimension names array decoded, or NULL */
	int			nnames;
	int			null_name;		/* first NULL name (1-based), 0 if none */
	JsonbValue *keys;			/* the names as jsonb strings */
	int			nout;			/* keys in the object: sorted as jsonb sorts, */
	int			out[MAX_DIMENSIONS];	/* ... the last of equal names wins */

	MemoryContext settings_cxt; /* settings_bytes */
	ArrayType  *settings_bytes[3];	/* bad, good, weight decoded, or NULL */
	int			n;
	double		bad[MAX_DIMENSIONS];
	double		good[MAX_DIMENSIONS];
	double		weight[MAX_DIMENSIONS];

	Numeric		tenths[CACHED_TENTHS];	/* k / 10 as "%.1f", made on first use */
} ExplainCache;

/* numeric_in of printf("%.1f", v): cached for 0.0 .. 100.0, else exact tenths or text. */
static Numeric
TenthsNumber(ExplainCache *c, MemoryContext cxt, double v)
{
	long long	tenths;
	MemoryContext old;

	if (!crm_round_tenths(v, &tenths))
		return NumberFromText("%.1f", v);
	if (tenths < 0 || tenths >= CACHED_TENTHS)
		return int64_div_fast_to_numeric((int64) tenths, 1);
	if (c->tenths[tenths] == NULL)
	{
		old = MemoryContextSwitchTo(cxt);
		c->tenths[tenths] = int64_div_fast_to_numeric((int64) tenths, 1);
		MemoryContextSwitchTo(old);
	}
	return c->tenths[tenths];
}

/* Orders jsonb keys as pushJsonbValue does: by length, then bytes; equal ones later index first. */
static int
KeyCompare(const JsonbValue *a, int ia, const JsonbValue *b, int ib)
{
	int			res;

	if (a->val.string.len != b->val.string.len)
		return a->val.string.len > b->val.string.len ? 1 : -1;
	res = memcmp(a->val.string.val, b->val.string.val, a->val.string.len);
	if (res != 0)
		return res;
	return ia > ib ? -1 : 1;
}

/* Decodes the dimension names into the cache (NULLs are reported later, in the old order). */
static void
CacheNames(ExplainCache *c, ArrayType *arr)
{
	MemoryContext old = MemoryContextSwitchTo(c->names_cxt);
	Datum	   *names;
	bool	   *nulls;
	int			i,
				j;

	MemoryContextReset(c->names_cxt);
	c->names_bytes = NULL;
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT, &names, &nulls, &c->nnames);
	c->keys = palloc0(sizeof(JsonbValue) * Max(c->nnames, 1));
	c->null_name = 0;
	for (i = 0; i < c->nnames; i++)
	{
		text	   *name;

		if (nulls[i])
		{
			if (c->null_name == 0)
				c->null_name = i + 1;
			continue;
		}
		name = DatumGetTextPP(names[i]);
		c->keys[i].type = jbvString;
		c->keys[i].val.string.len = VARSIZE_ANY_EXHDR(name);
		c->keys[i].val.string.val = pnstrdup(VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));
	}
	/* the object's order, sorted and de-duplicated like uniqueifyJsonbObject */
	c->nout = 0;
	if (c->null_name == 0 && c->nnames <= MAX_DIMENSIONS)
	{
		int			sorted[MAX_DIMENSIONS];

		for (i = 0; i < c->nnames; i++)
		{
			for (j = i; j > 0 && KeyCompare(&c->keys[sorted[j - 1]], sorted[j - 1], &c->keys[i], i) > 0; j--)
				sorted[j] = sorted[j - 1];
			sorted[j] = i;
		}
		for (i = 0; i < c->nnames; i++)
			if (c->nout == 0 ||
				c->keys[sorted[i]].val.string.len != c->keys[c->out[c->nout - 1]].val.string.len ||
				memcmp(c->keys[sorted[i]].val.string.val, c->keys[c->out[c->nout - 1]].val.string.val,
					   c->keys[sorted[i]].val.string.len) != 0)
				c->out[c->nout++] = sorted[i];
	}
	c->names_bytes = CopyBytes(c->names_cxt, arr);
	MemoryContextSwitchTo(old);
}

/*
 * HealthArgs(fcinfo, 1, h) with bad, good and weight from the cache when
 * their bytes are the cached ones (they passed all checks then); otherwise
 * the full checks run in the old order and refill the cache.
 */
static void
HealthArgsCached(FunctionCallInfo fcinfo, ExplainCache *c, HealthInput *h)
{
	ArrayType  *settings[3];
	MemoryContext old;
	int			i;

	for (i = 0; i < 4; i++)
		if (PG_ARGISNULL(1 + i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("the raw, bad, good and weight arrays must not be NULL")));
	for (i = 0; i < 3; i++)
		settings[i] = PG_GETARG_ARRAYTYPE_P(2 + i);
	if (!SameBytes(settings[0], c->settings_bytes[0]) ||
		!SameBytes(settings[1], c->settings_bytes[1]) ||
		!SameBytes(settings[2], c->settings_bytes[2]))
	{
		HealthArgs(fcinfo, 1, h);
		MemoryContextReset(c->settings_cxt);
		old = MemoryContextSwitchTo(c->settings_cxt);
		c->n = h->n;
		memcpy(c->bad, h->bad, sizeof(double) * h->n);
		memcpy(c->good, h->good, sizeof(double) * h->n);
		memcpy(c->weight, h->weight, sizeof(double) * h->n);
		for (i = 0; i < 3; i++)
			c->settings_bytes[i] = CopyBytes(c->settings_cxt, settings[i]);
		MemoryContextSwitchTo(old);
		return;
	}
	h->n = Float8ArrayArg(PG_GETARG_ARRAYTYPE_P(1), "raw", h->raw, h->present);
	if (h->n != c->n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("raw, bad, good and weight must have one element per dimension (%d)", h->n)));
	memcpy(h->bad, c->bad, sizeof(double) * h->n);
	memcpy(h->good, c->good, sizeof(double) * h->n);
	memcpy(h->weight, c->weight, sizeof(double) * h->n);
	h->score = crm_health_combine(h->raw, h->present, h->bad, h->good, h->weight, h->n, h->sub, h->contrib);
}

/* Sets a key/value pair of a JsonbValue object under construction. */
static inline void
SetPair(JsonbPair *pair, const char *key, int keylen, JsonbValue value)
{
	pair->key.type = jbvString;
	pair->key.val.string.val = (char *) key;
	pair->key.val.string.len = keylen;
	pair->value = value;
	pair->order = 0;
}

/* A jsonb numeric value. */
static inline JsonbValue
NumericValue(Numeric num)
{
	JsonbValue	jv;

	jv.type = jbvNumeric;
	jv.val.numeric = num;
	return jv;
}

/*
 * health_explanation(dimension[], raw[], bad[], good[], weight[]): per
 * dimension raw, sub-score, contribution, or missing. The numbers are those
 * of the text "%.6g" (raw) and "%.1f" (sub_score, contribution) read by
 * numeric_in, computed exactly (src/core/scoring.c); the JsonbValue tree is
 * built already sorted, as pushJsonbValue would leave it, so the result
 * equals parsing the JSON text. The names and the bad, good and weight
 * arrays are decoded once per call site (fn_extra).
 */
Datum
health_explanation(PG_FUNCTION_ARGS)
{
	HealthInput h;
	ExplainCache *c;
	MemoryContext cxt;
	ArrayType  *names;
	JsonbPair	outer[MAX_DIMENSIONS];
	JsonbPair	inner[MAX_DIMENSIONS][3];
	JsonbValue	res;
	JsonbValue	jv;
	int			k;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the dimension names must not be NULL")));
	cxt = fcinfo->flinfo != NULL ? fcinfo->flinfo->fn_mcxt : CurrentMemoryContext;
	c = fcinfo->flinfo != NULL ? (ExplainCache *) fcinfo->flinfo->fn_extra : NULL;
	if (c == NULL)
	{
		c = MemoryContextAllocZero(cxt, sizeof(ExplainCache));
		c->names_cxt = AllocSetContextCreate(cxt, "health_explanation names", ALLOCSET_SMALL_SIZES);
		c->settings_cxt = AllocSetContextCreate(cxt, "health_explanation settings", ALLOCSET_SMALL_SIZES);
		if (fcinfo->flinfo != NULL)
			fcinfo->flinfo->fn_extra = c;
	}
	HealthArgsCached(fcinfo, c, &h);
	names = PG_GETARG_ARRAYTYPE_P(0);
	if (!SameBytes(names, c->names_bytes))
		CacheNames(c, names);
	if (c->nnames != h.n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%d dimension names for %d dimensions", c->nnames, h.n)));
	if (c->null_name != 0)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("dimension name %d is NULL", c->null_name)));
	for (k = 0; k < c->nout; k++)
	{
		int			i = c->out[k];

		/* keys by length: raw, sub_score, contribution / missing */
		if (h.present[i])
		{
			SetPair(&inner[k][0], "raw", 3, NumericValue(Sig6Number(h.raw[i])));
			SetPair(&inner[k][1], "sub_score", 9, NumericValue(TenthsNumber(c, cxt, h.sub[i])));
			SetPair(&inner[k][2], "contribution", 12,
					NumericValue(TenthsNumber(c, cxt, h.score < 0 ? 0.0 : h.contrib[i])));
		}
		else
		{
			jv.type = jbvBool;
			jv.val.boolean = true;
			SetPair(&inner[k][0], "missing", 7, jv);
		}
		outer[k].key = c->keys[i];
		outer[k].value.type = jbvObject;
		outer[k].value.val.object.nPairs = h.present[i] ? 3 : 1;
		outer[k].value.val.object.pairs = inner[k];
		outer[k].order = 0;
	}
	res.type = jbvObject;
	res.val.object.nPairs = c->nout;
	res.val.object.pairs = outer;
	PG_RETURN_POINTER(JsonbValueToJsonb(&res));
}

/* The jsonb value of round(v::numeric, 1) as jsonb_build_object adds it; NULL gives null. */
static JsonbValue
RoundedPart(FunctionCallInfo fcinfo, int argno)
{
	JsonbValue	jv;
	long long	tenths;
	double		v;
	Numeric		num;

	if (PG_ARGISNULL(argno))
	{
		jv.type = jbvNull;
		return jv;
	}
	v = PG_GETARG_FLOAT8(argno);
	if (crm_round_numeric_tenths(v, &tenths))
		return NumericValue(int64_div_fast_to_numeric((int64) tenths, 1));
	/* the SQL path: numeric text that is not a JSON number (NaN, Infinity) becomes a string */
	num = DatumGetNumeric(DirectFunctionCall2(numeric_round,
											  DirectFunctionCall1(float8_numeric, Float8GetDatum(v)),
											  Int32GetDatum(1)));
	if (numeric_is_nan(num) || numeric_is_inf(num))
	{
		jv.type = jbvString;
		jv.val.string.val = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(num)));
		jv.val.string.len = strlen(jv.val.string.val);
		return jv;
	}
	return NumericValue(num);
}

/*
 * value_parts(current, potential, strategic): the same jsonb as
 * jsonb_build_object('current', round(current::numeric, 1), 'potential',
 * round(potential::numeric, 1), 'strategic', round(strategic::numeric, 1)),
 * the roundings done exactly in C (crm_round_numeric_tenths).
 */
Datum
value_parts(PG_FUNCTION_ARGS)
{
	JsonbPair	pairs[3];
	JsonbValue	res;

	/* keys as jsonb sorts them: by length, then bytes */
	SetPair(&pairs[0], "current", 7, RoundedPart(fcinfo, 0));
	SetPair(&pairs[1], "potential", 9, RoundedPart(fcinfo, 1));
	SetPair(&pairs[2], "strategic", 9, RoundedPart(fcinfo, 2));
	res.type = jbvObject;
	res.val.object.nPairs = 3;
	res.val.object.pairs = pairs;
	PG_RETURN_POINTER(JsonbValueToJsonb(&res));
}
