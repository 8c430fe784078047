#!/usr/bin/env bash
# docs.sh: regenerates the generated part of docs/data-model.md from the
# catalog (between the BEGIN/END markers). Needs PGHOST/PGPORT of a server
# where crm is installable; `make docs` runs it on a throwaway cluster.
cd "$(dirname "$0")/.." || exit 1
. scripts/common.sh
set -e
if [ -z "${PGPORT:-}" ]; then build_and_install; start_cluster; fi
crm_psql -c 'DROP EXTENSION IF EXISTS crm CASCADE' -c 'CREATE EXTENSION crm'
tables=$(crm_psql -f scripts/doc_tables.sql)
python3 - docs/data-model.md "$tables" <<'PY'
import sys
path, body = sys.argv[1], sys.argv[2]
s = open(path).read()
b, e = '<!-- BEGIN generated tables -->', '<!-- END generated tables -->'
i, j = s.index(b) + len(b), s.index(e)
open(path, 'w').write(s[:i] + '\n' + body.strip() + '\n' + s[j:])
PY
log "docs/data-model.md regenerated"
