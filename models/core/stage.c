/*
 * stage.c: the CPU stage per worker, as a const table of operations (wrk's struct sock): the
 * built-in transform, a dlopen'd plugin (include/exifbench_stage.h) and a co-process
 * (stage_cmd.c). The contract, and what
 * each model does with a stage that errs, crashes or hangs, are in models/core/stage.h.
 *
 * A plugin is loaded RTLD_NOW | RTLD_LOCAL, so a missing symbol it needs fails at load rather
 * than mid-run, and its own symbols (a copy of the toolkit's transform, say) never bind ours.
 * dlopen is reference-counted: the threads of one process share one copy of the library, each
 * with its own init'd state. The isolation of stage_isolate is a flag the signal handlers read,
 * set around the plugin call: a crash elsewhere in the worker keeps its own signal.
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stage.h"
#include "stage_cmd.h"
#include "include/exifbench_stage.h"

/* Exit statuses of an isolated worker whose stage crashed (+ the signal) or timed out. */
#define EXIT_CRASH_BASE 192
#define EXIT_TIMEOUT 240

struct stage_ops {
	int (*open)(struct stage *s, char *err, size_t errlen);
	int (*process)(struct stage *s, const unsigned char *in, size_t len, unsigned char **out,
	    size_t *out_len, int *warnings, char *err, size_t errlen);
	void (*close)(struct stage *s);
};

struct stage {
	const struct stage_ops *ops;
	const struct stage_conf *c;
	const struct transform_opts *t;
	void *dl;			/* plugin: dlopen handle */
	const struct exifbench_stage *api;
	void *state;			/* plugin: what init returned */
	int isolated;
	struct stage_cmd cmd;		/* co-process */
	char name[64];
	char broken[200];		/* why open failed, or "" */
};

static int builtin_open(struct stage *s, char *err, size_t errlen);
static int builtin_process(struct stage *s, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, int *warnings, char *err, size_t errlen);
static void builtin_close(struct stage *s);
static int plugin_open(struct stage *s, char *err, size_t errlen);
static int plugin_process(struct stage *s, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, int *warnings, char *err, size_t errlen);
static void plugin_close(struct stage *s);
static int cmd_open(struct stage *s, char *err, size_t errlen);
static int cmd_process(struct stage *s, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, int *warnings, char *err, size_t errlen);
static void cmd_close(struct stage *s);
static int plugin_call(struct stage *s, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, char *err, size_t errlen);
static void arm(long ms);
static void on_fatal(int sig);

static const struct stage_ops builtin_ops = { builtin_open, builtin_process, builtin_close };
static const struct stage_ops plugin_ops = { plugin_open, plugin_process, plugin_close };
static const struct stage_ops cmd_ops = { cmd_open, cmd_process, cmd_close };
static const struct stage_ops *const ops_of[] = {
	[STAGE_BUILTIN] = &builtin_ops,
	[STAGE_PLUGIN] = &plugin_ops,
	[STAGE_CMD] = &cmd_ops,
};

static volatile sig_atomic_t in_stage;

int
stage_conf_parse(struct stage_conf *c, const char *spec, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	int bare = memchr(spec, '/', n) == NULL;	/* a bare name: the working folder's */

	memset(c, 0, sizeof(*c));
	if (n == 0) {
		snprintf(err, errlen, "no plugin file before ':' in '%s'", spec);
		return -1;
	}
	if (n + 2 * bare >= sizeof(c->path) || (colon && strlen(colon + 1) >= sizeof(c->arg))) {
		snprintf(err, errlen, "plugin path or argument too long in '%.64s...'", spec);
		return -1;
	}
	c->kind = STAGE_PLUGIN;
	snprintf(c->path, sizeof(c->path), "%s%.*s", bare ? "./" : "", (int)n, spec);
	if (colon)
		snprintf(c->arg, sizeof(c->arg), "%s", colon + 1);
	return 0;
}

int
stage_conf_cmd(struct stage_conf *c, const char *cmd, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	if (cmd[strspn(cmd, " \t")] == '\0' || strlen(cmd) >= sizeof(c->path)) {
		snprintf(err, errlen, "the command must be 1 to %zu characters, not blank",
		    sizeof(c->path) - 1);
		return -1;
	}
	c->kind = STAGE_CMD;
	snprintf(c->path, sizeof(c->path), "%s", cmd);
	return 0;
}

int
stage_check(const struct stage_conf *c, char *err, size_t errlen)
{
	struct stage *s = stage_new(c, NULL);
	int rv = 0;

	if (s == NULL) {
		snprintf(err, errlen, "out of memory loading the stage");
		return -1;
	}
	if (s->broken[0] != '\0') {
		snprintf(err, errlen, "%s", s->broken);
		rv = -1;
	}
	stage_free(s);
	return rv;
}

struct stage *
stage_new(const struct stage_conf *c, const struct transform_opts *t)
{
	struct stage *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->c = c;
	s->t = t;
	s->ops = ops_of[c->kind];
	if (s->ops->open(s, s->broken, sizeof(s->broken)) < 0 && s->broken[0] == '\0')
		snprintf(s->broken, sizeof(s->broken), "stage %s could not start", s->c->path);
	return s;
}

void
stage_free(struct stage *s)
{
	if (s == NULL)
		return;
	s->ops->close(s);
	free(s);
}

const char *
stage_name(const struct stage *s)
{
	return s->name;
}

int
stage_process(struct stage *s, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, int *warnings, char *err, size_t errlen)
{
	*out = NULL;
	*out_len = 0;
	if (s->broken[0] != '\0') {
		snprintf(err, errlen, "%s", s->broken);
		return -1;
	}
	return s->ops->process(s, in, len, out, out_len, warnings, err, errlen);
}

int
stage_builtin(const struct transform_opts *t, const unsigned char *in, size_t len,
    unsigned char **out, size_t *out_len, int *warnings, char *err, size_t errlen)
{
	*out = NULL;
	*out_len = 0;
	if (t->kind != TRANSFORM_NONE &&
	    transform_run(t, in, len, out, out_len, warnings, err, errlen) < 0)
		return -1;
	transform_spin(t->spin_ms);
	return 0;
}

void
stage_isolate(struct stage *s)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGALRM };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	s->isolated = 1;
}

int
stage_exit_reason(int st, long timeout_ms, char *buf, size_t len)
{
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;

	if (code == EXIT_TIMEOUT)
		snprintf(buf, len, "was killed: the stage timed out after %ld ms", timeout_ms);
	else if (code > EXIT_CRASH_BASE && code < EXIT_CRASH_BASE + 32)
		snprintf(buf, len, "died: the stage crashed (signal %d, %s)",
		    code - EXIT_CRASH_BASE, strsignal(code - EXIT_CRASH_BASE));
	else
		return 0;
	return 1;
}

/* The built-in transform: no state, nothing to open. */
static int
builtin_open(struct stage *s, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	snprintf(s->name, sizeof(s->name), "%s",
	    s->t != NULL ? transform_kind_name(s->t->kind) : "none");
	return 0;
}

static int
builtin_process(struct stage *s, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, int *warnings, char *err, size_t errlen)
{
	return stage_builtin(s->t, in, len, out, out_len, warnings, err, errlen);
}

static void
builtin_close(struct stage *s)
{
	(void)s;
}

/* dlopen, the entry point, its ABI version, then init(ARG). */
static int
plugin_open(struct stage *s, char *err, size_t errlen)
{
	const char *path = s->c->path;
	exifbench_stage_entry entry;
	char why[160] = "";

	snprintf(s->name, sizeof(s->name), "%s", path);
	if ((s->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errlen, "stage %s: cannot load: %s", path, dlerror());
		return -1;
	}
	entry = (exifbench_stage_entry)dlsym(s->dl, EXIFBENCH_STAGE_SYMBOL);
	if (entry == NULL) {
		snprintf(err, errlen, "stage %s: no %s(): not an exifbench stage plugin", path,
		    EXIFBENCH_STAGE_SYMBOL);
		return -1;
	}
	if ((s->api = entry()) == NULL || s->api->abi != EXIFBENCH_STAGE_ABI) {
		snprintf(err, errlen, "stage %s: ABI version %u, this exifbench loads version %d "
		    "(rebuild it against include/exifbench_stage.h)", path, s->api ? s->api->abi :
		    0, EXIFBENCH_STAGE_ABI);
		s->api = NULL;
		return -1;
	}
	if (s->api->name != NULL && s->api->name[0] != '\0')
		snprintf(s->name, sizeof(s->name), "%s", s->api->name);
	if ((s->state = s->api->init(s->c->arg, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "stage %s: init('%s') failed: %s", s->name, s->c->arg,
		    why[0] ? why : "no reason given");
		s->api = NULL;
		return -1;
	}
	return 0;
}

/* The call, then the timeout's verdict where the call could not be stopped. */
static int
plugin_process(struct stage *s, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, int *warnings, char *err, size_t errlen)
{
	long limit = s->c->timeout_ms;
	int64_t t0 = limit > 0 ? stage_cmd_now_ms() : 0, took;

	(void)warnings;
	if (plugin_call(s, in, len, out, out_len, err, errlen) < 0)
		return -1;
	if (limit > 0 && (took = stage_cmd_now_ms() - t0) > limit) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		snprintf(err, errlen, "stage %s took %lld ms, over the %ld ms timeout", s->name,
		    (long long)took, limit);
		return -1;
	}
	return 0;
}

static int
plugin_call(struct stage *s, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, char *err, size_t errlen)
{
	long limit = s->isolated ? s->c->timeout_ms : 0;
	char why[200] = "";
	int rc;

	if (s->isolated)	/* one thread per process then: no race on the flag */
		in_stage = 1;
	if (limit > 0)
		arm(limit);
	rc = s->api->process(s->state, in, len, out, out_len, why, sizeof(why));
	if (limit > 0)
		arm(0);
	if (s->isolated)
		in_stage = 0;
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		snprintf(err, errlen, "stage %s: %s", s->name, why[0] ? why : "failed, no reason");
		return -1;
	}
	if (*out == NULL)
		*out_len = 0;
	return 0;
}

static void
plugin_close(struct stage *s)
{
	if (s->api != NULL && s->api->fini != NULL)
		s->api->fini(s->state);
	if (s->dl != NULL)
		dlclose(s->dl);
	s->api = NULL;
	s->dl = NULL;
}

/* The real-time timer of an isolated stage: ms from now, or off for 0. */
static void
arm(long ms)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = ms % 1000 * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Async-signal-safe: in the stage, the exit status tells the parent; else the signal's own. */
static void
on_fatal(int sig)
{
	if (in_stage)
		_exit(sig == SIGALRM ? EXIT_TIMEOUT : EXIT_CRASH_BASE + sig);
	raise(sig);	/* SA_RESETHAND restored the default action */
}

/* The co-process: started with the worker, restarted for the image after one that it died on. */
static int
cmd_open(struct stage *s, char *err, size_t errlen)
{
	snprintf(s->name, sizeof(s->name), "cmd");
	return stage_cmd_start(&s->cmd, s->c->path, err, errlen);
}

static int
cmd_process(struct stage *s, const unsigned char *in, size_t len, unsigned char **out,
    size_t *out_len, int *warnings, char *err, size_t errlen)
{
	(void)warnings;
	if (s->cmd.pid == 0 && stage_cmd_start(&s->cmd, s->c->path, err, errlen) < 0)
		return -1;
	return stage_cmd_call(&s->cmd, in, len, out, out_len, s->c->timeout_ms, err, errlen);
}

static void
cmd_close(struct stage *s)
{
	stage_cmd_stop(&s->cmd);
}
