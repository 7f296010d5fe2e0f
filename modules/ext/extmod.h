/* SPDX-License-Identifier: Apache-2.0 */
/* The frame of an external module written in C: a program of its own,
 * installed in /usr/lib/cloudboot/modules/ with its descriptor, run by
 * cloudboot through the external-module protocol (api 1,
 * docs/modules-external.md). Modules that only drive another tool (ansible,
 * puppet, snap...) live here so that the cloudboot binary every boot loads
 * stays small.
 *
 * The module itself is written exactly like a built-in one: a const struct
 * module with its keys' schema and a run function taking struct module_ctx.
 * extmod_main() turns the protocol into that call: CLOUDBOOT_* variables and
 * the JSON on stdin become the context, and `PROGRAM --describe` prints the
 * descriptor, generated at build time from the same schema, so the keys exist
 * once in the source. A unit test compiles the module with EXTMOD_NO_MAIN and
 * calls its run function on a test root like any built-in's. */
#pragma once

#include "module.h"

struct extmod {
        const struct module *module;
        const char *stage; /* "init", "config" or "final": where cloud-init lists it */
        const char *description;
        unsigned timeout_sec; /* the descriptor's timeout; 0: 600 */
};

/* The whole program: --describe prints the descriptor JSON; otherwise the
 * protocol run. Returns the exit code: 0 success, 1 the module failed, 2 a
 * protocol error (not run by cloudboot, bad stdin). */
int extmod_main(int argc, char **argv, const struct extmod *e);

/* The descriptor of e as JSON into b (what --describe prints). */
int extmod_describe(const struct extmod *e, struct buf *b);

/* In a sanitizer build, the program runs chrooted in a target that usually
 * has no /proc, where LeakSanitizer cannot work and would end the run: leak
 * checking stays with the unit tests, which compile the module without this
 * main. */
#if defined(__SANITIZE_ADDRESS__)
#define EXTMOD_SANITIZER_OPTIONS                                                                   \
        const char *__asan_default_options(void);                                                  \
        const char *__asan_default_options(void)                                                   \
        {                                                                                          \
                return "detect_leaks=0";                                                           \
        }
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EXTMOD_SANITIZER_OPTIONS                                                                   \
        const char *__asan_default_options(void);                                                  \
        const char *__asan_default_options(void)                                                   \
        {                                                                                          \
                return "detect_leaks=0";                                                           \
        }
#endif
#endif
#ifndef EXTMOD_SANITIZER_OPTIONS
#define EXTMOD_SANITIZER_OPTIONS
#endif

#ifdef EXTMOD_NO_MAIN
#define EXTMOD_MAIN(e)
#else
#define EXTMOD_MAIN(e)                                                                             \
        EXTMOD_SANITIZER_OPTIONS                                                                   \
        int main(int argc, char **argv)                                                            \
        {                                                                                          \
                return extmod_main(argc, argv, &(e));                                              \
        }
#endif
