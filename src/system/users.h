/* SPDX-License-Identifier: Apache-2.0 */
/* The users cloud-config asks for, normalised as cloud-init's
 * normalize_users_groups does: `users` (a list of "default", "a, b" strings
 * and mappings, or one string or mapping), `user` overriding
 * system_info.default_user, and no `users` meaning [default]. */
#pragma once

#include "node.h"

/* A list of mappings, each with "name" and the user's options (hyphenated
 * keys spelled with underscores); the default user's has "default: true".
 * Entries without a usable name are reported (with position) and left out. */
int users_normalize(const struct node *cfg, struct node **ret);
/* The default user's name after `user:` overrides, or NULL if there is none. */
const char *users_default_name(const struct node *users);
/* An option of a user mapping, by its underscore name or its hyphen alias. */
const struct node *user_opt(const struct node *user, const char *key);
