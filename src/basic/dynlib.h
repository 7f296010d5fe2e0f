/* SPDX-License-Identifier: Apache-2.0 */
/* Libraries loaded on first use. A provisioned boot parses no YAML, probes
 * no block device and hashes no password; every library the binary is
 * linked with would still be mapped and relocated at each stage's start, so
 * each one is opened with dlopen by the first call that needs it.
 *
 * A caller keeps a table: a struct whose first member is `void *lib`, then
 * one function pointer per symbol, and lists the symbols with DYNLIB_SYM. */
#pragma once

#include <stddef.h>

struct dynlib_sym {
        const char *name;
        size_t off; /* of the function pointer in the caller's table */
};

#define DYNLIB_SYM(table, field, symbol) { symbol, offsetof(typeof(table), field) }

/* Opens soname (once: later calls return at once) and fills each listed
 * pointer of table. 0, or -ENOPKG when the library or one of the symbols is
 * missing (the table is left unloaded, and the reason is a debug line). */
int dynlib_load(void *table, const char *soname, const struct dynlib_sym *syms, size_t n);
