-- Regional views for BI tools: per territory (and the pool) customers,
-- revenue, average health, churn-risk count and CLV, with the territory
-- geometry (geography and GeoJSON) so a map-capable tool can draw them.

-- Per-territory figures from the last assignment; scores come from crm.customer_scores when it exists.
SELECT crm_postgis.install_sql($sql$
CREATE FUNCTION crm_postgis.territory_stats()
RETURNS TABLE (territory_id bigint, name text, owner name, priority integer, customers bigint,
	revenue_12m numeric, avg_health_score float8, churn_risk_customers bigint, clv_total float8, clv_avg float8,
	boundary @extschema:postgis@.geography, boundary_geojson text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	has_scores boolean := pg_catalog.to_regclass('crm.customer_scores') IS NOT NULL;
BEGIN
	-- Without scores: revenue is summed from crm.purchases (12 months before now()), health and CLV are NULL.
	RETURN QUERY EXECUTE format($q$
		WITH per_customer AS (
			SELECT ct.territory_id, ct.customer_id, c.lifecycle_stage, %s AS revenue, %s AS health_score,
				%s AS health_band, %s AS clv
			FROM crm_postgis.customer_territories ct
			JOIN crm.customers c ON c.customer_id = ct.customer_id
			%s
		), per_territory AS (
			SELECT p.territory_id, count(*) AS customers, coalesce(sum(p.revenue), 0) AS revenue,
				avg(p.health_score) AS avg_health,
				count(*) FILTER (WHERE p.health_band = 'at_risk' OR p.lifecycle_stage = 'at_risk') AS churn_risk,
				sum(p.clv) AS clv_total, avg(p.clv) AS clv_avg
			FROM per_customer p GROUP BY p.territory_id
		)
		SELECT t.territory_id, t.name, t.owner, t.priority, coalesce(a.customers, 0), coalesce(a.revenue, 0),
			a.avg_health, coalesce(a.churn_risk, 0), a.clv_total, a.clv_avg,
			t.boundary, @extschema:postgis@.ST_AsGeoJSON(t.boundary)
		FROM crm_postgis.territories t
		LEFT JOIN per_territory a ON a.territory_id = t.territory_id
		UNION ALL
		SELECT NULL, '(pool)', NULLIF(crm_postgis.setting('pool_owner') #>> '{}', '')::name, NULL, a.customers, a.revenue,
			a.avg_health, a.churn_risk, a.clv_total, a.clv_avg, NULL, NULL
		FROM per_territory a WHERE a.territory_id IS NULL
		ORDER BY 1 NULLS LAST$q$,
		CASE WHEN has_scores THEN 's.revenue_12m' ELSE
			'(SELECT sum(pu.amount) FROM crm.purchases pu WHERE pu.customer_id = c.customer_id
			  AND pu.purchased_at >= pg_catalog.now() - interval ''12 months'' AND pu.purchased_at < pg_catalog.now())' END,
		CASE WHEN has_scores THEN 's.health_score' ELSE 'NULL::float8' END,
		CASE WHEN has_scores THEN 's.health_band' ELSE 'NULL::text' END,
		CASE WHEN has_scores THEN 's.clv' ELSE 'NULL::float8' END,
		CASE WHEN has_scores THEN 'LEFT JOIN crm.customer_scores s ON s.customer_id = c.customer_id' ELSE '' END);
END
$$
$sql$);
COMMENT ON FUNCTION crm_postgis.territory_stats() IS 'Per territory (and a "(pool)" row): customers, revenue_12m, average health score, churn-risk customers, total and average CLV, boundary; from the last assign_territories and crm.customer_scores';

CREATE VIEW crm_postgis.territory_summary WITH (security_invoker = true) AS
SELECT * FROM crm_postgis.territory_stats();
COMMENT ON VIEW crm_postgis.territory_summary IS 'Regional BI view: one row per territory plus the pool, with customers, revenue_12m, avg_health_score, churn_risk_customers, clv_total, clv_avg and the boundary (geography and GeoJSON)';
COMMENT ON COLUMN crm_postgis.territory_summary.territory_id IS 'Territory id; NULL on the "(pool)" row (customers in no territory)';
COMMENT ON COLUMN crm_postgis.territory_summary.name IS 'Territory name, or "(pool)"';
COMMENT ON COLUMN crm_postgis.territory_summary.owner IS 'Territory owner (role name); for the pool the setting pool_owner';
COMMENT ON COLUMN crm_postgis.territory_summary.priority IS 'Territory priority (higher wins where territories overlap); NULL for the pool';
COMMENT ON COLUMN crm_postgis.territory_summary.customers IS 'Customers assigned by the last crm_postgis.assign_territories';
COMMENT ON COLUMN crm_postgis.territory_summary.revenue_12m IS 'Sum of the customers'' trailing-12-month revenue (crm.customer_scores), account currency';
COMMENT ON COLUMN crm_postgis.territory_summary.avg_health_score IS 'Average health score 0-100 of the scored customers; NULL when none is scored';
COMMENT ON COLUMN crm_postgis.territory_summary.churn_risk_customers IS 'Customers with health band at_risk or lifecycle stage at_risk';
COMMENT ON COLUMN crm_postgis.territory_summary.clv_total IS 'Sum of the customers'' CLV (crm.customer_scores.clv), account currency';
COMMENT ON COLUMN crm_postgis.territory_summary.clv_avg IS 'Average CLV per scored customer, account currency';
COMMENT ON COLUMN crm_postgis.territory_summary.boundary IS 'Territory boundary, geography (WGS 84); NULL for the pool';
COMMENT ON COLUMN crm_postgis.territory_summary.boundary_geojson IS 'The boundary as GeoJSON text (longitude, latitude), for map tools';

SELECT crm_postgis.install_sql($sql$
CREATE VIEW crm_postgis.customer_map WITH (security_invoker = true) AS
SELECT l.customer_id, c.name, c.tier, c.owner, c.lifecycle_stage, ct.territory_id, t.name AS territory_name,
	ct.method AS assignment, ct.distance_m AS distance_to_territory_m, l.latitude, l.longitude, l.location
FROM crm_postgis.customer_locations l
JOIN crm.customers c ON c.customer_id = l.customer_id
LEFT JOIN crm_postgis.customer_territories ct ON ct.customer_id = l.customer_id
LEFT JOIN crm_postgis.territories t ON t.territory_id = ct.territory_id
$sql$);
COMMENT ON VIEW crm_postgis.customer_map IS 'Located customers with tier, owner, lifecycle stage and assigned territory, for maps in BI tools';
COMMENT ON COLUMN crm_postgis.customer_map.customer_id IS 'Customer id (crm.customers)';
COMMENT ON COLUMN crm_postgis.customer_map.name IS 'Customer name';
COMMENT ON COLUMN crm_postgis.customer_map.tier IS 'Value tier A/B/C written by crm.refresh()';
COMMENT ON COLUMN crm_postgis.customer_map.owner IS 'Account owner (role name)';
COMMENT ON COLUMN crm_postgis.customer_map.lifecycle_stage IS 'Lifecycle stage written by crm.refresh()';
COMMENT ON COLUMN crm_postgis.customer_map.territory_id IS 'Assigned territory; NULL when in the pool or not yet assigned';
COMMENT ON COLUMN crm_postgis.customer_map.territory_name IS 'Name of the assigned territory';
COMMENT ON COLUMN crm_postgis.customer_map.assignment IS 'inside (covered by the territory), nearest (fallback within the setting fallback_distance_m) or pool';
COMMENT ON COLUMN crm_postgis.customer_map.distance_to_territory_m IS 'Metres from the customer to the assigned territory (0 inside it; > 0 for a nearest-territory fallback)';
COMMENT ON COLUMN crm_postgis.customer_map.latitude IS 'Latitude in decimal degrees (WGS 84)';
COMMENT ON COLUMN crm_postgis.customer_map.longitude IS 'Longitude in decimal degrees (WGS 84)';
COMMENT ON COLUMN crm_postgis.customer_map.location IS 'geography(Point, 4326) of the customer';
