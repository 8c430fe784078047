#!/usr/bin/env bash
# common.sh: shared set-up for `make test`, `make demo` and `make bench`.
#
# Installs the Debian packages crm needs (when missing), builds and installs
# the extension, and starts/stops a throwaway PostgreSQL 15 cluster in a temp
# directory (unix socket, free port, pg_cron preloaded). Sourced, not run.

set -uo pipefail

PGBIN=/usr/lib/postgresql/15/bin
export PG_CONFIG=$PGBIN/pg_config
CRM_PACKAGES="postgresql-15 postgresql-server-dev-15 postgresql-15-cron postgresql-15-postgis-3 build-essential gnuplot-nox valgrind"

log() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages that are missing (apt-get update first).
install_packages() {
	local missing="" p
	for p in $CRM_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages:$missing (run as root, or install them)" >&2
		return 1
	fi
	log "installing Debian packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# Builds and installs the extension into the local PostgreSQL 15.
build_and_install() {
	log "building crm"
	make -s PG_CONFIG="$PG_CONFIG" all || return 1
	log "installing crm"
	make -s PG_CONFIG="$PG_CONFIG" install >/dev/null || return 1
}

# Runs a command as the postgres user when we are root (initdb refuses root).
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Finds a TCP port nobody listens on and no socket file uses.
free_port() {
	local port
	for port in $(seq $((54320 + RANDOM % 1000)) 59999); do
		if ! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && [ ! -e "/tmp/.s.PGSQL.$port" ]; then
			echo "$port"; return 0
		fi
	done
	return 1
}

# Starts a throwaway cluster; exports PGHOST, PGPORT, PGUSER, PGDATABASE.
start_cluster() {
	CRM_PGDIR=$(mktemp -d /tmp/crm-pg.XXXXXX)
	chmod 755 "$CRM_PGDIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$CRM_PGDIR"
	export PGPORT=$(free_port) PGHOST=$CRM_PGDIR PGUSER=postgres PGDATABASE=crm_test
	log "starting throwaway cluster in $CRM_PGDIR (port $PGPORT)"
	as_pg "$PGBIN/initdb" -D "$CRM_PGDIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$CRM_PGDIR/initdb.log" 2>&1 \
		|| { cat "$CRM_PGDIR/initdb.log"; return 1; }
	cat >>"$CRM_PGDIR/data/postgresql.conf" <<CONF
listen_addresses = ''
port = $PGPORT
unix_socket_directories = '$CRM_PGDIR'
shared_preload_libraries = 'pg_cron'
cron.database_name = 'crm_test'
cron.use_background_workers = on
max_worker_processes = 16
timezone = 'UTC'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = '512MB'
work_mem = '64MB'
maintenance_work_mem = '512MB'
max_wal_size = '4GB'
max_parallel_workers_per_gather = 2
CONF
	# glibc malloc on transparent huge pages (docs/operations.md, "Performance settings")
	as_pg env GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$PGBIN/pg_ctl" -D "$CRM_PGDIR/data" -l "$CRM_PGDIR/server.log" -w -t 60 start >/dev/null \
		|| { tail -30 "$CRM_PGDIR/server.log"; return 1; }
	trap stop_cluster EXIT
	"$PGBIN/createdb" crm_test || return 1
}

# Stops the throwaway cluster and removes its directory.
stop_cluster() {
	[ -n "${CRM_PGDIR:-}" ] && [ -d "$CRM_PGDIR" ] || return 0
	log "stopping throwaway cluster"
	as_pg "$PGBIN/pg_ctl" -D "$CRM_PGDIR/data" -m fast -w stop >/dev/null 2>&1
	rm -rf "$CRM_PGDIR"
	CRM_PGDIR=
}

# psql with the settings every script wants.
crm_psql() {
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}
