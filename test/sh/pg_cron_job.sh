#!/usr/bin/env bash
# crm.schedule_jobs() registers crm's jobs in pg_cron; pg_cron (1.4: minute
# granularity, UTC) really runs the automation job in the throwaway cluster,
# and its tasks appear; crm.unschedule_jobs() removes the jobs.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -At -d crm_test "$@"; }
psql -c "SET client_min_messages = warning" -c "DROP EXTENSION IF EXISTS crm CASCADE" -c "CREATE EXTENSION crm" \
	-c "CREATE EXTENSION IF NOT EXISTS pg_cron"
# A contract signed an hour ago: the automation job must create its onboarding tasks.
psql -c "INSERT INTO crm.customers (external_id, name, email, owner) VALUES ('cron1', 'Cron Ltd', 'a@cron.example', 'am_cron')" \
	-c "INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on) SELECT customer_id, 1000, now() - interval '1 hour', current_date FROM crm.customers"
jobs=$(psql -c "SELECT string_agg(job_name || '=' || schedule, ' ') FROM crm.schedule_jobs(refresh_schedule => NULL,
	automation_schedule => '* * * * *', report_schedule => NULL, cleanup_schedule => NULL)")
[ "$jobs" = "crm_automation=* * * * *" ] || { echo "unexpected jobs: $jobs"; exit 1; }
# pg_cron starts jobs at the top of each minute: wait up to ~2.5 minutes.
for i in $(seq 1 150); do
	state=$(psql -c "SELECT d.status FROM cron.job_run_details d JOIN cron.job j USING (jobid)
		WHERE j.jobname = 'crm_automation' AND d.status IN ('succeeded', 'failed') ORDER BY d.runid DESC LIMIT 1")
	[ -n "$state" ] && break
	sleep 1
done
[ "$state" = succeeded ] || { echo "the pg_cron job did not succeed (status '${state:-none}' after ${i}s)";
	psql -c "SELECT return_message FROM cron.job_run_details ORDER BY runid DESC LIMIT 3"; exit 1; }
tasks=$(psql -c "SELECT count(*) FROM crm.tasks WHERE playbook_step = 'confirm_terms_first_call'")
messages=$(psql -c "SELECT count(*) FROM crm.outbox WHERE template = 'thank_you'")
logged=$(psql -c "SELECT count(*) FROM crm.job_runs WHERE job = 'automation' AND status = 'done'")
removed=$(psql -c "SELECT crm.unschedule_jobs()")
left=$(psql -c "SELECT count(*) FROM cron.job WHERE jobname LIKE 'crm\_%'")
psql -c "DROP EXTENSION pg_cron"
[ "$tasks" = 1 ] || { echo "expected the first-call task from the cron run, found $tasks"; exit 1; }
[ "$messages" = 1 ] || { echo "expected the thank-you message from the cron run, found $messages"; exit 1; }
[ "$logged" -ge 1 ] || { echo "the cron run was not logged in crm.job_runs"; exit 1; }
[ "$removed" = 1 ] && [ "$left" = 0 ] || { echo "unschedule_jobs removed $removed, $left left"; exit 1; }
echo "pg_cron ran crm_automation after ${i}s: first-call task, thank-you message, run logged; unscheduled"
