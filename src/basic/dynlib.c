/* SPDX-License-Identifier: Apache-2.0 */
/* dlopen with a table of symbols (see dynlib.h). */
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "dynlib.h"
#include "log.h"

int dynlib_load(void *table, const char *soname, const struct dynlib_sym *syms, size_t n)
{
        void *lib;

        memcpy(&lib, table, sizeof(lib));
        if (lib)
                return 0;
        /* RTLD_LOCAL: a library's symbols are reached only through its table */
        lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
                log_debug("Cannot load %s: %s", soname, dlerror());
                return -ENOPKG;
        }
        for (size_t i = 0; i < n; i++) {
                void *f = dlsym(lib, syms[i].name);

                if (!f) {
                        log_debug("%s has no %s", soname, syms[i].name);
                        (void)dlclose(lib);
                        return -ENOPKG;
                }
                memcpy((char *)table + syms[i].off, &f, sizeof(f));
        }
        memcpy(table, &lib, sizeof(lib));
        return 0;
}
