/*
 * plan_cmd.h: what the files of `exifbench plan` share. cmd_plan.c reads the command line;
 * plan_doc.c builds the plan as one JSON document (the same for text and --json:
 * docs/planning.md describes it); plan_text.c prints that document as text; plan_check.c compares a
 * prediction document with the runs of a later bench (--check).
 */
#ifndef EXIFBENCH_PLAN_CMD_H
#define EXIFBENCH_PLAN_CMD_H

#include <jansson.h>

#include "harness/report/capacity.h"

/* The command line, parsed. */
struct plan_opts {
	struct cap_in in;
	double slo_ms;			/* --slo-p99-ms; <= 0 none */
	const char *latency, *cpu;	/* --latency-ms, --cpu-ms as given; NULL not asked */
	const char *check;		/* --check PREDICTION.json */
	int json;
};

/*
 * The plan of rep under o (plan_doc.c): a new document, "kind" "prediction" when a what-if
 * was asked, else "plan"; or NULL with err (summary.csv could not be read again).
 */
json_t *plan_doc(const struct plan_opts *o, const struct report *rep, char *err,
    size_t errlen);

/* Prints the plan document doc (plan_doc's) as text on stdout. */
void plan_text(const json_t *doc);

/*
 * `plan --check`: the prediction in o->check against the runs in dir; prints the table (or
 * JSON) and returns the exit code: 0 when at least one prediction found its runs, 3 when
 * none did or a file could not be read (one line on stderr naming it).
 */
int plan_check(const struct plan_opts *o, const char *dir);

#endif
