# scaling.gp: throughput against images in flight for one scenario, one colour and one point
# shape per model: the measured points, the Universal Scalability Law fit (a line in the
# model's colour), each model's latency bound N / R0 from its own R0 as a continuous line
# (dashed, in its colour: Little's law; models of one R0 draw one line) and its tightest
# other bound (CPU or bandwidth, at its largest level) as a horizontal dotted line in its
# colour; each point is the mean of its level's repeats, with its 95% interval as an error
# bar when there are two or more. Marked: each model's USL peak N* (a dash-dot drop line,
# labelled) and its crossover, where its latency bound meets its CPU or bandwidth bound (an
# open circle, labelled); marks beyond the levels run are named in a note instead
# (crossover-S.dat's note line). The key lists only what is drawn: a model without a fit by
# its points alone, the bound, N* and crossover entries when any shows. Reads scaling-S.dat
# (one index per model, in the order of models-S.txt), uslfit-S.dat (rows matched to a model
# by its mi column, since gnuplot cannot see an index with no rows: a failed fit),
# bound-S.dat (an index per model), crossover-S.dat (a row per model) and models-S.txt.
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

# ... but takes in a CPU or bandwidth bound within twice the best point, so it is drawn (a
# bound past one in flight: a model of one level, sequential, has a point, no line)
bf = datadir."/bound-".scenario.".dat"
undefine STATS_*
stats bf using ($1 > 1 && $3 <= 2 * ymax ? $3 : NaN) nooutput
ytop = (exists("STATS_records") && STATS_records > 0 && STATS_max > ymax) ? \
	STATS_max * 1.1 : ymax * 1.3

kf = datadir."/crossover-".scenario.".dat"
note = header_value(kf, "note")
# what the key may list: a fit per model, a resource bound in range, N* and crossover marks
undefine STATS_*
stats bf using ($1 > 1 && $3 <= ytop ? $3 : NaN) nooutput
has_res = (exists("STATS_records") && STATS_records > 0) ? 1 : 0
has_nstar = 0; has_cross = 0
cs_file = f; cs_col = 6
@column_stats
has_reps = (cs_n > 0 && cs_max >= 2)
xhi = xmax * 1.25
inx(n) = (n == n && n >= 0.8 && n <= xhi)
nfmt(n) = sprintf(n < 9.95 ? "%.1f" : "%.0f", n)

set title "Throughput against images in flight".scen_title
set xlabel "images in flight (log2 scale)"
set ylabel "throughput (images/s)"
set logscale x 2
set xrange [0.8:xmax * 1.25]
set yrange [0:ytop]
set key outside right top vertical Left reverse font "sans,10"
# the note under the key: each kind of mark ("; " apart in the file) on a line, its models
# (after ": ") indented on the next
_n = note; note = ""
while (strstrt(_n, "; ") > 0) { _k = strstrt(_n, "; "); note = note._n[1:_k - 1]."\n"; \
	_n = _n[_k + 2:] }
_n = note._n; note = ""
while (strstrt(_n, ": ") > 0) { _k = strstrt(_n, ": "); note = note._n[1:_k]."\n    "; \
	_n = _n[_k + 2:] }
note = note._n
if (note ne "") { set label 1 note at screen 0.665, screen 0.6 left font "sans,10" \
	textcolor rgb "#404040" front }
mcol(i) = model_color(model_mi(word(models, i)))
# a shape per model, so models that overlap at low levels stay apart
mpt(i) = word("7 5 9 11 13", (model_mi(word(models, i)) - 1) % 5 + 1) + 0
# The marks' labels as set labels, read per model with stats (a `with labels` plot of a
# one-row file crashes gnuplot 5.4.4 when its row is undefined).
do for [i = 1:nm] {
	_mi = model_mi(word(models, i))
	array _v[4]
	do for [c = 3:6] {
		undefine STATS_*
		stats kf using (column(2) == _mi ? column(c) : NaN) nooutput
		_v[c - 2] = (exists("STATS_records") && STATS_records > 0) ? STATS_max : NaN
	}
	if (inx(_v[1])) { set label 10 + i "N* ".nfmt(_v[1]) at _v[1], _v[2] center \
		offset 0, 1 textcolor rgb mcol(i) front; has_nstar = 1 }
	if (inx(_v[3])) { set label 20 + i "crossover ".nfmt(_v[3]) at _v[3], _v[4] center \
		offset 0, -1.6 textcolor rgb mcol(i) front; has_cross = 1 }
}
array hasfit[nm > 0 ? nm : 1]
do for [i = 1:nm] {
	undefine STATS_*
	stats fit using ($3 == model_mi(word(models, i)) ? $2 : NaN) nooutput
	hasfit[i] = (exists("STATS_records") && STATS_records > 0) ? 1 : 0
}

# models side by side at a level (a small step on the log axis), so that points of equal
# rates and their error bars stay apart
dodge(x, i) = x * 2 ** ((i - (nm + 1) / 2.0) * 0.05)
plot for [i = 1:nm] f index (i - 1) using (dodge($1, i)):2 with points pointtype mpt(i) pointsize 1.8 \
		linecolor rgb mcol(i) notitle, \
	for [i = 1:nm] f index (i - 1) using (dodge($1, i)):($6 >= 2 ? $2 : NaN):($5 == $5 ? $5 : 0) \
		with yerrorbars pointtype 0 linewidth 1.5 linecolor rgb mcol(i) notitle, \
	kf using (inx($3) ? $3 : NaN):4:(model_rgb($2)) with impulses linewidth 1.5 \
		dashtype 4 linecolor rgb variable notitle, \
	kf using (inx($5) ? $5 : NaN):6:(model_rgb($2)) with points pointtype 6 pointsize 3 \
		linewidth 2 linecolor rgb variable notitle, \
	for [i = 1:nm] fit using 1:($3 == model_mi(word(models, i)) ? $2 : NaN) with lines \
		linewidth 1.5 linecolor rgb mcol(i) notitle, \
	for [i = 1:nm] bf index (i - 1) using 1:3 with lines linewidth 1.5 dashtype 3 \
		linecolor rgb mcol(i) notitle, \
	for [i = 1:nm] bf index (i - 1) using 1:2 with lines linewidth 1.2 dashtype 2 \
		linecolor rgb mcol(i) notitle, \
	keyentry with lines linewidth 1.5 dashtype 2 linecolor rgb "#707070" \
		title "latency bound N / R0 (each model's R0)", \
	for [i = 1:nm] keyentry with linespoints pointtype mpt(i) pointsize 1.5 \
		linewidth (hasfit[i] ? 1.5 : 0) linecolor rgb mcol(i) \
		title word(models, i).(hasfit[i] ? ", its USL fit" : " (no fit)"), \
	for [r = 1:has_res] keyentry with lines linewidth 1.5 dashtype 3 linecolor rgb "#404040" \
		title "CPU or bandwidth bound (at the largest level)", \
	for [r = 1:has_cross] keyentry with points pointtype 6 pointsize 2 linewidth 2 \
		linecolor rgb "#404040" title "crossover: the latency bound meets it", \
	for [r = 1:has_nstar] keyentry with impulses linewidth 1.5 dashtype 4 \
		linecolor rgb "#404040" title "N*: the USL fit's peak", \
	for [r = 1:has_reps] keyentry with yerrorbars pointtype 0 linewidth 1.5 \
		linecolor rgb "#404040" title "95% interval over repeats (point: mean)"
