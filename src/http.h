/* HTTP requests over libcurl, loaded only when a request is made: most boots
 * make none, and linking libcurl (TLS, HTTP/2, ...) into every stage would
 * cost each one its start-up. http and https only, also after redirects;
 * bounded time and body; a User-Agent naming cloudboot. */
#pragma once

#include <stddef.h>

#include "buf.h"

struct http_field {
        const char *name;
        const char *value;
};

/* POST fields (ended by { NULL }) form-encoded to url. *ret_status is the
 * HTTP status; the response body is discarded. Errors: -ENOPKG when libcurl
 * cannot be loaded, -EIO on a transfer failure (*ret_error says which). */
int http_post_form(const char *url, const struct http_field *fields, unsigned timeout_sec,
                   long *ret_status, char *ret_error, size_t error_size);
