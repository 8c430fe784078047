-- Visit planning: an owner's open visit tasks (channel visit, or a kind in
-- the visit_task_kinds setting) due on a day (or overdue), within reach of a
-- start point, in nearest-neighbour order with leg and total distances.

-- Visit route for an owner and a day from a start point: one stop per customer, nearest-neighbour order.
SELECT crm_postgis.install_sql($sql$
CREATE FUNCTION crm_postgis.plan_visits(visit_owner name, visit_day date, start_latitude float8, start_longitude float8,
	max_distance_m float8 DEFAULT 100000, include_overdue boolean DEFAULT true, return_to_start boolean DEFAULT false)
RETURNS TABLE (stop integer, customer_id bigint, customer_name text, task_ids bigint[], task_kinds text[],
	due_at timestamptz, latitude float8, longitude float8, leg_m float8, cumulative_m float8, total_m float8)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	origin @extschema:postgis@.geography := crm_postgis.make_location(start_latitude, start_longitude);
	here @extschema:postgis@.geography;
	visit_kinds text[] := ARRAY(SELECT jsonb_array_elements_text(crm_postgis.setting('visit_task_kinds')));
	stops jsonb[];
	locs @extschema:postgis@.geography[];
	done boolean[];
	route integer[] := '{}';
	legs float8[] := '{}';
	n integer;
	best integer;
	best_d float8;
	d float8;
	total float8 := 0;
	unlocated integer;
BEGIN
	IF visit_owner IS NULL OR visit_day IS NULL THEN
		RAISE EXCEPTION '% must not be NULL', CASE WHEN visit_owner IS NULL THEN 'visit_owner' ELSE 'visit_day' END
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Pass the owner''s role name and the day to plan.';
	END IF;
	IF NOT (max_distance_m >= 0 AND max_distance_m < 'Infinity') THEN
		RAISE EXCEPTION 'max_distance_m % is out of range [0, infinity)', coalesce(max_distance_m::text, 'NULL')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Give the reach from the start point in metres, e.g. 100000.';
	END IF;
	-- Due visits of the owner, grouped per customer ("day" is in the session time zone).
	SELECT array_agg(to_jsonb(q) - 'location' ORDER BY q.customer_id), array_agg(q.location ORDER BY q.customer_id)
	INTO stops, locs
	FROM (SELECT t.customer_id, c.name, array_agg(t.task_id ORDER BY t.due_at, t.task_id) AS ids,
				 array_agg(t.kind ORDER BY t.due_at, t.task_id) AS kinds, min(t.due_at) AS due,
				 l.latitude, l.longitude, l.location
		  FROM crm.tasks t
		  JOIN crm.customers c ON c.customer_id = t.customer_id
		  JOIN crm_postgis.customer_locations l ON l.customer_id = t.customer_id
		  WHERE t.status = 'open' AND t.owner = visit_owner
			AND (t.channel = 'visit' OR t.kind = ANY (visit_kinds))
			AND t.due_at < (visit_day + 1)::timestamptz
			AND (include_overdue OR t.due_at >= visit_day::timestamptz)
			AND @extschema:postgis@.ST_DWithin(l.location, origin, max_distance_m)
		  GROUP BY t.customer_id, c.name, l.latitude, l.longitude, l.location) AS q;
	SELECT count(DISTINCT t.customer_id) INTO unlocated
	FROM crm.tasks t
	WHERE t.status = 'open' AND t.owner = visit_owner AND (t.channel = 'visit' OR t.kind = ANY (visit_kinds))
		AND t.due_at < (visit_day + 1)::timestamptz AND (include_overdue OR t.due_at >= visit_day::timestamptz)
		AND NOT EXISTS (SELECT 1 FROM crm_postgis.customer_locations l WHERE l.customer_id = t.customer_id);
	IF unlocated > 0 THEN
		RAISE NOTICE '% customer(s) with due visits have no location and are not in the plan', unlocated
			USING HINT = 'Set their locations with crm_postgis.set_customer_location().';
	END IF;
	n := coalesce(cardinality(stops), 0);
	IF n = 0 THEN
		RETURN;
	END IF;
	done := array_fill(false, ARRAY[n]);
	here := origin;
	-- Nearest neighbour: always go to the closest unvisited stop (ties: lowest customer_id).
	FOR step IN 1 .. n LOOP
		best := NULL;
		FOR i IN 1 .. n LOOP
			CONTINUE WHEN done[i];
			d := @extschema:postgis@.ST_Distance(here, locs[i]);
			IF best IS NULL OR d < best_d THEN
				best := i;
				best_d := d;
			END IF;
		END LOOP;
		done[best] := true;
		route := route || best;
		legs := legs || best_d;
		total := total + best_d;
		here := locs[best];
	END LOOP;
	IF return_to_start THEN
		total := total + @extschema:postgis@.ST_Distance(here, origin);
	END IF;
	d := 0;
	FOR step IN 1 .. n LOOP
		d := d + legs[step];
		stop := step;
		customer_id := (stops[route[step]] ->> 'customer_id')::bigint;
		customer_name := stops[route[step]] ->> 'name';
		task_ids := ARRAY(SELECT jsonb_array_elements_text(stops[route[step]] -> 'ids')::bigint);
		task_kinds := ARRAY(SELECT jsonb_array_elements_text(stops[route[step]] -> 'kinds'));
		due_at := (stops[route[step]] ->> 'due')::timestamptz;
		latitude := (stops[route[step]] ->> 'latitude')::float8;
		longitude := (stops[route[step]] ->> 'longitude')::float8;
		leg_m := legs[step];
		cumulative_m := d;
		total_m := total;
		RETURN NEXT;
	END LOOP;
END
$$
$sql$);
COMMENT ON FUNCTION crm_postgis.plan_visits(name, date, float8, float8, float8, boolean, boolean) IS 'Route for an owner''s open visit tasks due on a day (and overdue ones) within max_distance_m of the start: one stop per customer in nearest-neighbour order, leg/cumulative/total metres (total includes the way back with return_to_start)';

-- Visit route starting from a site (e.g. the owner's branch).
CREATE FUNCTION crm_postgis.plan_visits(visit_owner name, visit_day date, start_site_id bigint,
	max_distance_m float8 DEFAULT 100000, include_overdue boolean DEFAULT true, return_to_start boolean DEFAULT false)
RETURNS TABLE (stop integer, customer_id bigint, customer_name text, task_ids bigint[], task_kinds text[],
	due_at timestamptz, latitude float8, longitude float8, leg_m float8, cumulative_m float8, total_m float8)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	lat float8;
	lon float8;
BEGIN
	SELECT s.latitude, s.longitude INTO lat, lon FROM crm_postgis.sites s WHERE s.site_id = start_site_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'site % does not exist', coalesce(start_site_id::text, 'NULL')
			USING ERRCODE = 'no_data_found', HINT = 'SELECT site_id, name FROM crm_postgis.sites lists the sites.';
	END IF;
	RETURN QUERY SELECT * FROM crm_postgis.plan_visits(visit_owner, visit_day, lat, lon, max_distance_m,
		include_overdue, return_to_start);
END
$$;
COMMENT ON FUNCTION crm_postgis.plan_visits(name, date, bigint, float8, boolean, boolean) IS 'Like plan_visits(owner, day, latitude, longitude, ...) but starting from a site';
