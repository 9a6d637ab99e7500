/*
 * plot.h: renders the report's figures by running gnuplot on the scripts in plots/. Each
 * script reads the data files the report wrote to DIR/data/ (formats: plotdata.h) and is
 * called with gnuplot variables set by -e: `datadir` (DIR/data), `out` (the output file
 * without its extension), `fmt` ("png" or "svg"), `scenario` (a scenario name, or "" for
 * scripts over all scenarios) and, for the timeline, `model`. A script writes out.png or
 * out.svg with the matching terminal (pngcairo 1200x700, svg 1200x700).
 */
#ifndef EXIFBENCH_PLOT_H
#define EXIFBENCH_PLOT_H

#include <stddef.h>

/*
 * Runs `gnuplot -e VARS script` twice, for PNG then SVG, writing DIR/NAME.png and DIR/NAME.svg;
 * model may be NULL. gnuplot's stderr goes to DIR/gnuplot.log (appended). 0, or -1 with err
 * naming the script and the log when gnuplot is missing, fails or writes no file.
 */
int plot_render(const char *script, const char *dir, const char *name, const char *scenario,
    const char *model, char *err, size_t errlen);

#endif
