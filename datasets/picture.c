/*
 * picture.c: one synthetic photo, drawn a row at a time and compressed in memory. The draws of
 * a picture (frequencies, noise amplitude, quality, noise seed, base colour) are taken first
 * and in a fixed order, so a picture is a function of the generator state it starts from; the
 * sines are tabulated once per picture, which leaves the noise as the per-pixel cost.
 */
#include "picture.h"

#include <stdio.h>	/* before jpeglib.h, which needs FILE */
#include <jpeglib.h>
#include <math.h>
#include <stdlib.h>

#include "include/rng.h"

/* Pixel noise amplitude, uniform in [AMP_MIN, AMP_MIN + AMP_SPAN): it sets the file sizes. */
#define AMP_MIN 2
#define AMP_SPAN 10

struct pattern {
	double fx, fy;		/* sine frequencies along x and y */
	int base[3];		/* base colour */
	int amp;		/* noise amplitude */
	int quality;		/* JPEG quality */
	uint64_t noise;		/* the noise's own generator state */
	double *sx, *sd;	/* the sines along x (w) and along the diagonal (w + h) */
};

static int pattern_new(struct pattern *p, uint64_t *r, int w, int h);
static void pattern_row(struct pattern *p, int w, int y, unsigned char *row);

static int
pattern_new(struct pattern *p, uint64_t *r, int w, int h)
{
	int x, c;

	p->fx = 0.01 + rng_unit(r) * 0.08;
	p->fy = 0.01 + rng_unit(r) * 0.08;
	p->amp = AMP_MIN + (int)rng_below(r, AMP_SPAN);
	p->quality = 71 + (int)rng_below(r, 20);
	p->noise = rng_next(r);
	for (c = 0; c < 3; c++)
		p->base[c] = 40 + (int)rng_below(r, 150);
	p->sx = malloc(sizeof(*p->sx) * (size_t)w);
	p->sd = malloc(sizeof(*p->sd) * (size_t)(w + h));
	if (p->sx == NULL || p->sd == NULL) {
		free(p->sx), free(p->sd);
		return -1;
	}
	for (x = 0; x < w; x++)
		p->sx[x] = 40 * sin(x * p->fx);
	for (x = 0; x < w + h; x++)
		p->sd[x] = 25 * sin(x * p->fx * 0.5);
	return 0;
}

/* Row y: gradient, sines and noise, clamped to a byte per channel. */
static void
pattern_row(struct pattern *p, int w, int y, unsigned char *row)
{
	double cy = cos(y * p->fy);
	int x, c;

	for (x = 0; x < w; x++) {
		double s = p->sx[x] * cy + p->sd[x + y];
		uint64_t n = rng_next(&p->noise);

		for (c = 0; c < 3; c++) {
			int v = p->base[c] + (x * (c + 1)) / 8 - y / 6 + (int)s +
			    (int)((n >> (c * 16)) % (unsigned)(2 * p->amp + 1)) - p->amp;

			row[x * 3 + c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
		}
	}
}

int
picture_encode(uint64_t *r, int w, int h, const unsigned char *app1, size_t app1_len,
    unsigned char **out, size_t *len)
{
	struct jpeg_compress_struct cinfo;
	struct jpeg_error_mgr jerr;
	struct pattern p;
	unsigned char *row, *mem = NULL;
	unsigned long memlen = 0;
	int y;

	if (pattern_new(&p, r, w, h) < 0)
		return -1;
	if ((row = malloc((size_t)w * 3)) == NULL) {
		free(p.sx), free(p.sd);
		return -1;
	}
	/* libjpeg's default error handler exits: acceptable for in-memory encoding of sane sizes. */
	cinfo.err = jpeg_std_error(&jerr);
	jpeg_create_compress(&cinfo);
	jpeg_mem_dest(&cinfo, &mem, &memlen);
	cinfo.image_width = (JDIMENSION)w;
	cinfo.image_height = (JDIMENSION)h;
	cinfo.input_components = 3;
	cinfo.in_color_space = JCS_RGB;
	jpeg_set_defaults(&cinfo);
	jpeg_set_quality(&cinfo, p.quality, TRUE);
	cinfo.write_JFIF_header = app1 == NULL;
	jpeg_start_compress(&cinfo, TRUE);
	if (app1 != NULL)
		jpeg_write_marker(&cinfo, JPEG_APP0 + 1, app1, (unsigned)app1_len);
	for (y = 0; y < h; y++) {
		pattern_row(&p, w, y, row);
		jpeg_write_scanlines(&cinfo, &row, 1);
	}
	jpeg_finish_compress(&cinfo);
	jpeg_destroy_compress(&cinfo);
	free(row), free(p.sx), free(p.sd);
	*out = mem;
	*len = memlen;
	return 0;
}
