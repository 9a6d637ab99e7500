/*
 * plotdata.h: the data files behind the report's figures, written to RESULTS/plots/data/ and
 * read by the gnuplot scripts in plots/ (see plot.h). Every file is whitespace-separated text
 * gnuplot reads as is: strings in double quotes, "NaN" for a missing number, `#` header lines
 * naming the columns. A model's colour is its index in the model table, 1 sequential,
 * 2 pthreads, 3 forkpool, 4 async, 5 hybrid (plots/style.gp maps them), in column `mi`.
 * S is a scenario's label (report.h: its name, or NAME-2... for a name seen before).
 *
 *   throughput-S.dat  one row per model, its best level:
 *                     "model" mi images_per_s level speedup_over_baseline
 *                     half_95_images_per_s reps (images_per_s: the mean of the level's
 *                     repeats, as in the summary; the speedup over the baseline's mean;
 *                     half_95: NaN under 2 repeats)
 *   scaling-S.dat     one gnuplot index (block, two blank lines apart) per model, one row per
 *                     measured level: level images_per_s bound_images_per_s mi
 *                     half_95_images_per_s reps (images_per_s: the mean of the level's
 *                     repeats; half_95: its 95% interval's half-width, NaN under 2 repeats)
 *   crossover-S.dat   one row per model: "model" mi nstar nstar_images_per_s
 *                     crossover_n crossover_images_per_s (N*: the USL fit's peak, NaN
 *                     without one; crossover: where N / R0 meets the model's CPU or
 *                     bandwidth bound); first comment line "# note ..." names the marks
 *                     beyond the levels run, in words
 *   uslfit-S.dat      one index per model, in the same order as scaling-S.dat, 100 rows of
 *                     the fitted curve from 1 to the largest level: n predicted_images_per_s mi
 *                     (an index with no rows where the fit failed)
 *   models-S.txt      one line: the model names of scaling-S.dat's indexes, space-separated
 *                     (gnuplot: `models = system("cat ...")`, `word(models, i)`)
 *   cpu-S.dat         one row per model (its best run): "model" mi client_on client_runq
 *                     client_off server_on server_runq server_off (percent of thread time,
 *                     each triple sums to 100; NaN when the group had no process)
 *                     client_cpu_pct server_cpu_pct (each group's CPU in percent of a core)
 *   waits-S.dat       one row per model (its best run): "model" mi network lock pipe sleep
 *                     disk other (percent of the model's blocked-thread samples, summing to
 *                     100; NaN without a wait profile) samples level "top_call" top_call_pct
 *   cputime-S.dat     one index per model (its best run), one row per sample:
 *                     t_s client_cpu_pct server_cpu_pct shaper_cpu_pct mi
 *                     (100 = one core busy)
 *   gantt-S-M.dat     model M's timeline (M in sequential, async, hybrid; its run at the level
 *                     closest to 8): one row per stage of the first 40 images by start:
 *                     lane start_s end_s stage image paler
 *                     lane: the in-flight slot the image occupied (images packed greedily
 *                     onto the lowest free slot, so lane count = peak in flight); stage 1 GET,
 *                     2 process, 3 PUT; times in seconds from the first image's start;
 *                     paler: 1 for every other image of a lane (the figure pales those).
 *                     A first comment line "# level L" gives the level.
 *   latency-S.dat     one index per model (its best run), up to 200 rows:
 *                     e2e_ms cumulative_fraction mi
 *   hardware-S.dat    for a scenario with two or more client PU sets, one row per model:
 *                     "model" mi images_per_s_at_fewest_pus images_per_s_at_most_pus level
 *                     (the model's highest level); first comment line "# pus P1 P2"
 *   rates-S.dat       for a scenario with a rate sweep, one index per model and level (the
 *                     groups of rates-S.txt, in order), one row per open-loop run by rate:
 *                     offered_per_s images_per_s resp_p50_ms resp_p99_ms resp_p999_ms mi
 *                     sustained level (sustained: 1 the run sustained its rate, rates.h); first comment lines
 *                     "# slo_p99_ms X" (0: no objective) and "# rates R1 R2 ..." (every
 *                     rate offered, ascending)
 *   rates-S.txt       one line: per group of rates-S.dat, three words "mi model level"
 *   caption-S.txt     one line: the scenario's settings, as under each figure in report.md
 *                     (report_caption: latency, jitter, CPU stage, dataset, levels, images
 *                     or duration per run, trim, repeats); gnuplot:
 *                     `caption = system("cat ...")`
 */
#ifndef EXIFBENCH_PLOTDATA_H
#define EXIFBENCH_PLOTDATA_H

#include <stddef.h>

struct report;

/* Writes every data file above for the report's scenarios into dir (created). 0 or -1, err. */
int plotdata_write(const struct report *rep, const char *dir, char *err, size_t errlen);

#endif
