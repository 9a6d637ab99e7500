# clients.gp: does another client host help? For a scenario that swept the client count (the
# clients key, under mpirun), each model's throughput against clients at its best level of one
# client (points joined, in the model's colour), and the line a store with room to spare would
# give (dashed: the rate of the fewest clients, per client, times the count). Reads
# clients-S.dat (one index per model, in the order of models-S.txt; columns clients
# images_per_s mi level linear_images_per_s) and models-S.txt.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/clients-".scenario.".dat"
models = system("cat '".datadir."/models-".scenario.".txt'")
nm = words(models)

cs_file = f; cs_col = 1
@column_stats
xmax = (cs_max >= 1) ? cs_max : 1
cs_col = 2
@column_stats
ymax = (cs_max > 0) ? cs_max : 1
cs_col = 5
@column_stats
ymax = (cs_max > ymax) ? cs_max : ymax

set title "Throughput against client hosts".scen_title
set xlabel "client hosts (MPI ranks)"
set ylabel "throughput (images/s)"
set xrange [0.5:xmax + 0.5]
set xtics 1
set yrange [0:ymax * 1.35]
set key top left
mcol(i) = model_color(model_mi(word(models, i)))
plot for [i = 1:nm] f index (i - 1) using 1:2 with linespoints pointtype 7 pointsize 1.8 \
		linewidth 2 linecolor rgb mcol(i) title word(models, i), \
	for [i = 1:nm] f index (i - 1) using 1:5 with lines linewidth 1.5 \
		dashtype 2 linecolor rgb mcol(i) notitle, \
	keyentry with lines linewidth 1.5 dashtype 2 linecolor rgb "#404040" \
		title "linear in clients (store not the limit)"
