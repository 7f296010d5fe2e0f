/* SPDX-License-Identifier: Apache-2.0 */
/* fs_setup's string parsers: extra_opts split into words, cmd templates in
 * both forms, and disk_setup's partition type codes. */
#include "../../modules/disk_setup.h"
#include "disk.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text = fuzz_str(data, size), *words[64], *out = NULL, type[DISK_TYPE_MAX];
        const char *values[3] = { "label", "ext4", "/dev/vdb1" };
        size_t n = 0;

        fuzz_quiet();
        if (!text)
                return 0;
        if (fs_setup_split(text, words, 64, &n) >= 0)
                for (size_t i = 0; i < n; i++)
                        free(words[i]);
        if (fs_setup_template(text, true, values, &out) >= 0)
                free(out);
        if (fs_setup_template(text, false, values, &out) >= 0)
                free(out);
        (void)disk_part_type(DISK_MBR, text, type);
        (void)disk_part_type(DISK_GPT, text, type);
        free(text);
        return 0;
}
