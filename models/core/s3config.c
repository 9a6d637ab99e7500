/*
 * s3config.c: the S3 client's configuration, read the way the AWS CLI reads it. The
 * environment (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
 * AWS_REGION or AWS_DEFAULT_REGION, AWS_CA_BUNDLE, AWS_S3_ADDRESSING_STYLE) wins over the
 * shared files of the profile AWS_PROFILE names ("default" when unset): AWS_SHARED_CREDENTIALS_FILE
 * (~/.aws/credentials, sections [NAME]) and AWS_CONFIG_FILE (~/.aws/config, sections
 * [profile NAME] or [default]), read with libinih. Keys and their token come as one set, from
 * the environment or from the profile, never mixed. EXIFBENCH_TLS_VERIFY=no turns certificate
 * checks off. EXIFBENCH_ENDPOINTS, a comma list of gateways of one store, replaces the
 * endpoint (s3_config_set_endpoints). An error names the variable, file or key concerned; a
 * value never, so a secret cannot leak into a message.
 */
#include "s3.h"

#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* What the shared files say for one profile; "" where they say nothing. */
struct profile {
	const char *name;
	char conf_section[80];		/* "profile NAME", or "default" */
	const char *file;		/* the file being read */
	int found;
	int nested_s3;			/* inside the config's "s3 =" sub-section */
	char last[32];			/* the last key set, for a value split by src_read */
	char access_key[128];
	char secret_key[128];
	char session_token[S3_TOKEN_MAX];
	char region[64];
	char endpoint[256];
	char ca_bundle[512];
	char addressing[16];
	char err[256];
};

/*
 * libinih reads lines of at most INI_MAX_LINE (200) bytes, shorter than a session token. The
 * reader hands it a longer line in pieces: the first as it starts, each next one as a
 * continuation line marked "\t\x01", which the handler appends to the key's value. Pieces
 * end between two non-blank bytes, so no blank at a seam is lost to inih's trimming.
 */
struct src {
	FILE *f;
	char *line;
	size_t cap;
	size_t len, off;	/* the physical line, and how much of it went out */
	int phys;		/* its number */
	int *lineno;		/* physical line of each piece handed out, for errors */
	size_t npieces, lcap;
};

static int env_copy(char *dst, size_t dstlen, const char *name, const char *dflt, char *err,
    size_t errlen);
static char *src_read(char *str, int num, void *stream);
static int src_note(struct src *s);
static int on_ini(void *user, const char *section, const char *name, const char *value);
static int set_key(struct profile *p, const char *name, const char *value, int append);
static int read_file(struct profile *p, const char *path, int creds, char *err, size_t errlen);
static int read_profile(struct profile *p, char *err, size_t errlen);
static int take(char *dst, size_t dstlen, const char *env, const char *from_file,
    const char *what, char *err, size_t errlen);
static int check_url(char *url, const char *what, char *err, size_t errlen);
static int check_settings(struct s3_config *cfg, const char *addressing, char *err,
    size_t errlen);
static int credentials(struct s3_config *cfg, const struct profile *p, char *err,
    size_t errlen);

static int
env_copy(char *dst, size_t dstlen, const char *name, const char *dflt, char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		v = dflt;
	if (v == NULL) {
		snprintf(err, errlen, "%s is not set (see harness/s3-local env)", name);
		return -1;
	}
	if (strlen(v) >= dstlen) {
		snprintf(err, errlen, "%s is longer than %zu bytes", name, dstlen - 1);
		return -1;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int
src_note(struct src *s)
{
	int *p;

	if (s->npieces == s->lcap) {
		s->lcap = s->lcap ? s->lcap * 2 : 64;
		if ((p = realloc(s->lineno, s->lcap * sizeof(*p))) == NULL)
			return -1;
		s->lineno = p;
	}
	s->lineno[s->npieces++] = s->phys;
	return 0;
}

static char *
src_read(char *str, int num, void *stream)
{
	struct src *s = stream;
	size_t room, n, lead;
	ssize_t got;

	if (s->off >= s->len) {
		if ((got = getline(&s->line, &s->cap, s->f)) < 0)
			return NULL;
		s->len = (size_t)got, s->off = 0, s->phys++;
	}
	/* One byte short of full: inih drops the rest of a line that fills its buffer. */
	lead = s->off > 0 ? 2 : 0;
	room = (size_t)num - 2 - lead;
	n = s->len - s->off;
	if (n > room) {
		/* A long comment is cut; anything else is split between two non-blanks. */
		n = room;
		if (s->off == 0 && strchr("#;", s->line[strspn(s->line, " \t")]) != NULL)
			s->len = room;
		while (n > 1 && (strchr(" \t", s->line[s->off + n - 1]) != NULL ||
		    strchr(" \t\r\n", s->line[s->off + n]) != NULL))
			n--;
	}
	memcpy(str, "\t\x01", lead);
	memcpy(str + lead, s->line + s->off, n);
	str[lead + n] = '\0';
	s->off += n;
	return src_note(s) == 0 ? str : NULL;
}

static int
set_key(struct profile *p, const char *name, const char *value, int append)
{
	static const struct {
		const char *key;
		size_t off, len;
	} keys[] = {
#define K(k, f) { k, offsetof(struct profile, f), sizeof(((struct profile *)0)->f) }
		K("aws_access_key_id", access_key), K("aws_secret_access_key", secret_key),
		K("aws_session_token", session_token), K("region", region),
		K("endpoint_url", endpoint), K("ca_bundle", ca_bundle),
		K("s3.endpoint_url", endpoint), K("s3.addressing_style", addressing),
#undef K
	};
	size_t i, have;
	char *dst;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].key, name) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		p->last[0] = '\0';	/* a key this client has no use for, nor its pieces */
		return 0;
	}
	dst = (char *)p + keys[i].off;
	have = append ? strlen(dst) : 0;
	if (have + strlen(value) >= keys[i].len) {
		snprintf(p->err, sizeof(p->err), "%s: %s of profile '%s' is longer than %zu bytes",
		    p->file, name, p->name, keys[i].len - 1);
		return -1;
	}
	memcpy(dst + have, value, strlen(value) + 1);
	if (name != p->last)
		snprintf(p->last, sizeof(p->last), "%s", name);
	return 0;
}

/* One name = value of a file; continuation lines come again under the same name. */
static int
on_ini(void *user, const char *section, const char *name, const char *value)
{
	struct profile *p = user;
	char nested[48];

	if (p->err[0] != '\0' || strcmp(section, p->conf_section) != 0)
		return 1;
	p->found = 1;
	if (value[0] == '\x01') {	/* the rest of a long line */
		(void)set_key(p, p->last, value + 1, 1);
		return 1;
	}
	if (strcmp(name, "s3") == 0) {	/* "s3 =", then "  key = value" lines */
		const char *eq = strchr(value, '=');
		size_t kl;

		if (eq == NULL)
			return 1;
		for (kl = (size_t)(eq - value); kl > 0 && strchr(" \t", value[kl - 1]); kl--)
			;
		for (eq++; *eq == ' ' || *eq == '\t'; eq++)
			;
		snprintf(nested, sizeof(nested), "s3.%.*s", (int)(kl < 40 ? kl : 40), value);
		(void)set_key(p, nested, eq, 0);
		return 1;
	}
	(void)set_key(p, name, value, 0);
	return 1;
}

/*
 * Reads path's sections for p (creds: the credentials file, whose sections are bare names).
 * A missing file is no error, as for the AWS CLI. Returns 0, or -1 with err set.
 */
static int
read_file(struct profile *p, const char *path, int creds, char *err, size_t errlen)
{
	struct src s = { 0 };
	int rc;

	if ((s.f = fopen(path, "r")) == NULL)
		return 0;
	p->file = path;
	if (creds)
		snprintf(p->conf_section, sizeof(p->conf_section), "%s", p->name);
	else if (strcmp(p->name, "default") == 0)
		snprintf(p->conf_section, sizeof(p->conf_section), "default");
	else
		snprintf(p->conf_section, sizeof(p->conf_section), "profile %s", p->name);
	rc = ini_parse_stream(src_read, &s, on_ini, p);
	fclose(s.f);
	if (rc > 0 && (size_t)rc <= s.npieces)
		rc = s.lineno[rc - 1];
	free(s.line);
	free(s.lineno);
	if (p->err[0] != '\0')
		snprintf(err, errlen, "%s", p->err);
	else if (rc != 0)
		snprintf(err, errlen, "%s: line %d is not a 'key = value' line or a [section]",
		    path, rc);
	return p->err[0] != '\0' || rc != 0 ? -1 : 0;
}

/* The profile's settings, from both files; the credentials file's keys win. */
static int
read_profile(struct profile *p, char *err, size_t errlen)
{
	char conf[512], creds[512];
	const char *home = getenv("HOME"), *v;

	p->name = getenv("AWS_PROFILE");
	if (p->name == NULL || *p->name == '\0')
		p->name = "default";
	if (strlen(p->name) > 63) {
		snprintf(err, errlen, "AWS_PROFILE is longer than 63 bytes");
		return -1;
	}
	home = home != NULL ? home : "";
	v = getenv("AWS_CONFIG_FILE");
	snprintf(conf, sizeof(conf), v && *v ? "%s" : "%s/.aws/config", v && *v ? v : home);
	v = getenv("AWS_SHARED_CREDENTIALS_FILE");
	snprintf(creds, sizeof(creds), v && *v ? "%s" : "%s/.aws/credentials",
	    v && *v ? v : home);
	if (read_file(p, conf, 0, err, errlen) < 0 || read_file(p, creds, 1, err, errlen) < 0)
		return -1;
	v = getenv("AWS_PROFILE");
	if (!p->found && v != NULL && *v != '\0') {
		snprintf(err, errlen, "AWS_PROFILE: profile '%s' is in neither %s nor %s", p->name,
		    conf, creds);
		return -1;
	}
	return 0;
}

/* dst = the variable env if set, else from_file (may be dst). -1 when env is too long. */
static int
take(char *dst, size_t dstlen, const char *env, const char *from_file, const char *what,
    char *err, size_t errlen)
{
	const char *v = getenv(env);

	if (v != NULL && *v != '\0')
		return env_copy(dst, dstlen, env, NULL, err, errlen);
	if (dst != from_file && snprintf(dst, dstlen, "%s", from_file) >= (int)dstlen) {
		snprintf(err, errlen, "%s of the profile is longer than %zu bytes", what,
		    dstlen - 1);
		return -1;
	}
	return 0;
}

/* The keys and token: all three from the environment when it has a key, else the profile's. */
static int
credentials(struct s3_config *cfg, const struct profile *p, char *err, size_t errlen)
{
	const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");

	if ((ak != NULL && *ak != '\0') || (sk != NULL && *sk != '\0') ||
	    p->access_key[0] == '\0') {
		if (env_copy(cfg->access_key, sizeof(cfg->access_key), "AWS_ACCESS_KEY_ID", NULL,
		    err, errlen) < 0 ||
		    env_copy(cfg->secret_key, sizeof(cfg->secret_key), "AWS_SECRET_ACCESS_KEY",
		    NULL, err, errlen) < 0 ||
		    env_copy(cfg->session_token, sizeof(cfg->session_token), "AWS_SESSION_TOKEN",
		    "", err, errlen) < 0)
			return -1;
		return 0;
	}
	if (p->secret_key[0] == '\0') {
		snprintf(err, errlen, "profile '%s' has aws_access_key_id but no "
		    "aws_secret_access_key", p->name);
		return -1;
	}
	memcpy(cfg->access_key, p->access_key, sizeof(cfg->access_key));
	memcpy(cfg->secret_key, p->secret_key, sizeof(cfg->secret_key));
	memcpy(cfg->session_token, p->session_token, sizeof(cfg->session_token));
	snprintf(cfg->profile, sizeof(cfg->profile), "%s", p->name);
	return 0;
}

/*
 * One endpoint URL, in place: scheme://host[:port] of http or https, a trailing '/' dropped, no
 * path, no user:password@ (it would be printed), a port of 1..65535. 0, or -1 with err naming
 * what and the URL.
 */
static int
check_url(char *url, const char *what, char *err, size_t errlen)
{
	const char *host, *port;
	char *end;
	size_t n = strlen(url);
	long v;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		snprintf(err, errlen, "%s '%s' must start with http:// or https://", what, url);
		return -1;
	}
	if (url[strcspn(url, " \t\r\n")] != '\0') {
		snprintf(err, errlen, "%s '%s' holds a blank (a list is URL[,URL...])", what, url);
		return -1;
	}
	host = strstr(url, "://") + 3;
	while (n > (size_t)(host - url) && url[n - 1] == '/')
		url[--n] = '\0';
	if (strchr(host, '/') != NULL || strchr(host, '?') != NULL) {
		snprintf(err, errlen, "%s '%s' must be scheme://host[:port], without a path",
		    what, url);
		return -1;
	}
	if (strchr(host, '@') != NULL) {	/* named with the user:password masked */
		snprintf(err, errlen, "%s '%.*s***%s' must not hold a user or password (the keys "
		    "go in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)", what, (int)(host - url),
		    url, strrchr(host, '@'));
		return -1;
	}
	port = host[0] == '[' ? strchr(host, ']') : host;
	port = port != NULL ? strrchr(port, ':') : NULL;
	if (host[0] == '\0' || host[0] == ':' || (port != NULL && ((v = strtol(port + 1, &end,
	    10)) < 1 || v > 65535 || *end != '\0' || end == port + 1))) {
		snprintf(err, errlen, "%s '%s' must be scheme://host[:port] with a host and a port "
		    "of 1..65535", what, url);
		return -1;
	}
	return 0;
}

int
s3_config_set_endpoints(struct s3_config *cfg, const char *list, const char *what,
    char *err, size_t errlen)
{
	char (*eps)[sizeof(cfg->endpoints[0])];
	const char *p, *comma;
	unsigned n = 0, i;
	size_t len;
	int rc = -1;

	if (cfg == NULL || list == NULL || what == NULL || err == NULL)
		return -1;
	if ((eps = calloc(S3_ENDPOINTS_MAX, sizeof(*eps))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", what);
		return -1;
	}
	for (p = list;; p = comma + 1) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 0) {
			snprintf(err, errlen, "%s '%s' has an empty URL (URL[,URL...])", what, list);
			goto out;
		}
		if (n == S3_ENDPOINTS_MAX || len >= sizeof(eps[0])) {
			snprintf(err, errlen, n == S3_ENDPOINTS_MAX ? "%s: more than %d endpoints" :
			    "%s: an endpoint is longer than %d bytes", what, n == S3_ENDPOINTS_MAX ?
			    S3_ENDPOINTS_MAX : (int)sizeof(eps[0]) - 1);
			goto out;
		}
		memcpy(eps[n], p, len);
		if (check_url(eps[n], what, err, errlen) < 0)
			goto out;
		for (i = 0; i < n; i++)
			if (strcmp(eps[i], eps[n]) == 0) {
				snprintf(err, errlen, "%s '%s' is listed twice", what, eps[n]);
				goto out;
			}
		n++;
		if (comma == NULL)
			break;
	}
	memcpy(cfg->endpoints, eps, sizeof(cfg->endpoints));
	memcpy(cfg->endpoint, eps[0], sizeof(cfg->endpoint));
	cfg->nendpoints = n;
	rc = 0;
out:
	free(eps);
	return rc;
}

/* The endpoints, the addressing style, the CA bundle, TLS checks. */
static int
check_settings(struct s3_config *cfg, const char *addressing, char *err, size_t errlen)
{
	const char *v = getenv("EXIFBENCH_ENDPOINTS");

	/* The list replaces AWS_ENDPOINT_URL (or endpoint_url), which need not be set then. */
	if (v != NULL && *v != '\0') {
		if (s3_config_set_endpoints(cfg, v, "EXIFBENCH_ENDPOINTS", err, errlen) < 0)
			return -1;
	} else {
		if (check_url(cfg->endpoint, "AWS_ENDPOINT_URL", err, errlen) < 0)
			return -1;
		memcpy(cfg->endpoints[0], cfg->endpoint, sizeof(cfg->endpoint));
		cfg->nendpoints = 1;
	}
	v = getenv("EXIFBENCH_TLS_VERIFY");
	if (strcmp(addressing, "virtual") == 0)
		cfg->virtual_hosted = 1;
	else if (addressing[0] != '\0' && strcmp(addressing, "path") != 0) {
		snprintf(err, errlen, "AWS_S3_ADDRESSING_STYLE (or the profile's s3 "
		    "addressing_style) must be path or virtual, not '%.16s'", addressing);
		return -1;
	}
	if (cfg->ca_bundle[0] != '\0' && access(cfg->ca_bundle, R_OK) != 0) {
		snprintf(err, errlen, "AWS_CA_BUNDLE (or the profile's ca_bundle) '%s' is not a "
		    "readable file", cfg->ca_bundle);
		return -1;
	}
	if (v != NULL && *v != '\0' && strcmp(v, "yes") != 0) {
		if (strcmp(v, "no") != 0) {
			snprintf(err, errlen, "EXIFBENCH_TLS_VERIFY must be yes or no");
			return -1;
		}
		cfg->tls_insecure = 1;
	}
	return 0;
}

int
s3_config_from_env(struct s3_config *cfg, char *err, size_t errlen)
{
	static const struct retry_policy dflt = RETRY_POLICY_DEFAULT;
	struct profile *p;
	char addressing[16];
	int rc = -1;

	if (cfg == NULL || err == NULL)
		return -1;
	memset(cfg, 0, sizeof(*cfg));
	cfg->connect_timeout_ms = 5000;
	cfg->low_speed_secs = 30;
	cfg->max_object_bytes = S3_MAX_OBJECT_BYTES;
	cfg->retry = dflt;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "s3: out of memory");
		return -1;
	}
	if (read_profile(p, err, errlen) < 0 ||
	    take(cfg->endpoint, sizeof(cfg->endpoint), "AWS_ENDPOINT_URL", p->endpoint,
	    "endpoint_url", err, errlen) < 0)
		goto out;
	if (cfg->endpoint[0] == '\0' && (getenv("EXIFBENCH_ENDPOINTS") == NULL ||
	    *getenv("EXIFBENCH_ENDPOINTS") == '\0')) {
		snprintf(err, errlen, "AWS_ENDPOINT_URL is not set, nor endpoint_url in profile "
		    "'%s' (see harness/s3-local env)", p->name);
		goto out;
	}
	if (credentials(cfg, p, err, errlen) < 0 ||
	    take(p->region, sizeof(p->region), "AWS_DEFAULT_REGION", p->region, "region", err,
	    errlen) < 0 ||
	    take(cfg->region, sizeof(cfg->region), "AWS_REGION", p->region, "region", err,
	    errlen) < 0 ||
	    take(cfg->ca_bundle, sizeof(cfg->ca_bundle), "AWS_CA_BUNDLE", p->ca_bundle,
	    "ca_bundle", err, errlen) < 0 ||
	    take(addressing, sizeof(addressing), "AWS_S3_ADDRESSING_STYLE", p->addressing,
	    "addressing_style", err, errlen) < 0)
		goto out;
	if (cfg->region[0] == '\0')
		memcpy(cfg->region, "us-east-1", sizeof("us-east-1"));
	rc = check_settings(cfg, addressing, err, errlen);
out:
	explicit_bzero(p, sizeof(*p));
	free(p);
	if (rc < 0) {
		explicit_bzero(cfg->secret_key, sizeof(cfg->secret_key));
		explicit_bzero(cfg->session_token, sizeof(cfg->session_token));
	}
	return rc;
}
