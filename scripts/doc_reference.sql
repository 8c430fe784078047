-- Prints docs/reference.md from the catalog: every function, aggregate,
-- view, table and type of crm and crm_postgis with its signature, volatility,
-- columns and COMMENT, and the examples of sql/doc_examples.sql with their
-- output from expected/doc_examples.out. scripts/docs.sh writes it; test/sh/docs_complete.sh
-- checks that the committed file is current.
\pset format unaligned
\pset tuples_only on
\pset footer off
-- Which objects need an example (shared with test/sh/docs_complete.sh): view doc_objects.
\ir doc_objects.sql
-- The examples with their real output: the blocks of expected/doc_examples.out
-- (the pg_regress output of sql/doc_examples.sql), each from a line
-- "-- example: NAME" up to the next "-- example:" or "-- setup" line. Read
-- client-side (run from the repository root); CSV with delimiter and quote
-- characters that never occur, so every line arrives verbatim.
CREATE TEMP TABLE doc_example_lines (n bigint GENERATED ALWAYS AS IDENTITY, line text);
\copy doc_example_lines (line) FROM 'expected/doc_examples.out' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02')
CREATE TEMP VIEW doc_examples AS
WITH l AS (
	SELECT n, coalesce(line, '') AS line, substring(line FROM '^-- example: (\S+)$') AS marker,
		coalesce(line ~ '^-- (example:|setup)', false) AS boundary
	FROM doc_example_lines),
b AS (SELECT l.*, count(*) FILTER (WHERE boundary) OVER (ORDER BY n) AS block FROM l),
blocks AS (
	SELECT max(marker) AS name, block,
		rtrim(string_agg(line, E'\n' ORDER BY n) FILTER (WHERE NOT boundary AND line !~ '^\\set VERBOSITY'), E'\n') AS body
	FROM b WHERE block > 0 GROUP BY block)
SELECT name, string_agg(body, E'\n\n' ORDER BY block) AS body, 'example-' || name AS anchor
FROM blocks WHERE name IS NOT NULL GROUP BY name;
WITH ext AS (SELECT oid, extname FROM pg_extension WHERE extname IN ('crm', 'crm_postgis')),
members AS (
	SELECT e.extname, d.classid, d.objid FROM pg_depend d JOIN ext e ON d.refobjid = e.oid
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'),
funcs AS (
	SELECT m.extname, p.prokind, n.nspname || '.' || p.proname AS name,
		format('`%s.%s(%s)`', n.nspname, p.proname, pg_get_function_arguments(p.oid)) AS signature,
		CASE WHEN p.prokind = 'a' THEN format_type(p.prorettype, NULL) ELSE pg_get_function_result(p.oid) END AS returns,
		concat_ws(' ', CASE p.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END,
			CASE WHEN p.proisstrict THEN 'STRICT' END,
			CASE p.proparallel WHEN 's' THEN 'PARALLEL SAFE' WHEN 'r' THEN 'PARALLEL RESTRICTED' END,
			CASE WHEN p.prosecdef THEN 'SECURITY DEFINER' END) AS labels,
		l.lanname AS language, coalesce(obj_description(p.oid, 'pg_proc'), '') AS description
	FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang),
rels AS (
	SELECT m.extname, c.oid, c.relkind, n.nspname || '.' || c.relname AS name,
		coalesce(obj_description(c.oid, 'pg_class'), '') AS description,
		EXISTS (SELECT 1 FROM pg_extension e WHERE c.oid = ANY (e.extconfig)) AS config
	FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v')),
types AS (
	SELECT m.extname, n.nspname || '.' || t.typname AS name, t.typtype,
		(SELECT string_agg('`' || e.enumlabel || '`', ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid) AS labels,
		coalesce(obj_description(t.oid, 'pg_type'), '') AS description
	FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
	JOIN pg_namespace n ON n.oid = t.typnamespace)
SELECT E'# Reference\n\n'
	|| E'Generated from the catalog by `make docs` (scripts/doc_reference.sql); the COMMENTs in the SQL are the\n'
	|| E'source. `make test` fails when this file is out of date. Guides with examples: [clv](clv.md),\n'
	|| E'[scoring](scoring.md), [automation](automation.md), [BI views](bi.md), [data model](data-model.md),\n'
	|| E'[PostGIS](postgis.md), [sample data](sample-data.md), [operations](operations.md).\n'
	|| E'\n[Examples](#examples) of every function, aggregate, view and config table come from the regression test\n'
	|| E'sql/doc_examples.sql with their output in expected/doc_examples.out, so they show real results and\n'
	|| E'`make test` fails when one changes; they run on the sample data of [sample data](sample-data.md).\n'
	|| (SELECT string_agg(section, '' ORDER BY ord) FROM (
		SELECT 1 AS ord, E'\n## Functions\n\n| function | returns | labels | language | description | example |\n|---|---|---|---|---|---|\n'
			|| string_agg(format(E'| %s | `%s` | %s | %s | %s | %s |\n', replace(f.signature, '|', '\|'), f.returns, f.labels, f.language,
				replace(f.description, '|', '\|'), coalesce('[example](#' || x.anchor || ')', '')), '' ORDER BY f.name, f.signature) AS section
		FROM funcs f LEFT JOIN doc_examples x ON x.name = f.name WHERE f.prokind <> 'a'
		UNION ALL
		SELECT 2, E'\n## Aggregates\n\n| aggregate | returns | labels | description | example |\n|---|---|---|---|---|\n'
			|| string_agg(format(E'| %s | `%s` | %s | %s | %s |\n', f.signature, f.returns, f.labels, replace(f.description, '|', '\|'),
				coalesce('[example](#' || x.anchor || ')', '')), '' ORDER BY f.name, f.signature)
		FROM funcs f LEFT JOIN doc_examples x ON x.name = f.name WHERE f.prokind = 'a'
		UNION ALL
		SELECT 3, E'\n## Views\n' || string_agg(format(E'\n### %s\n\n%s%s\n\n| column | type | meaning |\n|---|---|---|\n%s',
				r.name, r.description, coalesce(' ([example](#' || x.anchor || '))', ''),
				(SELECT string_agg(format(E'| `%s` | %s | %s |\n', a.attname, format_type(a.atttypid, a.atttypmod),
					replace(coalesce(col_description(r.oid, a.attnum), ''), '|', '\|')), '' ORDER BY a.attnum)
				 FROM pg_attribute a WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped)), '' ORDER BY r.name)
		FROM rels r LEFT JOIN doc_examples x ON x.name = r.name WHERE r.relkind = 'v'
		UNION ALL
		SELECT 4, E'\n## Tables\n\nConfig tables are kept by pg_dump (`pg_extension_config_dump`). Columns: [data model](data-model.md).\n\n'
			|| E'| table | kept by pg_dump | description | example |\n|---|---|---|---|\n'
			|| string_agg(format(E'| `%s` | %s | %s | %s |\n', r.name, CASE WHEN r.config THEN 'yes' ELSE 'no' END,
				replace(r.description, '|', '\|'), coalesce('[example](#' || x.anchor || ')', '')), '' ORDER BY r.name)
		FROM rels r LEFT JOIN doc_examples x ON x.name = r.name WHERE r.relkind = 'r'
		UNION ALL
		SELECT 5, E'\n## Types\n\n| type | values | description |\n|---|---|---|\n'
			|| string_agg(format(E'| `%s` | %s | %s |\n', t.name, coalesce(t.labels, CASE t.typtype WHEN 'c' THEN 'composite' ELSE 'base type' END),
				replace(t.description, '|', '\|')), '' ORDER BY t.name)
		FROM types t
		UNION ALL
		SELECT 6, E'\n## Examples\n\nOne per function, aggregate, view and config table, in name order: the statements of\n'
			|| E'sql/doc_examples.sql and, below each, its output from expected/doc_examples.out. They run in order on\n'
			|| E'300 sample customers (`crm.load_sample(customers => 300, seed => 7, as_of => ''2026-06-30'')`) scored by\n'
			|| E'`crm.refresh(''2026-06-30'')`, so later examples see the effects of earlier ones.\n'
			|| string_agg(format(E'\n<a id="%s"></a>\n\n### %s (%s)\n\n```\n%s\n```\n', x.anchor, x.name,
				(SELECT string_agg(DISTINCT o.kind, ', ') FROM doc_objects o WHERE o.name = x.name), x.body), '' ORDER BY x.name)
		FROM doc_examples x) s);
