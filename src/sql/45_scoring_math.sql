-- Scoring math used by crm.refresh() (C: src/scoring.c, src/core/scoring.c).

CREATE FUNCTION crm.quantile_score(value float8, cuts float8[], higher_is_better boolean) RETURNS smallint
	AS 'MODULE_PATHNAME', 'quantile_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.quantile_score(float8, float8[], boolean) IS
	'Quantile score 1..n+1 of value against n ascending cut points: 1 + the number of cuts strictly below value (reversed when higher_is_better is false); ties share a score';

CREATE FUNCTION crm.linear_score(raw float8, bad float8, good float8) RETURNS float8
	AS 'MODULE_PATHNAME', 'linear_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.linear_score(float8, float8, float8) IS
	'Sub-score 0..100: 0 at bad, 100 at good (bad may be above good), linear between, clamped outside';

CREATE FUNCTION crm.percentile_position(value float8, cuts float8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'percentile_position' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.percentile_position(float8, float8[]) IS
	'Position 0..100 of value among cut points taken at equally spaced probabilities (e.g. the 101 percentiles 0, 1, ..., 100), linear between cuts, ties to the middle';

CREATE FUNCTION crm.health_score(raw float8[], bad float8[], good float8[], weight float8[]) RETURNS float8
	AS 'MODULE_PATHNAME', 'health_score' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.health_score(float8[], float8[], float8[], float8[]) IS
	'Health score 0..100: the weighted mean of crm.linear_score(raw, bad, good) over the dimensions whose raw value is not NULL (weights re-normalised); NULL when none has data';

CREATE FUNCTION crm.health_explanation(dimension text[], raw float8[], bad float8[], good float8[], weight float8[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'health_explanation' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.health_explanation(text[], float8[], float8[], float8[], float8[]) IS
	'Why a health score is what it is: per dimension {raw, sub_score (0-100), contribution (points of the score)}, or {missing: true} when its raw value is NULL';

CREATE FUNCTION crm.value_parts(current float8, potential float8, strategic float8) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'value_parts' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.value_parts(float8, float8, float8) IS
	'Internal to crm.refresh(): the value score''s parts {current, potential, strategic} (each round(part::numeric, 1), NULL as null), the same jsonb as jsonb_build_object would build';
