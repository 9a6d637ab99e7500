# scaling.gp: throughput against images in flight for one scenario, one colour per model:
# the measured points, the Universal Scalability Law fit (thin line) and the bound
# the measured costs allow (dashed). Reads scaling-S.dat (one index per model, in the order
# of models-S.txt), uslfit-S.dat (rows matched to a model by its mi column, since gnuplot
# cannot see an index with no rows: a failed fit) and models-S.txt.
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

set title "Throughput against images in flight".scen_title
set xlabel "images in flight (log2 scale)"
set ylabel "throughput (images/s)"
set logscale x 2
set xrange [0.8:xmax * 1.25]
set yrange [0:ymax * 1.3]
set key top left
mcol(i) = model_color(model_mi(word(models, i)))
plot for [i = 1:nm] f index (i - 1) using 1:2 with points pointtype 7 pointsize 1.8 \
		linecolor rgb mcol(i) title word(models, i), \
	for [i = 1:nm] fit using 1:($3 == model_mi(word(models, i)) ? $2 : NaN) with lines \
		linewidth 1.5 linecolor rgb mcol(i) notitle, \
	for [i = 1:nm] f index (i - 1) using 1:3 with lines linewidth 1.5 dashtype 2 \
		linecolor rgb mcol(i) notitle, \
	keyentry with lines linewidth 1.5 linecolor rgb "#404040" title "USL fit", \
	keyentry with lines linewidth 1.5 dashtype 2 linecolor rgb "#404040" title "bound"
