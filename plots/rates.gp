# rates.gp: a rate sweep's achieved load against the load offered, for one scenario: one
# line per model and level (colour: the model; dash: its level, when it ran at several),
# the y = x line a run on which kept up, and a ring around each run that gave the rate up
# (it fell too far behind and stopped early: its achieved rate is about what it could do).
# Both axes turn logarithmic when the rates span more than 20 times, with a tic at each rate
# offered. Reads rates-S.dat (one index per group; its "# rates" line) and rates-S.txt (the
# groups: "mi model level" each).
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/rates-".scenario.".dat"
groups = system("cat '".datadir."/rates-".scenario.".txt'")
ng = words(groups) / 3
gmi(i) = int(word(groups, 3 * i - 2))
gtitle(i) = word(groups, 3 * i - 1)." c=".word(groups, 3 * i)
# group i's place among its model's levels (1, 2, ...): its dash and its point's shape
gnth(i) = 1 + sum [j = 1:i - 1] (gmi(j) == gmi(i) ? 1 : 0)
gpt(i) = word("7 5 9 13 11 15", (gnth(i) - 1) % 6 + 1) + 0
# the offered rates, the x axis's tics
rates = header_value(f, "rates")

cs_file = f; cs_col = 1
@column_stats
xmin = cs_min
xmax = (cs_max > 0) ? cs_max : 1
cs_col = 2
@column_stats
ymax = (cs_max > xmax) ? cs_max : xmax
ymin = (cs_min > 0 && cs_min < xmin) ? cs_min : xmin

set title "Achieved against offered load".scen_title
set key top left
set samples 200
if (xmin > 0 && xmax / xmin > 20) {
	set logscale xy 10
	set xlabel "offered load (images/s, log scale)"
	set ylabel "achieved (images/s, log scale)"
	set xrange [xmin / 1.5:xmax * 1.5]
	set yrange [ymin / 1.5:ymax * 1.5]
	set xtics ()
	do for [w in rates] { set xtics add (sprintf("%g", w + 0) w + 0) }
	set ytics ()
	@log_tics_y
} else {
	set xlabel "offered load (images/s)"
	set ylabel "achieved (images/s)"
	set xrange [0:xmax * 1.1]
	set yrange [0:ymax * 1.1]
}
plot x with lines linewidth 1.5 dashtype 2 linecolor rgb "#909090" title "y = x: kept up", \
	for [i = 1:ng] f index (i - 1) using 1:2 with linespoints linewidth 2 \
		pointsize 1.4 pointtype gpt(i) dashtype gnth(i) linecolor rgb model_color(gmi(i)) \
		title gtitle(i), \
	for [i = 1:ng] f index (i - 1) using 1:($7 == 0 ? $2 : NaN) with points pointtype 6 \
		pointsize 3 linewidth 2 linecolor rgb "#000000" notitle, \
	keyentry with points pointtype 6 pointsize 3 linewidth 2 linecolor rgb "#000000" \
		title "gave the rate up"
