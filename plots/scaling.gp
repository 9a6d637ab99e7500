# scaling.gp: throughput against images in flight for one scenario, one colour and one point
# shape per model: the measured points, the Universal Scalability Law fit (a line in the
# model's colour), the latency bound N / R0 as a continuous line (grey, dashed: Little's law,
# one per scenario) and each model's tightest other bound (CPU or bandwidth, at its largest
# level) as a horizontal dotted line in its colour. Reads scaling-S.dat (one index per model,
# in the order of models-S.txt), uslfit-S.dat (rows matched to a model by its mi column,
# since gnuplot cannot see an index with no rows: a failed fit), bound-S.dat (an index per
# model) and models-S.txt.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/scaling-".scenario.".dat"
fit = datadir."/uslfit-".scenario.".dat"
models = system("cat '".datadir."/models-".scenario.".txt'")
nm = words(models)

# The y range follows the measured points, so a bound far above them does not flatten them.
cs_file = f; cs_col = 1
@column_stats
xmax = (cs_max >= 1) ? cs_max : 1
cs_col = 2
@column_stats
ymax = (cs_max > 0) ? cs_max : 1

# ... but takes in a CPU or bandwidth bound within twice the best point, so it is drawn
bf = datadir."/bound-".scenario.".dat"
undefine STATS_*
stats bf using ($3 <= 2 * ymax ? $3 : NaN) nooutput
ytop = (exists("STATS_records") && STATS_records > 0 && STATS_max > ymax) ? \
	STATS_max * 1.1 : ymax * 1.3

set title "Throughput against images in flight".scen_title
set xlabel "images in flight (log2 scale)"
set ylabel "throughput (images/s)"
set logscale x 2
set xrange [0.8:xmax * 1.25]
set yrange [0:ytop]
set key top left
mcol(i) = model_color(model_mi(word(models, i)))
# a shape per model, so models that overlap at low levels stay apart
mpt(i) = word("7 5 9 11 13", (model_mi(word(models, i)) - 1) % 5 + 1) + 0
plot for [i = 1:nm] f index (i - 1) using 1:2 with points pointtype mpt(i) pointsize 1.8 \
		linecolor rgb mcol(i) notitle, \
	for [i = 1:nm] fit using 1:($3 == model_mi(word(models, i)) ? $2 : NaN) with lines \
		linewidth 1.5 linecolor rgb mcol(i) notitle, \
	for [i = 1:nm] bf index (i - 1) using 1:3 with lines linewidth 1.5 dashtype 3 \
		linecolor rgb mcol(i) notitle, \
	bf index 0 using 1:2 with lines linewidth 1.5 dashtype 2 linecolor rgb "#707070" \
		title "latency bound N / R0", \
	for [i = 1:nm] keyentry with linespoints pointtype mpt(i) pointsize 1.5 linewidth 1.5 \
		linecolor rgb mcol(i) title word(models, i)." (line: USL fit)", \
	keyentry with lines linewidth 1.5 dashtype 3 linecolor rgb "#404040" \
		title "CPU or bandwidth bound, per model (at its largest level)"
