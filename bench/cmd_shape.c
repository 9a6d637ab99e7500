/*
 * cmd_shape.c: `exifbench shape`, the network-shaping proxy as a process. Parses the options
 * into a shape_config, listens, prints one line saying where (then flushes, so a parent
 * reading a pipe learns the port), runs the loop until SIGINT or SIGTERM, and prints the
 * counters and its own cost (lateness, CPU) as the last line. Text, or JSON with --json.
 */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cli.h"
#include "harness/shape/shape.h"

enum { O_JITTER = 256, O_TOTAL, O_RESET, O_STALL_F, O_STALL_MS, O_SEED };

/* Where the options go; the upstream is checked once they are all read. */
struct flags {
	struct shape_config *cfg;
	int *json;
	const char *upstream, *upstream_opt;	/* the address, and what gave it */
};

static int parse(struct shape_config *cfg, int *json, int argc, char **argv);
static int on_option(int ch, const char *arg, void *ctx);
static int number(struct shape_config *cfg, int ch, const char *arg);
static void print_listening(const struct shape *s, const struct shape_config *cfg, int json);
static void print_stats(const struct shape *s, int json);
static void on_signal(evutil_socket_t sig, short what, void *arg);
static void mbit(char *buf, size_t len, double v);

static const char usage[] =
    "usage: exifbench shape [--listen HOST:PORT] [--upstream URL|HOST:PORT] [options]\n"
    "A TCP proxy that makes the S3 endpoint look remote: every chunk of bytes, either way,\n"
    "is held for the latency (+ jitter) before it goes on, in order; a new connection pays\n"
    "one more round trip on its first request (the TCP handshake). Prints one line once it\n"
    "listens, runs until SIGINT or SIGTERM, then prints its counters as the last line.\n"
    "  -l, --listen HOST:PORT      where to listen (127.0.0.1:0: an ephemeral port)\n"
    "  -u, --upstream URL|H:P      the server (default: AWS_ENDPOINT_URL)\n"
    "  -L, --latency-ms MS         one-way delay, each direction (0)\n"
    "  -J, --jitter-ms MS          jitter parameter J added to each chunk's delay (0)\n"
    "      --jitter DIST           uniform: [0, 2J) (default); normal: |N(0, J)|;\n"
    "                              pareto: Lomax shape 2.5, mean J, capped at 20 J; none\n"
    "  -b, --bandwidth-mbit X      cap each connection at X Mbit/s each way (0: none)\n"
    "      --total-bandwidth-mbit X  cap all connections together, each way (0: none)\n"
    "      --reset-fraction F      reset (RST) this fraction of connections at their\n"
    "                              first request\n"
    "      --stall-fraction F      delay this fraction of responses by --stall-ms more\n"
    "      --stall-ms MS           the stall\n"
    "      --seed N                the draws' seed (fixed by default)\n"
    "  -j, --json                  both lines as JSON objects\n"
    "  -h, --help                  this text\n"
    "The last line: connections, active, resets, stalls, upstream_errors, bytes_up,\n"
    "bytes_down, chunks, and the proxy's own cost: lateness (release - due) mean, p99 and\n"
    "max in microseconds, CPU seconds, wall seconds.\n"
    "Exit: 0 stopped by a signal, 2 usage, 3 cannot listen or no upstream.\n";

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "upstream", required_argument, NULL, 'u' },
	{ "latency-ms", required_argument, NULL, 'L' },
	{ "jitter-ms", required_argument, NULL, 'J' },
	{ "jitter", required_argument, NULL, O_JITTER },
	{ "bandwidth-mbit", required_argument, NULL, 'b' },
	{ "total-bandwidth-mbit", required_argument, NULL, O_TOTAL },
	{ "reset-fraction", required_argument, NULL, O_RESET },
	{ "stall-fraction", required_argument, NULL, O_STALL_F },
	{ "stall-ms", required_argument, NULL, O_STALL_MS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The options that set a number of the config: each from 0 to its bound. */
static const struct {
	int ch;
	double max;
	size_t off;
} numbers[] = {
	{ 'L', 600000, offsetof(struct shape_config, latency_ms) },
	{ 'J', 600000, offsetof(struct shape_config, jitter_ms) },
	{ 'b', 1e6, offsetof(struct shape_config, bandwidth_mbit) },
	{ O_TOTAL, 1e6, offsetof(struct shape_config, total_bandwidth_mbit) },
	{ O_RESET, 1, offsetof(struct shape_config, reset_fraction) },
	{ O_STALL_F, 1, offsetof(struct shape_config, stall_fraction) },
	{ O_STALL_MS, 600000, offsetof(struct shape_config, stall_ms) },
};

#define NNUMBERS (sizeof(numbers) / sizeof(numbers[0]))

int
cmd_shape(int argc, char **argv)
{
	struct shape_config cfg = SHAPE_CONFIG_DEFAULT;
	struct event_config *ecfg = NULL;
	struct event_base *base = NULL;
	struct event *sigint = NULL, *sigterm = NULL;
	struct shape *s = NULL;
	char err[512];
	int json = 0, rc;

	if ((rc = parse(&cfg, &json, argc, argv)) >= 0)
		return rc;
	rc = EXIT_SETUP;
	signal(SIGPIPE, SIG_IGN);	/* libevent writes with writev() */
	if ((ecfg = event_config_new()) == NULL ||
	    event_config_set_flag(ecfg, EVENT_BASE_FLAG_PRECISE_TIMER) < 0 ||
	    (base = event_base_new_with_config(ecfg)) == NULL ||
	    (sigint = evsignal_new(base, SIGINT, on_signal, base)) == NULL ||
	    (sigterm = evsignal_new(base, SIGTERM, on_signal, base)) == NULL ||
	    evsignal_add(sigint, NULL) < 0 || evsignal_add(sigterm, NULL) < 0) {
		fprintf(stderr, "exifbench: shape: cannot set up the event loop\n");
		goto out;
	}
	if ((s = shape_new(base, &cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "exifbench: shape: %s\n", err);
		goto out;
	}
	print_listening(s, &cfg, json);
	if (event_base_dispatch(base) < 0) {
		fprintf(stderr, "exifbench: shape: the event loop failed\n");
		goto out;
	}
	print_stats(s, json);
	rc = 0;
out:
	shape_free(s);
	if (sigint != NULL)
		event_free(sigint);
	if (sigterm != NULL)
		event_free(sigterm);
	if (base != NULL)
		event_base_free(base);
	if (ecfg != NULL)
		event_config_free(ecfg);
	return rc;
}

/* Parses argv into cfg; -1 to go on, else the exit code to return now. */
static int
parse(struct shape_config *cfg, int *json, int argc, char **argv)
{
	struct flags fl = { cfg, json, getenv("AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL" };
	char err[512];
	int rc;

	if ((rc = cli_options(argc, argv, "l:u:L:J:b:jh", longopts, usage, on_option, &fl)) >= 0)
		return rc;
	if (optind < argc) {
		fprintf(stderr, "exifbench: shape takes no argument ('%s')\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (fl.upstream == NULL || *fl.upstream == '\0') {
		fprintf(stderr, "exifbench: shape: no upstream: set --upstream or "
		    "AWS_ENDPOINT_URL\n");
		return EXIT_SETUP;
	}
	if (shape_parse_addr(fl.upstream, 1, cfg->upstream_host, sizeof(cfg->upstream_host),
	    &cfg->upstream_port, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s: %s\n", fl.upstream_opt, err);
		return strcmp(fl.upstream_opt, "--upstream") == 0 ? EXIT_USAGE : EXIT_SETUP;
	}
	if (shape_config_check(cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "exifbench: %s\n", err);
		return EXIT_USAGE;
	}
	return -1;
}

static int
on_option(int ch, const char *arg, void *ctx)
{
	struct flags *fl = ctx;
	struct shape_config *cfg = fl->cfg;
	char err[512];
	unsigned long seed;

	switch (ch) {
	case 'l':
		if (shape_parse_addr(arg, 0, cfg->listen_host, sizeof(cfg->listen_host),
		    &cfg->listen_port, err, sizeof(err)) < 0) {
			fprintf(stderr, "exifbench: --listen: %s\n", err);
			return EXIT_USAGE;
		}
		break;
	case 'u':
		fl->upstream = arg;
		fl->upstream_opt = "--upstream";
		break;
	case O_JITTER:
		if (shape_jitter_parse(arg, &cfg->jitter) < 0) {
			fprintf(stderr, "exifbench: --jitter '%s' must be none, uniform, normal or "
			    "pareto\n", arg);
			return EXIT_USAGE;
		}
		break;
	case O_SEED:
		if (cli_parse_uint("--seed", arg, 0, (unsigned long)-1, &seed) < 0)
			return EXIT_USAGE;
		cfg->seed = seed;
		break;
	case 'j':
		*fl->json = 1;
		break;
	default:
		return number(cfg, ch, arg);
	}
	return -1;
}

/* An option that takes a number into cfg, by its bound in numbers[] and its name in longopts. */
static int
number(struct shape_config *cfg, int ch, const char *arg)
{
	const struct option *o;
	char name[64];
	size_t i;

	for (i = 0; i < NNUMBERS && numbers[i].ch != ch; i++)
		;
	for (o = longopts; o->name != NULL && o->val != ch; o++)
		;
	if (i == NNUMBERS || o->name == NULL)
		return EXIT_USAGE;
	snprintf(name, sizeof(name), "--%s", o->name);
	return cli_parse_double(name, arg, 0, numbers[i].max,
	    (double *)((char *)cfg + numbers[i].off)) < 0 ? EXIT_USAGE : -1;
}

static void
print_listening(const struct shape *s, const struct shape_config *cfg, int json)
{
	char addr[SHAPE_HOST_MAX + 8], bw[32], total[32];

	shape_listen_addr(s, addr, sizeof(addr));
	if (json) {
		printf("{\"listen\":\"%s\",\"upstream\":\"%s:%u\"}\n", addr, cfg->upstream_host,
		    cfg->upstream_port);
	} else {
		mbit(bw, sizeof(bw), cfg->bandwidth_mbit);
		mbit(total, sizeof(total), cfg->total_bandwidth_mbit);
		printf("exifbench shape: listening on %s, upstream %s:%u, latency %g ms, jitter "
		    "%s %g ms, bandwidth %s per connection, %s in all, resets %g, stalls %g x "
		    "%g ms\n", addr, cfg->upstream_host, cfg->upstream_port, cfg->latency_ms,
		    cfg->jitter_ms > 0 ? shape_jitter_name(cfg->jitter) : "none",
		    cfg->jitter_ms, bw, total, cfg->reset_fraction, cfg->stall_fraction,
		    cfg->stall_ms);
	}
	fflush(stdout);
}

static void
print_stats(const struct shape *s, int json)
{
	struct shape_stats st;
	json_t *o;

	shape_stats(s, &st);
	if (!json) {
		printf("exifbench shape: %ju connections (%ju active), %ju resets, %ju stalls, "
		    "%ju upstream errors, %ju bytes up, %ju down, %ju chunks, lateness mean "
		    "%.1f us p99 %.1f us max %.1f us, cpu %.3f s, wall %.3f s\n",
		    (uintmax_t)st.connections, (uintmax_t)st.active, (uintmax_t)st.resets,
		    (uintmax_t)st.stalls, (uintmax_t)st.upstream_errors, (uintmax_t)st.bytes_up,
		    (uintmax_t)st.bytes_down, (uintmax_t)st.chunks, st.lateness_mean_us,
		    st.lateness_p99_us, st.lateness_max_us, st.cpu_s, st.wall_s);
		fflush(stdout);
		return;
	}
	if ((o = json_object()) == NULL)
		return;
#define SHAPE_JSON(name, doc) json_object_set_new(o, #name, json_integer((json_int_t)st.name));
	SHAPE_COUNTERS(SHAPE_JSON)
#undef SHAPE_JSON
	json_object_set_new(o, "lateness_mean_us", json_real(st.lateness_mean_us));
	json_object_set_new(o, "lateness_p99_us", json_real(st.lateness_p99_us));
	json_object_set_new(o, "lateness_max_us", json_real(st.lateness_max_us));
	json_object_set_new(o, "cpu_s", json_real(st.cpu_s));
	json_object_set_new(o, "wall_s", json_real(st.wall_s));
	cli_print_json(o);
	fflush(stdout);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopexit(arg, NULL);
}

static void
mbit(char *buf, size_t len, double v)
{
	if (v > 0)
		snprintf(buf, len, "%g Mbit/s", v);
	else
		snprintf(buf, len, "unlimited");
}
