#!/usr/bin/env bash
# Every SQL object of crm and crm_postgis (tables, views, functions,
# aggregates, types) has a COMMENT and an entry in docs/*.md, every column of
# every view has a COMMENT, docs/reference.md (generated from the
# catalog by `make docs`) is current, and every function, aggregate, view and
# config table that scripts/doc_objects.sql puts in scope has a
# "-- example: NAME" line in sql/doc_examples.sql.
set -euo pipefail
cd "$(dirname "$0")/../.."
PGBIN=/usr/lib/postgresql/15/bin
db=crm_docs_check
psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"; }
psql -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -d $db -c "CREATE EXTENSION crm"
postgis=no
if psql -d $db -c "CREATE EXTENSION postgis" -c "CREATE EXTENSION crm_postgis" 2>/dev/null; then postgis=yes; fi
objects=$(psql -d $db <<'SQL'
WITH ext AS (SELECT oid FROM pg_extension WHERE extname IN ('crm', 'crm_postgis')),
members AS (
	SELECT d.classid, d.objid FROM pg_depend d JOIN ext e ON d.refobjid = e.oid
	WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')
SELECT kind || ' ' || name || ' ' || has_comment FROM (
	SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' END AS kind,
		n.nspname || '.' || c.relname AS name, obj_description(c.oid, 'pg_class') IS NOT NULL AS has_comment
	FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'm')
	UNION ALL
	SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'function' END, n.nspname || '.' || p.proname,
		bool_and(obj_description(p.oid, 'pg_proc') IS NOT NULL)
	FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	JOIN pg_namespace n ON n.oid = p.pronamespace
	GROUP BY 1, 2
	UNION ALL
	SELECT 'type', n.nspname || '.' || t.typname, obj_description(t.oid, 'pg_type') IS NOT NULL
	FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
	JOIN pg_namespace n ON n.oid = t.typnamespace
	UNION ALL
	SELECT 'view-column', n.nspname || '.' || c.relname || '.' || a.attname, col_description(c.oid, a.attnum) IS NOT NULL
	FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid AND c.relkind = 'v'
	JOIN pg_namespace n ON n.oid = c.relnamespace
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
) o ORDER BY kind, name;
SQL
)
reference=$("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d $db -f scripts/doc_reference.sql)
# Objects that need an example (scripts/doc_objects.sql says which), as "name kind".
example_objects=$(psql -d $db -f scripts/doc_objects.sql -c "SELECT name || ' ' || kind FROM doc_objects ORDER BY name, kind")
psql -d postgres -c "DROP DATABASE $db"
missing_comment=$(echo "$objects" | awk '$3 != "true" {print $1 " " $2}')
undocumented=""
total=0
while read -r kind name flag; do
	[ "$kind" = view-column ] && continue
	total=$((total + 1))
	grep -rqF -- "$name" docs/ README.md || undocumented="$undocumented$kind $name"$'\n'
done <<< "$objects"
no_example=""
while read -r name kind; do
	[ -n "$name" ] || continue
	grep -qxF -- "-- example: $name" sql/doc_examples*.sql || no_example="$no_example$kind $name"$'\n'
done <<< "$example_objects"
fail=0
if [ -n "$missing_comment" ]; then echo "objects without a COMMENT:"; echo "$missing_comment"; fail=1; fi
if [ -n "$undocumented" ]; then echo "objects without an entry in docs/:"; printf '%s' "$undocumented"; fail=1; fi
if [ "$postgis" = yes ] && [ "$reference" != "$(cat docs/reference.md)" ]; then
	echo "docs/reference.md is out of date: run make docs"; diff <(echo "$reference") docs/reference.md | head -20; fail=1
fi
if [ -n "$no_example" ]; then echo "objects without an example (a line '-- example: NAME' in sql/doc_examples.sql):"; printf '%s' "$no_example"; fail=1; fi
[ "$fail" = 0 ] || exit 1
echo "$total objects (crm_postgis included: $postgis) have a COMMENT and a docs entry; every view column has a COMMENT; $(grep -c . <<< "$example_objects") have an example"
