/*
 * rng.h: the one pseudo-random generator of the project, splitmix64 (Steele, Lea and Flood,
 * 2014). Deterministic and tiny, so a dataset seed gives the same bytes on every machine and a
 * retry's jitter needs no lock: every user owns its 64-bit state.
 */
#ifndef EXIFBENCH_RNG_H
#define EXIFBENCH_RNG_H

#include <stdint.h>

/* Next 64 random bits; advances *state. */
static inline uint64_t
rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform integer in [0, n); n > 0. The modulo bias is below 2^-40 for the n used here. */
static inline uint64_t
rng_below(uint64_t *state, uint64_t n)
{
	return rng_next(state) % n;
}

/* Uniform double in [0, 1). */
static inline double
rng_unit(uint64_t *state)
{
	return (double)(rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

/* A state for item `index` of a stream `seed`, independent of the order items are made in. */
static inline uint64_t
rng_seed2(uint64_t seed, uint64_t index)
{
	uint64_t s = seed ^ 0x6a09e667f3bcc909ULL;

	s = rng_next(&s) ^ index;
	(void)rng_next(&s);
	return s;
}

/* FNV-1a (64-bit) of a string: a seed from a key (a job's jitter, its endpoint). */
static inline uint64_t
rng_fnv1a(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

#endif
