-- Sample data: a deterministic generator for the demo, tests and benchmarks
-- (C glue: src/sample.c, core: src/core/sample.c, docs: docs/sample-data.md).
--
-- Every generator takes (seed, first_no, last_no, as_of, purchases_per_customer)
-- and returns the rows of customers first_no..last_no; the same arguments
-- always give the same rows, and a customer's rows do not depend on the range.
-- Referenced ids follow from the customer number: customer_id = no,
-- contact_id and contract_id = (no - 1) * 4 + k (k = 1..4).

CREATE FUNCTION crm.sample_customers(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (customer_id bigint, external_id text, kind crm.customer_kind, name text,
	company text, email text, phone text, birthday date, industry text, region text,
	owner name, acquisition_cost numeric, created_at timestamptz)
AS 'MODULE_PATHNAME', 'sample_customers'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION crm.sample_customers(bigint, bigint, bigint, timestamptz, float8) IS
	'Sample customers first_no..last_no (deterministic in the seed); used by crm.load_sample';

CREATE FUNCTION crm.sample_contacts(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (contact_id bigint, customer_id bigint, name text, title text, email text,
	phone text, is_decision_maker boolean, created_at timestamptz)
AS 'MODULE_PATHNAME', 'sample_contacts'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION crm.sample_contacts(bigint, bigint, bigint, timestamptz, float8) IS
	'Sample contacts (1-4 per business customer) of customers first_no..last_no; used by crm.load_sample';

CREATE FUNCTION crm.sample_contracts(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (contract_id bigint, customer_id bigint, annual_value numeric,
	signed_at timestamptz, starts_on date, ends_on date, status crm.contract_status,
	renewal_of bigint, auto_renew boolean, attachments_signed boolean, created_at timestamptz)
AS 'MODULE_PATHNAME', 'sample_contracts'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION crm.sample_contracts(bigint, bigint, bigint, timestamptz, float8) IS
	'Sample contracts (1-year terms with renewal chains) of customers first_no..last_no; used by crm.load_sample';

CREATE FUNCTION crm.sample_purchases(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (customer_id bigint, purchased_at timestamptz, amount numeric,
	kind crm.purchase_kind, channel crm.channel)
AS 'MODULE_PATHNAME', 'sample_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10000;
COMMENT ON FUNCTION crm.sample_purchases(bigint, bigint, bigint, timestamptz, float8) IS
	'Sample purchases (Pareto/NBD timing, Gamma-Gamma spend) and refunds of customers first_no..last_no; used by crm.load_sample';

CREATE FUNCTION crm.sample_interactions(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (customer_id bigint, contact_id bigint, occurred_at timestamptz,
	kind crm.interaction_kind, direction crm.direction, channel crm.channel,
	feature text, notes text, converted boolean)
AS 'MODULE_PATHNAME', 'sample_interactions'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10000;
COMMENT ON FUNCTION crm.sample_interactions(bigint, bigint, bigint, timestamptz, float8) IS
	'Sample usage events and touch points of customers first_no..last_no; used by crm.load_sample';

CREATE FUNCTION crm.sample_tickets(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (customer_id bigint, category crm.ticket_category, priority crm.ticket_priority,
	subject text, opened_at timestamptz, first_response_at timestamptz,
	resolved_at timestamptz, satisfaction smallint)
AS 'MODULE_PATHNAME', 'sample_tickets'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION crm.sample_tickets(bigint, bigint, bigint, timestamptz, float8) IS
	'Sample support tickets of customers first_no..last_no; used by crm.load_sample';

CREATE FUNCTION crm.sample_feedback(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (customer_id bigint, answered_at timestamptz, nps smallint, csat smallint,
	ces smallint, comment text)
AS 'MODULE_PATHNAME', 'sample_feedback'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION crm.sample_feedback(bigint, bigint, bigint, timestamptz, float8) IS
	'Sample NPS/CSAT/CES answers of customers first_no..last_no; used by crm.load_sample';

CREATE FUNCTION crm.sample_opportunities(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (customer_id bigint, name text, stage crm.pipeline_stage, amount numeric,
	owner name, opened_at timestamptz, stage_changed_at timestamptz, expected_close date,
	closed_at timestamptz)
AS 'MODULE_PATHNAME', 'sample_opportunities'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION crm.sample_opportunities(bigint, bigint, bigint, timestamptz, float8) IS
	'Sample sales opportunities of business customers first_no..last_no; used by crm.load_sample';

CREATE FUNCTION crm.sample_truth(seed bigint, first_no bigint, last_no bigint,
	as_of timestamptz, purchases_per_customer float8)
RETURNS TABLE (customer_id bigint, kind crm.customer_kind, declining boolean,
	purchase_rate_per_day float8, dropout_rate_per_day float8, dropout_at timestamptz,
	mean_spend float8, usage_rate_per_day float8)
AS 'MODULE_PATHNAME', 'sample_truth'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION crm.sample_truth(bigint, bigint, bigint, timestamptz, float8) IS
	'Latent behaviour behind the sample customers (purchase and dropout rates, dropout time, mean spend, decline): ground truth for validating models';

-- Loads sample data into an empty crm (refuses otherwise); returns rows per table.
CREATE FUNCTION crm.load_sample(customers integer DEFAULT 2000, seed bigint DEFAULT 42,
	as_of timestamptz DEFAULT '2026-06-30 00:00+00', purchases_per_customer float8 DEFAULT 10)
RETURNS TABLE (table_name text, row_count bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	chunk constant bigint := 100000;	-- customers per INSERT batch
	ppc constant float8 := purchases_per_customer;
	n constant bigint := customers;
	lo bigint;
	hi bigint;
	k bigint;
	counts bigint[] := ARRAY[0, 0, 0, 0, 0, 0, 0, 0];
	loaded constant regclass[] := ARRAY['crm.customers', 'crm.contacts', 'crm.contracts',
		'crm.purchases', 'crm.interactions', 'crm.tickets', 'crm.feedback', 'crm.opportunities'];
	item record;
	rebuild text[] := '{}';
	stmt text;
BEGIN
	IF n IS NULL OR n < 1 OR n > 10000000 THEN
		RAISE EXCEPTION 'customers % is out of range: allowed 1 to 10000000', coalesce(n::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Pass the number of sample customers to create, e.g. 2000.';
	END IF;
	IF seed IS NULL OR as_of IS NULL OR ppc IS NULL THEN
		RAISE EXCEPTION 'seed, as_of and purchases_per_customer must not be NULL'
			USING ERRCODE = 'null_value_not_allowed',
				  HINT = 'Omit an argument to use its default.';
	END IF;
	-- argument ranges are checked by the generators; check them before locking
	PERFORM 1 FROM crm.sample_customers(seed, 1, 0, as_of, ppc);

	-- Nothing stored is ever overwritten: only an empty crm is loaded.
	LOCK TABLE crm.customers IN SHARE ROW EXCLUSIVE MODE;
	IF EXISTS (SELECT 1 FROM crm.customers) THEN
		RAISE EXCEPTION 'crm.customers is not empty: sample data is only loaded into an empty crm'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('crm.customers holds %s rows.', (SELECT count(*) FROM crm.customers)),
				  HINT = 'Remove earlier sample data with SELECT crm.clear_sample(), or load into a fresh database.';
	END IF;

	-- All child tables are empty too (they reference customers): restart their
	-- ids so that the same arguments give byte-identical rows.
	PERFORM setval(pg_get_serial_sequence('crm.purchases', 'purchase_id'), 1, false),
			setval(pg_get_serial_sequence('crm.interactions', 'interaction_id'), 1, false),
			setval(pg_get_serial_sequence('crm.tickets', 'ticket_id'), 1, false),
			setval(pg_get_serial_sequence('crm.feedback', 'feedback_id'), 1, false),
			setval(pg_get_serial_sequence('crm.opportunities', 'opportunity_id'), 1, false);

	-- Bulk load: per-row foreign-key checks and index insertions would cost
	-- several times the load itself, so the loaded tables' foreign keys,
	-- secondary indexes and unreferenced keys are dropped here and rebuilt
	-- below (each index by one sort, each foreign key re-validated by one
	-- join). All in this transaction: an error undoes it.
	-- Indexes are rebuilt first (they speed up the checks), with their comments.
	FOR item IN
		SELECT format('DROP INDEX %s', i.indexrelid::regclass) AS undo,
			   pg_get_indexdef(i.indexrelid) AS redo,
			   format('COMMENT ON INDEX %s IS %L', i.indexrelid::regclass,
					  obj_description(i.indexrelid, 'pg_class')) AS note
		FROM pg_index i
		WHERE i.indrelid = ANY (loaded)
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c
						  WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
		ORDER BY i.indrelid, i.indexrelid
	LOOP
		EXECUTE item.undo;
		rebuild := rebuild || item.redo;
		IF item.note IS NOT NULL THEN
			rebuild := rebuild || item.note;
		END IF;
	END LOOP;
	FOR item IN
		SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS undo,
			   format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
					  pg_get_constraintdef(c.oid)) AS redo,
			   format('COMMENT ON CONSTRAINT %I ON %s IS %L', c.conname, c.conrelid::regclass,
					  obj_description(c.oid, 'pg_constraint')) AS note
		FROM pg_constraint c
		WHERE c.conrelid = ANY (loaded)
		  AND (c.contype = 'f'
			   -- keys no foreign key refers to (the event tables' ids): one sort each
			   OR (c.contype IN ('p', 'u')
				   AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.conindid = c.conindid)))
		ORDER BY c.contype = 'f', c.conrelid, c.conname
	LOOP
		EXECUTE item.undo;
		rebuild := rebuild || item.redo;
		IF item.note IS NOT NULL THEN
			rebuild := rebuild || item.note;
		END IF;
	END LOOP;

	-- User triggers (e.g. the scoring engine's statement triggers that mark
	-- customers dirty) are switched off for the load and back on after it;
	-- the customers are then marked dirty in one statement.
	FOR item IN
		SELECT format('ALTER TABLE %s DISABLE TRIGGER %I', t.tgrelid::regclass, t.tgname) AS undo,
			   format('ALTER TABLE %s ENABLE TRIGGER %I', t.tgrelid::regclass, t.tgname) AS redo
		FROM pg_trigger t
		WHERE t.tgrelid = ANY (loaded) AND NOT t.tgisinternal AND t.tgenabled = 'O'
		ORDER BY t.tgrelid, t.tgname
	LOOP
		EXECUTE item.undo;
		rebuild := rebuild || item.redo;
	END LOOP;

	-- Batches in customer order, parents before children.
	lo := 1;
	WHILE lo <= n LOOP
		hi := least(lo + chunk - 1, n);
		INSERT INTO crm.customers (customer_id, external_id, kind, name, company, email, phone,
			birthday, industry, region, owner, acquisition_cost, attributes, created_at,
			updated_at, lifecycle_changed_at)
		OVERRIDING SYSTEM VALUE
		SELECT s.customer_id, s.external_id, s.kind, s.name, s.company, s.email, s.phone,
			s.birthday, s.industry, s.region, s.owner, s.acquisition_cost, '{"sample": true}',
			s.created_at, s.created_at, s.created_at
		FROM crm.sample_customers(seed, lo, hi, as_of, ppc) s;
		GET DIAGNOSTICS k = ROW_COUNT;
		counts[1] := counts[1] + k;

		INSERT INTO crm.contacts (contact_id, customer_id, name, title, email, phone,
			is_decision_maker, created_at)
		OVERRIDING SYSTEM VALUE
		SELECT * FROM crm.sample_contacts(seed, lo, hi, as_of, ppc);
		GET DIAGNOSTICS k = ROW_COUNT;
		counts[2] := counts[2] + k;

		INSERT INTO crm.contracts (contract_id, customer_id, annual_value, signed_at, starts_on,
			ends_on, status, renewal_of, auto_renew, attachments_signed, created_at)
		OVERRIDING SYSTEM VALUE
		SELECT * FROM crm.sample_contracts(seed, lo, hi, as_of, ppc);
		GET DIAGNOSTICS k = ROW_COUNT;
		counts[3] := counts[3] + k;

		INSERT INTO crm.purchases (customer_id, purchased_at, amount, kind, channel)
		SELECT * FROM crm.sample_purchases(seed, lo, hi, as_of, ppc);
		GET DIAGNOSTICS k = ROW_COUNT;
		counts[4] := counts[4] + k;

		INSERT INTO crm.interactions (customer_id, contact_id, occurred_at, kind, direction,
			channel, feature, notes, converted, note_kind)
		SELECT i.*, CASE WHEN i.notes LIKE 'Pain point:%' THEN 'pain_point' WHEN i.notes LIKE 'Needs:%' THEN 'need'
						 WHEN i.notes IS NOT NULL THEN 'general' END::crm.note_kind
		FROM crm.sample_interactions(seed, lo, hi, as_of, ppc) i;
		GET DIAGNOSTICS k = ROW_COUNT;
		counts[5] := counts[5] + k;

		INSERT INTO crm.tickets (customer_id, category, priority, subject, opened_at,
			first_response_at, resolved_at, satisfaction)
		SELECT * FROM crm.sample_tickets(seed, lo, hi, as_of, ppc);
		GET DIAGNOSTICS k = ROW_COUNT;
		counts[6] := counts[6] + k;

		INSERT INTO crm.feedback (customer_id, answered_at, nps, csat, ces, comment)
		SELECT * FROM crm.sample_feedback(seed, lo, hi, as_of, ppc);
		GET DIAGNOSTICS k = ROW_COUNT;
		counts[7] := counts[7] + k;

		-- (triggers are off during the load: furthest_stage is set here; a lost
		-- opportunity was lost at a stage derived from its customer and close time)
		INSERT INTO crm.opportunities (customer_id, name, stage, amount, owner, opened_at,
			stage_changed_at, expected_close, closed_at, furthest_stage)
		SELECT o.*, CASE WHEN o.stage <> 'lost' THEN o.stage
			ELSE (ARRAY['lead', 'qualified', 'demo', 'proposal', 'negotiation'])[1 + (o.customer_id + extract(epoch FROM o.closed_at)::bigint) % 5]::crm.pipeline_stage END
		FROM crm.sample_opportunities(seed, lo, hi, as_of, ppc) o;
		GET DIAGNOSTICS k = ROW_COUNT;
		counts[8] := counts[8] + k;

		lo := hi + 1;
	END LOOP;

	FOREACH stmt IN ARRAY rebuild LOOP
		EXECUTE stmt;
	END LOOP;
	IF to_regclass('crm.score_dirty') IS NOT NULL THEN
		EXECUTE 'INSERT INTO crm.score_dirty (customer_id) SELECT customer_id FROM crm.customers';
	END IF;
	FOREACH stmt IN ARRAY loaded::text[] LOOP
		EXECUTE format('ANALYZE %s', stmt);
	END LOOP;

	-- Later inserts continue after the explicit ids.
	PERFORM setval(pg_get_serial_sequence('crm.customers', 'customer_id'), n),
			setval(pg_get_serial_sequence('crm.contacts', 'contact_id'), n * 4),
			setval(pg_get_serial_sequence('crm.contracts', 'contract_id'), n * 4);

	RETURN QUERY SELECT t.name, t.cnt
		FROM unnest(ARRAY['customers', 'contacts', 'contracts', 'purchases', 'interactions',
						  'tickets', 'feedback', 'opportunities'], counts) AS t(name, cnt);
END
$$;
COMMENT ON FUNCTION crm.load_sample(integer, bigint, timestamptz, float8) IS
	'Loads deterministic sample data (customers with heterogeneous purchase and dropout rates, contacts, contracts, purchases, usage, tickets, feedback, opportunities) into an empty crm; returns rows per table';

-- Deletes the rows the generator made (sample customers and, by cascade, their rows).
CREATE FUNCTION crm.clear_sample() RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	removed bigint;
BEGIN
	DELETE FROM crm.customers c
	WHERE c.external_id LIKE 'sample-%' AND c.attributes @> '{"sample": true}';
	GET DIAGNOSTICS removed = ROW_COUNT;
	RETURN removed;
END
$$;
COMMENT ON FUNCTION crm.clear_sample() IS
	'Deletes the sample customers made by crm.load_sample and, through ON DELETE CASCADE, all their rows; other customers are kept. Returns the number of customers removed';

REVOKE EXECUTE ON FUNCTION crm.load_sample(integer, bigint, timestamptz, float8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION crm.clear_sample() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm.load_sample(integer, bigint, timestamptz, float8) TO crm_admin;
GRANT EXECUTE ON FUNCTION crm.clear_sample() TO crm_admin;
