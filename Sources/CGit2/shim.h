#ifndef BELAY_CGIT2_SHIM_H
#define BELAY_CGIT2_SHIM_H
#include <git2.h>
#endif
