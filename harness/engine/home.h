/*
 * home.h: where exifbench finds the files it ships beside its binary -- the gnuplot scripts
 * (plots/NAME.gp), the scenarios (bench/NAME.conf) and the local S3 scripts (harness/s3-local,
 * harness/with-s3-local). They sit in one folder, laid out as in the source tree: the checkout
 * itself, or PREFIX/share/exifbench once `make install` has copied them there. Every command
 * that needs one of them asks home_find; nothing else guesses a path.
 */
#ifndef EXIFBENCH_HOME_H
#define EXIFBENCH_HOME_H

#include <stddef.h>

/* The installed folder, compiled in from the Makefile's PREFIX. */
#ifndef EXIFBENCH_SHAREDIR
#define EXIFBENCH_SHAREDIR "/usr/local/share/exifbench"
#endif

/*
 * The folder holding those files (harness/s3-local and plots/style.gp mark it) into dir,
 * without a trailing slash: $EXIFBENCH_HOME when it is set and not empty (it must hold them:
 * there is no fall-back past a wrong setting); else the checkout this binary was built in,
 * when it runs from there (a folder with the Makefile, at most three levels above the binary:
 * build/exifbench, build/san-NAME/exifbench); else EXIFBENCH_SHAREDIR. 0, or -1 with err
 * naming every place looked at.
 */
int home_find(char *dir, size_t len, char *err, size_t errlen);

/*
 * The scenario file that name stands for, into path: name itself when it holds a '/' or names
 * an existing file; else home/bench/NAME, or home/bench/NAME.conf, the first that exists (home
 * NULL or "": none). 0, or -1 with err naming what was looked for.
 */
int home_scenario(const char *home, const char *name, char *path, size_t len, char *err,
    size_t errlen);

#endif
