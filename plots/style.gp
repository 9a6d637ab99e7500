# style.gp: the look shared by every figure of the report, loaded first by each script in
# plots/ (`load` with the folder taken from the script's own path, ARG0). It fills in the
# variables plot.h passes (datadir, out, fmt, scenario, model) when a script is run by hand,
# opens the terminal and output (fmt "svg": svg, anything else: pngcairo; both 1200x700,
# sans 11), and defines one colour per model by its index mi (1 sequential, 2 pthreads,
# 3 forkpool, 4 async, 5 hybrid; linetypes 1-5 carry the same colours for `lc variable`;
# tint() pales one), one colour per pipeline stage (1 GET, 2 process, 3 PUT), helpers to
# name models and read the `# key value...` comment lines of a data file, and the grid, key
# and border every figure uses. Text is not "enhanced": a name holding _ or ^ prints as
# written.

if (!exists("datadir")) datadir = "."
if (!exists("out")) out = "plot"
if (!exists("fmt")) fmt = "png"
if (!exists("scenario")) scenario = ""
if (!exists("model")) model = ""

if (fmt eq "svg") {
	set terminal svg size 1200,700 dynamic noenhanced font "sans,11" background "white"
	set output out.".svg"
} else {
	set terminal pngcairo size 1200,700 noenhanced font "sans,11" background "white"
	set output out.".png"
}

# Models: Okabe-Ito colours, safe for colour-blind readers; sequential (the baseline) grey.
model_names = "sequential pthreads forkpool async hybrid"
model_rgbs = "#555555 #0072B2 #E69F00 #009E73 #CC79A7"
model_name(i) = (i >= 1 && i <= 5) ? word(model_names, int(i)) : "model ".int(i)
model_color(i) = (i >= 1 && i <= 5) ? word(model_rgbs, int(i)) : "#000000"
model_mi(s) = (s eq "sequential") ? 1 : (s eq "pthreads") ? 2 : (s eq "forkpool") ? 3 : \
	(s eq "async") ? 4 : (s eq "hybrid") ? 5 : 6
# The same colour as an integer, for `lc rgb variable`.
model_rgb(i) = (i == 1) ? 0x555555 : (i == 2) ? 0x0072B2 : (i == 3) ? 0xE69F00 : \
	(i == 4) ? 0x009E73 : (i == 5) ? 0xCC79A7 : 0x000000
# The x range of a figure with a group of bars per model at x = 0 .. n - 1: [slots_lo(n):
# slots_hi(n)], at least three slots wide, so one model's bars keep the width they have
# among several.
slots_lo(n) = (n >= 3) ? -0.6 : -0.6 - (3 - n) / 2.0
slots_hi(n) = n - 1 - slots_lo(n)
# Integer colour c mixed with white, for a paler bar of the same model: a = 1 the colour,
# a = 0 white (tint_chan mixes one 0-255 channel v).
tint_chan(v, a) = int(255 - (255 - v) * a)
tint(c, a) = 65536 * tint_chan(int(c / 65536) % 256, a) + \
	256 * tint_chan(int(c / 256) % 256, a) + tint_chan(c % 256, a)
do for [i = 1:5] {
	set linetype i linecolor rgb model_color(i) linewidth 2 pointtype 7 pointsize 1.3 dashtype 1
}

# Stages of one image, three hues apart: downloading in sky blue, the CPU step in orange,
# uploading in bluish green (Okabe-Ito), so the eye separates the two transfers and the work;
# a timeline pales every other image of a lane (stage_rgb_alt, paler = 1) so one image is
# told from the next.
stage_names = "GET process PUT"
stage_rgbs = "#56B4E9 #E8630A #009E73"
stage_name(s) = word(stage_names, int(s))
stage_color(s) = word(stage_rgbs, int(s))
stage_rgb(s) = (s == 1) ? 0x56B4E9 : (s == 2) ? 0xE8630A : 0x009E73
stage_rgb_alt(s, paler) = (paler == 1) ? tint(stage_rgb(s), 0.5) : stage_rgb(s)

# " (io-bound)" after a title, or nothing for figures over all scenarios.
scen_title = (scenario eq "") ? "" : " (".scenario.")"

# The words after "# key " in the first such comment line of file f, or "" (f is a path the
# caller checked for quotes).
header_value(f, key) = system(sprintf("sed -n 's/^# %s //p' '%s' 2>/dev/null | head -n 1", key, f))

# Whether cell c of the row is NaN, read as text: a NaN number used in a `using` expression
# voids the whole row (label and all), so a script tests the text before using the number.
# A `with labels` plot must give every row a defined point (text "" for none): gnuplot 5.4.4
# crashes (signal 11) on a labels plot of a one-row file whose row is undefined.
nan_cell(c) = (strcol(c) eq "NaN" || strcol(c) eq "nan" || strcol(c) eq "-nan")

set grid xtics ytics linecolor rgb "#c4c4c4" linewidth 1 dashtype 1
set border 3 linecolor rgb "#404040"
set tics nomirror out
set key opaque box linecolor rgb "#c0c0c0" samplen 2.5 spacing 1.2
set title font "sans,14"

# A key entry only for the models a file holds: set has_file and has_col (the mi column), run
# `@has_models`, then title each model's plot key_title(mi) ("" leaves it out of the key).
has_models = 'do for [m = 1:5] { undefine STATS_*; ' . \
	'stats has_file using (column(has_col) == m ? 1 : 0) nooutput; ' . \
	'has_m[m] = exists("STATS_sum") ? (STATS_sum > 0) : 0 }'
array has_m[5] = [0, 0, 0, 0, 0]
key_title(m) = (m >= 1 && m <= 5 && has_m[m]) ? model_name(m) : ""

# Set cs_file and cs_col, run `@column_stats`: cs_n (valid values), cs_min and cs_max (NaN
# when none) of that column. A column all NaN does not fail: stats only warns, defines nothing.
column_stats = 'undefine STATS_*; stats cs_file using cs_col nooutput; ' . \
	'cs_n = exists("STATS_records") ? STATS_records : 0; ' . \
	'cs_min = (cs_n > 0) ? STATS_min : NaN; cs_max = (cs_n > 0) ? STATS_max : NaN'

# On a log y axis (after `set ytics ()`), run `@log_tics_y`: tics at 1, 2 and 5 of each decade
# from 0.01 to 10^7, so the axis names more than its powers of ten.
log_tics_y = 'do for [_e = -2:7] { do for [_m in "1 2 5"] { ' . \
	'set ytics add (sprintf("%g", (_m + 0) * 10.0 ** _e) (_m + 0) * 10.0 ** _e) } }'
