-- Prints the Markdown reference of crm's tables from the catalog (names,
-- types, defaults, COMMENTs and constraints). Used by scripts/docs.sh to keep
-- docs/data-model.md in step with the SQL; run against a database with crm.
\pset format unaligned
\pset tuples_only on
SELECT string_agg(section, E'\n' ORDER BY relname)
FROM (
	SELECT c.relname,
		format(E'### crm.%s\n\n%s\n\n| column | type | null | default | meaning |\n|---|---|---|---|---|\n%s\n%s',
			c.relname,
			coalesce(obj_description(c.oid, 'pg_class'), ''),
			(SELECT string_agg(format('| `%s` | %s | %s | %s | %s |', a.attname,
					format_type(a.atttypid, a.atttypmod),
					CASE WHEN a.attnotnull THEN 'not null' ELSE '' END,
					CASE WHEN a.attidentity <> '' THEN 'identity'
						 ELSE replace(coalesce(pg_get_expr(d.adbin, d.adrelid), ''), '|', '\|') END,
					replace(coalesce(col_description(c.oid, a.attnum), ''), '|', '\|')), E'\n' ORDER BY a.attnum)
			 FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
			 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
			coalesce((SELECT E'\nConstraints:\n\n' || string_agg(format('- `%s`: `%s`', k.conname,
					replace(pg_get_constraintdef(k.oid), '|', '\|')), E'\n' ORDER BY k.conname) || E'\n'
			 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype IN ('c', 'u', 'f', 'x')), '')
		) AS section
	FROM pg_class c
	WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind = 'r'
) s;
