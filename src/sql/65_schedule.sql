-- Scheduling with pg_cron, checked at run time: crm never requires pg_cron,
-- and every scheduled function also works when called directly.
-- pg_cron 1.4 (Debian bookworm) schedules in UTC with minute granularity.

-- Raises a clear error unless pg_cron is preloaded and installed in this database.
CREATE FUNCTION crm.require_pg_cron() RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	cron_db text := current_setting('cron.database_name', true);
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_cron') THEN
		RAISE EXCEPTION 'pg_cron is not available on this server'
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'crm schedules its jobs with pg_cron, which is not installed.',
				  HINT = 'Install it (Debian: apt-get install postgresql-15-cron), or call crm.refresh(), crm.run_automation(), crm.build_monthly_report() and crm.cleanup() from your own scheduler.';
	END IF;
	IF NOT (current_setting('shared_preload_libraries') ~ '(^|[\s,])"?pg_cron"?($|[\s,])') THEN
		RAISE EXCEPTION 'pg_cron is not preloaded'
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('shared_preload_libraries is "%s".', current_setting('shared_preload_libraries')),
				  HINT = 'Add pg_cron to shared_preload_libraries in postgresql.conf (and set cron.database_name), then restart PostgreSQL.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
		RAISE EXCEPTION 'pg_cron is not installed in database "%"', current_database()
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = format('pg_cron runs its jobs from the database named by cron.database_name ("%s").', coalesce(cron_db, 'postgres')),
				  HINT = CASE WHEN cron_db IS DISTINCT FROM current_database()
						 THEN format('Use crm in database "%s", or set cron.database_name = ''%s'' and restart; then CREATE EXTENSION pg_cron.', coalesce(cron_db, 'postgres'), current_database())
						 ELSE 'Run CREATE EXTENSION pg_cron; in this database.' END;
	END IF;
END
$$;
COMMENT ON FUNCTION crm.require_pg_cron() IS 'Raises an error with a hint unless pg_cron is available, preloaded and installed in this database';

-- Registers crm's jobs in pg_cron (UTC, minute granularity); returns them.
CREATE FUNCTION crm.schedule_jobs(refresh_schedule text DEFAULT '15 2 * * *',
								  automation_schedule text DEFAULT '*/5 * * * *',
								  report_schedule text DEFAULT '0 6 1 * *',
								  cleanup_schedule text DEFAULT '45 3 * * *')
RETURNS TABLE (job_name text, schedule text, command text, jobid bigint)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	j record;
	id bigint;
BEGIN
	PERFORM crm.require_pg_cron();
	FOR j IN SELECT * FROM (VALUES
		('crm_refresh', refresh_schedule, 'SELECT status FROM crm.refresh()'),
		('crm_automation', automation_schedule, 'SELECT crm.run_automation()'),
		('crm_monthly_report', report_schedule, 'SELECT crm.build_monthly_report()'),
		('crm_cleanup', cleanup_schedule, 'SELECT crm.cleanup()')) AS v(name, sched, cmd)
	LOOP
		IF j.sched IS NULL THEN
			CONTINUE;			-- NULL: do not schedule this job
		END IF;
		EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO id USING j.name, j.sched, j.cmd;
		job_name := j.name; schedule := j.sched; command := j.cmd; jobid := id;
		RETURN NEXT;
	END LOOP;
END
$$;
COMMENT ON FUNCTION crm.schedule_jobs(text, text, text, text) IS
	'Registers (or updates) crm''s pg_cron jobs: nightly refresh, automation every 5 minutes, the monthly report, nightly cleanup; cron syntax in UTC, minute granularity (pg_cron 1.4); a NULL schedule skips that job; errors with a hint when pg_cron is missing';

-- Removes crm's jobs from pg_cron; returns how many were removed.
CREATE FUNCTION crm.unschedule_jobs() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	name text;
	n integer := 0;
	removed boolean;
BEGIN
	PERFORM crm.require_pg_cron();
	FOR name IN EXECUTE 'SELECT jobname FROM cron.job WHERE jobname IN (''crm_refresh'', ''crm_automation'', ''crm_monthly_report'', ''crm_cleanup'') AND username = current_user' LOOP
		EXECUTE 'SELECT cron.unschedule($1)' INTO removed USING name;
		n := n + removed::int;
	END LOOP;
	RETURN n;
END
$$;
COMMENT ON FUNCTION crm.unschedule_jobs() IS 'Removes crm''s pg_cron jobs (crm_refresh, crm_automation, crm_monthly_report, crm_cleanup) of the current user';
