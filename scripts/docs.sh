#!/usr/bin/env bash
# docs.sh: `make docs`. Regenerates docs/reference.md and the generated table
# section of docs/data-model.md from the catalog (COMMENTs are the source),
# on a throwaway cluster unless PGPORT names a running one.
cd "$(dirname "$0")/.." || exit 1
. scripts/common.sh
set -e
if [ -z "${PGPORT:-}" ]; then install_packages; build_and_install; start_cluster; fi
crm_psql -c 'DROP DATABASE IF EXISTS crm_docs' -c 'CREATE DATABASE crm_docs'
PGDATABASE=crm_docs crm_psql -c 'CREATE EXTENSION crm' -c 'CREATE EXTENSION IF NOT EXISTS postgis' -c 'CREATE EXTENSION crm_postgis'
PGDATABASE=crm_docs crm_psql -f scripts/doc_reference.sql > docs/reference.md
tables=$(PGDATABASE=crm_docs crm_psql -f scripts/doc_tables.sql)
awk -v body="$tables" '
	/<!-- BEGIN generated tables -->/ { print; print body; skip = 1; next }
	/<!-- END generated tables -->/ { skip = 0 }
	!skip { print }' docs/data-model.md > docs/data-model.md.new && mv docs/data-model.md.new docs/data-model.md
crm_psql -c 'DROP DATABASE crm_docs'
log "docs/reference.md and docs/data-model.md regenerated"
