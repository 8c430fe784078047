-- Predictions from a crm.clv_model. Times (t, t_x, age) are in the model's
-- unit; discount rates are annual. C glue: src/clv_predict.c.

CREATE FUNCTION crm.expected_purchases(model crm.clv_model, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_purchases(crm.clv_model, float8)
	IS 'E[X(t)]: expected purchases of a new customer in t time units (bgnbd, mbgnbd, pnbd)';

CREATE FUNCTION crm.conditional_expected_purchases(model crm.clv_model, t float8, x float8, t_x float8, age float8)
	RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_conditional_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.conditional_expected_purchases(crm.clv_model, float8, float8, float8, float8)
	IS 'E[Y(t) | x, t_x, age]: expected purchases in the next t time units of a customer with this history (bgnbd, mbgnbd, pnbd)';

CREATE FUNCTION crm.p_alive(model crm.clv_model, x float8, t_x float8, age float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_p_alive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.p_alive(crm.clv_model, float8, float8, float8)
	IS 'P(alive | x, t_x, age): probability that the customer has not dropped out by now (bgnbd, mbgnbd, pnbd)';

CREATE FUNCTION crm.prob_purchases(model crm.clv_model, n integer, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_prob_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.prob_purchases(crm.clv_model, integer, float8)
	IS 'P(X(t) = n): probability that a new customer makes exactly n purchases in t time units (bgnbd, mbgnbd, pnbd)';

CREATE FUNCTION crm.expected_spend(model crm.clv_model, x float8, monetary float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_expected_spend' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.expected_spend(crm.clv_model, float8, float8)
	IS 'Gamma-Gamma E[spend per purchase | x, monetary]; x = 0 gives the population mean (gg)';

CREATE FUNCTION crm.clv(transactions crm.clv_model, spend crm.clv_model, x float8, t_x float8, age float8,
						monetary float8, horizon interval, annual_discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv(crm.clv_model, crm.clv_model, float8, float8, float8, float8, interval, float8)
	IS 'Discounted customer lifetime value over horizon: monthly expected purchases (transaction model) times Gamma-Gamma expected spend, discounted at the annual rate';

CREATE FUNCTION crm.dert(model crm.clv_model, x float8, t_x float8, age float8, annual_discount_rate float8)
	RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_dert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.dert(crm.clv_model, float8, float8, float8, float8)
	IS 'Pareto/NBD discounted expected residual transactions (continuous discounting at the annual rate, > 0) (pnbd)';

CREATE FUNCTION crm.sbg_survival(model crm.clv_model, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_sbg_survival' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sbg_survival(crm.clv_model, float8)
	IS 'sBG S(t): share of a cohort still active after t contract periods (sbg)';

CREATE FUNCTION crm.sbg_retention(model crm.clv_model, t float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_sbg_retention' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sbg_retention(crm.clv_model, float8)
	IS 'sBG r(t) = S(t) / S(t - 1): retention rate of period t >= 1 (sbg)';

CREATE FUNCTION crm.sbg_derl(model crm.clv_model, renewals integer, annual_discount_rate float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_sbg_derl' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.sbg_derl(crm.clv_model, integer, float8)
	IS 'sBG discounted expected residual lifetime (payments, the next one undiscounted) of a customer after n renewals; annual rate > 0 (sbg)';
