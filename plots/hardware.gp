# hardware.gp: does a bigger client help? For each model of a scenario run on two or more
# client PU counts (hardware-scaling, or any other, under any name), images per second at its
# highest level with the client on the fewest PUs (pale bar) and on the most (solid bar), in
# the model's colour, each labelled with its rate, and the gain above the pair. Reads
# hardware-S.dat (S: the `scenario` variable); its "# pus P1 P2" line names the PU counts.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/hardware-".scenario.".dat"
pus = header_value(f, "pus")
p1 = (words(pus) >= 1) ? word(pus, 1) : "fewest"
p2 = (words(pus) >= 2) ? word(pus, 2) : "most"
pu_label(p) = (p eq "1") ? "1 PU" : p." PUs"
cs_file = f; cs_col = 2
@column_stats
nrows = cs_n
cs_col = 3
@column_stats
ymax = (cs_max > 0) ? cs_max : 1
cs_col = 4
@column_stats
ymax = (cs_max > ymax) ? cs_max : ymax

set title sprintf("Hardware scaling: client on %s against %s, each model at its highest level%s", \
	pu_label(p1), pu_label(p2), scen_title)
set ylabel "throughput (images/s)"
set xlabel "concurrency model (level in flight); in bold: the gain, most PUs over fewest"
set yrange [0:ymax * 1.3]
set xrange [slots_lo(nrows):slots_hi(nrows)]
set grid noxtics
set xtics scale 0
set key top left Left reverse
set style fill solid 1.0 border rgb "#303030"

w = 0.19
rate(c) = nan_cell(c) ? "n/a" : sprintf("%.1f", column(c))
gain(a, b) = (nan_cell(a) || nan_cell(b) || column(a) <= 0) ? "" : \
	sprintf("x%.2f", column(b) / column(a))
top(a, b) = nan_cell(a) ? (nan_cell(b) ? 0 : column(b)) : \
	nan_cell(b) ? column(a) : (column(a) > column(b) ? column(a) : column(b))
xtl(c) = sprintf("%s (%d)", strcol(1), column(c))

# The model's name under the middle of its pair, from a point below the y range (not drawn).
plot f using 0:(-1):xtic(xtl(5)) with points notitle, \
	f using ($0 - 0.2):(0):($0 - 0.2 - w):($0 - 0.2 + w):(0):3:(tint(model_rgb($2), 0.4)) \
		with boxxyerror linecolor rgb variable notitle, \
	f using ($0 + 0.2):(0):($0 + 0.2 - w):($0 + 0.2 + w):(0):4:(model_rgb($2)) \
		with boxxyerror linecolor rgb variable notitle, \
	f using ($0 - 0.2):(nan_cell(3) ? 0 : $3):(rate(3)) with labels offset 0,0.8 \
		font "sans,10" notitle, \
	f using ($0 + 0.2):(nan_cell(4) ? 0 : $4):(rate(4)) with labels offset 0,0.8 \
		font "sans,10" notitle, \
	f using 0:(top(3, 4)):(gain(3, 4)) with labels offset 0,2.4 font "sans:Bold,11" notitle, \
	keyentry with boxes linecolor rgb "#c0c0c0" title "client on ".pu_label(p1)." (pale)", \
	keyentry with boxes linecolor rgb "#606060" title "client on ".pu_label(p2)." (solid)"
