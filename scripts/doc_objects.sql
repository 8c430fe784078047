-- The objects of crm and crm_postgis that need an example in
-- sql/doc_examples.sql: the one place that says which objects are
-- user-facing. Included (\ir) by scripts/doc_reference.sql and by
-- test/sh/docs_complete.sh; creates the temporary view doc_objects
-- (kind, name, extname). Run psql with -q (both callers do). In scope: functions, aggregates, views and the
-- config tables users edit (tables whose COMMENT says "config table").
-- Out of scope: type input/output/send/receive functions, aggregate
-- transition/combine/final functions, trigger functions, and functions
-- whose COMMENT starts with 'Internal'.
CREATE TEMP VIEW doc_objects AS
WITH ext AS (SELECT oid, extname FROM pg_extension WHERE extname IN ('crm', 'crm_postgis')),
members AS (
	SELECT e.extname, d.classid, d.objid FROM pg_depend d JOIN ext e ON d.refobjid = e.oid
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')
SELECT DISTINCT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END AS kind,
	n.nspname || '.' || p.proname AS name, m.extname
FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prorettype <> 'trigger'::regtype
	AND coalesce(obj_description(p.oid, 'pg_proc'), '') NOT LIKE 'Internal%'
	AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
	AND NOT EXISTS (SELECT 1 FROM pg_aggregate a WHERE p.oid IN (a.aggtransfn, a.aggcombinefn, a.aggfinalfn))
UNION
SELECT CASE c.relkind WHEN 'r' THEN 'config table' ELSE 'view' END, n.nspname || '.' || c.relname, m.extname
FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm')
	OR (c.relkind = 'r' AND obj_description(c.oid, 'pg_class') LIKE '%config table%'
		AND EXISTS (SELECT 1 FROM pg_extension e WHERE c.oid = ANY (e.extconfig)));
