-- make demo: deterministic sample data, the engine, a short report.
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
SET timezone = 'UTC';
CREATE EXTENSION IF NOT EXISTS crm;

SELECT count(*) FILTER (WHERE external_id NOT LIKE 'sample-%') AS own_rows,
       count(*) FILTER (WHERE external_id LIKE 'sample-%') AS sample_rows
FROM crm.customers \gset
\if :own_rows
\echo 'This database already holds crm customers that are not sample data; the demo will not touch them.'
\echo 'Run it against an empty database (unset PGDATABASE/PGHOST for a throwaway cluster).'
\quit
\endif
\if :sample_rows
SELECT crm.clear_sample() AS removed_sample_rows \gset
\endif

\echo
\echo '== 1. Sample data (crm.load_sample, seed 42, as of 2026-06-30)'
SELECT table_name, row_count FROM crm.load_sample(customers => :customers, seed => 42, as_of => '2026-06-30');

\echo
\echo '== 2. Scores (crm.refresh as of 2026-06-30: summaries, CLV models, RFM, value, health, lifecycle)'
SELECT run_id, mode, status, customers, round(extract(epoch FROM finished_at - started_at)::numeric, 2) AS seconds
FROM crm.refresh('2026-06-30');
SELECT stage, round(ms::numeric) AS ms, row_count FROM crm.refresh_stages
WHERE run_id = (SELECT max(run_id) FROM crm.refresh_runs) ORDER BY stage_no;

\echo
\echo '== 3. CLV models fitted by the refresh (crm.models)'
SELECT purpose, crm.model_kind(model) AS kind, customers,
       (SELECT string_agg(format('%s=%s', k, round(v::numeric, 3)), ' ' ORDER BY ord)
        FROM jsonb_each_text(crm.model_params(model) -> 'params') WITH ORDINALITY AS p(k, v, ord)) AS parameters,
       round((crm.model_params(model) ->> 'loglik')::numeric, 1) AS loglik,
       crm.model_params(model) ->> 'converged' AS converged
FROM crm.models ORDER BY model_id;

\echo
\echo '== 4. RFM segments (crm.rfm_segment_summary)'
SELECT segment, customers, customer_share_pct AS "share %", round(revenue_12m) AS revenue_12m,
       round(avg_clv::numeric, 2) AS avg_clv, round(avg_p_alive::numeric, 2) AS avg_p_alive
FROM crm.rfm_segment_summary ORDER BY revenue_12m DESC;

\echo
\echo '== 5. Value tiers and the value x loyalty matrix'
SELECT tier, tier_rule, count(*) AS customers, round(sum(revenue_12m)) AS revenue_12m,
       round(avg(value_score)::numeric, 1) AS avg_value_score
FROM crm.customer_scores GROUP BY tier, tier_rule ORDER BY tier;
SELECT value_quadrant, count(*) AS customers, round(sum(revenue_12m)) AS revenue_12m
FROM crm.customer_scores GROUP BY 1 ORDER BY 1;

\echo
\echo '== 6. Health bands and lifecycle stages'
SELECT health_band, count(*) AS customers, round(avg(health_score)::numeric, 1) AS avg_score,
       round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS "share %"
FROM crm.customer_scores GROUP BY 1 ORDER BY min(health_score) DESC;
SELECT lifecycle_stage, count(*) AS customers FROM crm.customer_scores GROUP BY 1 ORDER BY 1;

\echo
\echo '== 7. The five lowest-health customers, and why (sub-scores 0-100 per dimension; - = no data)'
SELECT c.name, s.health_score::numeric(5,1) AS health, s.health_band AS band, s.lifecycle_stage AS stage,
       (SELECT string_agg(format('%s %s', d.key,
               coalesce(round((d.value ->> 'sub_score')::numeric), NULL)::text), ', ' ORDER BY d.key)
        FROM jsonb_each(s.health_explanation) d WHERE d.value ? 'sub_score') AS "sub-scores",
       coalesce(array_to_string(s.health_missing, ', '), '') AS "no data"
FROM crm.customer_scores s JOIN crm.customers c USING (customer_id)
WHERE s.health_score IS NOT NULL
ORDER BY s.health_score, s.customer_id LIMIT 5;

\echo
\echo '== 8. Churn warnings and follow-up automation (crm.run_automation as of 2026-06-30)'
-- the team: the account managers report to a manager; two agents work the pool of unowned customers
INSERT INTO crm.team_members (member, manager, in_pool)
SELECT DISTINCT owner, 'sales_manager', false FROM crm.customers WHERE owner IS NOT NULL
UNION ALL VALUES ('agent_kim', 'service_lead', true), ('agent_lee', 'service_lead', true)
ON CONFLICT (member) DO NOTHING;
SELECT r ->> 'alerts_raised' AS alerts_raised, r ->> 'tasks_created' AS tasks_created,
       r ->> 'messages_queued' AS messages_queued, r ->> 'tasks_escalated' AS tasks_escalated
FROM crm.run_automation('2026-06-30') r;
SELECT a.level, count(*) AS open_alerts, string_agg(DISTINCT a.rule, ', ') AS rules
FROM crm.alerts a WHERE a.status <> 'resolved' GROUP BY a.level ORDER BY a.level;

\echo
\echo '== 9. Open task queue per owner (pool tasks go to the least-loaded pool member)'
SELECT coalesce(t.owner::text, '(unassigned pool)') AS owner, count(*) AS open_tasks,
       count(*) FILTER (WHERE t.due_at < '2026-06-30') AS overdue,
       to_char(min(t.due_at), 'YYYY-MM-DD HH24:MI') AS next_due,
       (SELECT string_agg(k || ' ' || n, ', ') FROM (SELECT t2.kind AS k, count(*) AS n FROM crm.tasks t2
         WHERE t2.status = 'open' AND t2.owner IS NOT DISTINCT FROM t.owner GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3) x) AS top_kinds
FROM crm.tasks t WHERE t.status = 'open' GROUP BY t.owner ORDER BY open_tasks DESC LIMIT 10;
SELECT c.name AS customer, t.title, t.owner, to_char(t.due_at, 'YYYY-MM-DD HH24:MI') AS due
FROM crm.tasks t JOIN crm.customers c USING (customer_id)
WHERE t.status = 'open' AND t.playbook_step = 'critical_retention_call' ORDER BY t.due_at, t.task_id LIMIT 5;

\echo
\echo '== 10. Pending outbox messages (applications claim them with crm.claim_messages)'
SELECT o.template, o.channel, o.purpose, count(*) AS pending, to_char(min(o.due_at), 'YYYY-MM-DD HH24:MI') AS first_due
FROM crm.outbox o WHERE o.status = 'pending' GROUP BY 1, 2, 3 ORDER BY 1;
SELECT o.recipient, o.subject FROM crm.outbox o WHERE o.template = 'thank_you' ORDER BY o.message_id LIMIT 3;

\echo
\i scripts/demo_postgis.sql
