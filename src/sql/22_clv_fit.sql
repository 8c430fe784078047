-- Fit aggregates: maximum-likelihood fits of BG/NBD, MBG/NBD, Pareto/NBD,
-- Gamma-Gamma and sBG over summary rows, returning a crm.clv_model. The state
-- crm.rfm_patterns holds the (compressed) rows, so fits run in parallel.
-- C glue: src/clv_fit.c.

CREATE TYPE crm.rfm_patterns;

CREATE FUNCTION crm.rfm_patterns_in(cstring) RETURNS crm.rfm_patterns
	AS 'MODULE_PATHNAME', 'rfm_patterns_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_patterns_in(cstring) IS 'Input function of crm.rfm_patterns';

CREATE FUNCTION crm.rfm_patterns_out(crm.rfm_patterns) RETURNS cstring
	AS 'MODULE_PATHNAME', 'rfm_patterns_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_patterns_out(crm.rfm_patterns) IS 'Output function of crm.rfm_patterns';

CREATE FUNCTION crm.rfm_patterns_recv(internal) RETURNS crm.rfm_patterns
	AS 'MODULE_PATHNAME', 'rfm_patterns_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_patterns_recv(internal) IS 'Binary input function of crm.rfm_patterns';

CREATE FUNCTION crm.rfm_patterns_send(crm.rfm_patterns) RETURNS bytea
	AS 'MODULE_PATHNAME', 'rfm_patterns_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.rfm_patterns_send(crm.rfm_patterns) IS 'Binary output function of crm.rfm_patterns';

CREATE TYPE crm.rfm_patterns (
	INPUT = crm.rfm_patterns_in,
	OUTPUT = crm.rfm_patterns_out,
	RECEIVE = crm.rfm_patterns_recv,
	SEND = crm.rfm_patterns_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.rfm_patterns IS 'State of the crm.fit_* aggregates: (x, t_x, T, count) patterns plus unit and penalizer';

-- Transition functions (one per row shape) and the shared combine function.
CREATE FUNCTION crm.fit_rfm_step(crm.rfm_patterns, float8, float8, float8, text) RETURNS crm.rfm_patterns
	AS 'MODULE_PATHNAME', 'clv_fit_rfm_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_rfm_step(crm.rfm_patterns, float8, float8, float8, text)
	IS 'Transition function of crm.fit_bgnbd, crm.fit_mbgnbd and crm.fit_pnbd';

CREATE FUNCTION crm.fit_rfm_step(crm.rfm_patterns, float8, float8, float8, text, float8) RETURNS crm.rfm_patterns
	AS 'MODULE_PATHNAME', 'clv_fit_rfm_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_rfm_step(crm.rfm_patterns, float8, float8, float8, text, float8)
	IS 'Transition function of crm.fit_bgnbd, crm.fit_mbgnbd and crm.fit_pnbd with a penalizer';

CREATE FUNCTION crm.fit_spend_step(crm.rfm_patterns, float8, float8) RETURNS crm.rfm_patterns
	AS 'MODULE_PATHNAME', 'clv_fit_spend_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_spend_step(crm.rfm_patterns, float8, float8)
	IS 'Transition function of crm.fit_gamma_gamma';

CREATE FUNCTION crm.fit_spend_step(crm.rfm_patterns, float8, float8, float8) RETURNS crm.rfm_patterns
	AS 'MODULE_PATHNAME', 'clv_fit_spend_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_spend_step(crm.rfm_patterns, float8, float8, float8)
	IS 'Transition function of crm.fit_gamma_gamma with a penalizer';

CREATE FUNCTION crm.fit_cohort_step(crm.rfm_patterns, integer, float8, text) RETURNS crm.rfm_patterns
	AS 'MODULE_PATHNAME', 'clv_fit_cohort_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_cohort_step(crm.rfm_patterns, integer, float8, text)
	IS 'Transition function of the crm.fit_sbg aggregate';

CREATE FUNCTION crm.fit_combine(crm.rfm_patterns, crm.rfm_patterns) RETURNS crm.rfm_patterns
	AS 'MODULE_PATHNAME', 'clv_fit_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_combine(crm.rfm_patterns, crm.rfm_patterns)
	IS 'Combine function of the crm.fit_* aggregates (concatenates partial states)';

-- Final functions: run the maximum-likelihood fit.
CREATE FUNCTION crm.fit_bgnbd_final(crm.rfm_patterns) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_fit_bgnbd_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_bgnbd_final(crm.rfm_patterns) IS 'Final function of crm.fit_bgnbd';

CREATE FUNCTION crm.fit_mbgnbd_final(crm.rfm_patterns) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_fit_mbgnbd_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_mbgnbd_final(crm.rfm_patterns) IS 'Final function of crm.fit_mbgnbd';

CREATE FUNCTION crm.fit_pnbd_final(crm.rfm_patterns) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_fit_pnbd_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_pnbd_final(crm.rfm_patterns) IS 'Final function of crm.fit_pnbd';

CREATE FUNCTION crm.fit_gamma_gamma_final(crm.rfm_patterns) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_fit_gg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_gamma_gamma_final(crm.rfm_patterns) IS 'Final function of crm.fit_gamma_gamma';

CREATE FUNCTION crm.fit_sbg_final(crm.rfm_patterns) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_fit_sbg_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_sbg_final(crm.rfm_patterns) IS 'Final function of the crm.fit_sbg aggregate';

-- The aggregates. Rows with a NULL x, t_x or age are skipped.
CREATE AGGREGATE crm.fit_bgnbd(x float8, t_x float8, age float8, unit text) (
	SFUNC = crm.fit_rfm_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_bgnbd_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_bgnbd(float8, float8, float8, text)
	IS 'Fits BG/NBD (Fader, Hardie & Lee 2005) to (x, t_x, age) rows in the given unit';

CREATE AGGREGATE crm.fit_bgnbd(x float8, t_x float8, age float8, unit text, penalizer float8) (
	SFUNC = crm.fit_rfm_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_bgnbd_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_bgnbd(float8, float8, float8, text, float8)
	IS 'Fits BG/NBD to (x, t_x, age) rows with an L2 penalizer (>= 0)';

CREATE AGGREGATE crm.fit_mbgnbd(x float8, t_x float8, age float8, unit text) (
	SFUNC = crm.fit_rfm_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_mbgnbd_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_mbgnbd(float8, float8, float8, text)
	IS 'Fits MBG/NBD (Batislam et al. 2007: customers may drop out after the first purchase too) to (x, t_x, age) rows';

CREATE AGGREGATE crm.fit_mbgnbd(x float8, t_x float8, age float8, unit text, penalizer float8) (
	SFUNC = crm.fit_rfm_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_mbgnbd_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_mbgnbd(float8, float8, float8, text, float8)
	IS 'Fits MBG/NBD to (x, t_x, age) rows with an L2 penalizer (>= 0)';

CREATE AGGREGATE crm.fit_pnbd(x float8, t_x float8, age float8, unit text) (
	SFUNC = crm.fit_rfm_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_pnbd_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_pnbd(float8, float8, float8, text)
	IS 'Fits Pareto/NBD (Schmittlein, Morrison & Colombo 1987) to (x, t_x, age) rows';

CREATE AGGREGATE crm.fit_pnbd(x float8, t_x float8, age float8, unit text, penalizer float8) (
	SFUNC = crm.fit_rfm_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_pnbd_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_pnbd(float8, float8, float8, text, float8)
	IS 'Fits Pareto/NBD to (x, t_x, age) rows with an L2 penalizer (>= 0)';

CREATE AGGREGATE crm.fit_gamma_gamma(x float8, monetary float8) (
	SFUNC = crm.fit_spend_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_gamma_gamma_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_gamma_gamma(float8, float8)
	IS 'Fits the Gamma-Gamma spend model to (x, mean repeat spend) rows; rows with x = 0 are skipped';

CREATE AGGREGATE crm.fit_gamma_gamma(x float8, monetary float8, penalizer float8) (
	SFUNC = crm.fit_spend_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_gamma_gamma_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_gamma_gamma(float8, float8, float8)
	IS 'Fits the Gamma-Gamma spend model with an L2 penalizer (>= 0); rows with x = 0 are skipped';

CREATE AGGREGATE crm.fit_sbg(period integer, alive float8, unit text) (
	SFUNC = crm.fit_cohort_step, STYPE = crm.rfm_patterns, FINALFUNC = crm.fit_sbg_final,
	COMBINEFUNC = crm.fit_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE crm.fit_sbg(integer, float8, text)
	IS 'Fits the shifted-beta-geometric contract model to (period, customers still active) rows; period 0 = cohort size; unit = contract period';

CREATE FUNCTION crm.fit_sbg(alive float8[], unit text, penalizer float8 DEFAULT 0) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_fit_sbg_array' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.fit_sbg(float8[], text, float8)
	IS 'Fits sBG to a cohort: alive[1] = customers at start, alive[k+1] = still active after k renewals; unit = contract period';
