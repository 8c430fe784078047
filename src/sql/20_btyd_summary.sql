-- BTYD summaries: one pass over a customer's purchases gives the frequency x,
-- recency t_x, age T and mean repeat spend that every buy-till-you-die model
-- is fitted on (C glue: src/btyd_summary.c, core: src/core/summary.c).
--
-- Rules (docs/clv.md): purchases are merged per UTC day (amounts summed);
-- x = distinct purchase days - 1; t_x = (last day - first day) / unit;
-- age (T) = (UTC day of as_of - first day) / unit; monetary = mean spend per
-- repeat day (first day excluded, 0 when x = 0); purchases on a UTC day after
-- the UTC day of as_of are ignored; rows with a NULL time or amount are skipped.
-- Units: day = 1, week = 7, month = 30.4375 days. Refunds are not purchases:
-- callers filter kind = 'sale'.

-- The aggregate state: distinct purchase days plus running totals (varlena,
-- so parallel workers can ship it).
CREATE TYPE crm.btyd_state;

CREATE FUNCTION crm.btyd_state_in(cstring) RETURNS crm.btyd_state
	AS 'MODULE_PATHNAME', 'btyd_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.btyd_state_in(cstring) IS 'Input function of crm.btyd_state';

CREATE FUNCTION crm.btyd_state_out(crm.btyd_state) RETURNS cstring
	AS 'MODULE_PATHNAME', 'btyd_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.btyd_state_out(crm.btyd_state) IS 'Output function of crm.btyd_state';

CREATE FUNCTION crm.btyd_state_recv(internal) RETURNS crm.btyd_state
	AS 'MODULE_PATHNAME', 'btyd_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.btyd_state_recv(internal) IS 'Binary input function of crm.btyd_state';

CREATE FUNCTION crm.btyd_state_send(crm.btyd_state) RETURNS bytea
	AS 'MODULE_PATHNAME', 'btyd_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION crm.btyd_state_send(crm.btyd_state) IS 'Binary output function of crm.btyd_state';

CREATE TYPE crm.btyd_state (
	INPUT = crm.btyd_state_in,
	OUTPUT = crm.btyd_state_out,
	RECEIVE = crm.btyd_state_recv,
	SEND = crm.btyd_state_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = double,
	STORAGE = extended
);
COMMENT ON TYPE crm.btyd_state IS 'Partial state of crm.btyd_summary: distinct purchase days and running totals';

-- The summary row.
CREATE TYPE crm.btyd_summary AS (
	x				bigint,
	t_x				float8,
	age				float8,
	monetary		float8,
	total_amount	float8,
	first_purchase	timestamptz,
	last_purchase	timestamptz
);
COMMENT ON TYPE crm.btyd_summary IS 'Buy-till-you-die summary: x = repeat purchase days, t_x = recency, age = T (as_of - first purchase), in the chosen unit; monetary = mean spend per repeat day';
COMMENT ON COLUMN crm.btyd_summary.x IS 'Frequency: distinct UTC purchase days up to as_of, minus one';
COMMENT ON COLUMN crm.btyd_summary.t_x IS 'Recency: last minus first purchase day, in the time unit';
COMMENT ON COLUMN crm.btyd_summary.age IS 'T: UTC day of as_of minus first purchase day, in the time unit';
COMMENT ON COLUMN crm.btyd_summary.monetary IS 'Mean amount per repeat purchase day (first day excluded); 0 when x = 0';
COMMENT ON COLUMN crm.btyd_summary.total_amount IS 'Amount over all purchase days up to as_of, first day included';
COMMENT ON COLUMN crm.btyd_summary.first_purchase IS 'Earliest purchase time up to as_of';
COMMENT ON COLUMN crm.btyd_summary.last_purchase IS 'Latest purchase time up to as_of';

CREATE FUNCTION crm.btyd_summary_step(crm.btyd_state, timestamptz, numeric, timestamptz, text)
	RETURNS crm.btyd_state
	AS 'MODULE_PATHNAME', 'btyd_summary_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.btyd_summary_step(crm.btyd_state, timestamptz, numeric, timestamptz, text)
	IS 'Transition function of crm.btyd_summary (numeric amounts)';

CREATE FUNCTION crm.btyd_summary_step(crm.btyd_state, timestamptz, float8, timestamptz, text)
	RETURNS crm.btyd_state
	AS 'MODULE_PATHNAME', 'btyd_summary_step_float8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.btyd_summary_step(crm.btyd_state, timestamptz, float8, timestamptz, text)
	IS 'Transition function of crm.btyd_summary (float8 amounts)';

CREATE FUNCTION crm.btyd_summary_combine(crm.btyd_state, crm.btyd_state) RETURNS crm.btyd_state
	AS 'MODULE_PATHNAME', 'btyd_summary_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.btyd_summary_combine(crm.btyd_state, crm.btyd_state)
	IS 'Combine function of crm.btyd_summary (merges partial states of parallel workers)';

CREATE FUNCTION crm.btyd_summary_final(crm.btyd_state) RETURNS crm.btyd_summary
	AS 'MODULE_PATHNAME', 'btyd_summary_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION crm.btyd_summary_final(crm.btyd_state)
	IS 'Final function of crm.btyd_summary';

CREATE AGGREGATE crm.btyd_summary(purchased_at timestamptz, amount numeric, as_of timestamptz, unit text) (
	SFUNC = crm.btyd_summary_step,
	STYPE = crm.btyd_state,
	FINALFUNC = crm.btyd_summary_final,
	COMBINEFUNC = crm.btyd_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.btyd_summary(timestamptz, numeric, timestamptz, text)
	IS 'BTYD summary (x, t_x, age, monetary, ...) of one customer''s purchases up to as_of, unit day/week/month; pass sales only';

CREATE AGGREGATE crm.btyd_summary(purchased_at timestamptz, amount float8, as_of timestamptz, unit text) (
	SFUNC = crm.btyd_summary_step,
	STYPE = crm.btyd_state,
	FINALFUNC = crm.btyd_summary_final,
	COMBINEFUNC = crm.btyd_summary_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE crm.btyd_summary(timestamptz, float8, timestamptz, text)
	IS 'BTYD summary (x, t_x, age, monetary, ...) of one customer''s purchases up to as_of, unit day/week/month; pass sales only';

-- Calibration summaries plus holdout purchase days per customer, over crm.purchases.
CREATE FUNCTION crm.btyd_calibration_holdout(calibration_end timestamptz, holdout_end timestamptz, unit text)
	RETURNS TABLE (customer_id bigint, x bigint, t_x float8, age float8, monetary float8,
				   x_holdout bigint, holdout_length float8)
	LANGUAGE sql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
	SELECT c.customer_id, (c.s).x, (c.s).t_x, (c.s).age, (c.s).monetary,
		   c.x_holdout,
		   ((holdout_end AT TIME ZONE 'UTC')::date - (calibration_end AT TIME ZONE 'UTC')::date)
		   / CASE unit WHEN 'day' THEN 1.0::float8 WHEN 'week' THEN 7.0::float8 ELSE 30.4375::float8 END
	FROM (
		SELECT p.customer_id,
			   crm.btyd_summary(p.purchased_at, p.amount, calibration_end, unit) AS s,
			   count(DISTINCT (p.purchased_at AT TIME ZONE 'UTC')::date)
				   FILTER (WHERE (p.purchased_at AT TIME ZONE 'UTC')::date
							   > (calibration_end AT TIME ZONE 'UTC')::date) AS x_holdout
		FROM crm.purchases p
		WHERE p.kind = 'sale'
		  AND (p.purchased_at AT TIME ZONE 'UTC')::date <= (holdout_end AT TIME ZONE 'UTC')::date
		GROUP BY p.customer_id
	) c
	WHERE c.s IS NOT NULL
$$;
COMMENT ON FUNCTION crm.btyd_calibration_holdout(timestamptz, timestamptz, text)
	IS 'Per customer with a sale up to calibration_end: calibration x, t_x, age, monetary (crm.btyd_summary) and x_holdout = distinct UTC purchase days after calibration_end up to holdout_end; holdout_length in the unit';
