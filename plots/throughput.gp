# throughput.gp: images per second of each model's best level in one scenario, as bars in the
# model's colour: the mean of the level's repeats, with its 95% interval as an error bar when
# it has two or more (the summary's figures), each labelled with its rate, its speedup over
# the baseline, the in-flight level it was reached at and the runs it is the mean of.
# Reads throughput-S.dat (plotdata.h), one to five rows; a NaN rate draws no bar and says
# "no run". Every row gets a label at a defined point, one labels plot for all: gnuplot 5.4.4
# crashes (signal 11) on a labels plot whose only row is undefined, as a one-model file with
# a NaN rate, or a "no run" plot of a file whose one row ran.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/throughput-".scenario.".dat"
cs_file = f; cs_col = 2
@column_stats
nrows = cs_n
cs_col = 6
@column_stats
nhalf = cs_n
# the top of the highest bar or error bar
top(r, h) = r + (h == h ? h : 0)
undefine STATS_*
stats f using (nan_cell(3) ? NaN : top($3, nan_cell(6) ? NaN : $6)) nooutput
cs_n = exists("STATS_records") ? STATS_records : 0
ymax = (cs_n > 0) ? ((STATS_max > 0) ? STATS_max : 1) : 1

set title "Throughput by model, each at its best level".scen_title
set ylabel "throughput (images/s)"
unset xlabel	# the tics name the models; the key sits below
set yrange [0:ymax * 1.25]
set xrange [slots_lo(nrows):slots_hi(nrows)]
set grid noxtics
set xtics scale 0
set boxwidth 0.6
set style fill solid 0.9 border rgb "#303030"
set key below center horizontal
set bmargin 5	# room for the key under the model names

speedup(c) = nan_cell(c) ? "" : sprintf(" (%.1fx)", column(c))
runs(c) = column(c) >= 2 ? sprintf(", mean of %d", column(c)) : ""
label(c) = nan_cell(c) ? "no run" : \
	sprintf("%.1f/s%s\n%d in flight%s", column(c), speedup(c + 2), column(c + 1), \
	runs(c + 4))
has_file = f; has_col = 2
@has_models
plot for [m = 1:5] f using 0:($2 == m ? $3 : NaN):xtic(1) with boxes \
		linecolor rgb model_color(m) title key_title(m), \
	f using 0:(nan_cell(3) || nan_cell(6) ? NaN : $3):($3 - $6):($3 + $6) \
		with yerrorbars linecolor rgb "#303030" linewidth 1.5 pointtype 7 pointsize 0.6 \
		title (nhalf > 0 ? "95% interval over repeats" : ""), \
	f using 0:(nan_cell(3) ? 0 : top($3, nan_cell(6) ? NaN : $6)):(label(3)) \
		with labels center offset 0,1.6 notitle
