-- Writing playbooks (docs/automation.md, "Writing playbooks"): the guide's
-- examples run here. A user row in crm.playbook_steps overrides the built-in
-- step of the same name, enabled = false switches one off, a new name adds a
-- step; a user template in crm.message_templates drives a new automated step.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;
INSERT INTO crm.customers (external_id, name, email, owner, created_at) VALUES
	('pb1', 'Playbook One Ltd', 'one@pb.example', 'am_one', '2025-01-01'),
	('pb2', 'Playbook Two Ltd', 'two@pb.example', 'am_two', '2025-01-01');
INSERT INTO crm.team_members (member, in_pool) VALUES ('am_pool', true);
INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on)
SELECT customer_id, 12000, '2025-03-03 10:00+00', '2025-03-03' FROM crm.customers WHERE external_id = 'pb1';

-- built-in steps only
SELECT step, tasks, messages FROM crm.generate_tasks('2025-03-03 12:00+00') WHERE tasks + messages > 0 ORDER BY step;
SELECT t.playbook_step, t.due_at, t.owner FROM crm.tasks t ORDER BY t.playbook_step;
CREATE TEMP TABLE first_run_tasks AS SELECT task_id FROM crm.tasks;
CREATE TEMP TABLE first_run_messages AS SELECT message_id FROM crm.outbox;

-- 1. Override a built-in step: the first call within 24 h instead of 72 h
INSERT INTO crm.playbook_steps
SELECT d.*, true FROM crm.playbook_step_defaults d WHERE d.step = 'confirm_terms_first_call';
UPDATE crm.playbook_steps SET sla_hours = 24 WHERE step = 'confirm_terms_first_call';
-- 2. Switch a built-in step off
INSERT INTO crm.playbook_steps
SELECT d.*, false FROM crm.playbook_step_defaults d WHERE d.step = 'onboarding_training';
-- 3. Add a step: a security review within 5 days, for the pool
INSERT INTO crm.playbook_steps (step, playbook, trigger, sla_hours, channel, task_kind, title, assign_to)
VALUES ('security_review', 'contract_signed', 'contract_signed', 120, 'video', 'security_review',
		'Security review with the customer''s IT', 'pool');
-- 4. Add an automated step with its own template: a welcome pack 2 days after signing
INSERT INTO crm.message_templates (template, channel, purpose, subject, body)
VALUES ('welcome_pack', 'email', 'service', 'Your welcome pack, {{customer_name}}',
		'Hello {{customer_name}}, {{owner}} has put together your welcome pack.');
INSERT INTO crm.playbook_steps (step, playbook, trigger, offset_hours, sla_hours, channel, task_kind, title, automated, template)
VALUES ('welcome_pack_email', 'contract_signed', 'contract_signed', 48, 0, 'email', 'welcome_pack', 'Welcome pack', true, 'welcome_pack');
SELECT step, sla_hours, offset_hours, assign_to, automated, source FROM crm.playbook_steps_effective
WHERE playbook = 'contract_signed' ORDER BY step;

-- a new signing gets the configured playbook
INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on)
SELECT customer_id, 9000, '2025-03-04 10:00+00', '2025-03-04' FROM crm.customers WHERE external_id = 'pb2';
SELECT step, tasks, messages FROM crm.generate_tasks('2025-03-04 12:00+00') WHERE tasks + messages > 0 ORDER BY step;
SELECT t.playbook_step, t.due_at - '2025-03-04 10:00+00'::timestamptz AS due_after_signing, t.owner, t.title
FROM crm.tasks t JOIN crm.customers c USING (customer_id) WHERE c.external_id = 'pb2' ORDER BY t.playbook_step;
SELECT o.due_at - '2025-03-04 10:00+00'::timestamptz AS due_after_signing, o.subject, o.body
FROM crm.outbox o JOIN crm.customers c USING (customer_id) WHERE c.external_id = 'pb2' AND o.subject LIKE 'Your welcome pack%';
-- a new step also reaches signings still within playbook_lookback_days (pb1 gets its security review
-- and welcome pack, nothing else again); running again creates nothing twice
SELECT t.playbook_step AS pb1_new_since_first_run FROM crm.tasks t JOIN crm.customers c USING (customer_id)
WHERE c.external_id = 'pb1' AND t.task_id NOT IN (SELECT task_id FROM first_run_tasks)
UNION ALL
SELECT 'outbox: ' || o.subject FROM crm.outbox o JOIN crm.customers c USING (customer_id)
WHERE c.external_id = 'pb1' AND o.message_id NOT IN (SELECT message_id FROM first_run_messages) ORDER BY 1;
SELECT coalesce(sum(tasks + messages), 0) AS created_again FROM crm.generate_tasks('2025-03-04 12:00+00');

-- a step that breaks the table's rules is refused with the constraint's name
\set VERBOSITY terse
INSERT INTO crm.playbook_steps (step, playbook, trigger, sla_hours, channel, task_kind, title, automated)
VALUES ('no_template', 'contract_signed', 'contract_signed', 0, 'email', 'x', 'x', true);
INSERT INTO crm.playbook_steps (step, playbook, trigger, sla_hours, channel, task_kind, title)
VALUES ('no_cadence', 'tier_cadence', 'tier', 24, 'phone', 'x', 'x');
\set VERBOSITY default

-- back to the built-in playbooks
DELETE FROM crm.playbook_steps;
DELETE FROM crm.message_templates;
SELECT count(*) FILTER (WHERE source = 'user') AS user_steps, count(*) AS steps FROM crm.playbook_steps_effective;

DROP EXTENSION crm CASCADE;
CREATE EXTENSION crm;
RESET client_min_messages;
