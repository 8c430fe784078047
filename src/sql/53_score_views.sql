-- Summary views over the current scores (security_invoker: readers need
-- SELECT on the underlying tables, which crm_analyst has).

CREATE VIEW crm.rfm_segment_summary WITH (security_invoker = true) AS
SELECT s.rfm_segment AS segment,
	count(*) AS customers,
	round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS customer_share_pct,
	sum(s.revenue_12m) AS revenue_12m,
	sum(s.monetary) AS revenue_rfm_window,
	avg(s.clv) AS avg_clv,
	avg(s.p_alive) AS avg_p_alive,
	avg(s.health_score) AS avg_health_score,
	max(s.as_of) AS as_of
FROM crm.customer_scores s
WHERE s.rfm_segment IS NOT NULL
GROUP BY s.rfm_segment;
COMMENT ON VIEW crm.rfm_segment_summary IS 'Customers, revenue and average CLV per RFM segment (current scores)';
COMMENT ON COLUMN crm.rfm_segment_summary.segment IS 'RFM segment name';
COMMENT ON COLUMN crm.rfm_segment_summary.customers IS 'Customers in the segment';
COMMENT ON COLUMN crm.rfm_segment_summary.customer_share_pct IS 'Share of scored customers with purchases, percent';
COMMENT ON COLUMN crm.rfm_segment_summary.revenue_12m IS 'Net revenue of the segment in the 365 days up to as_of, account currency';
COMMENT ON COLUMN crm.rfm_segment_summary.revenue_rfm_window IS 'Net revenue of the segment in the RFM window (setting rfm_window_days), account currency';
COMMENT ON COLUMN crm.rfm_segment_summary.avg_clv IS 'Average CLV over the horizon, account currency';
COMMENT ON COLUMN crm.rfm_segment_summary.avg_p_alive IS 'Average probability of being alive (0-1)';
COMMENT ON COLUMN crm.rfm_segment_summary.avg_health_score IS 'Average health score (0-100)';
COMMENT ON COLUMN crm.rfm_segment_summary.as_of IS 'as_of of the newest refresh behind the rows';
