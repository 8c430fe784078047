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

#include "pgutil.h"
#include "scoring.h"

PG_FUNCTION_INFO_V1(quantile_score);
PG_FUNCTION_INFO_V1(linear_score);
PG_FUNCTION_INFO_V1(percentile_position);

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
