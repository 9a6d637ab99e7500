# cpu.gp: where the threads of each model's best run spent their time, client and server side
# by side: on a CPU (solid), ready but waiting in the run queue (hatched), off CPU, blocked on
# sockets, locks or timers (pale), as percent of thread time, in the model's colour; above each
# bar its on-CPU share and the group's CPU in percent of a core (a server of hundreds of
# mostly idle threads has a share near 0% while it keeps a core busy). Reads cpu-S.dat; a
# group with no process (NaN) draws no bar and says "n/a".
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/cpu-".scenario.".dat"
cs_file = f; cs_col = 2
@column_stats
nrows = cs_n

set title "Thread time of the client and the server, best run of each model".scen_title
set ylabel "share of thread time (%)"
set xlabel "concurrency model (left bar: client, right bar: server; above a bar: " . \
	"its on-CPU share of thread time, then its CPU in % of a core)"
set yrange [0:134]
set ytics 0,10,100
set xrange [slots_lo(nrows):slots_hi(nrows)]
set grid noxtics
set xtics scale 0
set key inside top center horizontal Left reverse width 2 maxrows 1

w = 0.17
# Bar b (0 client, 1 server) of row $0: its x, the column of its first share, its label.
bx(b) = $0 - 0.2 + 0.4 * b
c0(b) = 3 + 3 * b
# A percentage for people: whole from 10, one decimal under it, two under 0.1 (a server's
# 0.05% on-CPU share reads 0.05%, not 0.0%; a client's 0.98% of a core 1.0%, not 1%).
pct(x) = x >= 9.95 ? sprintf("%.0f%%", x) : x >= 0.095 ? sprintf("%.1f%%", x) : \
	x > 0 ? sprintf("%.2f%%", x) : "0%"
onlabel(b) = nan_cell(c0(b)) ? "n/a" : pct(column(c0(b)))
# The group's CPU in % of a core (column 9 client, 10 server); "" when unknown.
corelabel(b) = nan_cell(9 + b) ? "" : "\n".pct(column(9 + b))." of a core"

# The model's name under the middle of its pair, from a point below the y range (not drawn).
plot f using 0:(-1):xtic(1) with points notitle, \
	f using (bx(0)):(0):(bx(0) - w):(bx(0) + w):(0):($3):(model_rgb($2)) \
		with boxxyerror fillstyle solid 1.0 border rgb "#303030" lc rgb variable notitle, \
	f using (bx(0)):(0):(bx(0) - w):(bx(0) + w):($3):($3 + $4):(model_rgb($2)) \
		with boxxyerror fillstyle pattern 5 border rgb "#303030" lc rgb variable notitle, \
	f using (bx(0)):(0):(bx(0) - w):(bx(0) + w):($3 + $4):($3 + $4 + $5):\
		(tint(model_rgb($2), 0.22)) with boxxyerror fillstyle solid 1.0 \
		border rgb "#303030" lc rgb variable notitle, \
	f using (bx(1)):(0):(bx(1) - w):(bx(1) + w):(0):($6):(model_rgb($2)) \
		with boxxyerror fillstyle solid 1.0 border rgb "#303030" lc rgb variable notitle, \
	f using (bx(1)):(0):(bx(1) - w):(bx(1) + w):($6):($6 + $7):(model_rgb($2)) \
		with boxxyerror fillstyle pattern 5 border rgb "#303030" lc rgb variable notitle, \
	f using (bx(1)):(0):(bx(1) - w):(bx(1) + w):($6 + $7):($6 + $7 + $8):\
		(tint(model_rgb($2), 0.22)) with boxxyerror fillstyle solid 1.0 \
		border rgb "#303030" lc rgb variable notitle, \
	f using (bx(0)):(100):(sprintf("client\n%s%s", onlabel(0), corelabel(0))) \
		with labels offset 0,2.6 font "sans,10" notitle, \
	f using (bx(1)):(100):(sprintf("server\n%s%s", onlabel(1), corelabel(1))) \
		with labels offset 0,2.6 font "sans,10" notitle, \
	keyentry with boxes fillstyle solid 1.0 border rgb "#303030" lc rgb "#707070" \
		title "running on a CPU", \
	keyentry with boxes fillstyle pattern 5 border rgb "#303030" lc rgb "#707070" \
		title "ready, waiting in the run queue", \
	keyentry with boxes fillstyle solid 1.0 border rgb "#303030" lc rgb "#d8d8d8" \
		title "off CPU (blocked: network, locks, sleep)"
