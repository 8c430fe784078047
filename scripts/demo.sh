#!/usr/bin/env bash
# demo.sh: `make demo`. Sets everything up (Debian packages, build, install,
# a throwaway cluster unless PGDATABASE or PGHOST names a server), loads the
# deterministic sample data, runs the engine and prints a short report.
cd "$(dirname "$0")/.." || exit 1
. scripts/common.sh
set -e

install_packages
build_and_install
if [ -n "${PGDATABASE:-}" ] || [ -n "${PGHOST:-}" ]; then
	log "using the server at ${PGHOST:-local socket}, database ${PGDATABASE:-$USER}"
else
	start_cluster
fi
log "running the demo (scripts/demo.sql)"
crm_psql -v customers="${CRM_DEMO_CUSTOMERS:-5000}" -f scripts/demo.sql
