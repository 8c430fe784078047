-- The crm.clv_model type: a fitted CLV model (kind, parameters, standard
-- errors, log-likelihood, customers, iterations, converged flag, penalizer,
-- time unit). Text form, e.g.
--   bgnbd(unit=week, r=0.243, alpha=4.414, a=0.793, b=2.426, se_r=..., loglik=..., n=2357, ...)
-- round-trips exactly. C glue: src/model_type.c.

CREATE TYPE crm.clv_model;

CREATE FUNCTION crm.clv_model_in(cstring) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_model_in(cstring) IS 'Input function of crm.clv_model';

CREATE FUNCTION crm.clv_model_out(crm.clv_model) RETURNS cstring
	AS 'MODULE_PATHNAME', 'clv_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_model_out(crm.clv_model) IS 'Output function of crm.clv_model';

CREATE FUNCTION crm.clv_model_recv(internal) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_model_recv(internal) IS 'Binary input function of crm.clv_model';

CREATE FUNCTION crm.clv_model_send(crm.clv_model) RETURNS bytea
	AS 'MODULE_PATHNAME', 'clv_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_model_send(crm.clv_model) IS 'Binary output function of crm.clv_model';

CREATE TYPE crm.clv_model (
	INPUT = crm.clv_model_in,
	OUTPUT = crm.clv_model_out,
	RECEIVE = crm.clv_model_recv,
	SEND = crm.clv_model_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = main
);
COMMENT ON TYPE crm.clv_model IS 'A CLV model (bgnbd, mbgnbd, pnbd, gg or sbg): parameters, standard errors, log-likelihood, customers, iterations, converged flag, penalizer and time unit';

CREATE FUNCTION crm.clv_model(kind text, params float8[], unit text) RETURNS crm.clv_model
	AS 'MODULE_PATHNAME', 'clv_model_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.clv_model(text, float8[], text)
	IS 'A hand-made model from known parameters (order: bgnbd/mbgnbd r, alpha, a, b; pnbd r, alpha, s, beta; gg p, q, gamma; sbg alpha, beta); unit day/week/month/year (ignored for gg)';

CREATE FUNCTION crm.model_kind(model crm.clv_model) RETURNS text
	AS 'MODULE_PATHNAME', 'clv_model_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.model_kind(crm.clv_model) IS 'Kind of a model: bgnbd, mbgnbd, pnbd, gg or sbg';

CREATE FUNCTION crm.model_unit(model crm.clv_model) RETURNS text
	AS 'MODULE_PATHNAME', 'clv_model_unit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.model_unit(crm.clv_model) IS 'Time unit of a model: day, week, month, year (none for gg)';

CREATE FUNCTION crm.model_params(model crm.clv_model) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'clv_model_params' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.model_params(crm.clv_model)
	IS 'A model as jsonb: kind, unit, params, se, loglik, n, iterations, converged, penalizer';

CREATE FUNCTION crm.model_param(model crm.clv_model, name text) RETURNS float8
	AS 'MODULE_PATHNAME', 'clv_model_param' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.model_param(crm.clv_model, text)
	IS 'One number of a model by name: a parameter (e.g. r), its standard error (se_r), loglik or n';
