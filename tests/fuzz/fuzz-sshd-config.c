/* SPDX-License-Identifier: Apache-2.0 */
/* sshd_config as cloudboot reads it: keywords outside Match blocks, Include
 * of files and globs (resolved inside the target root), and whether the
 * global section includes sshd_config.d. The input is the target's
 * /etc/ssh/sshd_config in a temporary root made once per process; a second
 * file in sshd_config.d holds the input too, so Include reaches it. */
#include "fuzz.h"
#include "sshd_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const dirs[] = { "/etc/ssh/sshd_config.d", NULL };
        int root_fd = fuzz_root(dirs);
        char *value = NULL;

        fuzz_quiet();
        fuzz_put(root_fd, "etc/ssh/sshd_config", data, size);
        fuzz_put(root_fd, "etc/ssh/sshd_config.d/50-fuzz.conf", data, size);
        if (sshd_config_get(root_fd, "AuthorizedKeysFile", &value) == 0)
                free(value);
        (void)sshd_config_includes_dir(root_fd, "/etc/ssh/sshd_config.d");
        return 0;
}
