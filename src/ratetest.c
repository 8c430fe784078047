/*-------------------------------------------------------------------------
 *
 * ratetest.c
 *	  crm.poisson_rate_pvalue: the exact conditional Poisson rate test
 *	  behind the usage-drop and complaints-rising alert rules
 *	  (core: src/core/ratetest.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "ratetest.h"

PG_FUNCTION_INFO_V1(poisson_rate_pvalue);

/* poisson_rate_pvalue(k_recent, t_recent, k_base, t_base, 'less' | 'greater'): one-sided p-value. */
Datum
poisson_rate_pvalue(PG_FUNCTION_ARGS)
{
	char	   *alternative = text_to_cstring(PG_GETARG_TEXT_PP(4));
	int			rose;
	double		p;
	char		msg[256];

	if (strcmp(alternative, "less") == 0)
		rose = 0;
	else if (strcmp(alternative, "greater") == 0)
		rose = 1;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alternative \"%s\" is not supported", alternative),
				 errdetail("Allowed alternatives are \"less\" (the recent rate dropped) and \"greater\" (it rose)."),
				 errhint("Pass 'less' or 'greater'.")));
	if (crm_poisson_rate_test(PG_GETARG_FLOAT8(0), PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2),
							  PG_GETARG_FLOAT8(3), rose, &p, msg, sizeof(msg)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.poisson_rate_pvalue: %s", msg),
				 errhint("Counts are non-negative integers (events), exposures positive lengths of time in the same unit.")));
	PG_RETURN_FLOAT8(p);
}
