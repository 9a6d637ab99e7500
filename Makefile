# exifbench: one non-recursive build for the whole tree.
#
#   make                 build build/exifbench (installs missing packages first)
#   make check           unit tests, then integration tests against a real local S3 server
#   make bench           the main job: the shipped scenarios (bench/*.conf) into results/
#   make verify-measure  the toolkit's figures against pidstat, perf, the server's counters
#                        and curl's timings (bench/verify-measure.sh): figures, not tests
#   make deps            install exactly the Debian packages the project needs (idempotent)
#   make fuzz [FUZZ_SECONDS=N]   every libFuzzer target of tests/fuzz/ for N s each (60), with
#                        ASan and UBSan, from its seeds; installs clang first if missing
#   make SANITIZER=address|undefined|thread ...   sanitized build in build/san-<name>/
#   make O=DIR ...       objects and binaries under DIR instead of build/
#   make install         the binary, its man page, shipped files and example stages under
#                        PREFIX (/usr/local),
#                        staged under DESTDIR when set; `make uninstall` removes them
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

# Debian packages: build and test dependencies, plus the local S3 server (Ceph RGW, and
# HAProxy in front of several gateways) and Open MPI (clients on several hosts).
DEB_PKGS := build-essential pkg-config libcurl4-openssl-dev libssl-dev libevent-dev \
	libhwloc-dev hwloc libexif-dev libjpeg62-turbo-dev libjansson-dev libcmocka-dev \
	gnuplot-nox curl jq procps sysstat libinih-dev radosgw ceph-mon ceph-osd ceph-common \
	groff-base man-db haproxy openmpi-bin libopenmpi-dev
PKGS := libcurl libcrypto libevent hwloc libexif libjpeg jansson inih
# report.html: report.md converted by cmark-gfm (libcmark with GitHub's tables, which plain
# libcmark lacks), checked in a real browser, headless Chromium (tests/report_html.sh).
DEB_PKGS += libcmark-gfm-dev libcmark-gfm-extensions-dev chromium
PKGS += libcmark-gfm
# S3's XML answers are read with expat (models/core/s3xml.c).
DEB_PKGS += libexpat1-dev
PKGS += expat
# `make verify-measure` checks the client's CPU against `perf stat -e task-clock` (and
# pidstat, from sysstat above).
DEB_PKGS += linux-perf

# Evaluated once, on first use, so that `deps` can run before pkg-config is asked.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
CMOCKA_LIBS = $(eval CMOCKA_LIBS := $$(shell pkg-config --libs cmocka))$(CMOCKA_LIBS)

WARN := -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wno-format-truncation -Wno-unused-parameter -Wvla
OPT ?= -O2 -g
CFLAGS ?=
CPPFLAGS := -D_GNU_SOURCE -I.
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(SANFLAGS) $(CPPFLAGS) $(EXTRA_DEFS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS = $(PKG_LIBS) -lpthread -lm -ldl

ifeq ($(V),0)
Q := @
say = @printf '  %-4s %s\n' $(1) $(2);
else
Q :=
say :=
endif

CORE_SRC := $(addprefix models/core/,s3config.c s3req.c s3.c s3list.c s3url.c s3xml.c retry.c \
	location.c local.c walk.c keyesc.c shard.c arrivals.c \
	digest.c exif.c exifjson.c transform.c transform_ctx.c transform_spin.c stage.c breaker.c \
	stage_cmd.c job.c)
MODEL_SRC := $(addprefix models/,run.c lister.c records.c models.c evio.c evio_curl.c sequential.c \
	pthreads.c forkpool.c forkpool_child.c async.c hybrid.c)
DATA_SRC := $(addprefix datasets/,gen.c picture.c exifwrite.c manifest.c load.c verify.c remove.c \
	pool.c list.c dsstats.c index.c)
# The harness, room by room: the network shaper, the /proc sampler, the result folder format,
# the bench engine, the report.
SHAPE_SRC := $(addprefix harness/shape/,shape.c shape_proxy.c shape_conn.c shape_pipe.c)
SAMPLER_SRC := $(addprefix harness/sampler/,procfs.c taskstats.c pidscan.c proctab.c waitclass.c \
	waits.c waits_count.c sampler.c)
RESULTS_SRC := $(addprefix harness/results/,stats.c csv.c samples_cols.c trace_cols.c trace.c \
	tracestats.c results.c waitscsv.c netmeta.c epstats.c)
ENGINE_SRC := $(addprefix harness/engine/,topo.c versions.c scenario.c scenario_value.c plan.c \
	home.c dirdata.c setup.c runner.c probe.c gate.c)
REPORT_SRC := $(addprefix harness/report/,gnuplot.c usl.c analysis.c rs_rows.c resultset.c \
	rs_trace.c rs_dataset.c compare.c report.c report_make.c report_md.c report_summary.c \
	report_out.c report_usl.c report_html.c report_plan.c report_waits.c report_verdicts.c \
	report_profile.c report_profile_rows.c \
	report_net.c report_hosts.c report_endpoints.c capacity.c capacity_pick.c \
	capacity_whatif.c rates.c report_rates.c plotdata_out.c plotdata.c plotdata_runs.c plotdata_crossover.c \
	plotdata_rates.c plot.c)
# The CPU profile (perf): record, fold, top entries, flame graph.
PROFILE_SRC := $(addprefix harness/profile/,frame.c fold.c fold_perf.c top.c flame.c perfrec.c profile.c)
HARNESS_SRC := $(SHAPE_SRC) $(SAMPLER_SRC) $(RESULTS_SRC) $(ENGINE_SRC) $(REPORT_SRC) \
	$(PROFILE_SRC) harness/mpi/timeline.c
BENCH_SRC := $(addprefix bench/,main.c cli.c cmd_dataset.c cmd_dataset_s3.c cmd_dataset_index.c \
	cmd_exif.c cmd_trace.c cmd_run.c run_opts.c run_rate.c run_results.c run_where.c cmd_shape.c cmd_bench.c bench_keys.c \
	bench_setup.c bench_run.c bench_profile.c \
	cmd_report.c cmd_compare.c cmd_plan.c plan_doc.c plan_text.c plan_check.c)
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRC) $(MODEL_SRC) $(HARNESS_SRC) $(DATA_SRC))
BIN := $(BUILD)/exifbench

# CPU-stage plugins (include/exifbench_stage.h): the examples, built by `all`, and the tests'
# own (a misbehaving one, one with no entry point, one of another ABI version). The examples
# carry their own -fPIC copy of the toolkit's transform; only the entry symbol is exported.
STAGE_SOS := $(BUILD)/stages/jpeg.so $(BUILD)/stages/spin.so
TEST_STAGE_SOS := $(addprefix $(BUILD)/tests/stages/,teststage.so nosym.so badabi.so)
STAGE_CORE := $(addprefix models/core/,transform.c transform_ctx.c transform_spin.c)
SO_FLAGS = -std=c11 $(OPT) $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -fPIC -shared \
	-fvisibility=hidden

UNIT_TESTS := s3url location local walk keyesc shard arrivals s3xml retry breaker manifest index dsstats gen s3config exif transform \
	stage job run models scenario dirdata plan tracestats procfs taskstats pidscan proctab stats shape \
	sampler_cost usl analysis capacity plot plotdata csv resultset rs_dataset compare gnuplot results \
	epstats rates report_html waitclass waits profile
UNIT_BINS := $(addprefix $(BUILD)/tests/unit/test_,$(UNIT_TESTS))
INTEG_BINS := $(BUILD)/tests/integration/test_s3 $(BUILD)/tests/integration/test_sampler

# The MPI layer (harness/mpi/, its program bench/mpi_main.c; docs/scale-out.md): exifbench-mpi,
# which exifbench execs when mpirun started it. Only comm.c is compiled with mpicc and only this binary links libmpi;
# `make MPI=no` leaves it out (exifbench then says, under mpirun, that it is missing).
MPI ?= yes
MPICC ?= mpicc
MPI_SRC := bench/mpi_main.c bench/mpi_finish.c bench/mpi_bench.c $(addprefix harness/mpi/,rankrun.c recover.c merge.c)
MPI_BIN := $(if $(filter yes,$(MPI)),$(BUILD)/exifbench-mpi)

.PHONY: all check unit integration bench microbench verify-measure deps clean format install uninstall
all: $(BIN) $(STAGE_SOS) $(MPI_BIN)

$(BUILD)/exifbench-mpi: $(patsubst %.c,$(BUILD)/%.o,$(MPI_SRC)) $(BUILD)/harness/mpi/comm.o \
		$(LIB_OBJ) $(patsubst %.c,$(BUILD)/%.o,$(filter-out bench/main.c,$(BENCH_SRC)))
	$(call say,LINK,$@)$(MPICC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/harness/mpi/comm.o: harness/mpi/comm.c | deps
	@mkdir -p $(@D)
	$(call say,MPCC,$<)$(MPICC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/stages/%.so: models/stages/%.c $(STAGE_CORE) include/exifbench_stage.h \
		models/core/transform.h models/core/transform_int.h | deps
	@mkdir -p $(@D)
	$(call say,SO,$@)$(CC) $(SO_FLAGS) -o $@ $< $(STAGE_CORE) $(PKG_LIBS)

$(BUILD)/tests/stages/teststage.so: SO_DEFS :=
$(BUILD)/tests/stages/nosym.so: SO_DEFS := -DNO_ENTRY
$(BUILD)/tests/stages/badabi.so: SO_DEFS := -DBAD_ABI
$(TEST_STAGE_SOS): tests/stages/teststage.c include/exifbench_stage.h | deps
	@mkdir -p $(@D)
	$(call say,SO,$@)$(CC) $(SO_FLAGS) $(SO_DEFS) -o $@ $<

$(BIN): $(LIB_OBJ) $(patsubst %.c,$(BUILD)/%.o,$(BENCH_SRC))
	$(call say,LINK,$@)$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# libexif has no version call: record the one built against.
$(BUILD)/harness/engine/versions.o: EXTRA_DEFS = -DLIBEXIF_VERSION='"$(shell pkg-config --modversion libexif)"'

# The installed folder of the shipped files (harness/engine/home.h), compiled into home.o, which
# is rebuilt when PREFIX changes (the stamp file is rewritten only then).
PREFIX ?= /usr/local
SHAREDIR = $(PREFIX)/share/exifbench
$(BUILD)/harness/engine/home.o: EXTRA_DEFS = -DEXIFBENCH_SHAREDIR='"$(SHAREDIR)"'
$(BUILD)/bench/main.o: EXTRA_DEFS = -DEXIFBENCH_LIBEXEC='"$(PREFIX)/lib/exifbench"'
$(BUILD)/harness/engine/home.o $(BUILD)/bench/main.o: $(BUILD)/sharedir.stamp
$(BUILD)/sharedir.stamp: FORCE
	@mkdir -p $(@D)
	$(Q)echo '$(SHAREDIR)' | cmp -s - $@ || echo '$(SHAREDIR)' >$@
FORCE:

# A unit test includes the .c it tests (to reach static helpers) and links the rest.
$(BUILD)/tests/unit/test_%: tests/unit/test_%.c $(LIB_OBJ) | deps
	@mkdir -p $(@D)
	$(call say,TEST,$@)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		$(filter-out $(addprefix $(BUILD)/,$(TESTED_$*)),$(LIB_OBJ)) $(WRAP_$*) $(LDLIBS) \
		$(CMOCKA_LIBS)

$(BUILD)/tests/integration/test_%: tests/integration/test_%.c $(LIB_OBJ) | deps
	@mkdir -p $(@D)
	$(call say,TEST,$@)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS) $(CMOCKA_LIBS)

# The objects each unit test includes (its .c files), left out of its link.
TESTED_s3url := models/core/s3url.o
TESTED_location := models/core/location.o
TESTED_local := models/core/local.o
TESTED_walk := models/core/walk.o
TESTED_keyesc := models/core/keyesc.o
TESTED_shard := models/core/shard.o
TESTED_arrivals := models/core/arrivals.o
TESTED_s3xml := models/core/s3xml.o
TESTED_retry := models/core/retry.o
TESTED_breaker := models/core/breaker.o
TESTED_manifest := datasets/manifest.o
TESTED_gen := datasets/gen.o
TESTED_index := datasets/index.o
TESTED_dsstats := datasets/dsstats.o
TESTED_s3config := models/core/s3config.o models/core/s3req.o
TESTED_exif := models/core/exif.o models/core/exifjson.o
TESTED_transform := models/core/transform.o models/core/transform_ctx.o \
	models/core/transform_spin.o
TESTED_job := models/core/job.o
TESTED_stage := models/core/stage.o
$(BUILD)/tests/unit/test_stage $(BUILD)/tests/unit/test_scenario: $(TEST_STAGE_SOS)
$(BUILD)/tests/unit/test_stage $(BUILD)/tests/unit/test_scenario: \
	EXTRA_DEFS = -DTEST_STAGES='"$(BUILD)/tests/stages"' 
TESTED_run := models/run.o models/lister.o models/records.o models/core/breaker.o
TESTED_models := models/models.o
WRAP_run := -Wl,--wrap=s3_list_page
TESTED_scenario := harness/engine/scenario.o
TESTED_dirdata := harness/engine/dirdata.o
TESTED_plan := harness/engine/plan.o
TESTED_tracestats := harness/results/tracestats.o
TESTED_shape := harness/shape/shape.o
TESTED_procfs := harness/sampler/procfs.o
TESTED_taskstats := harness/sampler/taskstats.o
TESTED_pidscan := harness/sampler/pidscan.o
TESTED_proctab := harness/sampler/proctab.o
TESTED_waitclass := harness/sampler/waitclass.o
TESTED_waits := harness/sampler/waits.o
TESTED_profile := $(addprefix harness/profile/,frame.o fold.o fold_perf.o top.o flame.o)
TESTED_stats := harness/results/stats.o
TESTED_epstats := harness/results/epstats.o
TESTED_usl := harness/report/usl.o
TESTED_analysis := harness/report/analysis.o
TESTED_capacity := harness/report/capacity.o harness/report/capacity_pick.o \
	harness/report/capacity_whatif.o
TESTED_rates := harness/report/rates.o
TESTED_plot := harness/report/plot.o
TESTED_resultset := harness/report/resultset.o harness/report/rs_trace.o
TESTED_csv := harness/results/csv.o
TESTED_plotdata := harness/report/plotdata.o harness/report/plotdata_runs.o
TESTED_rs_dataset := harness/report/rs_dataset.o
TESTED_compare := harness/report/compare.o
TESTED_gnuplot := harness/report/gnuplot.o
TESTED_report_html := harness/report/report_html.o
TESTED_results := harness/results/results.o

# The shared EXIF corpus the tests read (absolute, so any test's working folder will do).
EXIFBENCH_CORPUS ?= $(firstword $(wildcard $(abspath ../shared/exif-corpus) \
	/work/shared/exif-corpus))
export EXIFBENCH_CORPUS

# Every process the tests start carries one mark (tests/lib.sh); tests/leftover.sh then finds
# any still running once they are over, and fails the check.
check:
	$(Q)mark=check-$$$$-$$(date +%s); \
	EXIFBENCH_TEST_MARK=$$mark $(MAKE) --no-print-directory unit integration; rc=$$?; \
	tests/leftover.sh $$mark || rc=1; exit $$rc

unit: $(UNIT_BINS) $(BIN) $(STAGE_SOS)
	$(Q)for t in $(UNIT_BINS); do $$t || exit 1; done
	$(Q)tests/cli.sh $(BIN)
	$(Q)tests/report.sh $(BIN)
	$(Q)tests/report_html.sh $(BIN) $(O)
	$(Q)tests/plan.sh $(BIN)
	$(Q)tests/compare.sh $(BIN)
	$(Q)tests/layout.sh $(BUILD)
	$(Q)tests/install.sh $(BIN) O=$(O) SANITIZER=$(SANITIZER)

# Starts the local S3 server unless AWS_ENDPOINT_URL names one, and stops it afterwards.
integration: $(INTEG_BINS) $(BIN) $(STAGE_SOS) $(TEST_STAGE_SOS) $(MPI_BIN) \
		$(BUILD)/bench/microbench
	$(Q)harness/with-s3-local sh -c 'for t in $(INTEG_BINS); do $$t || exit 1; done && \
		tests/integration/dataset.sh $(BIN) && tests/integration/models.sh $(BIN) && \
		tests/integration/microbench.sh $(BUILD)/bench/microbench && \
		tests/integration/shape.sh $(BIN) && tests/integration/bench.sh $(BIN) && \
		tests/integration/waits.sh $(BIN) && tests/integration/profile.sh $(BIN) && \
		tests/integration/source.sh $(BIN) && tests/integration/creds.sh $(BIN) && \
		tests/integration/stage.sh $(BIN) $(BUILD) && tests/integration/local.sh $(BIN) && \
		tests/integration/faults.sh $(BIN) && tests/integration/endpoints.sh $(BIN) && \
		tests/integration/openloop.sh $(BIN) && \
		tests/integration/breaker.sh $(BIN) && tests/integration/rates.sh $(BIN) && \
		tests/integration/mpi.sh $(BIN) && \
		tests/integration/mpi_netns.sh $(BIN) && tests/integration/netns.sh $(BIN)'

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
# The CPU steps on one core, then the client's whole cost per image on real runs against
# the local server (bench/client-cost.sh: getrusage per image, RSS, per model and level).
microbench: $(BUILD)/bench/microbench $(BIN)
	$(Q)harness/with-s3-local $(BUILD)/bench/microbench
	$(Q)harness/with-s3-local bench/client-cost.sh $(BIN) $(CLIENT_COST_ARGS)

# What the measurements agree with (bench/verify-measure.sh: the sampler against getrusage,
# pidstat and perf stat; requests against the server's counters; stage times against curl's;
# the shaper against what it was told): figures, not tests. docs/methodology.md quotes them.
verify-measure: $(BIN)
	$(Q)harness/with-s3-local bench/verify-measure.sh $(BIN) $(VERIFY_MEASURE_ARGS)

$(BUILD)/bench/microbench: $(BUILD)/bench/microbench.o $(BUILD)/bench/microbench_passes.o \
		$(BUILD)/bench/microbench_s3.o \
		$(LIB_OBJ)
	$(call say,LINK,$@)$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

# Fuzzing (tests/fuzz/): a libFuzzer target per parser of outside input. `make fuzz` installs
# clang if missing (FUZZ_PKGS, so that `make check` needs none), builds every target with
# clang -fsanitize=fuzzer,address,undefined into $(O)/fuzz/ and runs each FUZZ_SECONDS from
# tests/fuzz/seeds/<target>/ (and the shared EXIF corpus), one line per target. `make unit`
# replays seeds/ and regress/ through tests/fuzz/replay.c, built with $(CC) and SANITIZER=.
FUZZ_TARGETS := exif s3xml scenario csv resultset manifest keyesc s3config taskstats \
	shape_addr stage_cmd procfs
FUZZ_PKGS := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -Wno-unknown-warning-option -DEXIFBENCH_SHAREDIR='"$(SHAREDIR)"'
FUZZ_OBJ = $(patsubst %.c,$(O)/fuzz/obj/%.o,$(CORE_SRC) $(MODEL_SRC) $(HARNESS_SRC) $(DATA_SRC) \
	tests/fuzz/fuzz_util.c)
REPLAY_BINS := $(addprefix $(BUILD)/tests/fuzz/replay_,$(FUZZ_TARGETS))
.PHONY: fuzz fuzz-deps fuzz-replay
.PRECIOUS: $(O)/fuzz/obj/%.o
fuzz: $(addprefix $(O)/fuzz/fuzz_,$(FUZZ_TARGETS))
	$(Q)tests/fuzz/run.sh $(O)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-deps:
	$(Q)command -v $(FUZZ_CC) >/dev/null 2>&1 || harness/deps $(FUZZ_PKGS)
$(O)/fuzz/obj/%.o: %.c | deps fuzz-deps
	@mkdir -p $(@D)
	$(call say,FCC,$<)$(FUZZ_CC) $(FUZZ_FLAGS) $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<
$(O)/fuzz/fuzz_%: $(O)/fuzz/obj/tests/fuzz/fuzz_%.o $(FUZZ_OBJ)
	$(call say,LINK,$@)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)
$(BUILD)/tests/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz_util.c \
		tests/fuzz/fuzz.h $(LIB_OBJ) | deps
	@mkdir -p $(@D)
	$(call say,TEST,$@)$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c,$^) $(LIB_OBJ) $(LDLIBS)
fuzz-replay: $(REPLAY_BINS)
	$(Q)for t in $(FUZZ_TARGETS); do x=; [ $$t != exif ] || x="$$EXIFBENCH_CORPUS"; \
		find tests/fuzz/seeds/$$t $$x $$([ ! -d tests/fuzz/regress/$$t ] || \
		echo tests/fuzz/regress/$$t) -type f -exec $(BUILD)/tests/fuzz/replay_$$t {} + || \
		{ echo "fuzz replay: $$t failed" >&2; exit 1; }; done
unit: fuzz-replay

deps:
	$(Q)harness/deps $(DEB_PKGS)

# GNU and Debian conventions: PREFIX is where it runs from (compiled in), DESTDIR a staging root.
# The shipped files keep their tree's layout under SHAREDIR; the man page names SHAREDIR;
# uninstall removes exactly these files, and the folders only install made.
INSTALL ?= install
SHARE_FILES := $(wildcard plots/*.gp) $(wildcard bench/*.conf)
SHARE_SCRIPTS := harness/s3-local harness/with-s3-local
MAN1DIR = $(PREFIX)/share/man/man1
# The example CPU stages: the plugins (built for this machine) under LIBDIR, the co-process
# script with the shared files.
STAGEDIR = $(PREFIX)/lib/exifbench/stages
SHARE_STAGE := models/stages/stage.py
install: $(BIN) $(STAGE_SOS) $(MPI_BIN)
	$(Q)$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(STAGEDIR) \
		$(addprefix $(DESTDIR)$(SHAREDIR)/,plots bench harness models models/stages)
	$(Q)$(INSTALL) -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/exifbench
	$(Q)$(INSTALL) -m 644 $(STAGE_SOS) $(DESTDIR)$(STAGEDIR)/
	$(Q)[ -z "$(MPI_BIN)" ] || $(INSTALL) -m 755 $(MPI_BIN) $(DESTDIR)$(PREFIX)/lib/exifbench/
	$(Q)$(INSTALL) -m 644 $(SHARE_STAGE) $(DESTDIR)$(SHAREDIR)/$(SHARE_STAGE)
	$(Q)sed -e 's|/usr/local/share/exifbench|$(SHAREDIR)|g' \
		-e 's|/usr/local/lib/exifbench|$(PREFIX)/lib/exifbench|g' docs/exifbench.1 \
		>$(DESTDIR)$(MAN1DIR)/exifbench.1 && chmod 644 $(DESTDIR)$(MAN1DIR)/exifbench.1
	$(Q)for f in $(SHARE_FILES); do \
		$(INSTALL) -m 644 $$f $(DESTDIR)$(SHAREDIR)/$$f || exit 1; done
	$(Q)for f in $(SHARE_SCRIPTS); do \
		$(INSTALL) -m 755 $$f $(DESTDIR)$(SHAREDIR)/$$f || exit 1; done
	@echo "install: $(DESTDIR)$(PREFIX)/bin/exifbench, its files in $(DESTDIR)$(SHAREDIR)"

uninstall:
	$(Q)rm -f $(DESTDIR)$(PREFIX)/bin/exifbench $(DESTDIR)$(MAN1DIR)/exifbench.1 \
		$(addprefix $(DESTDIR)$(SHAREDIR)/,$(SHARE_FILES) $(SHARE_SCRIPTS) $(SHARE_STAGE)) \
		$(addprefix $(DESTDIR)$(STAGEDIR)/,$(notdir $(STAGE_SOS))) \
		$(DESTDIR)$(PREFIX)/lib/exifbench/exifbench-mpi
	$(Q)for d in plots bench harness models/stages models; do \
		[ ! -d $(DESTDIR)$(SHAREDIR)/$$d ] || rmdir $(DESTDIR)$(SHAREDIR)/$$d || exit 1; done
	$(Q)[ ! -d $(DESTDIR)$(SHAREDIR) ] || rmdir $(DESTDIR)$(SHAREDIR)
	$(Q)for d in $(STAGEDIR) $(PREFIX)/lib/exifbench; do \
		[ ! -d $(DESTDIR)$$d ] || rmdir $(DESTDIR)$$d || exit 1; done

format:
	clang-format -i $(CORE_SRC) $(MODEL_SRC) $(DATA_SRC) $(BENCH_SRC) $(HARNESS_SRC) \
		$(wildcard models/*.h models/core/*.h datasets/*.h harness/*/*.h bench/*.h include/*.h) \
		tests/unit/*.c tests/integration/*.c

clean:
	rm -rf $(O)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
