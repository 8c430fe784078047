-- Least privilege: crm_admin configures, crm_analyst reads, crm_agent works
-- tasks and alerts; other roles cannot reach the schema at all.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
RESET client_min_messages;
CREATE EXTENSION crm;
\set VERBOSITY terse
INSERT INTO crm.customers (external_id, name) VALUES ('r1', 'Roles Ltd');
INSERT INTO crm.tasks (customer_id, kind, title, due_at)
SELECT customer_id, 'first_call', 'Call', '2024-03-01' FROM crm.customers;
INSERT INTO crm.alerts (customer_id, rule, level) SELECT customer_id, 'r', 'high' FROM crm.customers;
CREATE ROLE crm_test_outsider NOLOGIN;

SET ROLE crm_analyst;
SELECT count(*) AS analyst_reads_customers FROM crm.customers;
SELECT crm.setting('time_unit') AS analyst_reads_settings;
INSERT INTO crm.customers (external_id, name) VALUES ('r2', 'x');
UPDATE crm.tasks SET status = 'done', completed_at = now();
SELECT crm.set_setting('time_unit', '"day"');
RESET ROLE;

SET ROLE crm_agent;
SELECT count(*) AS agent_sees_tasks FROM crm.tasks;
UPDATE crm.tasks SET status = 'done', outcome = 'reached the buyer', completed_at = '2024-03-01';
UPDATE crm.tasks SET due_at = '2030-01-01';
UPDATE crm.alerts SET status = 'acknowledged', acknowledged_at = opened_at, acknowledged_by = current_user;
INSERT INTO crm.interactions (customer_id, occurred_at, kind, direction, channel)
SELECT customer_id, '2024-03-01', 'call', 'outbound', 'phone' FROM crm.customers;
DELETE FROM crm.customers;
SELECT * FROM crm.settings;
RESET ROLE;

SET ROLE crm_admin;
SELECT crm.set_setting('time_unit', '"day"') AS admin_configures;
SELECT crm.set_setting('time_unit', NULL);
INSERT INTO crm.customers (external_id, name) VALUES ('r3', 'Admin Added');
UPDATE crm.setting_defaults SET value = '"x"';
RESET ROLE;

SET ROLE crm_test_outsider;
SELECT count(*) FROM crm.customers;
SELECT crm.setting('time_unit');
RESET ROLE;
DROP ROLE crm_test_outsider;
SELECT status, outcome FROM crm.tasks;
SELECT status, acknowledged_by FROM crm.alerts;
