# crm: PostgreSQL extension (PGXS build).
#
#   make / make install / make installcheck   as any PGXS extension
#   make unit      C unit tests of the numeric core (no server needed)
#   make test      everything, on a throwaway cluster (installs Debian packages first)
#   make demo      sample data, engine run and a short report
#   make bench     benchmarks, printed as ratios against a floor measured in the same run
#   make docs      regenerate docs/reference.md from the catalog; make charts: docs/img

EXTENSION    = crm crm_postgis
MODULE_big   = crm
EXTVERSION   = 1.0

# Per-concept SQL parts, assembled in name order into the install scripts.
# crm_postgis is the companion extension (pure SQL, requires crm and postgis).
SQL_PARTS    = $(sort $(wildcard src/sql/*.sql))
POSTGIS_PARTS = $(sort $(wildcard src/postgis/*.sql))
DATA         = crm--$(EXTVERSION).sql crm_postgis--$(EXTVERSION).sql
EXTRA_CLEAN  = test/bin results regression.diffs regression.out output_iso regress.log $(DATA)

CORE_OBJS    = $(patsubst %.c,%.o,$(sort $(wildcard src/core/*.c)))
GLUE_OBJS    = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
OBJS         = $(GLUE_OBJS) $(CORE_OBJS)

# Regression tests: sql/NAME.sql against expected/NAME.out, in this order.
# The tests that need PostGIS (the crm_postgis ones and doc_examples) run when
# the target server has PostGIS; crm itself needs neither PostGIS nor pg_cron.
POSTGIS_TESTS = postgis_lifecycle postgis_geo doc_examples
REGRESS      = $(shell cat test/regress_schedule 2>/dev/null)
ISOLATION    = $(basename $(notdir $(sort $(wildcard specs/*.spec))))

PG_CPPFLAGS  = -Isrc -Isrc/core
PG_CFLAGS    = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
SHLIB_LINK   = -lm

PG_CONFIG   ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS        := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(PGXS),)
include $(PGXS)
endif

ifeq ($(wildcard $(shell $(PG_CONFIG) --sharedir 2>/dev/null)/extension/postgis.control),)
ifneq ($(filter installcheck,$(MAKECMDGOALS)),)
$(info PostGIS is not installed on this server: skipping $(POSTGIS_TESTS))
endif
REGRESS := $(filter-out $(POSTGIS_TESTS),$(REGRESS))
endif

all: crm--$(EXTVERSION).sql crm_postgis--$(EXTVERSION).sql

crm--$(EXTVERSION).sql: $(SQL_PARTS)
	cat $(SQL_PARTS) > $@

crm_postgis--$(EXTVERSION).sql: $(POSTGIS_PARTS)
	cat $(POSTGIS_PARTS) > $@

include test/Makefile.unit

# The README's two commands. Both set up everything themselves (see scripts/).
test:
	@bash scripts/test.sh

demo:
	@bash scripts/demo.sh

bench:
	@bash scripts/bench.sh

# Regenerates docs/reference.md and the table reference in docs/data-model.md.
docs:
	@bash scripts/docs.sh

# Renders the charts in docs/img from real SQL output (gnuplot).
charts:
	@bash scripts/charts.sh

.PHONY: test demo bench docs charts
