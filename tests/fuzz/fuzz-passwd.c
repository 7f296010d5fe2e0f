/* SPDX-License-Identifier: Apache-2.0 */
/* The target's /etc/passwd and /etc/group as cloudboot reads them: names
 * looked up one at a time and as syslog_fix_perms' list (one read of each
 * database for the list). The input is both files of a temporary root made
 * once per process; the names looked up include the input's own first
 * field, so lookups that match are reached as well as ones that do not. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "fuzz.h"
#include "passwd.h"

static int root_fd = -1;
static char root[] = "/tmp/fuzz-passwd.XXXXXX";

static void remove_root(void)
{
        (void)unlinkat(root_fd, "etc/passwd", 0);
        (void)unlinkat(root_fd, "etc/group", 0);
        (void)unlinkat(root_fd, "etc", AT_REMOVEDIR);
        (void)rmdir(root);
}

static void put(const char *path, const uint8_t *data, size_t size)
{
        int fd = openat(root_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                abort();
        for (size_t off = 0; off < size;) {
                ssize_t n = write(fd, data + off, size - off);
                if (n <= 0)
                        abort();
                off += (size_t)n;
        }
        close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const specs[] = { "syslog:adm", "root:adm", "root:wheel", "root:root",
                                             "1000:1000", ":adm",      "root:",      "" };
        struct passwd_db db = { .root_fd = -1 };
        struct passwd_entry e;
        char name[64], spec[140];
        size_t n = 0;
        uid_t u;
        gid_t g;

        fuzz_quiet();
        if (root_fd < 0) {
                if (!mkdtemp(root))
                        abort();
                root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (root_fd < 0 || mkdirat(root_fd, "etc", 0755) < 0)
                        abort();
                (void)atexit(remove_root);
        }
        put("etc/passwd", data, size);
        put("etc/group", data, size);
        /* the input's first field, as a user and a group name */
        while (n < size && n < sizeof(name) - 1 && data[n] != ':' && data[n] != '\n' && data[n])
                n++;
        memcpy(name, data, n);
        name[n] = 0;
        (void)snprintf(spec, sizeof(spec), "%s:%s", name, name);

        db.root_fd = root_fd;
        for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
                (void)passwd_db_owner(&db, specs[i], &u, &g);
        (void)passwd_db_owner(&db, spec, &u, &g);
        passwd_db_done(&db);
        (void)passwd_owner(root_fd, spec, &u, &g);
        (void)passwd_user(root_fd, name, &u, &g);
        (void)passwd_group(root_fd, name, &g);
        (void)passwd_group_exists(root_fd, name);
        if (passwd_entry_get(root_fd, name, &e) == 0)
                passwd_entry_done(&e);
        return 0;
}
