# gantt.gp: the timeline of one model's first images, the measured version of the ASCII
# timelines of the published analysis: one row per in-flight slot (lane), one bar per stage
# of each image (GET, process, PUT in the stage colours), seconds since the first image
# started on x, and a thin line where an image waits between two stages. Every other image
# of a lane is drawn paler (the file's paler column), so one image is told from the next. Reads gantt-S-M.dat (M: the
# `model` variable); its "# level L" line names the run. A CPU stage too short to see at this
# scale (the EXIF step alone takes microseconds) is drawn over the bars at a minimum width,
# 1/250 of the time shown, and the key says so with the stage's measured median.
_p = 0; do for [_i = 1:strlen(ARG0)] { if (ARG0[_i:_i] eq "/") { _p = _i } }
load (_p > 0 ? ARG0[1:_p] : "")."style.gp"

f = datadir."/gantt-".scenario."-".model.".dat"
level = header_value(f, "level")
cs_file = f; cs_col = 1
@column_stats
lmin = cs_min
lmax = cs_max
cs_col = 3
@column_stats
tmax = (cs_max > 0) ? cs_max : 1
cs_col = 5
@column_stats
nimg = cs_max - cs_min + 1
# the process bars' median width, and the width below which they are drawn wider
undefine STATS_*
stats f using ($4 == 2 ? $3 - $2 : NaN) nooutput
pmed = exists("STATS_median") ? STATS_median : NaN
minw = tmax / 250.0
widened = (pmed == pmed) && (pmed < minw)
pw(s, e) = (e - s < minw) ? minw : e - s
ptitle = widened ? sprintf("process (drawn %.2g ms wide; median %.2g ms)", minw * 1000, \
	pmed * 1000) : "process"

set title sprintf("Timeline of the first %d images: %s, %s in flight%s", nimg, model, \
	(level eq "") ? "?" : level, scen_title)
set xlabel "seconds since the first image started"
set ylabel "in-flight slot (lane)"
set xrange [0:tmax * 1.02]
set yrange [lmax + 0.7:lmin - 0.7]
set ytics 1
set mytics 1
set grid noytics xtics
set key below horizontal center
set bmargin 8	# the key (three rows) below the x label, not over it
set style fill solid 1.0 border rgb "#303030"
# Thick bars fill most of a lane, thinner ones when there are many lanes.
h = (lmax - lmin > 24) ? 0.45 : 0.38

# The time an image waits between two stages (for a worker, a connection, the event loop) is
# a thin line, drawn from the previous row's end when it belongs to the same image.
gap0(img, s, e) = (g0 = (img == pimg) ? pend : s, pimg = img, pend = e, g0)
pimg = -1; pend = 0
plot f using (gap0($5, $2, $3)):1:($2 - g0):(0) with vectors nohead linewidth 1.5 \
		linecolor rgb "#606060" notitle, \
	f using ($4 == 2 ? NaN : ($2 + $3) / 2):1:(($3 - $2) / 2):(h):(stage_rgb_alt($4, $6)) \
		with boxxyerror linecolor rgb variable linewidth 0.5 notitle, \
	f using ($4 == 2 ? $2 + pw($2, $3) / 2 : NaN):1:(pw($2, $3) / 2):(h):\
		(stage_rgb_alt($4, $6)) with boxxyerror linecolor rgb variable linewidth 0.5 notitle, \
	keyentry with boxes linecolor rgb stage_color(1) title stage_name(1), \
	keyentry with boxes linecolor rgb stage_color(2) title ptitle, \
	keyentry with boxes linecolor rgb stage_color(3) title stage_name(3), \
	keyentry with boxes linecolor rgb sprintf("#%06X", tint(stage_rgb(1), 0.5)) \
		title "every other image paler", \
	keyentry with lines linewidth 1.5 linecolor rgb "#606060" title "waiting between stages"
