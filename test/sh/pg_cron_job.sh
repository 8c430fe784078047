#!/usr/bin/env bash
# crm.schedule_jobs() registers crm's jobs in pg_cron; pg_cron (1.4: minute
# granularity, UTC) really runs the automation and monthly report jobs in the
# throwaway cluster, and their tasks and report appear; the default schedules
# are registered (re-scheduling updates, never duplicates); crm.unschedule_jobs()
# removes the jobs.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
psql() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -At -d crm_test "$@"; }
psql -c "SET client_min_messages = warning" -c "DROP EXTENSION IF EXISTS crm CASCADE" -c "CREATE EXTENSION crm" \
	-c "CREATE EXTENSION IF NOT EXISTS pg_cron"
# A contract signed an hour ago: the automation job must create its onboarding tasks.
psql -c "INSERT INTO crm.customers (external_id, name, email, owner) VALUES ('cron1', 'Cron Ltd', 'a@cron.example', 'am_cron')" \
	-c "INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on) SELECT customer_id, 1000, now() - interval '1 hour', current_date FROM crm.customers"
jobs=$(psql -c "SELECT string_agg(job_name || '=' || schedule, ' ' ORDER BY job_name) FROM crm.schedule_jobs(refresh_schedule => NULL,
	automation_schedule => '* * * * *', report_schedule => '* * * * *', cleanup_schedule => NULL)")
[ "$jobs" = "crm_automation=* * * * * crm_monthly_report=* * * * *" ] || { echo "unexpected jobs: $jobs"; exit 1; }
# pg_cron starts jobs at the top of each minute: wait up to ~2.5 minutes for both.
for i in $(seq 1 150); do
	state=$(psql -c "SELECT string_agg(j.jobname || '=' || d.status, ' ' ORDER BY j.jobname) FROM cron.job j
		CROSS JOIN LATERAL (SELECT d.status FROM cron.job_run_details d WHERE d.jobid = j.jobid
			AND d.status IN ('succeeded', 'failed') ORDER BY d.runid DESC LIMIT 1) d")
	[ "$(echo "$state" | wc -w)" = 2 ] && break
	sleep 1
done
[ "$state" = "crm_automation=succeeded crm_monthly_report=succeeded" ] || {
	echo "the pg_cron jobs did not both succeed ('${state:-none}' after ${i}s)";
	psql -c "SELECT return_message FROM cron.job_run_details ORDER BY runid DESC LIMIT 3"; exit 1; }
tasks=$(psql -c "SELECT count(*) FROM crm.tasks WHERE playbook_step = 'confirm_terms_first_call'")
messages=$(psql -c "SELECT count(*) FROM crm.outbox WHERE template = 'thank_you'")
logged=$(psql -c "SELECT count(*) FROM crm.job_runs WHERE job = 'automation' AND status = 'done'")
report=$(psql -c "SELECT count(*) FROM crm.reports
	WHERE month = (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date AND markdown <> ''")
# the defaults; scheduling again updates the jobs instead of adding more
defaults=$(psql -c "SELECT string_agg(job_name || '=' || schedule, ' ' ORDER BY job_name) FROM crm.schedule_jobs()")
registered=$(psql -c "SELECT string_agg(jobname || '=' || schedule || '=' || command, ' ' ORDER BY jobname) FROM cron.job WHERE jobname LIKE 'crm\_%'")
removed=$(psql -c "SELECT crm.unschedule_jobs()")
left=$(psql -c "SELECT count(*) FROM cron.job WHERE jobname LIKE 'crm\_%'")
psql -c "DROP EXTENSION pg_cron"
[ "$tasks" = 1 ] || { echo "expected the first-call task from the cron run, found $tasks"; exit 1; }
[ "$messages" = 1 ] || { echo "expected the thank-you message from the cron run, found $messages"; exit 1; }
[ "$logged" -ge 1 ] || { echo "the cron run was not logged in crm.job_runs"; exit 1; }
[ "$report" = 1 ] || { echo "the cron run of crm_monthly_report left no report for last month"; exit 1; }
want="crm_automation=*/5 * * * * crm_cleanup=45 3 * * * crm_monthly_report=0 6 1 * * crm_refresh=15 2 * * *"
[ "$defaults" = "$want" ] || { echo "default schedules: $defaults"; exit 1; }
[ "$registered" = "crm_automation=*/5 * * * *=SELECT crm.run_automation() crm_cleanup=45 3 * * *=SELECT crm.cleanup() crm_monthly_report=0 6 1 * *=SELECT crm.build_monthly_report() crm_refresh=15 2 * * *=SELECT status FROM crm.refresh()" ] \
	|| { echo "cron.job holds: $registered"; exit 1; }
[ "$removed" = 4 ] && [ "$left" = 0 ] || { echo "unschedule_jobs removed $removed, $left left"; exit 1; }
echo "pg_cron ran crm_automation and crm_monthly_report after ${i}s: first-call task, thank-you message, run logged, last month's report; default schedules registered once each; unscheduled"
