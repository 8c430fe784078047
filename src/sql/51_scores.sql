-- Scores written by crm.refresh(): the current scores, one snapshot per
-- customer per refresh day, the fitted CLV models, the run log, and the set of
-- customers with new events since the last refresh (for incremental runs).

CREATE TABLE crm.customer_scores (
	customer_id			bigint PRIMARY KEY REFERENCES crm.customers ON DELETE CASCADE,
	as_of				timestamptz NOT NULL,
	computed_at			timestamptz NOT NULL,
	-- purchase summary (sales only, UTC days)
	first_purchase		timestamptz,
	last_purchase		timestamptz,
	recency_days		float8,
	frequency			integer,
	monetary			numeric,
	revenue_12m			numeric NOT NULL DEFAULT 0,
	x					float8,
	t_x					float8,
	age					float8,
	repeat_spend		float8,
	-- RFM
	r_score				smallint,
	f_score				smallint,
	m_score				smallint,
	rfm_cell			text,
	rfm_segment			text,
	-- CLV
	p_alive				float8,
	expected_purchases	float8,
	expected_spend		float8,
	clv					float8,
	clv_method			text CHECK (clv_method IN ('model', 'simple')),
	-- value
	annual_contract_value numeric NOT NULL DEFAULT 0,
	relationship_days	float8,
	tier				crm.tier,
	tier_rule			text,
	value_score			float8,
	value_parts			jsonb,
	loyalty_score		float8,
	value_quadrant		text,
	-- health
	health_score		float8 CHECK (health_score BETWEEN 0 AND 100),
	health_band			text,
	health_explanation	jsonb,
	health_missing		text[],
	health_delta_7d		float8,
	health_delta_30d	float8,
	health_delta_90d	float8,
	-- lifecycle
	lifecycle_stage		crm.lifecycle_stage,
	lifecycle_rule		text
);
COMMENT ON TABLE crm.customer_scores IS 'Current scores, one row per customer, rewritten by crm.refresh()';
COMMENT ON COLUMN crm.customer_scores.as_of IS 'The as_of of the refresh that computed the row';
COMMENT ON COLUMN crm.customer_scores.computed_at IS 'Wall-clock time of that refresh';
COMMENT ON COLUMN crm.customer_scores.first_purchase IS 'First sale up to as_of';
COMMENT ON COLUMN crm.customer_scores.last_purchase IS 'Last sale up to as_of';
COMMENT ON COLUMN crm.customer_scores.recency_days IS 'Days from the last sale to as_of (NULL: no sale)';
COMMENT ON COLUMN crm.customer_scores.frequency IS 'Distinct UTC purchase days in the RFM window (setting rfm_window_days)';
COMMENT ON COLUMN crm.customer_scores.monetary IS 'Net revenue (sales plus refunds) in the RFM window, account currency';
COMMENT ON COLUMN crm.customer_scores.revenue_12m IS 'Net revenue in the 365 days up to as_of';
COMMENT ON COLUMN crm.customer_scores.x IS 'BTYD frequency: repeat purchase days up to as_of';
COMMENT ON COLUMN crm.customer_scores.t_x IS 'BTYD recency in the model time unit (setting time_unit)';
COMMENT ON COLUMN crm.customer_scores.age IS 'BTYD age T in the model time unit';
COMMENT ON COLUMN crm.customer_scores.repeat_spend IS 'Mean spend per repeat purchase day';
COMMENT ON COLUMN crm.customer_scores.r_score IS 'Recency score 1-5 (5 = most recent quintile)';
COMMENT ON COLUMN crm.customer_scores.f_score IS 'Frequency score 1-5 (5 = top quintile)';
COMMENT ON COLUMN crm.customer_scores.m_score IS 'Monetary score 1-5 (5 = top quintile)';
COMMENT ON COLUMN crm.customer_scores.rfm_cell IS 'R, F and M scores as text, e.g. 545';
COMMENT ON COLUMN crm.customer_scores.rfm_segment IS 'Named RFM segment from crm.rfm_segments_effective';
COMMENT ON COLUMN crm.customer_scores.p_alive IS 'Probability the customer is still active (CLV model)';
COMMENT ON COLUMN crm.customer_scores.expected_purchases IS 'Expected purchase days over the CLV horizon (setting clv_horizon_months)';
COMMENT ON COLUMN crm.customer_scores.expected_spend IS 'Expected spend per purchase (Gamma-Gamma)';
COMMENT ON COLUMN crm.customer_scores.clv IS 'Customer lifetime value over the horizon, discounted, account currency';
COMMENT ON COLUMN crm.customer_scores.clv_method IS 'model (BTYD + Gamma-Gamma) or simple (annual contribution x lifetime - acquisition cost)';
COMMENT ON COLUMN crm.customer_scores.annual_contract_value IS 'Sum of annual values of the contracts active at as_of';
COMMENT ON COLUMN crm.customer_scores.relationship_days IS 'Days since the relationship started (first contract, first purchase or creation, whichever is earliest)';
COMMENT ON COLUMN crm.customer_scores.tier IS 'Value tier from crm.tier_rules_effective';
COMMENT ON COLUMN crm.customer_scores.tier_rule IS 'The tier rule that won';
COMMENT ON COLUMN crm.customer_scores.value_score IS 'Value score 0-100: weighted current, potential and strategic value';
COMMENT ON COLUMN crm.customer_scores.value_parts IS 'The three parts of the value score, 0-100 each: current, potential, strategic (their weights: crm.refresh_runs.details -> value_weights)';
COMMENT ON COLUMN crm.customer_scores.loyalty_score IS 'Loyalty 0-100: P(alive), repeat-purchase rate and tenure (percentile ranks)';
COMMENT ON COLUMN crm.customer_scores.value_quadrant IS 'Value x loyalty matrix: high_value_high_loyalty, high_value_low_loyalty, low_value_high_loyalty, low_value_low_loyalty';
COMMENT ON COLUMN crm.customer_scores.health_score IS 'Health score 0-100 over the dimensions with data (NULL: no dimension has data)';
COMMENT ON COLUMN crm.customer_scores.health_band IS 'Band of the health score (crm.health_bands_effective)';
COMMENT ON COLUMN crm.customer_scores.health_explanation IS 'Per dimension: raw value, sub-score (0-100) and weighted contribution (points of the score), or {"missing": true} (weights: crm.refresh_runs.details -> health_weights)';
COMMENT ON COLUMN crm.customer_scores.health_missing IS 'Dimensions without data (their weight was re-normalised away)';
COMMENT ON COLUMN crm.customer_scores.health_delta_7d IS 'Health score minus the snapshot of 7 days earlier (or the latest before it)';
COMMENT ON COLUMN crm.customer_scores.health_delta_30d IS 'Health score minus the snapshot of 30 days earlier';
COMMENT ON COLUMN crm.customer_scores.health_delta_90d IS 'Health score minus the snapshot of 90 days earlier';
COMMENT ON COLUMN crm.customer_scores.lifecycle_stage IS 'Lifecycle stage (also written to crm.customers)';
COMMENT ON COLUMN crm.customer_scores.lifecycle_rule IS 'The lifecycle rule that won';
SELECT pg_catalog.pg_extension_config_dump('crm.customer_scores', '');
-- Rewritten in full by every full refresh: no secondary index and free space
-- on each page, so the rewrite is a HOT update that touches only the heap.
ALTER TABLE crm.customer_scores SET (fillfactor = 45);

CREATE TABLE crm.customer_score_history (
	customer_id		bigint NOT NULL,
	snapshot_date	date NOT NULL,
	as_of			timestamptz NOT NULL,
	rfm_segment		text,
	tier			crm.tier,
	value_score		float8,
	clv				float8,
	p_alive			float8,
	health_score	float8,
	health_band		text,
	lifecycle_stage	crm.lifecycle_stage,
	-- day first: a refresh appends its day at the right edge of the index
	-- instead of touching every leaf page of (customer, day) once per night
	PRIMARY KEY (snapshot_date, customer_id)
);
COMMENT ON TABLE crm.customer_score_history IS 'One snapshot per customer per refresh day (the last refresh of a day wins); no foreign key, for write speed: crm.cleanup() removes snapshots of deleted customers';
COMMENT ON COLUMN crm.customer_score_history.snapshot_date IS 'UTC date of the refresh as_of';
SELECT pg_catalog.pg_extension_config_dump('crm.customer_score_history', '');

CREATE TABLE crm.models (
	model_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	fitted_at		timestamptz NOT NULL DEFAULT pg_catalog.now(),
	as_of			timestamptz NOT NULL,
	purpose			text NOT NULL CHECK (purpose IN ('transactions', 'spend')),
	model			crm.clv_model NOT NULL,
	customers		bigint NOT NULL
);
COMMENT ON TABLE crm.models IS 'CLV models fitted by crm.refresh() (and by users), with their fit date; the newest per purpose is used';
COMMENT ON COLUMN crm.models.as_of IS 'End of the calibration period the model was fitted on';
COMMENT ON COLUMN crm.models.purpose IS 'transactions (BG/NBD, MBG/NBD or Pareto/NBD) or spend (Gamma-Gamma)';
COMMENT ON COLUMN crm.models.model IS 'The fitted model (text form is readable)';
COMMENT ON COLUMN crm.models.customers IS 'Customers the model was fitted on';
SELECT pg_catalog.pg_extension_config_dump('crm.models', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.models', 'model_id'), '');
CREATE INDEX models_purpose_idx ON crm.models (purpose, as_of);

CREATE TABLE crm.refresh_runs (
	run_id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	as_of			timestamptz NOT NULL,
	mode			text NOT NULL CHECK (mode IN ('full', 'incremental')),
	started_at		timestamptz NOT NULL,
	finished_at		timestamptz,
	status			text NOT NULL CHECK (status IN ('running', 'done', 'skipped')),
	customers		bigint,
	details			jsonb NOT NULL DEFAULT '{}'
);
COMMENT ON TABLE crm.refresh_runs IS 'One row per crm.refresh() call (a failed refresh rolls back and leaves no row)';
COMMENT ON COLUMN crm.refresh_runs.mode IS 'full (every customer) or incremental (customers with new events only)';
COMMENT ON COLUMN crm.refresh_runs.status IS 'done, or skipped (another refresh held the lock)';
COMMENT ON COLUMN crm.refresh_runs.customers IS 'Customers rescored';
COMMENT ON COLUMN crm.refresh_runs.details IS 'Quantile cut points used (reused by incremental runs), model ids, snapshots written, lifecycle stage changes, and the value and health weights behind the rows';
SELECT pg_catalog.pg_extension_config_dump('crm.refresh_runs', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('crm.refresh_runs', 'run_id'), '');

CREATE TABLE crm.refresh_stages (
	run_id			bigint NOT NULL REFERENCES crm.refresh_runs ON DELETE CASCADE,
	stage_no		integer NOT NULL,
	stage			text NOT NULL,
	ms				float8 NOT NULL,
	row_count		bigint,
	PRIMARY KEY (run_id, stage_no)
);
COMMENT ON TABLE crm.refresh_stages IS 'Stage timings and row counts of each crm.refresh() run';
COMMENT ON COLUMN crm.refresh_stages.ms IS 'Wall time of the stage in milliseconds';
COMMENT ON COLUMN crm.refresh_stages.row_count IS 'Rows the stage produced or wrote';
SELECT pg_catalog.pg_extension_config_dump('crm.refresh_stages', '');

-- Customers with events since the last refresh, kept by statement triggers.
-- No key on purpose: a key would make an event writer wait for a running
-- refresh that took (deleted) the same customer id. A customer may appear
-- once per statement; refreshes take the rows they see and leave later ones.
CREATE UNLOGGED TABLE crm.score_dirty (
	customer_id		bigint NOT NULL
);
COMMENT ON TABLE crm.score_dirty IS 'Customers with new or changed events since the last refresh, one row per statement and customer (no key, so event writers never wait for a refresh); incremental refreshes rescore exactly these (unlogged: after a crash run a full refresh)';

-- Trigger function: records the customers a statement touched.
-- SECURITY DEFINER so that roles allowed to write events need no privilege on
-- the bookkeeping table; it only ever inserts customer ids.
CREATE FUNCTION crm.mark_dirty() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	touched bigint[];
BEGIN
	IF current_setting('crm.in_refresh', true) = 'on' THEN
		RETURN NULL;			-- crm.refresh() writing tier and stage
	END IF;
	IF TG_OP = 'INSERT' THEN
		touched := ARRAY(SELECT DISTINCT n.customer_id FROM new_rows n);
	ELSIF TG_OP = 'UPDATE' THEN
		touched := ARRAY(SELECT n.customer_id FROM new_rows n UNION SELECT o.customer_id FROM old_rows o);
	ELSE
		touched := ARRAY(SELECT DISTINCT o.customer_id FROM old_rows o);
	END IF;
	-- (customers deleted by this statement, or cascading, are gone: skip them)
	touched := ARRAY(SELECT t FROM unnest(touched) t WHERE EXISTS (SELECT 1 FROM crm.customers c WHERE c.customer_id = t));
	-- plain appends (no key): never waits for a refresh or automation run
	INSERT INTO crm.score_dirty (customer_id) SELECT unnest(touched);
	INSERT INTO crm.automation_dirty (customer_id) SELECT unnest(touched);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION crm.mark_dirty() IS 'Statement trigger: adds the customers whose events changed to crm.score_dirty (incremental refresh) and crm.automation_dirty (incremental automation)';

DO $triggers$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['customers', 'contracts', 'purchases', 'interactions', 'tickets', 'feedback', 'opportunities'] LOOP
		EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT ON crm.%I REFERENCING NEW TABLE AS new_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION crm.mark_dirty()', t || '_dirty_ins', t);
		EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER UPDATE ON crm.%I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION crm.mark_dirty()', t || '_dirty_upd', t);
		EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER DELETE ON crm.%I REFERENCING OLD TABLE AS old_rows '
			'FOR EACH STATEMENT EXECUTE FUNCTION crm.mark_dirty()', t || '_dirty_del', t);
	END LOOP;
END
$triggers$;
