/*
 * flame.h: a flame graph of a profile's folded stacks (fold.h), written as one standalone SVG
 * file that a browser shows with no script nor other file: one rectangle per frame of the
 * merged stacks, the roots at the bottom, its width its share of the samples, its colour its
 * library group (frame.h, a key at the top), its function's name clipped to fit, and a
 * <title> that a pointer resting on it shows (the frame, its samples and shares).
 */
#ifndef EXIFBENCH_FLAME_H
#define EXIFBENCH_FLAME_H

#include <stdio.h>

#include "fold.h"

/* The SVG's width in pixels, and a frame's height. */
#define FLAME_WIDTH 1200
#define FLAME_FRAME_H 16

/*
 * Writes f's flame graph to out, title (plain text) at its top: 0, or -1 on a write error.
 * A profile with no samples gives a graph that says so.
 */
int flame_svg(struct fold *f, const char *title, FILE *out);

#endif
