/*-------------------------------------------------------------------------
 *
 * model_type.h
 *	  The crm.clv_model type: a fitted (or hand-made) CLV model, shared by
 *	  the fit aggregates (clv_fit.c) and the predictions (clv_predict.c).
 *
 * A model is a small fixed-size varlena: kind, parameters, standard errors,
 * log-likelihood, customer count, iterations, converged flag, penalizer and
 * the time unit (in days; 0 for the unit-free Gamma-Gamma spend model).
 *
 *-------------------------------------------------------------------------
 */
#ifndef CRM_MODEL_TYPE_H
#define CRM_MODEL_TYPE_H

#include "postgres.h"

#include "fmgr.h"

#include "btyd.h"

#define CLV_MODEL_VERSION 1

typedef struct ClvModel
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		version;		/* CLV_MODEL_VERSION */
	int32		kind;			/* crm_model_kind */
	int32		nparams;		/* crm_model_nparams(kind) */
	int32		iterations;		/* optimiser iterations (0 if hand-made) */
	int32		converged;		/* 1 when the optimiser met its tolerance */
	double		unit_days;		/* time unit in days; 0 for Gamma-Gamma */
	double		penalizer;		/* L2 penalizer used in the fit */
	double		loglik;			/* log-likelihood at the optimum */
	double		n_customers;	/* customers (pattern weights) fitted on */
	double		params[CRM_MAX_PARAMS];
	double		se[CRM_MAX_PARAMS];
} ClvModel;

/* Bit of a kind in a mask of allowed kinds. */
#define CLV_KIND_BIT(k) (1u << (k))
#define CLV_KINDS_RFM (CLV_KIND_BIT(CRM_BGNBD) | CLV_KIND_BIT(CRM_MBGNBD) | CLV_KIND_BIT(CRM_PNBD))

/* Copies model argument argno into *m (no palloc; works on packed datums). */
extern void ClvModelArg(FunctionCallInfo fcinfo, int argno, ClvModel *m);

/* Errors unless the model's kind is in `allowed` (a CLV_KIND_BIT mask); names both. */
extern void ClvRequireKind(const ClvModel *m, uint32 allowed, const char *funcname);

/* A palloc'd model from a successful fit. */
extern ClvModel *ClvModelFromFit(const crm_fit_result *fit, double unit_days, double penalizer);

/* Days of a model time unit name (day, week, month, year); errors otherwise. */
extern double ClvUnitDays(text *unit);

/* Raises the ERROR for a core prediction status (msg from the core). */
extern void ClvReportPrediction(crm_status status, const char *msg, const char *funcname);

#endif
