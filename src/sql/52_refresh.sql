-- crm.refresh(): recomputes every customer's scores, set-based, in stages:
-- inputs (one pass over each event table), CLV models, CLV, RFM, value,
-- health, lifecycle, write. Rules come from the *_effective views; the SQL of
-- the rule-driven parts is generated from them with format(%L) literals.

-- Logs one finished stage: a NOTICE and a row in crm.refresh_stages.
CREATE FUNCTION crm.refresh_log_stage(run bigint, stage_no integer, stage text, started timestamptz, row_count bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ms float8 := extract(epoch FROM clock_timestamp() - started) * 1000;
BEGIN
	INSERT INTO crm.refresh_stages (run_id, stage_no, stage, ms, row_count) VALUES (run, stage_no, stage, ms, row_count);
	RAISE NOTICE 'crm.refresh: stage % % done (% rows)', stage_no, stage, coalesce(row_count::text, 'no');
END
$$;
COMMENT ON FUNCTION crm.refresh_log_stage(bigint, integer, text, timestamptz, bigint) IS
	'Internal to crm.refresh(): records a stage''s timing and row count in crm.refresh_stages and raises a progress NOTICE (without the timing, so output is reproducible)';

-- The filter that limits an incremental refresh's event pass to its customers.
CREATE FUNCTION crm.refresh_scope_filter(incremental boolean, event_alias text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	-- in the statement text, not as "NOT incremental OR ... IN (...)": the
	-- planner turns only a plain IN into a semi-join (index scans per
	-- customer) instead of a filter over every event row
	SELECT CASE WHEN incremental
		THEN format('AND %I.customer_id IN (SELECT customer_id FROM crm_target)', event_alias) ELSE '' END
$$;
COMMENT ON FUNCTION crm.refresh_scope_filter(boolean, text) IS
	'Internal to crm.refresh(): the WHERE clause part that limits an event pass to crm_target (incremental runs), or nothing';

-- The SQL CASE expression that evaluates the effective tier rules.
CREATE FUNCTION crm.tier_rules_sql() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'CASE ' || string_agg(format('WHEN %s THEN ARRAY[%L, %L]',
			CASE condition
				WHEN 'acv_above' THEN format('annual_contract_value > %L::numeric', threshold)
				WHEN 'relationship_years_above' THEN format('relationship_days > 365.25 * %L::float8', threshold)
				WHEN 'revenue_12m_above' THEN format('revenue_12m > %L::numeric', threshold)
				WHEN 'clv_above' THEN format('coalesce(clv, 0) > %L::float8', threshold)
				ELSE 'true' END, tier, rule), ' ' ORDER BY priority, rule)
		|| ' END'
	FROM crm.tier_rules_effective
$$;
COMMENT ON FUNCTION crm.tier_rules_sql() IS 'Internal to crm.refresh(): the CASE expression (tier, rule) built from crm.tier_rules_effective';

-- The SQL CASE expression that evaluates the effective lifecycle rules.
CREATE FUNCTION crm.lifecycle_rules_sql(as_of timestamptz) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT 'CASE ' || string_agg(format('WHEN %s THEN ARRAY[%L, %L]',
			CASE condition
				WHEN 'no_purchase_or_contract' THEN 'first_purchase IS NULL AND NOT has_contract'
				WHEN 'contracts_ended' THEN 'has_contract AND NOT has_active_contract'
				WHEN 'p_alive_below' THEN format('NOT has_contract AND p_alive < %L::float8', threshold)
				WHEN 'signed_within_days' THEN format('first_signed_at > %L::timestamptz - %L::float8 * interval ''1 day''', as_of, threshold)
				WHEN 'first_purchase_within_days' THEN format('NOT has_contract AND first_purchase > %L::timestamptz - %L::float8 * interval ''1 day''', as_of, threshold)
				WHEN 'health_band_is' THEN format('health_band = %L', parameter)
				WHEN 'relationship_days_at_least' THEN format('relationship_days >= %L::float8', threshold)
				ELSE 'true' END, stage, rule), ' ' ORDER BY priority, rule)
		|| ' END'
	FROM crm.lifecycle_rules_effective
$$;
COMMENT ON FUNCTION crm.lifecycle_rules_sql(timestamptz) IS 'Internal to crm.refresh(): the CASE expression (stage, rule) built from crm.lifecycle_rules_effective';

-- The SQL of the health columns (score, explanation, missing) built from the effective dimensions.
CREATE FUNCTION crm.health_sql() RETURNS text[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	d record;
	raw text;
	names text[] := '{}';
	raws text[] := '{}';
	bads float8[] := '{}';
	goods float8[] := '{}';
	weights float8[] := '{}';
	missing text := 'ARRAY[]::text[]';
	duplicated text;
	bands text;
	args text;
BEGIN
	SELECT string_agg(metric::text, ', ') INTO duplicated FROM (
		SELECT metric FROM crm.health_dimensions_effective GROUP BY metric HAVING count(*) > 1) m;
	IF duplicated IS NOT NULL THEN
		RAISE EXCEPTION 'health metric % is used by more than one enabled dimension', duplicated
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Disable one of them: UPDATE or INSERT a row in crm.health_dimensions with enabled = false.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM crm.health_dimensions_effective WHERE weight > 0) THEN
		RAISE EXCEPTION 'no enabled health dimension has a positive weight'
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Re-enable a dimension in crm.health_dimensions, or delete your overrides there.';
	END IF;
	FOR d IN SELECT * FROM crm.health_dimensions_effective ORDER BY dimension LOOP
		raw := CASE d.metric
			WHEN 'usage_trend' THEN 'usage_ratio'
			WHEN 'support_load' THEN 'ticket_load'
			WHEN 'satisfaction' THEN 'satisfaction'
			WHEN 'engagement_recency' THEN 'days_since_two_way'
			WHEN 'commercial' THEN 'days_to_renewal' END;
		names := names || d.dimension;
		raws := raws || raw;
		bads := bads || d.bad;
		goods := goods || d.good;
		weights := weights || d.weight;
		missing := missing || format(' || CASE WHEN %s IS NULL THEN ARRAY[%L] ELSE ARRAY[]::text[] END', raw, d.dimension);
	END LOOP;
	args := format('ARRAY[%s]::float8[], %L::float8[], %L::float8[], %L::float8[]',
				   array_to_string(raws, ', '), bads, goods, weights);
	SELECT 'CASE ' || string_agg(format('WHEN health_score >= %L::float8 THEN %L', b.min_score, b.band), ' '
		ORDER BY b.min_score DESC) || ' END'
	INTO bands FROM crm.health_bands_effective b;
	RETURN ARRAY[format('crm.health_score(%s)', args),
				 format('crm.health_explanation(%L::text[], %s)', names, args), missing, coalesce(bands, 'NULL::text')];
END
$$;
COMMENT ON FUNCTION crm.health_sql() IS 'Internal to crm.refresh(): SQL expressions for health score, explanation, missing dimensions (from crm.health_dimensions_effective) and band (from crm.health_bands_effective)';

-- Recomputes customers' scores as of as_of. See docs/scoring.md.
CREATE FUNCTION crm.refresh(as_of timestamptz DEFAULT pg_catalog.now(), incremental boolean DEFAULT false,
							wait boolean DEFAULT false, refit boolean DEFAULT NULL)
RETURNS crm.refresh_runs
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $refresh$
#variable_conflict use_variable
DECLARE
	run crm.refresh_runs;
	t timestamptz;
	n bigint;
	cells text[];
	stage integer := 0;
	unit text;
	unit_days float8;
	model_kind text;
	tx_model crm.clv_model;
	gg_model crm.clv_model;
	tx_model_id bigint;
	gg_model_id bigint;
	horizon interval;
	horizon_units float8;
	discount float8;
	cuts jsonb;
	r_cuts float8[];
	f_cuts float8[];
	m_cuts float8[];
	cur_cuts float8[];
	pot_cuts float8[];
	rep_cuts float8[];
	ten_cuts float8[];
	pcts float8[] := ARRAY(SELECT g / 100.0 FROM generate_series(0, 100) g);
	min_history interval;
	high_value float8;
	high_loyalty float8;
	clv_margin float8;
	clv_years float8;
	refit_days integer;
	full_run crm.refresh_runs;
	health text[];
	snap date := (as_of AT TIME ZONE 'UTC')::date;
	dims record;
	usage_window integer;
	support_window integer;
	satisfaction_window integer;
	engagement_window integer;
	rfm_window integer;
	w_cur float8;
	w_pot float8;
	w_str float8;
	t_name text;
	gg_has_mean boolean;
	n_snapshots bigint;
	n_staged bigint;
	scored_customers bigint;
	health_weights jsonb;
BEGIN
	IF as_of IS NULL OR NOT isfinite(as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite timestamp, not %', coalesce(as_of::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Pass e.g. now() or ''2026-06-30''.';
	END IF;
	IF as_of > now() + interval '1 day' THEN
		RAISE EXCEPTION 'as_of % is in the future', as_of
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Scores describe what is known at as_of; a future as_of would treat today''s data as complete.',
				  HINT = 'Pass now() or a past timestamp.';
	END IF;

	-- One refresh at a time. The lock is released at the end of the transaction.
	IF NOT pg_try_advisory_xact_lock(hashtext('crm.refresh')) THEN
		IF wait THEN
			RAISE NOTICE 'crm.refresh: another refresh is running; waiting for it to finish';
			PERFORM pg_advisory_xact_lock(hashtext('crm.refresh'));
		ELSE
			RAISE NOTICE 'crm.refresh: another refresh is running; skipped'
				USING HINT = 'Call crm.refresh(wait => true) to wait for it instead.';
			run.status := 'skipped';
			run.as_of := as_of;
			run.mode := CASE WHEN incremental THEN 'incremental' ELSE 'full' END;
			run.started_at := clock_timestamp();
			RETURN run;
		END IF;
	END IF;
	-- crm.mark_dirty ignores our own writes to crm.customers.
	PERFORM set_config('crm.in_refresh', 'on', true);
	-- Work tables of an earlier refresh in the same transaction.
	FOR t_name IN SELECT unnest(ARRAY['crm_target', 'crm_purchase_stats', 'crm_activity', 'crm_service', 'crm_voice',
			'crm_commercial', 'crm_pipeline', 'crm_base', 'crm_trend']) LOOP
		IF to_regclass('pg_temp.' || t_name) IS NOT NULL THEN
			EXECUTE format('DROP TABLE pg_temp.%I', t_name);
		END IF;
	END LOOP;

	IF incremental THEN
		SELECT * INTO full_run FROM crm.refresh_runs r WHERE r.mode = 'full' AND r.status = 'done'
		ORDER BY r.run_id DESC LIMIT 1;
		IF NOT FOUND THEN
			RAISE NOTICE 'crm.refresh: no full refresh yet; running a full one';
			incremental := false;
		END IF;
	END IF;

	INSERT INTO crm.refresh_runs (as_of, mode, started_at, status)
	VALUES (as_of, CASE WHEN incremental THEN 'incremental' ELSE 'full' END, clock_timestamp(), 'running')
	RETURNING * INTO run;

	unit := crm.setting('time_unit') #>> '{}';
	unit_days := CASE unit WHEN 'day' THEN 1 WHEN 'week' THEN 7 WHEN 'month' THEN 30.4375 END;
	IF unit_days IS NULL THEN
		RAISE EXCEPTION 'setting time_unit is "%", expected day, week or month', unit
			USING ERRCODE = 'invalid_parameter_value', HINT = 'SELECT crm.set_setting(''time_unit'', ''"week"'');';
	END IF;
	model_kind := crm.setting('clv_model') #>> '{}';
	IF model_kind NOT IN ('bgnbd', 'mbgnbd', 'pnbd') THEN
		RAISE EXCEPTION 'setting clv_model is "%", expected bgnbd, mbgnbd or pnbd', model_kind
			USING ERRCODE = 'invalid_parameter_value', HINT = 'SELECT crm.set_setting(''clv_model'', ''"bgnbd"'');';
	END IF;
	horizon := make_interval(months => (crm.setting('clv_horizon_months'))::int);
	horizon_units := extract(epoch FROM horizon) / 86400.0 / unit_days;
	discount := (crm.setting('clv_discount_rate_annual'))::float8;
	rfm_window := (crm.setting('rfm_window_days'))::int;
	min_history := (crm.setting('simple_clv_min_history_days'))::int * interval '1 day';
	high_value := (crm.setting('value_high_threshold'))::float8;
	high_loyalty := (crm.setting('loyalty_high_threshold'))::float8;
	clv_margin := (crm.setting('simple_clv_margin'))::float8;
	clv_years := (crm.setting('simple_clv_lifetime_years'))::float8;
	refit_days := (crm.setting('model_refit_days'))::int;
	w_cur := (crm.setting('value_weight_current'))::float8;
	w_pot := (crm.setting('value_weight_potential'))::float8;
	w_str := (crm.setting('value_weight_strategic'))::float8;
	IF w_cur < 0 OR w_pot < 0 OR w_str < 0 OR w_cur + w_pot + w_str <= 0 THEN
		RAISE EXCEPTION 'value score weights must be >= 0 with a positive sum, not %, %, %', w_cur, w_pot, w_str
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Check the settings value_weight_current, value_weight_potential and value_weight_strategic.';
	END IF;
	SELECT max(window_days) FILTER (WHERE metric = 'usage_trend'),
		   max(window_days) FILTER (WHERE metric = 'support_load'),
		   max(window_days) FILTER (WHERE metric = 'satisfaction'),
		   max(window_days) FILTER (WHERE metric = 'engagement_recency')
	INTO usage_window, support_window, satisfaction_window, engagement_window
	FROM crm.health_dimensions_effective;
	health := crm.health_sql();
	-- the weights behind every row's health_explanation, kept with the run
	health_weights := (SELECT jsonb_object_agg(d.dimension, d.weight) FROM crm.health_dimensions_effective d);

	-- Stage 1: whom to score.
	t := clock_timestamp(); stage := stage + 1;
	IF incremental THEN
		CREATE TEMP TABLE crm_target ON COMMIT DROP AS
		WITH taken AS (DELETE FROM crm.score_dirty RETURNING customer_id)
		SELECT c.customer_id FROM crm.customers c WHERE c.customer_id IN (SELECT customer_id FROM taken);
		ALTER TABLE crm_target ADD PRIMARY KEY (customer_id);
		ANALYZE crm_target;
		SELECT count(*) INTO n FROM crm_target;
	ELSE
		-- the marks this run sees (DELETE, not TRUNCATE: its lock would hold
		-- every event writer until commit; later marks stay for the next run)
		DELETE FROM crm.score_dirty;
		-- every customer: the stages below read crm.customers directly and
		-- name crm_target only in their incremental branch
		CREATE TEMP TABLE crm_target (customer_id bigint) ON COMMIT DROP;
		SELECT count(*) INTO n FROM crm.customers;
	END IF;
	PERFORM crm.refresh_log_stage(run.run_id, stage, 'customers', t, n);

	-- Stage 2: one pass over purchases.
	t := clock_timestamp(); stage := stage + 1;
	-- Flat columns: every (s).field of a stored composite would copy the
	-- whole value again, dozens of times per customer in the stages below.
	EXECUTE format($q$
		CREATE TEMP TABLE crm_purchase_stats ON COMMIT DROP AS
		SELECT customer_id, (s).x::float8 AS x, (s).t_x, (s).age, (s).monetary AS repeat_spend,
			(s).first_purchase, (s).last_purchase, (w).x AS window_x, monetary, revenue_12m
		FROM (
			SELECT p.customer_id,
				crm.btyd_summary(p.purchased_at, p.amount, $1, $2) FILTER (WHERE p.kind = 'sale') AS s,
				crm.btyd_summary(p.purchased_at, p.amount, $1, 'day')
					FILTER (WHERE p.kind = 'sale' AND p.purchased_at > $1 - $3 * interval '1 day') AS w,
				-- exact like sum(), with a fixed-size state (sum(numeric) was half of this pass)
				crm.exact_sum(p.amount) FILTER (WHERE p.purchased_at > $1 - $3 * interval '1 day') AS monetary,
				crm.exact_sum(p.amount) FILTER (WHERE p.purchased_at > $1 - interval '365 days') AS revenue_12m
			FROM crm.purchases p
			WHERE p.purchased_at <= $1
			  %s
			GROUP BY p.customer_id) q
	$q$, crm.refresh_scope_filter(incremental, 'p'))
	USING as_of, unit, rfm_window, usage_window, engagement_window, support_window, satisfaction_window;
	GET DIAGNOSTICS n = ROW_COUNT;
	-- statistics for the joins below (temp tables are never auto-analyzed)
	ANALYZE crm_purchase_stats;
	PERFORM crm.refresh_log_stage(run.run_id, stage, 'purchases', t, n);

	-- Stage 3: one pass over interactions, tickets, feedback, contracts, opportunities.
	t := clock_timestamp(); stage := stage + 1;
	EXECUTE format($q$
		CREATE TEMP TABLE crm_activity ON COMMIT DROP AS
		SELECT customer_id,
			count(*) FILTER (WHERE kind IN ('login', 'feature_use') AND occurred_at > $1 - $4 * interval '1 day') AS usage_recent,
			count(*) FILTER (WHERE kind IN ('login', 'feature_use') AND occurred_at <= $1 - $4 * interval '1 day') AS usage_base,
			max(occurred_at) FILTER (WHERE kind NOT IN ('login', 'feature_use')) AS last_two_way
		FROM crm.interactions i
		WHERE i.occurred_at <= $1
		  AND i.occurred_at > $1 - greatest(4 * coalesce($4, 0), coalesce($5, 0)) * interval '1 day'
		  %s
		GROUP BY customer_id
	$q$, crm.refresh_scope_filter(incremental, 'i'))
	USING as_of, unit, rfm_window, usage_window, engagement_window, support_window, satisfaction_window;
	EXECUTE format($q$
		CREATE TEMP TABLE crm_service ON COMMIT DROP AS
		SELECT customer_id,
			sum(CASE priority WHEN 'urgent' THEN 3 WHEN 'important' THEN 2 ELSE 1 END) AS weighted_tickets
		FROM crm.tickets k
		WHERE k.opened_at <= $1 AND k.opened_at > $1 - coalesce($6, 0) * interval '1 day'
		  %s
		GROUP BY customer_id
	$q$, crm.refresh_scope_filter(incremental, 'k'))
	USING as_of, unit, rfm_window, usage_window, engagement_window, support_window, satisfaction_window;
	EXECUTE format($q$
		CREATE TEMP TABLE crm_voice ON COMMIT DROP AS
		SELECT DISTINCT ON (customer_id) customer_id, coalesce(nps::float8, (csat - 1) * 2.5) AS satisfaction
		FROM crm.feedback f
		WHERE f.answered_at <= $1 AND f.answered_at > $1 - coalesce($7, 0) * interval '1 day'
		  AND (f.nps IS NOT NULL OR f.csat IS NOT NULL)
		  %s
		ORDER BY customer_id, answered_at DESC, feedback_id DESC
	$q$, crm.refresh_scope_filter(incremental, 'f'))
	USING as_of, unit, rfm_window, usage_window, engagement_window, support_window, satisfaction_window;
	EXECUTE format($q$
		CREATE TEMP TABLE crm_commercial ON COMMIT DROP AS
		SELECT customer_id,
			coalesce(sum(annual_value) FILTER (WHERE active), 0) AS annual_contract_value,
			bool_or(active) AS has_active_contract,
			min(signed_at) AS first_signed_at,
			min(starts_on) AS first_start,
			min(CASE WHEN auto_renew OR ends_on IS NULL THEN 365 ELSE least(ends_on - ($1 AT TIME ZONE 'UTC')::date + 1, 365) END)
				FILTER (WHERE active) AS days_to_renewal
		FROM (SELECT k.*, k.status <> 'cancelled' AND k.starts_on <= ($1 AT TIME ZONE 'UTC')::date
					AND (k.ends_on IS NULL OR k.ends_on >= ($1 AT TIME ZONE 'UTC')::date) AS active
			  FROM crm.contracts k
			  WHERE k.status <> 'draft' AND k.signed_at <= $1
				%s) k
		GROUP BY customer_id
	$q$, crm.refresh_scope_filter(incremental, 'k'))
	USING as_of, unit, rfm_window, usage_window, engagement_window, support_window, satisfaction_window;
	EXECUTE format($q$
		CREATE TEMP TABLE crm_pipeline ON COMMIT DROP AS
		SELECT customer_id, sum(amount) AS open_pipeline
		FROM crm.opportunities o
		WHERE o.opened_at <= $1 AND (o.closed_at IS NULL OR o.closed_at > $1)
		  %s
		GROUP BY customer_id
	$q$, crm.refresh_scope_filter(incremental, 'o'))
	USING as_of, unit, rfm_window, usage_window, engagement_window, support_window, satisfaction_window;
	ANALYZE crm_activity, crm_service, crm_voice, crm_commercial, crm_pipeline;
	SELECT (SELECT count(*) FROM crm_activity) + (SELECT count(*) FROM crm_service) + (SELECT count(*) FROM crm_voice)
		 + (SELECT count(*) FROM crm_commercial) + (SELECT count(*) FROM crm_pipeline) INTO n;
	PERFORM crm.refresh_log_stage(run.run_id, stage, 'activity', t, n);

	-- Stage 4: CLV models: the newest fit if fresh enough, else refit (full runs only).
	t := clock_timestamp(); stage := stage + 1;
	SELECT m.model_id, m.model INTO tx_model_id, tx_model FROM crm.models m
	WHERE m.purpose = 'transactions' AND crm.model_kind(m.model) = model_kind AND crm.model_unit(m.model) = unit
	  AND m.as_of <= as_of
	  AND (refit IS NOT TRUE AND (incremental OR m.as_of > as_of - refit_days * interval '1 day'))
	ORDER BY m.as_of DESC, m.model_id DESC LIMIT 1;
	SELECT m.model_id, m.model INTO gg_model_id, gg_model FROM crm.models m
	WHERE m.purpose = 'spend' AND m.as_of <= as_of
	  AND (refit IS NOT TRUE AND (incremental OR m.as_of > as_of - refit_days * interval '1 day'))
	ORDER BY m.as_of DESC, m.model_id DESC LIMIT 1;
	n := 0;
	IF tx_model IS NULL AND NOT incremental AND refit IS DISTINCT FROM false THEN
		BEGIN
			EXECUTE format('SELECT crm.%I(x, t_x, age, %L) FROM crm_purchase_stats WHERE x IS NOT NULL',
						   'fit_' || model_kind, unit) INTO tx_model;
			INSERT INTO crm.models (as_of, purpose, model, customers)
			SELECT as_of, 'transactions', tx_model, count(*) FROM crm_purchase_stats WHERE x IS NOT NULL
			RETURNING model_id INTO tx_model_id;
			n := n + 1;
		EXCEPTION WHEN OTHERS THEN
			RAISE NOTICE 'crm.refresh: the % model could not be fitted (%); every customer gets the simple CLV', model_kind, SQLERRM;
			tx_model := NULL;
		END;
	END IF;
	IF gg_model IS NULL AND NOT incremental AND refit IS DISTINCT FROM false THEN
		BEGIN
			SELECT crm.fit_gamma_gamma(x, repeat_spend) INTO gg_model
			FROM crm_purchase_stats WHERE x > 0 AND repeat_spend > 0;
			INSERT INTO crm.models (as_of, purpose, model, customers)
			SELECT as_of, 'spend', gg_model, count(*) FROM crm_purchase_stats WHERE x > 0 AND repeat_spend > 0
			RETURNING model_id INTO gg_model_id;
			n := n + 1;
		EXCEPTION WHEN OTHERS THEN
			RAISE NOTICE 'crm.refresh: the Gamma-Gamma spend model could not be fitted (%); every customer gets the simple CLV', SQLERRM;
			gg_model := NULL;
		END;
	END IF;
	PERFORM crm.refresh_log_stage(run.run_id, stage, 'models', t, n);

	-- Stage 5: per-customer base metrics and CLV. Gamma-Gamma has a population
	-- mean spend (for customers without repeat purchases) only when q > 1.
	t := clock_timestamp(); stage := stage + 1;
	gg_has_mean := gg_model IS NOT NULL AND crm.model_param(gg_model, 'q') > 1;
	CREATE TEMP TABLE crm_base ON COMMIT DROP AS
	-- (day counts are float8: date_part, not extract, which gives numeric)
	SELECT c.customer_id, c.acquisition_cost, c.strategic_weight, c.created_at,
		p.first_purchase, p.last_purchase,
		date_part('epoch', as_of - p.last_purchase) / 86400 AS recency_days,
		coalesce(p.window_x + 1, 0)::integer AS frequency,
		CASE WHEN p.x IS NOT NULL THEN coalesce(p.monetary, 0) END AS monetary, coalesce(p.revenue_12m, 0) AS revenue_12m,
		p.x, p.t_x, p.age, p.repeat_spend,
		coalesce(k.annual_contract_value, 0) AS annual_contract_value,
		k.customer_id IS NOT NULL AS has_contract, coalesce(k.has_active_contract, false) AS has_active_contract,
		k.first_signed_at,
		date_part('epoch', as_of - least(c.created_at, p.first_purchase, k.first_start::timestamptz)) / 86400 AS relationship_days,
		coalesce(o.open_pipeline, 0) AS open_pipeline,
		-- float8 copies for the quantiles and scores (numeric to float8 goes
		-- through text: convert once, not in every use)
		CASE WHEN p.x IS NOT NULL THEN coalesce(p.monetary, 0)::float8 END AS monetary_value,
		greatest(coalesce(p.revenue_12m, 0), coalesce(k.annual_contract_value, 0))::float8 AS current_value,
		coalesce(o.open_pipeline, 0)::float8 AS pipeline_value,
		CASE WHEN a.usage_base > 0 THEN (a.usage_recent::float8 / usage_window) / (a.usage_base::float8 / (3 * usage_window)) END AS usage_ratio,
		coalesce(sv.weighted_tickets, 0)::float8 * 30.0 / support_window AS ticket_load,
		v.satisfaction,
		date_part('epoch', as_of - a.last_two_way) / 86400 AS days_since_two_way,
		CASE WHEN k.has_active_contract THEN k.days_to_renewal::float8 WHEN k.customer_id IS NOT NULL THEN 0 END AS days_to_renewal,
		-- age 0 (first purchase at as_of): alive, and expected to buy like a new customer.
		CASE WHEN tx_model IS NULL OR p.x IS NULL THEN NULL
			 WHEN p.age = 0 THEN 1.0
			 ELSE crm.p_alive(tx_model, p.x, p.t_x, p.age) END AS p_alive,
		CASE WHEN tx_model IS NULL OR p.x IS NULL THEN NULL
			 WHEN p.age = 0 THEN crm.expected_purchases(tx_model, horizon_units)
			 ELSE crm.conditional_expected_purchases(tx_model, horizon_units, p.x, p.t_x, p.age) END AS expected_purchases,
		CASE WHEN gg_model IS NOT NULL AND p.x IS NOT NULL AND (p.x > 0 OR gg_has_mean)
			 THEN crm.expected_spend(gg_model, p.x, greatest(p.repeat_spend, 0)) END AS expected_spend,
		CASE WHEN tx_model IS NOT NULL AND gg_model IS NOT NULL AND p.x IS NOT NULL AND (p.x > 0 OR gg_has_mean)
				  AND p.first_purchase <= as_of - min_history
				  AND p.age > 0
			 THEN crm.clv(tx_model, gg_model, p.x, p.t_x, p.age, greatest(p.repeat_spend, 0), horizon, discount) END AS model_clv
	FROM crm.customers c
	LEFT JOIN crm_purchase_stats p ON p.customer_id = c.customer_id
	LEFT JOIN crm_commercial k ON k.customer_id = c.customer_id
	LEFT JOIN crm_pipeline o ON o.customer_id = c.customer_id
	LEFT JOIN crm_activity a ON a.customer_id = c.customer_id
	LEFT JOIN crm_service sv ON sv.customer_id = c.customer_id
	LEFT JOIN crm_voice v ON v.customer_id = c.customer_id
	-- a full run scores every customer: no join with crm_target
	WHERE NOT incremental OR c.customer_id IN (SELECT customer_id FROM crm_target)
	-- in key order: the writes below then walk customer_scores, its history
	-- and their indexes in order instead of at random (the hash joins above
	-- emit rows in hash order)
	ORDER BY c.customer_id;
	GET DIAGNOSTICS n = ROW_COUNT;
	scored_customers := n;
	ANALYZE crm_base;
	PERFORM crm.refresh_log_stage(run.run_id, stage, 'clv', t, n);

	-- Stage 6: quantile cut points (full runs compute them; incremental runs reuse the last full run's).
	t := clock_timestamp(); stage := stage + 1;
	IF incremental THEN
		cuts := full_run.details -> 'cuts';
		r_cuts := ARRAY(SELECT jsonb_array_elements_text(cuts -> 'recency')::float8);
		f_cuts := ARRAY(SELECT jsonb_array_elements_text(cuts -> 'frequency')::float8);
		m_cuts := ARRAY(SELECT jsonb_array_elements_text(cuts -> 'monetary')::float8);
		cur_cuts := ARRAY(SELECT jsonb_array_elements_text(cuts -> 'current_value')::float8);
		pot_cuts := ARRAY(SELECT jsonb_array_elements_text(cuts -> 'potential_value')::float8);
		rep_cuts := ARRAY(SELECT jsonb_array_elements_text(cuts -> 'repeat_rate')::float8);
		ten_cuts := ARRAY(SELECT jsonb_array_elements_text(cuts -> 'tenure')::float8);
	ELSE
		SELECT percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY recency_days),
			percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY frequency) FILTER (WHERE first_purchase IS NOT NULL),
			percentile_cont(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (ORDER BY monetary_value) FILTER (WHERE first_purchase IS NOT NULL),
			percentile_cont(pcts) WITHIN GROUP (ORDER BY current_value),
			percentile_cont(pcts) WITHIN GROUP (ORDER BY coalesce(model_clv, 0) + pipeline_value),
			percentile_cont(pcts) WITHIN GROUP (ORDER BY x / nullif(age, 0)),
			percentile_cont(pcts) WITHIN GROUP (ORDER BY relationship_days)
		INTO r_cuts, f_cuts, m_cuts, cur_cuts, pot_cuts, rep_cuts, ten_cuts
		FROM crm_base;
		-- No data for a quantity: every customer gets the middle score.
		r_cuts := coalesce(r_cuts, ARRAY[0, 0, 0, 0]::float8[]);
		f_cuts := coalesce(f_cuts, ARRAY[0, 0, 0, 0]::float8[]);
		m_cuts := coalesce(m_cuts, ARRAY[0, 0, 0, 0]::float8[]);
		cur_cuts := coalesce(cur_cuts, ARRAY[0, 0]::float8[]);
		pot_cuts := coalesce(pot_cuts, ARRAY[0, 0]::float8[]);
		rep_cuts := coalesce(rep_cuts, ARRAY[0, 0]::float8[]);
		ten_cuts := coalesce(ten_cuts, ARRAY[0, 0]::float8[]);
		cuts := jsonb_build_object('recency', r_cuts, 'frequency', f_cuts, 'monetary', m_cuts, 'current_value', cur_cuts,
								   'potential_value', pot_cuts, 'repeat_rate', rep_cuts, 'tenure', ten_cuts);
	END IF;
	PERFORM crm.refresh_log_stage(run.run_id, stage, 'quantiles', t, NULL);

	-- Stage 7: trends against the history snapshots 7, 30 and 90 days back (read
	-- before this run writes its own snapshot).
	t := clock_timestamp(); stage := stage + 1;
	CREATE TEMP TABLE crm_trend ON COMMIT DROP AS
	WITH back AS (
		SELECT days, (SELECT max(h.snapshot_date) FROM crm.customer_score_history h WHERE h.snapshot_date <= snap - days) AS d
		FROM unnest(ARRAY[7, 30, 90]) days)
	SELECT h.customer_id,
		max(h.health_score) FILTER (WHERE b.days = 7) AS h7,
		max(h.health_score) FILTER (WHERE b.days = 30) AS h30,
		max(h.health_score) FILTER (WHERE b.days = 90) AS h90
	FROM back b JOIN crm.customer_score_history h ON h.snapshot_date = b.d
	WHERE NOT incremental OR h.customer_id IN (SELECT customer_id FROM crm_target)
	GROUP BY h.customer_id;
	GET DIAGNOSTICS n = ROW_COUNT;
	ANALYZE crm_trend;
	PERFORM crm.refresh_log_stage(run.run_id, stage, 'trends', t, n);

	-- Stage 8: scores (RFM, value, tier, health, lifecycle), rules compiled to
	-- SQL, written in the same statement: the current scores, the day's
	-- snapshot (from the RETURNING rows) and tier/stage on customers. A wide
	-- temp table of scores in between would cost more than the scoring itself.
	t := clock_timestamp(); stage := stage + 1;
	-- The segment of each (R, FM) cell, as an array indexed (R - 1) * 5 + FM.
	cells := ARRAY(
		SELECT (SELECT s.segment FROM crm.rfm_segments_effective s
				WHERE r BETWEEN s.r_min AND s.r_max AND fm BETWEEN s.fm_min AND s.fm_max
				ORDER BY s.priority, s.segment LIMIT 1)
		FROM generate_series(1, 5) r, generate_series(1, 5) fm
		ORDER BY r, fm);
	EXECUTE format($sql$
	WITH rfm AS (
		SELECT b.*,
			CASE WHEN first_purchase IS NOT NULL THEN crm.quantile_score(recency_days, %1$L::float8[], false) END AS r_score,
			CASE WHEN first_purchase IS NOT NULL THEN crm.quantile_score(frequency, %2$L::float8[], true) END AS f_score,
			CASE WHEN first_purchase IS NOT NULL THEN crm.quantile_score(monetary_value, %3$L::float8[], true) END AS m_score,
			CASE WHEN model_clv IS NOT NULL THEN model_clv
				 ELSE current_value * %4$L::float8 * %5$L::float8 - acquisition_cost::float8 END AS clv,
			CASE WHEN model_clv IS NOT NULL THEN 'model' ELSE 'simple' END AS clv_method,
			crm.percentile_position(current_value, %6$L::float8[]) AS current_part,
			crm.percentile_position(coalesce(model_clv, 0) + pipeline_value, %7$L::float8[]) AS potential_part,
			100.0 * strategic_weight AS strategic_part,
			CASE WHEN age > 0 THEN crm.percentile_position(x / age, %8$L::float8[]) END AS repeat_part,
			crm.percentile_position(relationship_days, %9$L::float8[]) AS tenure_part
		FROM crm_base b
	), valued AS (
		SELECT rfm.*,
			(%10$L::float8 * current_part + %11$L::float8 * potential_part + %12$L::float8 * strategic_part)
				/ (%10$L::float8 + %11$L::float8 + %12$L::float8) AS value_score,
			(coalesce(100.0 * p_alive, 0) + coalesce(repeat_part, 0) + tenure_part)
				/ (1 + (p_alive IS NOT NULL)::int + (repeat_part IS NOT NULL)::int) AS loyalty_score,
			%13$s AS health_score,
			%14$s AS health_explanation,
			%15$s AS health_missing
		FROM rfm
	), banded AS (
		SELECT valued.*, %18$s AS health_band
		FROM valued
	), ruled AS (
		SELECT banded.*, (%21$L::text[])[(r_score - 1) * 5 + (f_score + m_score + 1) / 2] AS rfm_segment,
			%16$s AS tier_and_rule,
			%17$s AS stage_and_rule
		FROM banded
	), scored AS (
	SELECT customer_id, first_purchase, last_purchase, recency_days, frequency, monetary, revenue_12m, x, t_x, age,
		repeat_spend, r_score, f_score, m_score, r_score::text || f_score::text || m_score::text AS rfm_cell, rfm_segment,
		p_alive, expected_purchases, expected_spend, clv, clv_method, annual_contract_value, relationship_days,
		(tier_and_rule)[1]::crm.tier AS tier, (tier_and_rule)[2] AS tier_rule, value_score,
		crm.value_parts(current_part, potential_part, strategic_part) AS value_parts,
		loyalty_score,
		CASE WHEN value_score >= %19$L::float8 THEN 'high_value' ELSE 'low_value' END || '_' ||
		CASE WHEN loyalty_score >= %20$L::float8 THEN 'high_loyalty' ELSE 'low_loyalty' END AS value_quadrant,
		health_score, health_band, health_explanation, health_missing,
		(stage_and_rule)[1]::crm.lifecycle_stage AS lifecycle_stage, (stage_and_rule)[2] AS lifecycle_rule
	FROM ruled
	), written AS (
	INSERT INTO crm.customer_scores AS cs (customer_id, as_of, computed_at, first_purchase, last_purchase, recency_days,
		frequency, monetary, revenue_12m, x, t_x, age, repeat_spend, r_score, f_score, m_score, rfm_cell, rfm_segment,
		p_alive, expected_purchases, expected_spend, clv, clv_method, annual_contract_value, relationship_days, tier,
		tier_rule, value_score, value_parts, loyalty_score, value_quadrant, health_score, health_band,
		health_explanation, health_missing, health_delta_7d, health_delta_30d, health_delta_90d, lifecycle_stage,
		lifecycle_rule)
	SELECT s.customer_id, $1, clock_timestamp(), s.first_purchase, s.last_purchase, s.recency_days,
		s.frequency, s.monetary, s.revenue_12m, s.x, s.t_x, s.age, s.repeat_spend, s.r_score, s.f_score, s.m_score,
		s.rfm_cell, s.rfm_segment, s.p_alive, s.expected_purchases, s.expected_spend, s.clv, s.clv_method,
		s.annual_contract_value, s.relationship_days, s.tier, s.tier_rule, s.value_score, s.value_parts,
		s.loyalty_score, s.value_quadrant, s.health_score, s.health_band, s.health_explanation, s.health_missing,
		s.health_score - tr.h7, s.health_score - tr.h30, s.health_score - tr.h90, s.lifecycle_stage, s.lifecycle_rule
	FROM scored s LEFT JOIN crm_trend tr ON tr.customer_id = s.customer_id
	ON CONFLICT (customer_id) DO UPDATE SET
		as_of = EXCLUDED.as_of, computed_at = EXCLUDED.computed_at, first_purchase = EXCLUDED.first_purchase,
		last_purchase = EXCLUDED.last_purchase, recency_days = EXCLUDED.recency_days, frequency = EXCLUDED.frequency,
		monetary = EXCLUDED.monetary, revenue_12m = EXCLUDED.revenue_12m, x = EXCLUDED.x, t_x = EXCLUDED.t_x,
		age = EXCLUDED.age, repeat_spend = EXCLUDED.repeat_spend, r_score = EXCLUDED.r_score,
		f_score = EXCLUDED.f_score, m_score = EXCLUDED.m_score, rfm_cell = EXCLUDED.rfm_cell,
		rfm_segment = EXCLUDED.rfm_segment, p_alive = EXCLUDED.p_alive,
		expected_purchases = EXCLUDED.expected_purchases, expected_spend = EXCLUDED.expected_spend,
		clv = EXCLUDED.clv, clv_method = EXCLUDED.clv_method, annual_contract_value = EXCLUDED.annual_contract_value,
		relationship_days = EXCLUDED.relationship_days, tier = EXCLUDED.tier, tier_rule = EXCLUDED.tier_rule,
		value_score = EXCLUDED.value_score, value_parts = EXCLUDED.value_parts,
		loyalty_score = EXCLUDED.loyalty_score, value_quadrant = EXCLUDED.value_quadrant,
		health_score = EXCLUDED.health_score, health_band = EXCLUDED.health_band,
		health_explanation = EXCLUDED.health_explanation, health_missing = EXCLUDED.health_missing,
		health_delta_7d = EXCLUDED.health_delta_7d, health_delta_30d = EXCLUDED.health_delta_30d,
		health_delta_90d = EXCLUDED.health_delta_90d, lifecycle_stage = EXCLUDED.lifecycle_stage,
		lifecycle_rule = EXCLUDED.lifecycle_rule
	RETURNING cs.customer_id, cs.rfm_segment, cs.tier, cs.value_score, cs.clv, cs.p_alive, cs.health_score,
		cs.health_band, cs.lifecycle_stage
	), snapped AS (
	-- the day's snapshot: the values just written
	INSERT INTO crm.customer_score_history AS h (customer_id, snapshot_date, as_of, rfm_segment, tier, value_score, clv,
		p_alive, health_score, health_band, lifecycle_stage)
	SELECT w.customer_id, $2, $1, w.rfm_segment, w.tier, w.value_score, w.clv, w.p_alive,
		w.health_score, w.health_band, w.lifecycle_stage
	FROM written w
	ON CONFLICT (snapshot_date, customer_id) DO UPDATE SET
		as_of = EXCLUDED.as_of, rfm_segment = EXCLUDED.rfm_segment, tier = EXCLUDED.tier,
		value_score = EXCLUDED.value_score, clv = EXCLUDED.clv, p_alive = EXCLUDED.p_alive,
		health_score = EXCLUDED.health_score, health_band = EXCLUDED.health_band,
		lifecycle_stage = EXCLUDED.lifecycle_stage
	RETURNING 1
	), staged AS (
	UPDATE crm.customers c SET tier = w.tier,
		lifecycle_stage = w.lifecycle_stage,
		lifecycle_changed_at = CASE WHEN c.lifecycle_stage IS DISTINCT FROM w.lifecycle_stage THEN $1 ELSE c.lifecycle_changed_at END
	FROM written w
	WHERE w.customer_id = c.customer_id
	  AND (c.tier IS DISTINCT FROM w.tier OR c.lifecycle_stage IS DISTINCT FROM w.lifecycle_stage)
	RETURNING 1
	)
	SELECT (SELECT count(*) FROM written), (SELECT count(*) FROM snapped), (SELECT count(*) FROM staged)
	$sql$,
		r_cuts, f_cuts, m_cuts, clv_margin, clv_years, cur_cuts, pot_cuts, rep_cuts, ten_cuts,
		w_cur, w_pot, w_str, health[1], health[2], health[3],
		crm.tier_rules_sql(), crm.lifecycle_rules_sql(as_of), health[4],
		high_value, high_loyalty, cells)
	INTO n, n_snapshots, n_staged USING as_of, snap;
	PERFORM crm.refresh_log_stage(run.run_id, stage, 'scores', t, n);

	-- Stage 10: territories, when crm_postgis is installed.
	IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'crm_postgis') THEN
		t := clock_timestamp(); stage := stage + 1;
		EXECUTE 'SELECT (crm_postgis.assign_territories(dry_run => false) ->> ''changed'')::bigint' INTO n;
		PERFORM crm.refresh_log_stage(run.run_id, stage, 'territories', t, n);
	END IF;

	UPDATE crm.refresh_runs r SET finished_at = clock_timestamp(), status = 'done',
		customers = scored_customers,
		details = jsonb_build_object('cuts', cuts, 'transactions_model_id', tx_model_id, 'spend_model_id', gg_model_id,
									 'unit', unit, 'clv_model', model_kind, 'snapshots', n_snapshots,
									 'stage_changes', n_staged,
									 -- the weights behind every row's value_parts and health_explanation
									 'value_weights', jsonb_build_object('current', w_cur, 'potential', w_pot, 'strategic', w_str),
									 'health_weights', health_weights)
	WHERE r.run_id = run.run_id
	RETURNING * INTO run;
	-- Later writes in the caller's transaction are events again.
	PERFORM set_config('crm.in_refresh', 'off', true);
	RAISE NOTICE 'crm.refresh: % customers rescored as of % UTC (% refresh, run %)', run.customers,
		to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), run.mode, run.run_id;
	RETURN run;
END
$refresh$;
COMMENT ON FUNCTION crm.refresh(timestamptz, boolean, boolean, boolean) IS
	'Recomputes customers'' scores as of as_of into crm.customer_scores and crm.customer_score_history: all customers, or (incremental) those with new events since the last refresh; one refresh at a time (wait => true waits for a running one, else it is skipped with a NOTICE); refit => true forces new CLV models, false forbids fitting';
