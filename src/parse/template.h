/* SPDX-License-Identifier: Apache-2.0 */
/* The small template language of cloud-init's final_message, hosts templates
 * and phone_home URLs: $name, ${name} and {{ name }}. Unknown names are left
 * as written. (Full jinja for user-data is another matter.) */
#pragma once

#include "buf.h"

struct template_var {
        const char *name;
        const char *value;
};

/* Render text into out with vars (ended by { NULL }). */
int template_render(const char *text, const struct template_var *vars, struct buf *out);
