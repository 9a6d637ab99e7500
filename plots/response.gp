# response.gp: a rate sweep's response time (from when each image was due to its upload's
# end) against the load offered, for one scenario, on a log scale: per model and level (its
# colour; its levels by the points' shape), p99 (solid) and, paler, p50 (dotted) and p99.9
# (dashed), a ring around each run that gave the rate up, and the scenario's objective
# (slo_p99_ms) as a grey line, named in the key, when it has one. The x axis turns logarithmic, with a tic at
# each rate offered, when the rates span more than 20 times. Reads rates-S.dat and
# rates-S.txt as rates.gp does.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/rates-".scenario.".dat"
groups = system("cat '".datadir."/rates-".scenario.".txt'")
ng = words(groups) / 3
gmi(i) = int(word(groups, 3 * i - 2))
gtitle(i) = word(groups, 3 * i - 1)." c=".word(groups, 3 * i)
slo = real(header_value(f, "slo_p99_ms"))
rates = header_value(f, "rates")
# group i's place among its model's levels (1, 2, ...): its point's shape
gnth(i) = 1 + sum [j = 1:i - 1] (gmi(j) == gmi(i) ? 1 : 0)
gpt(i) = word("7 5 9 13 11 15", (gnth(i) - 1) % 6 + 1) + 0
pale(i) = tint(model_rgb(gmi(i)), 0.55)

cs_file = f; cs_col = 1
@column_stats
xmin = cs_min
xmax = (cs_max > 0) ? cs_max : 1
cs_col = 3
@column_stats
ymin = (cs_min > 0) ? cs_min : 1
cs_col = 5
@column_stats
ymax = (cs_max > 0) ? cs_max : 10
if (slo > 0 && slo > ymax) { ymax = slo }
if (slo > 0 && slo < ymin) { ymin = slo }

set title "Response time from when each image was due, against offered load".scen_title
set key top left
set logscale y 10
set ylabel "response time (ms, log scale)"
set yrange [ymin / 1.5:ymax * 2]
set ytics ()
@log_tics_y
if (xmin > 0 && xmax / xmin > 20) {
	set logscale x 10
	set xlabel "offered load (images/s, log scale)"
	set xrange [xmin / 1.5:xmax * 1.5]
	set xtics ()
	do for [w in rates] { set xtics add (sprintf("%g", w + 0) w + 0) }
} else {
	set xlabel "offered load (images/s)"
	set xrange [0:xmax * 1.1]
}
# the objective: a grey line, named in the key (a label on the plot would cross the curves)
if (slo > 0) {
	set arrow 1 from graph 0, first slo to graph 1, first slo nohead linewidth 1.5 \
		linecolor rgb "#909090" dashtype 4 back
}
slo_title = (slo > 0) ? sprintf("objective: p99 %g ms", slo) : ""
# p50 and p99.9 first, p99 over them: below 1,000 images p99.9 is the max and may equal p99
plot for [i = 1:ng] f index (i - 1) using 1:3 with linespoints linewidth 1.5 dashtype 3 \
		pointtype gpt(i) pointsize 0.8 linecolor rgb pale(i) notitle, \
	for [i = 1:ng] f index (i - 1) using 1:5 with linespoints linewidth 1.5 dashtype 2 \
		pointtype gpt(i) pointsize 0.8 linecolor rgb pale(i) notitle, \
	for [i = 1:ng] f index (i - 1) using 1:4 with linespoints linewidth 2.5 \
		pointtype gpt(i) pointsize 1.5 linecolor rgb model_color(gmi(i)) title gtitle(i), \
	for [i = 1:ng] f index (i - 1) using 1:($7 == 0 ? $4 : NaN) with points pointtype 6 \
		pointsize 3 linewidth 2 linecolor rgb "#000000" notitle, \
	keyentry with lines linewidth 2.5 linecolor rgb "#404040" title "p99", \
	keyentry with lines linewidth 1.5 dashtype 3 linecolor rgb "#404040" title "p50", \
	keyentry with lines linewidth 1.5 dashtype 2 linecolor rgb "#404040" title "p99.9", \
	keyentry with points pointtype 6 pointsize 3 linewidth 2 linecolor rgb "#000000" \
		title "gave the rate up", \
	keyentry with lines linewidth 1.5 dashtype 4 linecolor rgb "#909090" title slo_title
