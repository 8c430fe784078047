-- Extension script security ("Security Considerations for Extension Scripts"):
-- trojan functions and operators planted in public, ahead of pg_catalog on the
-- search_path, must never be called by CREATE EXTENSION crm or by crm's engine.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
RESET client_min_messages;
SET client_min_messages = warning;
CREATE TABLE public.trojan_calls (called text, at timestamptz DEFAULT clock_timestamp());

-- A trojan per commonly used catalog function: logs the call, then behaves normally.
DO $plant$
DECLARE
	f record;
BEGIN
	FOR f IN SELECT * FROM (VALUES
		('now', '', 'timestamptz', 'pg_catalog.now()'),
		('btrim', 'text', 'text', 'pg_catalog.btrim($1)'),
		('lower', 'text', 'text', 'pg_catalog.lower($1)'),
		('upper', 'text', 'text', 'pg_catalog.upper($1)'),
		('length', 'text', 'integer', 'pg_catalog.length($1)'),
		('jsonb_typeof', 'jsonb', 'text', 'pg_catalog.jsonb_typeof($1)'),
		('jsonb_build_object', 'text, integer', 'jsonb', 'pg_catalog.jsonb_build_object($1, $2)'),
		('format', 'text, text', 'text', 'pg_catalog.format($1, $2)'),
		('md5', 'text', 'text', 'pg_catalog.md5($1)'),
		('abs', 'double precision', 'double precision', 'pg_catalog.abs($1)'),
		('exp', 'double precision', 'double precision', 'pg_catalog.exp($1)'),
		('ln', 'double precision', 'double precision', 'pg_catalog.ln($1)'),
		('sqrt', 'double precision', 'double precision', 'pg_catalog.sqrt($1)'),
		('random', '', 'double precision', 'pg_catalog.random()'),
		('date_trunc', 'text, timestamptz', 'timestamptz', 'pg_catalog.date_trunc($1, $2)'),
		('pg_advisory_xact_lock', 'bigint', 'void', 'pg_catalog.pg_advisory_xact_lock($1)'),
		('pg_try_advisory_xact_lock', 'bigint', 'boolean', 'pg_catalog.pg_try_advisory_xact_lock($1)'),
		('to_jsonb', 'anyelement', 'jsonb', 'pg_catalog.to_jsonb($1)'),
		('setval', 'regclass, bigint', 'bigint', 'pg_catalog.setval($1, $2)'),
		('pg_extension_config_dump', 'regclass, text', 'void', 'pg_catalog.pg_extension_config_dump($1, $2)')
	) AS t(name, args, ret, body)
	LOOP
		EXECUTE pg_catalog.format(
			'CREATE FUNCTION public.%I(%s) RETURNS %s LANGUAGE plpgsql AS $f$ BEGIN '
			'INSERT INTO public.trojan_calls (called) VALUES (%L); %s; END $f$',
			f.name, f.args, f.ret, f.name,
			CASE WHEN f.ret = 'void' THEN 'PERFORM ' || f.body || '; RETURN' ELSE 'RETURN ' || f.body END);
	END LOOP;
END
$plant$;

-- Trojan operators with the exact argument types of the catalog ones.
CREATE FUNCTION public.trojan_texteq(text, text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO public.trojan_calls (called) VALUES ('= (text)'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trojan_texteq);
CREATE FUNCTION public.trojan_int8eq(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO public.trojan_calls (called) VALUES ('= (bigint)'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR public.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = public.trojan_int8eq);
CREATE FUNCTION public.trojan_int4pl(integer, integer) RETURNS integer LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO public.trojan_calls (called) VALUES ('+ (integer)'); RETURN $1 OPERATOR(pg_catalog.+) $2; END $$;
CREATE OPERATOR public.+ (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.trojan_int4pl);
CREATE FUNCTION public.trojan_float8mul(float8, float8) RETURNS float8 LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO public.trojan_calls (called) VALUES ('* (float8)'); RETURN $1 OPERATOR(pg_catalog.*) $2; END $$;
CREATE OPERATOR public.* (LEFTARG = float8, RIGHTARG = float8, FUNCTION = public.trojan_float8mul);
CREATE FUNCTION public.trojan_jsonbeq(jsonb, jsonb) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO public.trojan_calls (called) VALUES ('= (jsonb)'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR public.= (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = public.trojan_jsonbeq);
CREATE FUNCTION public.trojan_textne(text, text) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN INSERT INTO public.trojan_calls (called) VALUES ('<> (text)'); RETURN $1 OPERATOR(pg_catalog.<>) $2; END $$;
CREATE OPERATOR public.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trojan_textne);

-- The trap works: an unqualified call from this session is caught.
SET search_path = public, pg_catalog;
SELECT now() IS NOT NULL AS trap_armed, 'a' = 'a' AS eq;
SELECT called AS trojans_catch_unqualified_calls FROM public.trojan_calls ORDER BY 1;
TRUNCATE public.trojan_calls;

-- Install and use crm with the hostile search_path.
CREATE EXTENSION crm;
SELECT crm.setting('time_unit');
SELECT crm.set_setting('clv_horizon_months', '24');
SELECT crm.set_setting('clv_horizon_months', NULL);
INSERT INTO crm.customers (external_id, name, email) VALUES ('t1', 'Trojan Test', 'a@b.example');
UPDATE crm.customers SET region = 'x' WHERE external_id OPERATOR(pg_catalog.=) 't1';
INSERT INTO crm.purchases (customer_id, purchased_at, amount)
SELECT customer_id, d, 10 FROM crm.customers, pg_catalog.generate_series(timestamptz '2024-01-01', '2024-03-01', '9 days') AS d;
SELECT (s).x, (s).t_x
FROM (SELECT crm.btyd_summary(purchased_at, amount, '2024-03-31', 'week') AS s FROM crm.purchases) q;
-- the engine end to end: sample data, refresh (fits and predictions), automation, outbox, report
DELETE FROM crm.customers;
SELECT sum(row_count) > 0 AS loaded FROM crm.load_sample(customers => 300, seed => 3, as_of => '2026-06-30');
SELECT status FROM crm.refresh('2026-06-30');
SELECT r ->> 'status' AS automation FROM crm.run_automation('2026-06-30') r;
SELECT count(*) > 0 AS claimed FROM crm.claim_messages(5, 'w');
SELECT to_char(month, 'YYYY-MM') AS report FROM crm.build_monthly_report('2026-06-01');
SELECT crm.p_alive(m.model, 2, 10, 30) BETWEEN 0 AND 1 AS p_alive_ok FROM crm.models m WHERE m.purpose OPERATOR(pg_catalog.=) 'transactions';
SELECT crm.cleanup('2026-06-30') ->> 'status' AS cleanup;
SELECT crm.clear_sample() > 0 AS cleared;

SELECT called, count(*) AS calls FROM public.trojan_calls GROUP BY called ORDER BY called;

-- Every SQL and PL/pgSQL function of crm pins its search_path; SECURITY DEFINER ones to pg_catalog, pg_temp
SELECT p.oid::regprocedure AS function_without_pinned_search_path
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'crm'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
  AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)
ORDER BY 1;
SELECT p.oid::regprocedure AS security_definer_function, p.proconfig
FROM pg_proc p WHERE p.pronamespace = 'crm'::regnamespace AND p.prosecdef ORDER BY 1;

-- cleanup
RESET search_path;
DROP EXTENSION crm CASCADE;
DROP TABLE public.trojan_calls CASCADE;
DROP OPERATOR public.= (text, text), public.= (bigint, bigint), public.+ (integer, integer),
	public.* (float8, float8), public.= (jsonb, jsonb), public.<> (text, text);
DROP FUNCTION public.trojan_texteq, public.trojan_int8eq, public.trojan_int4pl, public.trojan_float8mul,
	public.trojan_jsonbeq, public.trojan_textne, public.now(), public.btrim(text), public.lower(text),
	public.upper(text), public.length(text), public.jsonb_typeof(jsonb), public.jsonb_build_object(text, integer),
	public.format(text, text), public.md5(text), public.abs(float8), public.exp(float8), public.ln(float8),
	public.sqrt(float8), public.random(), public.date_trunc(text, timestamptz), public.pg_advisory_xact_lock(bigint),
	public.pg_try_advisory_xact_lock(bigint), public.to_jsonb(anyelement), public.setval(regclass, bigint),
	public.pg_extension_config_dump(regclass, text);
CREATE EXTENSION crm;
