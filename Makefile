# exifbench: one non-recursive build for the whole tree.
#
#   make                 build build/exifbench (installs missing packages first)
#   make check           unit tests, then integration tests against a real local S3 server
#   make bench           the main job: the shipped scenarios (bench/*.conf) into results/
#   make deps            install exactly the Debian packages the project needs (idempotent)
#   make SANITIZER=address|undefined|thread ...   sanitized build in build/san-<name>/
#   make O=DIR ...       objects and binaries under DIR instead of build/
#
# Flags come from pkg-config, evaluated on first use (after `deps` has run), so a fresh
# machine needs no step before `make check`.

.DEFAULT_GOAL := all
SANITIZER ?=
V ?= 0
O ?= build

ifeq ($(SANITIZER),)
BUILD := $(O)
SANFLAGS :=
else ifeq ($(filter $(SANITIZER),address undefined thread),)
$(error SANITIZER must be address, undefined or thread, not '$(SANITIZER)')
else
BUILD := $(O)/san-$(SANITIZER)
SANFLAGS := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer
ifeq ($(SANITIZER),undefined)
SANFLAGS += -fno-sanitize-recover=all
endif
endif

# Debian packages: build and test dependencies, plus the local S3 server (Ceph RGW).
DEB_PKGS := build-essential pkg-config libcurl4-openssl-dev libssl-dev libevent-dev \
	libhwloc-dev hwloc libexif-dev libjpeg62-turbo-dev libjansson-dev libcmocka-dev \
	gnuplot-nox curl jq procps sysstat radosgw ceph-mon ceph-osd ceph-common
PKGS := libcurl libcrypto libevent hwloc libexif libjpeg jansson

# Evaluated once, on first use, so that `deps` can run before pkg-config is asked.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
CMOCKA_LIBS = $(eval CMOCKA_LIBS := $$(shell pkg-config --libs cmocka))$(CMOCKA_LIBS)

WARN := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-truncation -Wno-unused-parameter -Wvla
OPT ?= -O2 -g
CFLAGS ?=
CPPFLAGS := -D_GNU_SOURCE -Iinclude -Imodels/core -Idatasets -Iharness
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(SANFLAGS) $(CPPFLAGS) $(EXTRA_DEFS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS = $(PKG_LIBS) -lpthread -lm

ifeq ($(V),0)
Q := @
say = @printf '  %-4s %s\n' $(1) $(2);
else
Q :=
say :=
endif

CORE_SRC := models/core/s3.c models/core/s3url.c models/core/s3xml.c models/core/retry.c \
	models/core/digest.c models/core/exif.c models/core/transform.c models/core/job.c \
	models/core/run.c models/core/trace.c
MODEL_SRC := models/models.c models/evio.c models/sequential.c models/pthreads.c models/forkpool.c \
	models/async.c models/hybrid.c
HARNESS_SRC := harness/topo.c harness/shape.c harness/shape_proxy.c harness/shape_conn.c \
	harness/shape_pipe.c harness/procfs.c harness/taskstats.c harness/pidscan.c harness/proctab.c \
	harness/sampler.c harness/stats.c harness/tracestats.c harness/runner.c harness/results.c \
	harness/setup.c harness/versions.c harness/csv.c harness/resultset.c harness/usl.c \
	harness/analysis.c harness/report.c harness/report_make.c harness/report_md.c \
	harness/report_out.c harness/report_plan.c harness/plotdata.c harness/plotdata_runs.c \
	harness/plot.c harness/gnuplot.c harness/rs_trace.c \
	harness/compare.c
DATA_SRC := datasets/gen.c datasets/exifwrite.c datasets/manifest.c datasets/load.c \
	datasets/verify.c datasets/remove.c datasets/pool.c datasets/list.c
BENCH_SRC := bench/main.c bench/cli.c bench/cmd_dataset.c bench/cmd_exif.c bench/cmd_run.c \
	bench/cmd_shape.c bench/cmd_bench.c bench/bench_setup.c bench/bench_run.c bench/scenario.c \
	bench/plan.c bench/cmd_report.c bench/cmd_compare.c
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRC) $(MODEL_SRC) $(HARNESS_SRC) $(DATA_SRC))
BIN := $(BUILD)/exifbench

UNIT_TESTS := s3url s3xml retry manifest gen s3config exif transform job scenario tracestats \
	procfs taskstats pidscan proctab stats shape sampler_cost usl analysis plot plotdata csv \
	resultset compare gnuplot
UNIT_BINS := $(addprefix $(BUILD)/tests/unit/test_,$(UNIT_TESTS))
INTEG_BINS := $(BUILD)/tests/integration/test_s3 $(BUILD)/tests/integration/test_sampler

.PHONY: all check unit integration bench microbench deps clean format
all: $(BIN)

$(BIN): $(LIB_OBJ) $(patsubst %.c,$(BUILD)/%.o,$(BENCH_SRC))
	$(call say,LINK,$@)$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# libexif has no version call: record the one built against.
$(BUILD)/harness/versions.o: EXTRA_DEFS = -DLIBEXIF_VERSION='"$(shell pkg-config --modversion libexif)"'

# A unit test includes the .c it tests (to reach static helpers) and links the rest.
$(BUILD)/tests/unit/test_%: tests/unit/test_%.c $(LIB_OBJ) | deps
	@mkdir -p $(@D)
	$(call say,TEST,$@)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		$(filter-out $(addprefix $(BUILD)/,$(TESTED_$*)),$(LIB_OBJ)) $(LDLIBS) $(CMOCKA_LIBS)

$(BUILD)/tests/integration/test_%: tests/integration/test_%.c $(LIB_OBJ) | deps
	@mkdir -p $(@D)
	$(call say,TEST,$@)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS) $(CMOCKA_LIBS)

# The objects each unit test includes (its .c files), left out of its link.
TESTED_s3url := models/core/s3url.o
TESTED_s3xml := models/core/s3xml.o
TESTED_retry := models/core/retry.o
TESTED_manifest := datasets/manifest.o
TESTED_gen := datasets/gen.o
TESTED_s3config := models/core/s3.o
TESTED_exif := models/core/exif.o
TESTED_transform := models/core/transform.o
TESTED_job := models/core/job.o
TESTED_scenario := bench/scenario.o
TESTED_tracestats := harness/tracestats.o
TESTED_shape := harness/shape.o
TESTED_procfs := harness/procfs.o
TESTED_taskstats := harness/taskstats.o
TESTED_pidscan := harness/pidscan.o
TESTED_proctab := harness/proctab.o
TESTED_stats := harness/stats.o
TESTED_usl := harness/usl.o
TESTED_analysis := harness/analysis.o
TESTED_plot := harness/plot.o
TESTED_resultset := harness/resultset.o harness/rs_trace.o
TESTED_csv := harness/csv.o
TESTED_plotdata := harness/plotdata.o harness/plotdata_runs.o
TESTED_compare := harness/compare.o
TESTED_gnuplot := harness/gnuplot.o

# The shared EXIF corpus the tests read (absolute, so any test's working folder will do).
EXIFBENCH_CORPUS ?= $(firstword $(wildcard $(abspath ../shared/exif-corpus) \
	/work/shared/exif-corpus))
export EXIFBENCH_CORPUS

check: unit integration

unit: $(UNIT_BINS) $(BIN)
	$(Q)for t in $(UNIT_BINS); do $$t || exit 1; done
	$(Q)tests/cli.sh $(BIN)
	$(Q)tests/report.sh $(BIN)
	$(Q)tests/compare.sh $(BIN)

# Starts the local S3 server unless AWS_ENDPOINT_URL names one, and stops it afterwards.
integration: $(INTEG_BINS) $(BIN)
	$(Q)harness/with-s3-local sh -c 'for t in $(INTEG_BINS); do $$t || exit 1; done && \
		tests/integration/dataset.sh $(BIN) && tests/integration/models.sh $(BIN) && \
		tests/integration/shape.sh $(BIN) && tests/integration/bench.sh $(BIN)'

# The report's results: the shipped scenarios, each a result folder inside one
# results/<UTC>-bench-PROFILE/, then one report over them all. The quick profile (the
# scenarios' plain keys, the `default` dataset) takes under 10 minutes; BENCH_PROFILE=full
# (their full.* keys: the seed003 dataset, all models, wide sweeps) about an hour (55 min
# measured). A scenario where some images failed (exit 1) is still a result: the next one
# runs; a report with some figures missing (exit 1) is still a report.
BENCH_PROFILE ?= quick
BENCH_SCENARIOS ?= io-bound cpu-bound hardware-scaling mixed
bench: $(BIN)
	$(Q)out=results/$$(date -u +%Y%m%dT%H%M%SZ)-bench-$(BENCH_PROFILE) && mkdir -p $$out && \
	harness/with-s3-local sh -c 'for s in $(BENCH_SCENARIOS); do \
		$(BIN) bench --profile $(BENCH_PROFILE) --no-report --scenario bench/$$s.conf \
		--results "$$0"; rc=$$?; [ $$rc -le 1 ] || exit $$rc; done' $$out && \
	{ $(BIN) report $$out; rc=$$?; [ $$rc -gt 1 ] || \
	echo "make bench: the report is $$out/report.md"; [ $$rc -le 1 ]; }

# Speed of the core steps (EXIF extraction, transforms, spin accuracy): figures, not tests.
microbench: $(BUILD)/bench/microbench
	$(Q)$(BUILD)/bench/microbench

$(BUILD)/bench/microbench: $(BUILD)/bench/microbench.o $(LIB_OBJ)
	$(call say,LINK,$@)$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

deps:
	$(Q)harness/deps $(DEB_PKGS)

format:
	clang-format -i $(CORE_SRC) $(DATA_SRC) $(BENCH_SRC) $(HARNESS_SRC) models/core/*.h \
		datasets/*.h harness/*.h bench/*.h include/*.h tests/unit/*.c tests/integration/*.c

clean:
	rm -rf $(O)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
