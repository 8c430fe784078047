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
