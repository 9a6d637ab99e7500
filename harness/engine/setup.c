/*
 * setup.c: the server, the dataset and the shaper around a bench's runs. See setup.h.
 * These run rarely (once per bench), so they favour plain fork/exec and the project's own
 * commands over speed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "setup.h"
#include "topo.h"
#include "dirdata.h"
#include "datasets/list.h"
#include "datasets/manifest.h"

static int load_unless_there(const char *exe, const char *folder, const char *manifest,
    const char *uri, int check);
static int manifest_stats(const char *path, struct dsstats *st, char *err, size_t errlen);
static void count_object(const char *key, uint64_t size, const char *sha256, void *arg);
static pid_t spawn_out(char *const *argv, int *out, const char *cpus);
static ssize_t read_line(int fd, char *buf, size_t len, int timeout_ms);

size_t
setup_server_pids(const char *home, const char *endpoint, pid_t *pids, size_t max)
{
	char cmd[PATH_MAX + 64], line[256];
	size_t n = 0;
	FILE *p;
	int local = 0;

	if (home == NULL || home[0] == '\0' || strchr(home, '\'') != NULL)
		return 0;	/* quoted into a shell command below */
	snprintf(cmd, sizeof(cmd), "'%s/harness/s3-local' status 2>/dev/null", home);
	if ((p = popen(cmd, "r")) != NULL) {
		/* "running (ceph, http://127.0.0.1:7480, pids ...)" */
		while (fgets(line, sizeof(line), p) != NULL)
			if (strncmp(line, "running (", 9) == 0 && endpoint != NULL) {
				char *url = strstr(line, "http://"), *end;

				if (url != NULL && (end = strchr(url, ',')) != NULL) {
					*end = '\0';
					local = strcmp(url, endpoint) == 0 ||
					    (strncmp(url, endpoint, strlen(url)) == 0 &&
					    endpoint[strlen(url)] == '/');
				}
			}
		pclose(p);
	}
	if (!local)
		return 0;
	snprintf(cmd, sizeof(cmd), "'%s/harness/s3-local' pids 2>/dev/null", home);
	if ((p = popen(cmd, "r")) != NULL) {
		while (n < max && fgets(line, sizeof(line), p) != NULL)
			if (atol(line) > 0)
				pids[n++] = (pid_t)atol(line);
		pclose(p);
	}
	return n;
}

int
setup_dataset(const char *exe, const char *data_dir, const char *profile,
    const char *bucket, const char *prefix, struct dsstats *st, char *err, size_t errlen)
{
	char folder[PATH_MAX], manifest[PATH_MAX + 32], uri[512];
	char *gen[] = { (char *)exe, "dataset", "gen", "--profile", (char *)profile, "--out",
		folder, NULL };
	struct stat sb;
	int made = 0;

	snprintf(folder, sizeof(folder), "%s/%s", data_dir, profile);
	snprintf(manifest, sizeof(manifest), "%s/%s", folder, MANIFEST_NAME);
	snprintf(uri, sizeof(uri), "s3://%s/%s", bucket, prefix);
	if (stat(manifest, &sb) < 0 && (made = 1, mkdir(data_dir, 0777),
	    setup_command(gen)) != 0) {
		snprintf(err, errlen, "cannot generate dataset '%s' in %s (see the lines above)",
		    profile, folder);
		return -1;
	}
	if (load_unless_there(exe, folder, manifest, uri, !made) < 0) {
		snprintf(err, errlen, "cannot prepare dataset '%s' in %s (see the lines above)",
		    profile, uri);
		return -1;
	}
	return manifest_stats(manifest, st, err, errlen);
}

int
setup_folder(const char *exe, const char *data_dir, const char *dir, const char *bucket,
    char *prefix, size_t prefixlen, char name[DIRDATA_NAME_LEN + 1], struct dsstats *st,
    char *err, size_t errlen)
{
	char manifest[PATH_MAX + 64], uri[512], msg[512];
	struct dirdata_scan ds;
	int indexed;

	fprintf(stderr, "bench: dataset: folder %s: checking its index\n", dir);
	if (dirdata_prepare(data_dir, dir, name, &ds, &indexed, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "dataset: %s", msg);
		return -1;
	}
	fprintf(stderr, "bench: dataset: folder %s: %zu files, %.1f MB, %s %s/%s\n", dir,
	    ds.files, (double)ds.bytes / 1e6, indexed ? "indexed into" : "index reused from",
	    data_dir, name);
	if (prefix[0] == '\0')
		snprintf(prefix, prefixlen, "%s", name);
	snprintf(manifest, sizeof(manifest), "%s/%s/%s", data_dir, name, MANIFEST_NAME);
	snprintf(uri, sizeof(uri), "s3://%s/%s", bucket, prefix);
	if (load_unless_there(exe, dir, manifest, uri, 1) < 0) {
		snprintf(err, errlen, "cannot load the dataset folder %s into %s (see the lines "
		    "above)", dir, uri);
		return -1;
	}
	return manifest_stats(manifest, st, err, errlen);
}

/*
 * Reuses uri when check is set and `dataset verify --list-only` passes against manifest, else
 * loads folder there (a dataset just generated is not checked: it cannot be there yet): 0,
 * or -1 (the commands said why on stderr).
 */
static int
load_unless_there(const char *exe, const char *folder, const char *manifest, const char *uri,
    int check)
{
	char *verify[] = { (char *)exe, "dataset", "verify", "--list-only", (char *)manifest,
		(char *)uri, NULL };
	char *load[] = { (char *)exe, "dataset", "load", "-c", "8", (char *)folder, (char *)uri,
		NULL };

	if (check && setup_command(verify) == 0) {
		fprintf(stderr, "bench: dataset: reusing %s (loaded, verified by listing)\n", uri);
		return 0;
	}
	fprintf(stderr, "bench: dataset: loading %s into %s\n", folder, uri);
	return setup_command(load) == 0 ? 0 : -1;
}

/* The figures of the manifest at path into st: 0, or -1 with err. */
static int
manifest_stats(const char *path, struct dsstats *st, char *err, size_t errlen)
{
	struct manifest_entry *e;
	unsigned long lineno = 0;
	FILE *f;
	int rc;

	dsstats_init(st);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if ((e = malloc(sizeof(*e))) == NULL) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while ((rc = manifest_read(f, path, &lineno, e, err, errlen)) == 1)
		dsstats_add(st, e->size, e->has_exif < 0 ? -1 : e->has_exif > 0);
	free(e);
	fclose(f);
	return rc;
}

int
setup_source(const struct s3_config *cfg, const char *bucket, const char *prefix,
    struct dsstats *st, char *err, size_t errlen)
{
	struct list_options o = { .cfg = cfg, .bucket = bucket, .prefix = prefix,
		.concurrency = 1, .on_object = count_object, .arg = st };
	struct list_stats ls;
	char msg[512];

	dsstats_init(st);
	if (list_run(&o, &ls, msg, sizeof(msg)) < 0) {
		snprintf(err, errlen, "source s3://%s/%s: %s", bucket, prefix, msg);
		return -1;
	}
	if (st->count == 0) {
		snprintf(err, errlen, "source s3://%s/%s holds no object", bucket, prefix);
		return -1;
	}
	return 0;
}

static void
count_object(const char *key, uint64_t size, const char *sha256, void *arg)
{
	dsstats_add(arg, size, -1);
}

int
setup_command(char *const *argv)
{
	int st;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
setup_shaper_start(struct shaper *sh, const char *exe, const char *upstream,
    char *const *args, const char *cpus, char *err, size_t errlen)
{
	char *argv[64], line[512];
	json_t *j;
	size_t n = 0;

	memset(sh, 0, sizeof(*sh));
	sh->out = -1;
	argv[n++] = (char *)exe, argv[n++] = "shape", argv[n++] = "--json";
	argv[n++] = "--upstream", argv[n++] = (char *)upstream;
	while (*args != NULL && n < 62)
		argv[n++] = *args++;
	argv[n] = NULL;
	if ((sh->pid = spawn_out(argv, &sh->out, cpus)) < 0) {
		snprintf(err, errlen, "cannot start the shaper: %s", strerror(errno));
		sh->pid = 0;
		return -1;
	}
	if (read_line(sh->out, line, sizeof(line), 5000) <= 0 ||
	    (j = json_loads(line, 0, NULL)) == NULL) {
		snprintf(err, errlen, "the shaper did not start (its error is above)");
		json_decref(setup_shaper_stop(sh));
		return -1;
	}
	snprintf(sh->endpoint, sizeof(sh->endpoint), "http://%s",
	    json_string_value(json_object_get(j, "listen")) ?: "");
	json_decref(j);
	return 0;
}

json_t *
setup_shaper_stop(struct shaper *sh)
{
	char line[4096], last[4096] = "";
	json_t *j = NULL;
	int st;

	if (sh->pid <= 0)
		return NULL;
	kill(sh->pid, SIGTERM);
	while (read_line(sh->out, line, sizeof(line), 5000) > 0)
		snprintf(last, sizeof(last), "%s", line);
	while (waitpid(sh->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(sh->out);
	sh->pid = 0, sh->out = -1;
	if (last[0] != '\0')
		j = json_loads(last, 0, NULL);
	return j;
}

/* fork + exec with stdout on a pipe (*out), in a new process group, bound to cpus. */
static pid_t
spawn_out(char *const *argv, int *out, const char *cpus)
{
	char berr[256];
	int fd[2];
	pid_t pid, parent = getpid();

	if (pipe2(fd, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fd[0]), close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		/* Its own group, out of a terminal's Ctrl-C; stopped when the harness dies. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
			_exit(127);
		dup2(fd[1], STDOUT_FILENO);
		if (cpus != NULL && cpus[0] != '\0' && topo_bind(0, cpus, berr,
		    sizeof(berr)) < 0)
			dprintf(STDERR_FILENO, "exifbench: %s\n", berr);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fd[1]);
	*out = fd[0];
	return pid;
}

/* One line from fd (without its newline), waiting at most timeout_ms: its length, 0 at EOF. */
static ssize_t
read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;
	char c;

	while (n + 1 < len) {
		if (poll(&p, 1, timeout_ms) <= 0 || read(fd, &c, 1) != 1)
			break;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}
