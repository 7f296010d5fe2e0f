/* SPDX-License-Identifier: Apache-2.0 */
/* The target's /etc/passwd and /etc/group as cloudboot reads them: names
 * looked up one at a time and as syslog_fix_perms' list (one read of each
 * database for the list). The input is both files of a temporary root made
 * once per process; the names looked up include the input's own first
 * field, so lookups that match are reached as well as ones that do not. */
#include "fuzz.h"
#include "passwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const specs[] = { "syslog:adm", "root:adm", "root:wheel", "root:root",
                                             "1000:1000",  ":adm",     "root:",      "" };
        static const char *const dirs[] = { "/etc", NULL };
        int root_fd = fuzz_root(dirs);
        struct passwd_db db = { .root_fd = root_fd };
        struct passwd_entry e;
        char name[64], spec[140];
        size_t n = 0;
        uid_t u;
        gid_t g;

        fuzz_quiet();
        fuzz_put(root_fd, "etc/passwd", data, size);
        fuzz_put(root_fd, "etc/group", data, size);
        /* the input's first field, as a user and a group name */
        while (n < size && n < sizeof(name) - 1 && data[n] != ':' && data[n] != '\n' && data[n])
                n++;
        memcpy(name, data, n);
        name[n] = 0;
        (void)snprintf(spec, sizeof(spec), "%s:%s", name, name);

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
