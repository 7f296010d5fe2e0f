/* SPDX-License-Identifier: Apache-2.0 */
/* Loading cloudboot-clouds.so (clouds.h). */
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clouds.h"
#include "log.h"

#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/lib/cloudboot"
#endif

/* Linked in by the unit tests and fuzzers (-u cloudboot_clouds); the binary
 * has no definition, and loads the object. */
extern const struct clouds_plugin cloudboot_clouds __attribute__((weak));

/* An fd of the object at dir/CLOUDS_SO when it is a regular file owned by
 * root (or by whoever runs this: a build tree) that nobody else can write:
 * the code of a process that may run as root. */
static int open_object(const char *dir, char *why, size_t whylen)
{
        char path[PATH_MAX];
        struct stat st;
        int fd;

        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, CLOUDS_SO) >= sizeof(path))
                return -ENAMETOOLONG;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
            (st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
                (void)snprintf(why, whylen, "%s is not a regular file of root's that only its "
                               "owner can write", path);
                (void)close(fd);
                return -EPERM;
        }
        return fd;
}

static const struct clouds_plugin *load(char *why, size_t whylen)
{
        char dir[PATH_MAX], fdpath[64];
        const struct clouds_plugin *p;
        ssize_t len;
        void *lib;
        int fd = -ENOENT;

        /* next to the binary first (a build tree's), then where it is installed */
        len = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
        if (len > 0) {
                dir[len] = '\0';
                char *slash = strrchr(dir, '/');
                if (slash) {
                        *slash = '\0';
                        fd = open_object(dir, why, whylen);
                }
        }
        if (fd == -ENOENT)
                fd = open_object(PKGLIBDIR, why, whylen);
        if (fd < 0) {
                if (!why[0])
                        (void)snprintf(why, whylen, "%s/%s: %s", PKGLIBDIR, CLOUDS_SO,
                                       strerror(-fd));
                return NULL;
        }
        /* the file checked is the file loaded */
        (void)snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
        lib = dlopen(fdpath, RTLD_NOW | RTLD_LOCAL);
        (void)close(fd);
        if (!lib) {
                (void)snprintf(why, whylen, "%s", dlerror());
                return NULL;
        }
        p = dlsym(lib, CLOUDS_SYMBOL);
        if (!p || !p->version || strcmp(p->version, PACKAGE_VERSION) != 0 ||
            p->ctx_size != sizeof(struct ds_ctx) || p->result_size != sizeof(struct ds_result) ||
            p->ephemeral_size != sizeof(struct ephemeral)) {
                (void)snprintf(why, whylen, "%s is of another build than this cloudboot %s",
                               CLOUDS_SO, PACKAGE_VERSION);
                (void)dlclose(lib);
                return NULL;
        }
        return p;
}

const struct clouds_plugin *clouds_load(void)
{
        static const struct clouds_plugin *plugin;
        static bool tried;
        char why[PATH_MAX + 128] = "";

        if (&cloudboot_clouds)
                return &cloudboot_clouds;
        if (!tried) {
                tried = true;
                plugin = load(why, sizeof(why));
                if (!plugin)
                        log_warning("The cloud datasources cannot be loaded (%s): only NoCloud, "
                                    "ConfigDrive, Credentials and None are probed",
                                    why);
        }
        return plugin;
}

const struct datasource *clouds_datasource(const char *name)
{
        const struct clouds_plugin *p = clouds_load();

        for (size_t i = 0; p && i < p->n; i++)
                if (streq(p->list[i]->name, name))
                        return p->list[i];
        return NULL;
}
