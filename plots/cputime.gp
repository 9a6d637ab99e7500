# cputime.gp: CPU use over time during each model's best run, the measured version of
# watching htop: the client's CPU (top panel) and the server's (bottom), in percent of one
# core (100 = one core busy), against seconds since the run's start. The samples (every
# ~0.1 s, in 10 ms clock ticks) are averaged over the last second so the lines can be read;
# a NaN sample counts as 0, and a panel with no sample says so. Reads cputime-S.dat; rows
# are matched to a model by mi.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/cputime-".scenario.".dat"
has_file = f; has_col = 5
@has_models

# The moving window, in samples: one second at the first block's sampling interval.
undefine STATS_*
stats f index 0 using 1 nooutput
dt = (exists("STATS_records") && STATS_records > 1) ? \
	(STATS_max - STATS_min) / (STATS_records - 1) : 0.1
mw = (dt > 0) ? int(1.0 / dt + 0.5) : 1
mw = (mw < 1) ? 1 : (mw > 50) ? 50 : mw
array ring[mw]
# Column c as a number, 0 for NaN.
val(c) = nan_cell(c) ? 0 : column(c)
# Mean of the last mw values of x; restarts at the first row of each block ($0 == 0).
ma(x) = ($0 == 0 ? (ma_k = 0, ma_s = 0) : 0, ma_k = ma_k + 1, \
	ma_i = (ma_k - 1) % mw + 1, ma_s = ma_s - (ma_k > mw ? ring[ma_i] : 0) + x, \
	ring[ma_i] = x, ma_s / (ma_k < mw ? ma_k : mw))

cs_file = f; cs_col = 2
@column_stats
cmax = cs_max
cs_col = 3
@column_stats
smax = cs_max

# A panel whose column is all NaN (no such process was sampled) says so instead.
none = "no process of this group was sampled"
set multiplot layout 2,1 title "CPU use over time, best run of each model".scen_title \
	font "sans,14" margins 0.08, 0.97, 0.09, 0.88 spacing 0.09
set xlabel "seconds since the run's start"
set ylabel "client CPU (%, 100 = one core)"
set yrange [0:*]
# The key sits between the title and the top panel, clear of the lines.
set key at screen 0.97, screen 0.945 right top horizontal
# A dotted line at one core when the values come near it (the range then reaches it).
if (cmax > 60) {
	set yrange [0:105<*]
	set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead \
		linecolor rgb "#808080" dashtype 3 linewidth 1.5 front
}
if (cmax == cmax) {
	plot for [m = 1:5] f using 1:($5 == m ? ma(val(2)) : NaN) with lines linewidth 2 \
		linecolor rgb model_color(m) title key_title(m)
} else {
	set label 1 none at graph 0.5, graph 0.5 center
	plot [0:1] [0:100] -1 notitle
	unset label 1
}

unset arrow 1
set ylabel "server CPU (%, 100 = one core)"
unset key
set yrange [0:*]
if (smax > 60) {
	set yrange [0:105<*]
	set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead \
		linecolor rgb "#808080" dashtype 3 linewidth 1.5 front
}
if (smax == smax) {
	plot for [m = 1:5] f using 1:($5 == m ? ma(val(3)) : NaN) with lines linewidth 1.5 \
		linecolor rgb model_color(m) notitle
} else {
	set label 1 none at graph 0.5, graph 0.5 center
	plot [0:1] [0:100] -1 notitle
}
unset multiplot
