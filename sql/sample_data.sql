-- Sample-data generator: determinism, refusal on a non-empty crm, realistic
-- heterogeneity, declining customers that really decline, no event after
-- as_of, and clear_sample removing exactly the sample rows.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS crm CASCADE;
CREATE EXTENSION crm;

-- Fingerprint of every table the generator fills, rows in key order.
CREATE FUNCTION pg_temp.fingerprint() RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT md5(concat_ws('/',
		(SELECT md5(string_agg(t::text, ',' ORDER BY t.customer_id)) FROM crm.customers t),
		(SELECT md5(string_agg(t::text, ',' ORDER BY t.contact_id)) FROM crm.contacts t),
		(SELECT md5(string_agg(t::text, ',' ORDER BY t.contract_id)) FROM crm.contracts t),
		(SELECT md5(string_agg(t::text, ',' ORDER BY t.purchase_id)) FROM crm.purchases t),
		(SELECT md5(string_agg(t::text, ',' ORDER BY t.interaction_id)) FROM crm.interactions t),
		(SELECT md5(string_agg(t::text, ',' ORDER BY t.ticket_id)) FROM crm.tickets t),
		(SELECT md5(string_agg(t::text, ',' ORDER BY t.feedback_id)) FROM crm.feedback t),
		(SELECT md5(string_agg(t::text, ',' ORDER BY t.opportunity_id)) FROM crm.opportunities t)))
$$;

-- Schema objects the bulk load drops and rebuilds: indexes, foreign keys,
-- their comments, and the enabled state of triggers.
CREATE FUNCTION pg_temp.schema_print() RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT md5(concat_ws('/',
		(SELECT string_agg(pg_get_indexdef(i.indexrelid) || coalesce(obj_description(i.indexrelid, 'pg_class'), ''),
						   ',' ORDER BY i.indexrelid::regclass::text)
		 FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
		 WHERE t.relnamespace = 'crm'::regnamespace AND i.indisvalid),
		(SELECT string_agg(c.conname::text || pg_get_constraintdef(c.oid) || c.convalidated::text
						   || coalesce(obj_description(c.oid, 'pg_constraint'), ''), ',' ORDER BY c.conname)
		 FROM pg_constraint c WHERE c.connamespace = 'crm'::regnamespace),
		(SELECT string_agg(g.tgname::text || g.tgenabled::text, ',' ORDER BY g.tgname)
		 FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
		 WHERE t.relnamespace = 'crm'::regnamespace AND NOT g.tgisinternal)))
$$;
CREATE TEMP TABLE schema_before AS SELECT pg_temp.schema_print() AS md5;

-- Load with the defaults: 2000 customers, seed 42, as_of 2026-06-30.
SELECT table_name, row_count > 0 AS has_rows FROM crm.load_sample();
CREATE TEMP TABLE prints AS SELECT 'seed 42'::text AS run, pg_temp.fingerprint() AS md5;

-- Sizes: every business has contacts and a contract, persons have none.
SELECT count(*) = 2000 AS customers,
	   count(*) FILTER (WHERE kind = 'business') BETWEEN 600 AND 800 AS about_35pct_business,
	   bool_and(external_id LIKE 'sample-%' AND attributes @> '{"sample": true}') AS all_marked,
	   bool_and(tier IS NULL) AS tier_left_to_engine,
	   count(DISTINCT owner) = 8 AND count(*) FILTER (WHERE owner IS NULL) > 100 AS owners_and_pool,
	   bool_and(birthday IS NOT NULL) AS birthdays
FROM crm.customers;
SELECT bool_and(n BETWEEN 1 AND 4) AS contacts_1_to_4,
	   bool_or(dm) AS some_decision_makers
FROM (SELECT c.customer_id, count(k.contact_id) AS n, bool_or(k.is_decision_maker) AS dm
	  FROM crm.customers c LEFT JOIN crm.contacts k USING (customer_id)
	  WHERE c.kind = 'business' GROUP BY c.customer_id) s;
SELECT NOT EXISTS (SELECT 1 FROM crm.contacts k JOIN crm.customers c USING (customer_id) WHERE c.kind = 'person') AS persons_have_no_contacts;

-- Heterogeneity (buy-till-you-die): sales per customer are overdispersed
-- (a Poisson count has variance = mean), with a visible share of one-time
-- buyers, and the mean is near the requested 10.
SELECT avg(x) BETWEEN 7 AND 13 AS mean_near_10,
	   var_samp(x) > 5 * avg(x) AS overdispersed,
	   avg((x = 1)::int) BETWEEN 0.1 AND 0.6 AS one_time_buyers_share
FROM (SELECT count(*) AS x FROM crm.purchases WHERE kind = 'sale' GROUP BY customer_id) s;
-- every customer's first sale is at its acquisition; refunds are negative
SELECT bool_and(first_sale = c.created_at) AS first_sale_at_acquisition
FROM crm.customers c
JOIN (SELECT customer_id, min(purchased_at) AS first_sale FROM crm.purchases
	  WHERE kind = 'sale' GROUP BY customer_id) p USING (customer_id);
SELECT count(*) FILTER (WHERE kind = 'refund') BETWEEN 100 AND 1000 AS some_refunds,
	   bool_and((kind = 'refund') = (amount < 0)) AS refund_sign,
	   count(DISTINCT channel) >= 5 AS channels
FROM crm.purchases;
-- spend heterogeneity: per-customer mean spend varies (Gamma-Gamma)
SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY m) > 2 * percentile_cont(0.1) WITHIN GROUP (ORDER BY m) AS spend_varies
FROM (SELECT avg(amount) AS m FROM crm.purchases p JOIN crm.customers c USING (customer_id)
	  WHERE p.kind = 'sale' AND c.kind = 'person' GROUP BY customer_id) s;

-- Contracts: renewal chains, churned customers' contracts ended, heavy tail.
SELECT count(*) FILTER (WHERE renewal_of IS NOT NULL) > 50 AS renewals,
	   count(DISTINCT status) = 4 AS active_renewed_expired_cancelled,
	   bool_and((status = 'renewed') = EXISTS (SELECT 1 FROM crm.contracts n WHERE n.renewal_of = k.contract_id)) AS renewed_iff_successor,
	   bool_and(renewal_of IS NULL OR (SELECT p.customer_id = k.customer_id AND p.ends_on + 1 = k.starts_on
									  FROM crm.contracts p WHERE p.contract_id = k.renewal_of)) AS chains_are_consecutive,
	   avg(attachments_signed::int) BETWEEN 0.8 AND 0.97 AS attachments_mostly_signed,
	   max(annual_value) > 100 * percentile_cont(0.5) WITHIN GROUP (ORDER BY annual_value) AS heavy_tailed
FROM crm.contracts k;
-- the generator's contract values exceed 5,000,000 for a few accounts (20000 customers)
SELECT count(*) FILTER (WHERE annual_value > 5000000) BETWEEN 1 AND 200 AS a_few_above_5m
FROM crm.sample_contracts(42, 1, 20000, '2026-06-30 00:00+00', 10);
-- customers who dropped out (ground truth) have no active contract
SELECT NOT EXISTS (
	SELECT 1 FROM crm.contracts k
	JOIN crm.sample_truth(42, 1, 2000, '2026-06-30 00:00+00', 10) t USING (customer_id)
	WHERE k.status = 'active' AND t.dropout_at <= '2026-06-30 00:00+00') AS churned_not_active;
SELECT count(DISTINCT stage) = 7 AS all_pipeline_stages FROM crm.opportunities;

-- Declining customers (ground truth from crm.sample_truth): far fewer logins
-- in the last 45 days, more urgent tickets and lower NPS, each difference
-- significant (Welch t > 4).
CREATE TEMP TABLE per_customer AS
SELECT t.customer_id, t.declining,
	   (SELECT count(*) FROM crm.interactions i WHERE i.customer_id = t.customer_id AND i.kind = 'login'
		  AND i.occurred_at > '2026-06-30 00:00+00'::timestamptz - interval '45 days') AS recent_logins,
	   (SELECT count(*) FROM crm.tickets k WHERE k.customer_id = t.customer_id AND k.priority = 'urgent') AS urgent_tickets,
	   (SELECT avg(f.nps) FROM crm.feedback f WHERE f.customer_id = t.customer_id) AS nps
FROM crm.sample_truth(42, 1, 2000, '2026-06-30 00:00+00', 10) t
WHERE t.dropout_at > '2026-06-30 00:00+00';
CREATE FUNCTION pg_temp.welch(m1 numeric, v1 numeric, n1 bigint, m2 numeric, v2 numeric, n2 bigint)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT (m1 - m2) / sqrt(v1 / n1 + v2 / n2) $$;
SELECT avg(declining::int) BETWEEN 0.1 AND 0.4 AS declining_share_of_live,
	   pg_temp.welch(avg(recent_logins) FILTER (WHERE NOT declining), var_samp(recent_logins) FILTER (WHERE NOT declining), count(*) FILTER (WHERE NOT declining),
					 avg(recent_logins) FILTER (WHERE declining), var_samp(recent_logins) FILTER (WHERE declining), count(*) FILTER (WHERE declining)) > 4 AS fewer_recent_logins,
	   avg(recent_logins) FILTER (WHERE declining) < 0.3 * avg(recent_logins) FILTER (WHERE NOT declining) AS logins_drop_sharply,
	   pg_temp.welch(avg(urgent_tickets) FILTER (WHERE declining), var_samp(urgent_tickets) FILTER (WHERE declining), count(*) FILTER (WHERE declining),
					 avg(urgent_tickets) FILTER (WHERE NOT declining), var_samp(urgent_tickets) FILTER (WHERE NOT declining), count(*) FILTER (WHERE NOT declining)) > 4 AS more_urgent_tickets
FROM per_customer;
SELECT pg_temp.welch(avg(nps) FILTER (WHERE NOT declining), var_samp(nps) FILTER (WHERE NOT declining), count(*) FILTER (WHERE NOT declining),
					 avg(nps) FILTER (WHERE declining), var_samp(nps) FILTER (WHERE declining), count(*) FILTER (WHERE declining)) > 4 AS lower_nps,
	   avg(nps) FILTER (WHERE NOT declining) >= 7 AS others_promoters_or_passives
FROM per_customer WHERE nps IS NOT NULL;

-- Nothing happens after as_of (ends_on and expected_close are planned dates).
SELECT greatest(
	(SELECT max(created_at) FROM crm.customers), (SELECT max(updated_at) FROM crm.customers),
	(SELECT max(lifecycle_changed_at) FROM crm.customers), (SELECT max(created_at) FROM crm.contacts),
	(SELECT max(signed_at) FROM crm.contracts),
	(SELECT max(created_at) FROM crm.contracts), (SELECT max(purchased_at) FROM crm.purchases),
	(SELECT max(occurred_at) FROM crm.interactions), (SELECT max(opened_at) FROM crm.tickets),
	(SELECT max(first_response_at) FROM crm.tickets), (SELECT max(resolved_at) FROM crm.tickets),
	(SELECT max(answered_at) FROM crm.feedback), (SELECT max(opened_at) FROM crm.opportunities),
	(SELECT max(stage_changed_at) FROM crm.opportunities), (SELECT max(closed_at) FROM crm.opportunities))
	<= '2026-06-30 00:00+00' AS nothing_after_as_of,
	(SELECT max(starts_on) FROM crm.contracts) <= DATE '2026-06-30' AS no_contract_starts_later;
-- and nothing before the customer existed
SELECT NOT EXISTS (SELECT 1 FROM crm.purchases p JOIN crm.customers c USING (customer_id) WHERE p.purchased_at < c.created_at)
   AND NOT EXISTS (SELECT 1 FROM crm.interactions i JOIN crm.customers c USING (customer_id) WHERE i.occurred_at < c.created_at)
   AND NOT EXISTS (SELECT 1 FROM crm.tickets i JOIN crm.customers c USING (customer_id) WHERE i.opened_at < c.created_at)
	AS nothing_before_acquisition;
-- interactions point at contacts of their own customer
SELECT bool_and(k.customer_id = i.customer_id) AS contact_of_same_customer
FROM crm.interactions i JOIN crm.contacts k USING (contact_id);
-- the bulk load rebuilt every index, foreign key (validated) and trigger as it was
SELECT pg_temp.schema_print() = (SELECT md5 FROM schema_before) AS schema_restored;

-- A second load is refused, and nothing stored changes.
SELECT * FROM crm.load_sample(10);
SELECT count(*) = 2000 AS customers_kept,
	   pg_temp.fingerprint() = (SELECT md5 FROM prints WHERE run = 'seed 42') AS data_unchanged
FROM crm.customers;

-- Ids continue after the sample: a new customer gets id 2001.
INSERT INTO crm.customers (external_id, name) VALUES ('real-1', 'Real Customer') RETURNING customer_id;
INSERT INTO crm.purchases (customer_id, purchased_at, amount) VALUES (2001, '2026-06-01', 12.50);

-- clear_sample removes exactly the sample rows.
SELECT crm.clear_sample() AS removed;
SELECT (SELECT count(*) FROM crm.customers) = 1 AS real_customer_kept,
	   (SELECT count(*) FROM crm.purchases WHERE customer_id = 2001) = 1 AS real_purchase_kept,
	   (SELECT count(*) FROM crm.purchases) + (SELECT count(*) FROM crm.contacts) + (SELECT count(*) FROM crm.contracts)
	   + (SELECT count(*) FROM crm.interactions) + (SELECT count(*) FROM crm.tickets) + (SELECT count(*) FROM crm.feedback)
	   + (SELECT count(*) FROM crm.opportunities) = 1 AS only_real_rows_left;
DELETE FROM crm.customers WHERE external_id = 'real-1';

-- Same seed, same data (byte for byte); another seed, other data. crm_admin may load.
SET ROLE crm_admin;
SELECT sum(row_count) > 0 AS loaded FROM crm.load_sample();
RESET ROLE;
INSERT INTO prints SELECT 'seed 42 again', pg_temp.fingerprint();
SET ROLE crm_admin;
SELECT crm.clear_sample() AS removed;
RESET ROLE;
SELECT sum(row_count) > 0 AS loaded FROM crm.load_sample(seed => 43);
INSERT INTO prints SELECT 'seed 43', pg_temp.fingerprint();
SELECT (SELECT md5 FROM prints WHERE run = 'seed 42') = (SELECT md5 FROM prints WHERE run = 'seed 42 again') AS same_seed_same_data,
	   (SELECT md5 FROM prints WHERE run = 'seed 42') <> (SELECT md5 FROM prints WHERE run = 'seed 43') AS other_seed_other_data;
SELECT crm.clear_sample() AS removed;

-- Each customer's rows do not depend on the range it is generated in.
SELECT (SELECT md5(string_agg(t::text, ',')) FROM crm.sample_purchases(42, 1, 300, '2026-06-30 00:00+00', 10) t)
	 = (SELECT md5(string_agg(t::text, ',')) FROM (
			SELECT * FROM crm.sample_purchases(42, 1, 100, '2026-06-30 00:00+00', 10)
			UNION ALL SELECT * FROM crm.sample_purchases(42, 101, 300, '2026-06-30 00:00+00', 10)) t) AS ranges_agree;

-- Bad arguments are refused with the allowed range.
SELECT * FROM crm.load_sample(0);
SELECT * FROM crm.load_sample(100, purchases_per_customer => 0.5);
SELECT * FROM crm.load_sample(100, as_of => 'infinity');
SELECT count(*) FROM crm.sample_purchases(42, 0, 10, '2026-06-30 00:00+00', 10);
SELECT count(*) = 0 AS still_empty FROM crm.customers;
