-- Included by tests (\i): whether a statement failed with one of
-- crm.require_pg_cron()'s three clear errors ('pg_cron is not available on
-- this server', '... not preloaded', '... not installed in database "<name>"'),
-- and with a hint. Which one applies depends on the server, so tests show
-- these two facts instead of the text.
CREATE FUNCTION pg_temp.scheduling_error(statement text, OUT clear_error boolean, OUT hint_given boolean)
LANGUAGE plpgsql AS $$
DECLARE
	msg text;
	hint text;
BEGIN
	EXECUTE statement;
	clear_error := false;
	hint_given := false;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
	clear_error := msg ~ '^pg_cron is not (available on this server|preloaded|installed in database "[^"]+")$';
	hint_given := coalesce(hint, '') <> '';
END
$$;
