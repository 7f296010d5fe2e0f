/* SPDX-License-Identifier: Apache-2.0 */
/* The instance model's stored form (src/boot/model.c). The bytes are taken as
 * the payload and given a valid header (the digest would stop nearly every
 * input otherwise), so the fuzzer reaches the node decoder; what decodes must
 * encode and decode again to the same bytes. */
#include "fuzz.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct model m, again;
        struct buf in = BUF_INIT(size + 64), out, out2;
        uint64_t h[3] = { 0, model_digest(0, data, size), size };
        uint32_t version = 1;

        fuzz_quiet();
        /* little-endian hosts only, as the fuzzers run */
        if (buf_append(&in, "CBMODEL\n", 8) < 0 || buf_append(&in, &version, 4) < 0 ||
            buf_append(&in, h, sizeof(h)) < 0 || buf_append(&in, data, size) < 0) {
                buf_free(&in);
                return 0;
        }
        if (model_decode(in.data, in.len, &m) == 0) {
                if (model_encode(&m, 1u << 26, &out) == 0) {
                        if (model_decode(out.data, out.len, &again) != 0)
                                abort();
                        if (model_encode(&again, 1u << 26, &out2) != 0 || out2.len != out.len ||
                            memcmp(out.data, out2.data, out.len) != 0)
                                abort();
                        model_done(&again);
                        buf_free(&out2);
                        buf_free(&out);
                }
                model_done(&m);
        }
        buf_free(&in);
        return 0;
}
