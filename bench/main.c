/*
 * main.c: the exifbench command line. Initialises libcurl once, before any thread exists,
 * then hands the arguments to the command named first. Its --help also names the folder of
 * the shipped files the commands use (home.h).
 */
#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "harness/engine/home.h"
#include "harness/engine/versions.h"

static void usage(FILE *f);
static int under_mpirun(int argc, char **argv);
static void warn_insecure(const char *cmd);

static void
usage(FILE *f)
{
	char home[PATH_MAX], err[1024];

	fputs("usage: exifbench [--help] [--version] [--insecure] COMMAND [ARGS]\n"
	      "\n"
	      "  -k, --insecure   do not verify the S3 endpoint's TLS certificate (the same as\n"
	      "                   EXIFBENCH_TLS_VERIFY=no; warned about, recorded in results)\n"
	      "\n"
	      "commands:\n"
	      "  dataset gen      write a deterministic JPEG dataset and its manifest\n"
	      "  dataset load     upload a folder to s3://BUCKET/PREFIX and prove it arrived\n"
	      "  dataset verify   check a bucket against a manifest\n"
	      "  dataset index    write a manifest for photos as they are (a folder or a prefix)\n"
	      "  dataset ls       list a prefix: key and size (and SHA-256) per object\n"
	      "  dataset rm       delete a prefix (and with --bucket, the bucket)\n"
	      "  dataset profiles list the dataset profiles\n"
	      "  run              run the pipeline under one concurrency model (--results DIR:\n"
	      "                   also as a one-run result folder)\n"
	      "  exif FILE...     print the EXIF record of local JPEG files, one JSON line each\n"
	      "  trace FILE       the stage times (p50, p99, first image, CPU) of a run's trace\n"
	      "  shape            a TCP proxy that adds latency, jitter, bandwidth caps, faults\n"
	      "  bench            run a scenario (bench/*.conf, or --model LIST --levels LIST)\n"
	      "                   into results/<UTC>-<scenario>/\n"
	      "  report DIR       write DIR/report.md and its plots from result folders\n"
	      "  compare A B      two result folders side by side: throughput and latency changes\n"
	      "  plan DIR         machines, hours and cost for N images within a deadline, from\n"
	      "                   measured rates; what-if predictions (--latency-ms, --cpu-ms) and\n"
	      "                   their check against a later bench (--check)\n"
	      "\n"
	      "`exifbench COMMAND SUBCOMMAND --help` describes each; `man exifbench` all of\n"
	      "them. The S3 endpoint and credentials come from AWS_ENDPOINT_URL,\n"
	      "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION (eval\n"
	      "\"$(FILES/harness/s3-local env)\" for the local server, FILES being the folder\n"
	      "named below), or from the AWS_PROFILE of ~/.aws/config and ~/.aws/credentials;\n"
	      "also AWS_CA_BUNDLE, AWS_S3_ADDRESSING_STYLE=path|virtual, EXIFBENCH_TLS_VERIFY=no\n"
	      "(docs/remote.md).\n"
	      "\n"
	      "exit codes: 0 ok, 1 some items failed, 2 usage or input error,\n"
	      "            3 setup error (settings, endpoint, bucket)\n"
	      "\n", f);
	if (home_find(home, sizeof(home), err, sizeof(err)) == 0)
		fprintf(f, "files: %s (plots/*.gp, bench/*.conf, harness/s3-local)\n", home);
	else
		fprintf(f, "files: %s\n", err);
}

/* The S3 client reads EXIFBENCH_TLS_VERIFY (models/core/s3config.c); its commands say so. */
static void
warn_insecure(const char *cmd)
{
	const char *v = getenv("EXIFBENCH_TLS_VERIFY");

	if (v != NULL && strcmp(v, "no") == 0 && (strcmp(cmd, "dataset") == 0 ||
	    strcmp(cmd, "run") == 0 || strcmp(cmd, "bench") == 0))
		fprintf(stderr, "exifbench: warning: EXIFBENCH_TLS_VERIFY=no: the S3 endpoint's "
		    "TLS certificate is not verified\n");
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("exifbench %s (%s)\n", EXIFBENCH_VERSION, curl_version());
		return 0;
	}
	if (strcmp(argv[1], "--insecure") == 0 || strcmp(argv[1], "-k") == 0) {
		if (setenv("EXIFBENCH_TLS_VERIFY", "no", 1) < 0) {
			perror("exifbench: setenv");
			return EXIT_SETUP;
		}
		argc--;
		argv++;
		if (argc < 2) {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (under_mpirun(argc, argv))
		return EXIT_SETUP;	/* it execs the MPI layer, or says why it could not */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "exifbench: libcurl initialisation failed\n");
		return EXIT_SETUP;
	}
	warn_insecure(argv[1]);
	if (strcmp(argv[1], "dataset") == 0) {
		rc = cmd_dataset(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "run") == 0) {
		rc = cmd_run(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "exif") == 0) {
		rc = cmd_exif(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "shape") == 0) {
		rc = cmd_shape(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "bench") == 0) {
		rc = cmd_bench(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "report") == 0) {
		rc = cmd_report(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "compare") == 0) {
		rc = cmd_compare(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "trace") == 0) {
		rc = cmd_trace(argc - 1, argv + 1);
	} else if (strcmp(argv[1], "plan") == 0) {
		rc = cmd_plan(argc - 1, argv + 1);
	} else {
		fprintf(stderr, "exifbench: unknown command '%s' (see exifbench --help)\n",
		    argv[1]);
		rc = EXIT_USAGE;
	}
	curl_global_cleanup();
	return rc;
}

/*
 * Started by mpirun (Open MPI's OMPI_COMM_WORLD_SIZE), and not as the MPI layer's own client
 * (EXIFBENCH_MPI_CHILD): `run` is handed to the MPI layer, exifbench-mpi, beside this binary
 * or in the installed EXIFBENCH_LIBEXEC (harness/mpi/mpi_main.c), so that this binary never
 * links libmpi. Returns 0 when not under mpirun (or for another command); 1 after an error.
 */
static int
under_mpirun(int argc, char **argv)
{
	char self[PATH_MAX], mpi[PATH_MAX + 32], *slash;
	ssize_t n;

	if (getenv("OMPI_COMM_WORLD_SIZE") == NULL || getenv("EXIFBENCH_MPI_CHILD") != NULL ||
	    (strcmp(argv[1], "run") != 0 && strcmp(argv[1], "bench") != 0))
		return 0;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
		perror("exifbench: /proc/self/exe");
		return 1;
	}
	self[n] = '\0';
	setenv("EXIFBENCH_EXE", self, 1);
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	snprintf(mpi, sizeof(mpi), "%s/exifbench-mpi", self);
	if (access(mpi, X_OK) != 0)
		snprintf(mpi, sizeof(mpi), "%s/exifbench-mpi", EXIFBENCH_LIBEXEC);
	argv[0] = mpi;
	(void)argc;
	execv(mpi, argv);
	fprintf(stderr, "exifbench: started by mpirun, but its MPI layer %s cannot run: it is "
	    "built when Open MPI is installed (make deps && make)\n", mpi);
	return 1;
}
