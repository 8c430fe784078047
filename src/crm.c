/*-------------------------------------------------------------------------
 *
 * crm.c
 *	  Module entry point of the crm extension.
 *
 * crm keeps no global state: every SQL-callable function lives in the file
 * of its concept (btyd_summary.c, model_type.c, clv_fit.c, clv_predict.c,
 * scoring.c, ratetest.c, sample.c).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
