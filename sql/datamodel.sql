-- Data model v1: constraints reject impossible data with clear messages,
-- refunds are negative rows of kind 'refund', unknown enum values are refused.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
RESET client_min_messages;
CREATE EXTENSION crm;
SET client_min_messages = warning;
\set VERBOSITY terse

INSERT INTO crm.customers (external_id, name, email, kind, created_at)
VALUES ('c1', 'Acme Ltd', 'buyer@acme.example', 'business', '2024-01-01'),
       ('c2', 'Jane Doe', NULL, 'person', '2024-02-01');

-- Customers
INSERT INTO crm.customers (external_id, name) VALUES ('c3', '   ');
INSERT INTO crm.customers (external_id, name, email) VALUES ('c3', 'X', 'not-an-email');
INSERT INTO crm.customers (external_id, name) VALUES ('c1', 'duplicate external id');
INSERT INTO crm.customers (external_id, name, acquisition_cost) VALUES ('c3', 'X', -1);
INSERT INTO crm.customers (external_id, name, kind) VALUES ('c3', 'X', 'robot');
INSERT INTO crm.customers (external_id, name, tier) VALUES ('c3', 'X', 'D');
INSERT INTO crm.customers (external_id, name, attributes) VALUES ('c3', 'X', '[1,2]');
INSERT INTO crm.customers (external_id, name, strategic_weight) VALUES ('c3', 'X', 1.5);

-- updated_at follows updates
UPDATE crm.customers SET updated_at = '2000-01-01' WHERE external_id = 'c1';
UPDATE crm.customers SET region = 'north' WHERE external_id = 'c1';
SELECT updated_at > '2020-01-01' AS updated_at_touched FROM crm.customers WHERE external_id = 'c1';

-- Contracts: end before start, negative value, signed required unless draft
INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on, ends_on)
SELECT customer_id, 1000, '2024-01-01', '2024-01-01', '2023-12-31' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on)
SELECT customer_id, -5, '2024-01-01', '2024-01-01' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.contracts (customer_id, annual_value, starts_on, status)
SELECT customer_id, 10, '2024-01-01', 'active' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on, ends_on, status)
SELECT customer_id, 10, '2024-01-01', '2024-01-01', '2024-12-31', 'pending' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.contracts (customer_id, annual_value, signed_at, starts_on, ends_on)
SELECT customer_id, 120000, '2024-01-01 10:00+00', '2024-01-01', '2024-12-31' FROM crm.customers WHERE external_id = 'c1';

-- Purchases: sales are >= 0, refunds are < 0 and of kind refund
INSERT INTO crm.purchases (customer_id, purchased_at, amount)
SELECT customer_id, '2024-03-01', -10 FROM crm.customers WHERE external_id = 'c2';
INSERT INTO crm.purchases (customer_id, purchased_at, amount, kind)
SELECT customer_id, '2024-03-01', 10, 'refund' FROM crm.customers WHERE external_id = 'c2';
INSERT INTO crm.purchases (customer_id, purchased_at, amount, channel)
SELECT customer_id, '2024-03-01', 10, 'telepathy' FROM crm.customers WHERE external_id = 'c2';
INSERT INTO crm.purchases (customer_id, purchased_at, amount)
SELECT customer_id, '2024-03-01', 25.50 FROM crm.customers WHERE external_id = 'c2';
INSERT INTO crm.purchases (customer_id, purchased_at, amount, kind)
SELECT customer_id, '2024-03-05', -5.50, 'refund' FROM crm.customers WHERE external_id = 'c2';
SELECT kind, amount FROM crm.purchases ORDER BY purchased_at;
INSERT INTO crm.purchases (customer_id, purchased_at, amount) VALUES (999999, '2024-03-01', 1);

-- Interactions: usage has no direction, conversations have one
INSERT INTO crm.interactions (customer_id, occurred_at, kind, direction, channel)
SELECT customer_id, '2024-03-01', 'login', 'inbound', 'web' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.interactions (customer_id, occurred_at, kind, channel)
SELECT customer_id, '2024-03-01', 'call', 'phone' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.interactions (customer_id, occurred_at, kind, channel)
SELECT customer_id, '2024-03-01', 'fax', 'phone' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.interactions (customer_id, occurred_at, kind, direction, channel, notes)
SELECT customer_id, '2024-03-01', 'call', 'outbound', 'phone', 'needs: faster invoicing' FROM crm.customers WHERE external_id = 'c1';

-- Tickets: unknown category/priority, response before opening, satisfaction range
INSERT INTO crm.tickets (customer_id, category, priority, subject, opened_at)
SELECT customer_id, 'billing', 'urgent', 's', '2024-03-01' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.tickets (customer_id, category, priority, subject, opened_at)
SELECT customer_id, 'product', 'critical', 's', '2024-03-01' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.tickets (customer_id, category, subject, opened_at, first_response_at)
SELECT customer_id, 'product', 's', '2024-03-02', '2024-03-01' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.tickets (customer_id, category, subject, opened_at, satisfaction)
SELECT customer_id, 'service', 's', '2024-03-02', 6 FROM crm.customers WHERE external_id = 'c1';

-- Feedback: NPS 0..10, CSAT 1..5, CES 1..7, at least one score
INSERT INTO crm.feedback (customer_id, answered_at, nps)
SELECT customer_id, '2024-03-01', 11 FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.feedback (customer_id, answered_at, nps)
SELECT customer_id, '2024-03-01', -1 FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.feedback (customer_id, answered_at, csat)
SELECT customer_id, '2024-03-01', 0 FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.feedback (customer_id, answered_at, ces)
SELECT customer_id, '2024-03-01', 8 FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.feedback (customer_id, answered_at, comment)
SELECT customer_id, '2024-03-01', 'no score' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.feedback (customer_id, answered_at, nps, csat)
SELECT customer_id, '2024-03-01', 0, 5 FROM crm.customers WHERE external_id = 'c1';

-- Opportunities: closed exactly when won/lost, amount >= 0
INSERT INTO crm.opportunities (customer_id, name, stage, amount)
SELECT customer_id, 'o', 'won', 10 FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.opportunities (customer_id, name, amount)
SELECT customer_id, 'o', -10 FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.opportunities (customer_id, name, stage, amount, opened_at, closed_at)
SELECT customer_id, 'o', 'won', 10, '2024-01-01', '2024-02-01' FROM crm.customers WHERE external_id = 'c1';

-- Tasks and alerts: status/timestamps consistent, one open alert per customer and rule
INSERT INTO crm.tasks (customer_id, kind, title, due_at, status)
SELECT customer_id, 'first_call', 't', '2024-03-01', 'done' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.tasks (customer_id, kind, title, due_at, dedup_key)
SELECT customer_id, 'first_call', 't', '2024-03-01', 'k1' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.tasks (customer_id, kind, title, due_at, dedup_key)
SELECT customer_id, 'first_call', 't', '2024-03-01', 'k1' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.alerts (customer_id, rule, level)
SELECT customer_id, 'p_alive_low', 'high' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.alerts (customer_id, rule, level)
SELECT customer_id, 'p_alive_low', 'critical' FROM crm.customers WHERE external_id = 'c1';
INSERT INTO crm.alerts (customer_id, rule, level)
SELECT customer_id, 'p_alive_low', 'severe' FROM crm.customers WHERE external_id = 'c1';
UPDATE crm.alerts SET status = 'resolved', resolved_at = opened_at, resolution = 'test';
INSERT INTO crm.alerts (customer_id, rule, level)
SELECT customer_id, 'p_alive_low', 'critical' FROM crm.customers WHERE external_id = 'c1';
SELECT rule, level, status FROM crm.alerts ORDER BY alert_id;

-- Deleting a customer removes its dependent rows, nothing else
DELETE FROM crm.customers WHERE external_id = 'c1';
SELECT (SELECT count(*) FROM crm.contracts) AS contracts, (SELECT count(*) FROM crm.tasks) AS tasks,
       (SELECT count(*) FROM crm.purchases) AS purchases_of_c2;

-- The access paths the engine uses are indexed: customer + time
SELECT c.relname AS table_name, i.relname AS index_name
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
WHERE c.relnamespace = 'crm'::regnamespace AND i.relname LIKE '%customer_time%'
ORDER BY 1;

-- Every table and every column that is not a plain key has a comment
SELECT c.relname AS table_without_comment FROM pg_class c
WHERE c.relnamespace = 'crm'::regnamespace AND c.relkind IN ('r', 'v', 'p')
  AND obj_description(c.oid, 'pg_class') IS NULL;
