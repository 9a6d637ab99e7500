# waits.gp: where the threads of each model's best run waited, from the sampler's wait profile:
# one bar per model, stacked by class (network, lock, pipe or child, sleep, disk or page
# fault, other) as percent of the model's blocked-thread samples, a colour per class; above
# each bar the system call seen most and its share, the level and the samples. Reads
# waits-S.dat; a model without a wait profile (NaN) draws no bar and says so.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/waits-".scenario.".dat"
cs_file = f; cs_col = 2
@column_stats
nrows = cs_n

# Classes in the data file's order (columns 3 to 8), one hue each, apart from the models'.
array class_word[6] = ["waiting on the network", "waiting on a lock or for work (futex)", \
	"waiting on a pipe or a child", "sleeping (nanosleep)", \
	"waiting on the disk or a page fault", "other"]
class_rgb(k) = (k == 1) ? 0x0072B2 : (k == 2) ? 0xD55E00 : (k == 3) ? 0xE69F00 : \
	(k == 4) ? 0xCC79A7 : (k == 5) ? 0xF0E442 : 0xAAAAAA

set title "Where each model's threads waited, best run of each model".scen_title
set ylabel "share of the model's blocked-thread samples (%)"
set xlabel "concurrency model (above a bar: the system call seen most, its share; " . \
	"the level; the samples)"
set yrange [0:120]
set ytics 0,10,100
set xrange [slots_lo(nrows):slots_hi(nrows)]
set grid noxtics
set xtics scale 0
set key outside right top vertical Left reverse width 1

w = 0.3
# The share of classes 1 .. k of the row (columns 3 ..), 0 for k = 0.
upto(k) = (k < 1) ? 0 : sum [_c = 3:(k + 2)] column(_c)
toplabel = 'nan_cell(3) ? "no wait profile" : sprintf("%s %.0f%%\n%d in flight\n%d samples", ' . \
	'strcol(11), column(12), int(column(10)), int(column(9)))'

plot f using 0:(-1):xtic(1) with points notitle, \
	for [k = 1:6] f using ($0):(0):($0 - w):($0 + w):(upto(k - 1)):(upto(k)):(class_rgb(k)) \
		with boxxyerror fillstyle solid 1.0 border rgb "#303030" lc rgb variable notitle, \
	f using ($0):(100):(@toplabel) with labels offset 0,3 font "sans,10" notitle, \
	for [k = 1:6] keyentry with boxes fillstyle solid 1.0 border rgb "#303030" \
		lc rgb class_rgb(k) title class_word[k]
