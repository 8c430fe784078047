-- Alerts, playbooks, outbox and the automation run on small fixtures with an
-- explicit as_of (Monday 2025-03-03 12:00 UTC).
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;
SET timezone = 'UTC';

INSERT INTO crm.customers (external_id, name, kind, email, owner, tier, lifecycle_stage, birthday, created_at) VALUES
	('acme', 'Acme Ltd', 'business', 'buyer@acme.example', 'am_alice', 'A', 'growth', NULL, '2023-01-01'),
	('late', 'Late Ltd', 'business', 'ops@late.example', 'am_alice', 'B', 'onboarding', NULL, '2025-02-01'),
	('quiet', 'Quiet Co', 'business', NULL, NULL, NULL, 'mature', NULL, '2023-01-01'),
	('small', 'Small Co', 'business', NULL, NULL, NULL, 'mature', NULL, '2023-01-01'),
	('complainer', 'Complainer Inc', 'business', NULL, NULL, NULL, 'mature', NULL, '2023-01-01'),
	('detractor', 'Dee Tractor', 'person', NULL, NULL, NULL, 'mature', NULL, '2023-01-01'),
	('happy', 'Hap Py', 'person', NULL, NULL, NULL, 'mature', NULL, '2023-01-01'),
	('fading', 'Fay Ding', 'person', NULL, NULL, NULL, 'mature', NULL, '2023-01-01'),
	('renewing', 'Renewing plc', 'business', NULL, 'am_bob', NULL, 'mature', NULL, '2023-01-01'),
	('overdue', 'Over Due', 'person', NULL, NULL, NULL, 'mature', NULL, '2023-01-01'),
	('bday', 'Bea Day', 'person', 'bea@day.example', NULL, NULL, 'mature', '1990-03-07', '2023-01-01'),
	('cee', 'Cee Tier', 'person', 'cee@tier.example', NULL, 'C', 'mature', NULL, '2023-01-01'),
	('optout', 'Opted Out', 'person', 'no@contact.example', NULL, 'C', 'growth', '1980-03-05', '2023-01-01');
CREATE TEMP VIEW ids AS SELECT external_id, customer_id FROM crm.customers;
INSERT INTO crm.team_members (member, manager, in_pool) VALUES
	('am_alice', 'boss', false), ('am_bob', NULL, false), ('agent_a', 'lead', true), ('agent_b', 'lead', true);
INSERT INTO crm.consent (customer_id, channel, purpose, granted, recorded_at, source)
SELECT customer_id, NULL, NULL, false, '2024-01-01', 'call' FROM ids WHERE external_id = 'optout';

INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on, ends_on, status, auto_renew)
SELECT customer_id, v.acv, v.signed::timestamptz, v.starts::date, v.ends::date, 'active', false
FROM ids JOIN (VALUES
	('acme', 100000, '2025-03-01 10:00', '2025-03-01', '2026-02-28'),
	('acme', 50000, '2023-03-01 10:00', '2023-03-08', '2026-03-07'),
	('late', 20000, '2025-02-25 09:00', '2025-03-01', '2026-02-28'),
	('renewing', 30000, '2024-04-01 09:00', '2024-04-02', '2025-04-01')) v(ext, acv, signed, starts, ends)
	ON v.ext = ids.external_id;

-- usage: quiet drops from 2 per day to 2 in 14 days; small (25 in 90 days, then 1) is merely quiet
INSERT INTO crm.interactions (customer_id, occurred_at, kind, channel)
SELECT customer_id, timestamptz '2025-02-17 12:00' - i * interval '12 hours', 'login', 'web' FROM ids, generate_series(1, 180) i WHERE external_id = 'quiet'
UNION ALL SELECT customer_id, timestamptz '2025-03-01', 'login'::crm.interaction_kind, 'web'::crm.channel FROM ids, generate_series(1, 2) i WHERE external_id = 'quiet'
UNION ALL SELECT customer_id, timestamptz '2025-02-17 12:00' - i * interval '3 days 12 hours', 'login', 'web' FROM ids, generate_series(1, 25) i WHERE external_id = 'small'
UNION ALL SELECT customer_id, timestamptz '2025-03-01', 'login', 'web' FROM ids WHERE external_id = 'small';
-- tickets: complainer 4 in the last 30 days after 1 in the 180 before; an unanswered urgent one; a stale general one
INSERT INTO crm.tickets (customer_id, category, priority, subject, opened_at, first_response_at, resolved_at)
SELECT customer_id, 'product', v.prio::crm.ticket_priority, 't', v.opened::timestamptz, v.resp::timestamptz, v.res::timestamptz
FROM ids JOIN (VALUES
	('complainer', 'important', '2024-11-01', '2024-11-01 10:00', '2024-11-02'),
	('complainer', 'important', '2025-02-10', '2025-02-10 10:00', '2025-02-11'),
	('complainer', 'important', '2025-02-15', '2025-02-15 10:00', '2025-02-16'),
	('complainer', 'important', '2025-02-20', '2025-02-20 10:00', '2025-02-21'),
	('complainer', 'urgent', '2025-03-02 08:00', NULL, NULL),
	('happy', 'general', '2025-02-20 09:00', '2025-02-20 10:00', NULL)) v(ext, prio, opened, resp, res)
	ON v.ext = ids.external_id;
INSERT INTO crm.feedback (customer_id, answered_at, nps)
SELECT customer_id, v.t::timestamptz, v.nps FROM ids JOIN (VALUES
	('detractor', '2024-12-01', 10), ('detractor', '2025-02-01', 3), ('happy', '2024-12-01', 2), ('happy', '2025-02-01', 9)) v(ext, t, nps)
	ON v.ext = ids.external_id;
-- scores the score-based rules read (normally written by crm.refresh)
INSERT INTO crm.customer_scores (customer_id, as_of, computed_at, x, p_alive, health_score, health_band, health_delta_30d,
	first_purchase, last_purchase, recency_days)
SELECT customer_id, '2025-03-03 12:00', now(), v.x, v.p_alive, v.health, v.band, v.delta, v.fp::timestamptz, v.lp::timestamptz, v.rec
FROM ids JOIN (VALUES
	('fading', 3, 0.1, 80, 'healthy', 0, '2024-01-01', '2024-06-01', 275.5),
	('happy', 3, 0.9, 85, 'healthy', -20, '2024-01-01', '2025-02-01', 30.5),
	('renewing', 0, NULL, 40, 'at_risk', -5, NULL, NULL, NULL),
	('overdue', 4, 0.8, 70, 'watch', 0, '2024-01-01', '2024-05-01', 306.5),
	('acme', 5, 0.95, 90, 'healthy', 2, '2023-02-01', '2025-02-20', 11.5)) v(ext, x, p_alive, health, band, delta, fp, lp, rec)
	ON v.ext = ids.external_id;

-- The exact Poisson rate test against the binomial sum computed here in numeric:
-- given n events, the recent count is Binomial(n, 14 / 104) when the rates are equal
SELECT k1, n, abs(crm.poisson_rate_pvalue(k1, 14, n - k1, 90, 'less') -
	(SELECT sum(factorial(n) * 14::numeric ^ i * 90::numeric ^ (n - i) / (factorial(i) * factorial(n - i) * 104::numeric ^ n))
	 FROM generate_series(0, k1) i)::float8) < 1e-12 * greatest(1, crm.poisson_rate_pvalue(k1, 14, n - k1, 90, 'less'))
	AS matches_binomial_sum
FROM (VALUES (1, 26), (2, 182), (0, 5), (14, 104)) v(k1, n);
SELECT round(crm.poisson_rate_pvalue(1, 14, 25, 90, 'less')::numeric, 4) AS small_customer_p,
	   crm.poisson_rate_pvalue(2, 14, 180, 90, 'less') < 1e-6 AS quiet_customer_significant,
	   crm.poisson_rate_pvalue(0, 14, 0, 90, 'less') AS no_events_p;

-- Alerts: raised once per customer and rule (NOTIFY on crm_alerts: specs/alert_notify.spec)
SELECT * FROM crm.evaluate_alerts('2025-03-03 12:00');
SELECT i.external_id, a.rule, a.level, a.status, a.details FROM crm.alerts a JOIN ids i USING (customer_id) ORDER BY 1, 2;
SELECT * FROM crm.evaluate_alerts('2025-03-03 12:05');
SELECT count(*) AS alerts_after_second_evaluation FROM crm.alerts;

-- Auto-resolve when the condition clears: Late Ltd gets its first call, and the detractor answers 9
INSERT INTO crm.interactions (customer_id, occurred_at, kind, direction, channel)
SELECT customer_id, '2025-02-26 10:00', 'call', 'outbound', 'phone' FROM ids WHERE external_id = 'late';
INSERT INTO crm.feedback (customer_id, answered_at, nps) SELECT customer_id, '2025-03-03 09:00', 9 FROM ids WHERE external_id = 'detractor';
SELECT * FROM crm.evaluate_alerts('2025-03-03 13:00') WHERE resolved > 0;
SELECT i.external_id, a.rule, a.status, a.resolution, a.resolved_at FROM crm.alerts a JOIN ids i USING (customer_id)
WHERE a.status = 'resolved' ORDER BY 1;
-- ... and a new one when it comes back (history kept)
INSERT INTO crm.feedback (customer_id, answered_at, nps) SELECT customer_id, '2025-03-03 14:00', 1 FROM ids WHERE external_id = 'detractor';
SELECT * FROM crm.evaluate_alerts('2025-03-03 14:30') WHERE raised > 0;
SELECT a.status, count(*) FROM crm.alerts a JOIN ids i USING (customer_id) WHERE i.external_id = 'detractor' GROUP BY 1 ORDER BY 1;

-- Lifecycle: open -> acknowledged -> resolved
SELECT status, acknowledged_by FROM crm.acknowledge_alert((SELECT alert_id FROM crm.alerts a JOIN ids USING (customer_id)
	WHERE external_id = 'fading' AND rule = 'p_alive_low'), 'am_carol');
SELECT status, resolution FROM crm.resolve_alert((SELECT alert_id FROM crm.alerts a JOIN ids USING (customer_id)
	WHERE external_id = 'fading' AND rule = 'p_alive_low'), 'called; repeat order placed');
\set VERBOSITY terse
SELECT crm.acknowledge_alert((SELECT alert_id FROM crm.alerts a JOIN ids USING (customer_id) WHERE external_id = 'fading' AND rule = 'p_alive_low'));
SELECT crm.resolve_alert((SELECT alert_id FROM crm.alerts a JOIN ids USING (customer_id) WHERE external_id = 'fading' AND rule = 'p_alive_low'), 'again');
SELECT crm.resolve_alert(1, '  ');
\set VERBOSITY default

-- Playbooks: tasks and messages from signings, cadences, the calendar, alerts and tickets
SELECT * FROM crm.generate_tasks('2025-03-03 12:00');
SELECT i.external_id, t.playbook_step, t.kind, t.channel, t.owner, t.due_at, t.dedup_key
FROM crm.tasks t JOIN ids i USING (customer_id) ORDER BY t.due_at, t.dedup_key;
SELECT i.external_id, o.template, o.recipient, o.subject, o.due_at, o.status, o.dedup_key
FROM crm.outbox o JOIN ids i USING (customer_id) ORDER BY o.message_id;
SELECT body FROM crm.outbox WHERE template = 'thank_you';
-- idempotent: a second run creates nothing
SELECT count(*) AS created_by_second_run FROM crm.generate_tasks('2025-03-03 12:10');
SELECT (SELECT count(*) FROM crm.tasks) AS tasks, (SELECT count(DISTINCT dedup_key) FROM crm.tasks) AS distinct_keys,
	   (SELECT count(*) FROM crm.outbox) AS messages;
-- do-not-contact: the opted-out customer (tier C, growth, birthday on 03-05) got nothing
SELECT count(*) AS for_opted_out FROM (SELECT customer_id FROM crm.tasks UNION ALL SELECT customer_id FROM crm.outbox) x
JOIN ids USING (customer_id) WHERE external_id = 'optout';
-- pool tasks went to the least-loaded pool members in turn
SELECT owner, count(*) FROM crm.tasks WHERE owner LIKE 'agent%' GROUP BY 1 ORDER BY 1;

-- Escalation: a week later, open tasks overdue by more than 24 h go to the manager
SELECT crm.escalate_overdue_tasks('2025-03-10 12:00') AS escalated;
SELECT t.owner, t.escalated_to, count(*) FROM crm.tasks t WHERE t.escalated_at IS NOT NULL GROUP BY 1, 2 ORDER BY 1;
SELECT crm.escalate_overdue_tasks('2025-03-10 12:00') AS escalated_again;

-- Consent for marketing: opt-in required
SELECT crm.may_contact(customer_id, 'email', 'marketing', '2025-03-03') AS marketing_without_opt_in,
	   crm.may_contact(customer_id, 'email', 'service', '2025-03-03') AS service_without_record
FROM ids WHERE external_id = 'bday';
SELECT crm.queue_message(customer_id, 'event_invitation', '2025-03-03', '{"event": "Spring seminar"}') IS NULL AS suppressed
FROM ids WHERE external_id = 'bday';
INSERT INTO crm.consent (customer_id, channel, purpose, granted, recorded_at)
SELECT customer_id, 'email', 'marketing', true, '2025-03-01' FROM ids WHERE external_id = 'bday';
SELECT crm.queue_message(customer_id, 'event_invitation', '2025-03-03', '{"event": "Spring seminar"}') IS NOT NULL AS queued_after_opt_in
FROM ids WHERE external_id = 'bday';
SELECT subject, purpose, recipient FROM crm.outbox WHERE template = 'event_invitation';
SELECT crm.may_contact(customer_id, 'phone', 'service', '2025-03-03') AS opted_out_phone FROM ids WHERE external_id = 'optout';

-- Outbox delivery: claim (SKIP LOCKED), sent, failed with back-off, failed for good
UPDATE crm.outbox SET due_at = now() - interval '1 minute';
SELECT count(*) AS claimed FROM crm.claim_messages(2, 'worker-1');
SELECT status, claimed_by, attempts FROM crm.outbox ORDER BY message_id;
SELECT status, sent_at IS NOT NULL AS has_sent_at FROM crm.mark_message_sent((SELECT min(message_id) FROM crm.outbox WHERE status = 'sending'));
SELECT status, attempts, due_at > now() AS retry_later, last_error FROM crm.mark_message_failed(
	(SELECT min(message_id) FROM crm.outbox WHERE status = 'sending'), 'smtp 451 try later');
SELECT crm.set_setting('outbox_max_attempts', '1');
UPDATE crm.outbox SET due_at = now() - interval '1 minute' WHERE status = 'pending';
SELECT count(*) AS claimed FROM crm.claim_messages(10, 'worker-2');
SELECT status FROM crm.mark_message_failed((SELECT min(message_id) FROM crm.outbox WHERE status = 'sending'), 'mailbox unknown');
\set VERBOSITY terse
SELECT crm.mark_message_sent((SELECT min(message_id) FROM crm.outbox WHERE status = 'sent'));
SELECT crm.claim_messages(0);
\set VERBOSITY default
SELECT crm.set_setting('outbox_max_attempts', NULL);

-- A customer whose birthday (03-15) is still beyond the 7 lead days of the first run
INSERT INTO crm.customers (external_id, name, kind, email, lifecycle_stage, birthday, created_at)
VALUES ('bday2', 'Bo Day', 'person', 'bo@day.example', 'mature', '1985-03-15', '2023-01-01');

-- The automation job: the first run sweeps everyone (the manually resolved P(alive) alert comes back:
-- its condition still holds), a second run with nothing new looks at nobody, one event means one customer
SELECT r - 'alerts' - 'generated' AS first_run FROM crm.run_automation('2025-03-03 15:00') r;
SELECT r - 'alerts' - 'generated' AS second_run FROM crm.run_automation('2025-03-03 15:05') r;
INSERT INTO crm.tickets (customer_id, category, priority, subject, opened_at)
SELECT customer_id, 'service', 'urgent', 'down', '2025-03-03 15:06' FROM ids WHERE external_id = 'cee';
SELECT r - 'alerts' - 'generated' AS after_one_event FROM crm.run_automation('2025-03-03 15:10') r;
SELECT job, status, details ->> 'full_sweep' AS full_sweep FROM crm.job_runs ORDER BY run_id;

-- Steps that fall due with time alone wait for a sweep: on 03-09 the birthday is within its lead
-- days, but an incremental run (no new event for that customer) does not look at it; the next
-- sweep does.
SELECT crm.set_setting('automation_full_sweep_hours', '720');
SELECT r ->> 'full_sweep' AS full_sweep FROM crm.run_automation('2025-03-09 09:00') r;
SELECT count(*) AS bday2_tasks_incremental FROM crm.tasks t JOIN crm.customers c USING (customer_id)
WHERE c.external_id = 'bday2' AND t.playbook_step = 'birthday_care';
SELECT r ->> 'full_sweep' AS full_sweep FROM crm.run_automation('2025-03-09 09:05', full_sweep => true) r;
SELECT count(*) AS bday2_tasks_after_sweep, min(t.due_at) AS due FROM crm.tasks t JOIN crm.customers c USING (customer_id)
WHERE c.external_id = 'bday2' AND t.playbook_step = 'birthday_care';
SELECT crm.set_setting('automation_full_sweep_hours', NULL);

-- Scheduling needs pg_cron available, preloaded and installed in this database (tested with
-- pg_cron in test/sh/pg_cron_job.sh). Without it: one of three clear errors, depending on the
-- server ('pg_cron is not available on this server', '... not preloaded', '... not installed in
-- database "<name>"'), each with a hint.
\i sql/include/scheduling_error.sql
SELECT * FROM pg_temp.scheduling_error('SELECT crm.schedule_jobs()');
SELECT * FROM pg_temp.scheduling_error('SELECT crm.unschedule_jobs()');

-- Monthly report
SELECT to_char(month, 'YYYY-MM') AS month, data -> 'kpis' ->> 'tickets' AS tickets, data -> 'top_complaint_categories' AS top_complaints
FROM crm.build_monthly_report('2025-02-01');
SELECT markdown FROM crm.reports WHERE month = '2025-02-01';

-- Bad input
\set VERBOSITY terse
SELECT crm.poisson_rate_pvalue(-1, 14, 3, 90, 'less');
SELECT crm.poisson_rate_pvalue(1.5, 14, 3, 90, 'less');
SELECT crm.poisson_rate_pvalue(1, 0, 3, 90, 'less');
SELECT crm.poisson_rate_pvalue(1, 14, 3, 90, 'down');
SELECT crm.evaluate_alerts('infinity');
SELECT crm.generate_tasks(NULL);
SELECT crm.build_monthly_report('2999-01-01');
UPDATE crm.alert_rules SET params = '{}';
INSERT INTO crm.alert_rules (rule, kind, params, level) VALUES ('bad', 'health_drop', '{"points": "many"}', 'high');
SELECT crm.evaluate_alerts('2025-03-03');
DELETE FROM crm.alert_rules;
