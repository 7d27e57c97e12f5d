#ifndef BELAY_SPAWN_ACTIONS_H
#define BELAY_SPAWN_ACTIONS_H
#include <spawn.h>

/* Two spawn file actions of the C library that Swift's view of <spawn.h> leaves out (they are GNU
 * extensions, declared only under _GNU_SOURCE): a step's shell starts in the workspace, and inherits
 * no descriptor of Belay's beyond its three standard ones. */

#if defined(__linux__)
/** The child changes to `path` before it executes (glibc 2.29 and later). */
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
/** The child closes every descriptor from `from` up before it executes (glibc 2.34 and later). */
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
#endif

#endif
