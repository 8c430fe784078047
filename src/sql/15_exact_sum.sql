-- crm.exact_sum(numeric): an exact sum of money amounts (at most 4 decimal
-- places) in a fixed 24-byte state, several times cheaper per group than
-- sum(numeric); crm.refresh() sums a million customers' revenue with it
-- (C: src/exact_sum.c). The state is a real type with send/recv, so parallel
-- query and Citus can ship and combine it.

CREATE TYPE crm.exact_sum_state;

CREATE FUNCTION crm.exact_sum_state_in(cstring) RETURNS crm.exact_sum_state
	AS 'MODULE_PATHNAME', 'exact_sum_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.exact_sum_state_in(cstring) IS 'Input function of crm.exact_sum_state (text scale:sum, the sum in units of 10^-4)';

CREATE FUNCTION crm.exact_sum_state_out(crm.exact_sum_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'exact_sum_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.exact_sum_state_out(crm.exact_sum_state) IS 'Output function of crm.exact_sum_state';

CREATE FUNCTION crm.exact_sum_state_recv(internal) RETURNS crm.exact_sum_state
	AS 'MODULE_PATHNAME', 'exact_sum_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.exact_sum_state_recv(internal) IS 'Binary input function of crm.exact_sum_state';

CREATE FUNCTION crm.exact_sum_state_send(crm.exact_sum_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'exact_sum_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.exact_sum_state_send(crm.exact_sum_state) IS 'Binary output function of crm.exact_sum_state';

CREATE TYPE crm.exact_sum_state (
	INPUT = crm.exact_sum_state_in,
	OUTPUT = crm.exact_sum_state_out,
	RECEIVE = crm.exact_sum_state_recv,
	SEND = crm.exact_sum_state_send,
	INTERNALLENGTH = 24,
	ALIGNMENT = double,
	STORAGE = plain
);
COMMENT ON TYPE crm.exact_sum_state IS 'State of crm.exact_sum: the running sum in units of 10^-4 (int128) and the result''s scale';

CREATE FUNCTION crm.exact_sum_step(crm.exact_sum_state, numeric) RETURNS crm.exact_sum_state
	AS 'MODULE_PATHNAME', 'exact_sum_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.exact_sum_step(crm.exact_sum_state, numeric) IS 'Transition function of crm.exact_sum (NULL amounts are skipped)';

CREATE FUNCTION crm.exact_sum_combine(crm.exact_sum_state, crm.exact_sum_state) RETURNS crm.exact_sum_state
	AS 'MODULE_PATHNAME', 'exact_sum_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.exact_sum_combine(crm.exact_sum_state, crm.exact_sum_state) IS 'Combine function of crm.exact_sum (merges partial states of parallel workers)';

CREATE FUNCTION crm.exact_sum_final(crm.exact_sum_state) RETURNS numeric
	AS 'MODULE_PATHNAME', 'exact_sum_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.exact_sum_final(crm.exact_sum_state) IS 'Final function of crm.exact_sum';

CREATE AGGREGATE crm.exact_sum(amount numeric) (
	SFUNC = crm.exact_sum_step,
	STYPE = crm.exact_sum_state,
	FINALFUNC = crm.exact_sum_final,
	COMBINEFUNC = crm.exact_sum_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.exact_sum(numeric) IS
	'Exact sum of amounts with at most 4 nonzero decimal places (below 10^32), as sum() but with a fixed-size state; the result has the largest input scale, at most 4; NULL when there are no non-NULL amounts';
