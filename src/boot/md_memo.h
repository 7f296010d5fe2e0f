/* SPDX-License-Identifier: Apache-2.0 */
/* Meta-data as parsed, kept across boots (docs/pipeline.md): a provisioned
 * boot's init-local finds the same seed bytes and, with this, neither loads
 * libyaml nor parses them. */
#pragma once

/* One slot, root only, in the instance model's format, keyed by cloudboot's
 * version, the meta-data's name and its bytes. */
#define MD_MEMO_FILE "/var/lib/cloud/data/cloudboot-meta-data"

/* From now on ds_parse_meta_data() looks in root_fd's slot first and fills
 * it; md_memo_disable() ends that (root_fd is not kept open here). */
void md_memo_enable(int root_fd);
void md_memo_disable(void);
