/* SPDX-License-Identifier: Apache-2.0 */
/* The DHCP client's report, as init-local's ephemeral network reads it. */
#include "ephemeral.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct eph_lease l;
        const char *why = NULL;

        fuzz_quiet();
        (void)eph_lease_parse((const char *)data, size, &l, &why);
        return 0;
}
