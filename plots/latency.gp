# latency.gp: the distribution of end-to-end latency (first byte requested to upload done)
# of the images each model's best run kept after the trim (those its percentiles are of), as
# cumulative fractions against milliseconds, over the range of the data; the x axis turns
# logarithmic when the slowest image took over 20 times the fastest. A dotted line marks the
# median and the 99th percentile. Reads latency-S.dat; rows matched to a model by mi.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/latency-".scenario.".dat"
has_file = f; has_col = 3
@has_models
cs_file = f; cs_col = 1
@column_stats
xmin = cs_min
xmax = (cs_max > 0) ? cs_max : 1

set title "End-to-end latency of the images kept after the trim, best run of each model".scen_title
set ylabel "fraction of images finished within x"
set yrange [0:1.02]
set ytics 0,0.1,1
if (xmin > 0 && xmax / xmin > 20) {
	set logscale x 10
	set xlabel "end-to-end latency (ms, log scale)"
	set xrange [xmin / 1.2:xmax * 1.2]
} else {
	# the range of the data, 5% of it either side (not from 0: a CDF of images that all took
	# 25 to 50 ms would leave half the width empty)
	set xlabel "end-to-end latency (ms)"
	_pad = (xmax - xmin) * 0.05 + 0.5
	set xrange [(xmin - _pad > 0 ? xmin - _pad : 0):xmax + _pad]
}
set key bottom right
set arrow 1 from graph 0, first 0.5 to graph 1, first 0.5 nohead linecolor rgb "#909090" \
	dashtype 3 back
set arrow 2 from graph 0, first 0.99 to graph 1, first 0.99 nohead linecolor rgb "#909090" \
	dashtype 3 back
set label 1 "p50" at graph 0.005, first 0.5 offset 0,0.6 textcolor rgb "#707070"
set label 2 "p99" at graph 0.005, first 0.99 offset 0,-0.7 textcolor rgb "#707070"
plot for [m = 1:5] f using 1:($3 == m ? $2 : NaN) with lines linewidth 2 \
	linecolor rgb model_color(m) title key_title(m)
