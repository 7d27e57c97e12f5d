#ifndef BELAY_CGIT2_SHIM_H
#define BELAY_CGIT2_SHIM_H
#include <git2.h>
/* A first snapshot's objects are gathered in memory and written as one pack. */
#include <git2/sys/odb_backend.h>
#include <git2/sys/mempack.h>
#include <git2/sys/repository.h>

/* git_libgit2_opts is variadic, which Swift cannot call; these fixed-arity wrappers can be. */

/** Sets an option that takes one int (e.g. GIT_OPT_ENABLE_STRICT_OBJECT_CREATION). */
static inline int belay_git_opts_set_int(int option, int value) {
    return git_libgit2_opts(option, value);
}

/** Sets the config search path of one level (GIT_OPT_SET_SEARCH_PATH); "" searches nowhere. */
static inline int belay_git_opts_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

#endif
