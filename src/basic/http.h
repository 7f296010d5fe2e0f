/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP requests over libcurl, loaded only when a request is made: most boots
 * make none, and linking libcurl (TLS, HTTP/2, ...) into every stage would
 * cost each one its start-up. Every network datasource and phone_home go
 * through here, so that each request has the same guarantees: http and https
 * only; redirects followed only within the same scheme, host and port; a
 * bounded time per attempt and a bounded body; TLS verification on; no proxy
 * for link-local metadata addresses; a User-Agent naming cloudboot; and one
 * log line per attempt (the URL without user-info or query, the status or the
 * failure, the time). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct http_field {
        const char *name;
        const char *value;
};

struct http_request {
        const char *method; /* NULL: GET */
        /* "Name: value" lines, NULL-ended. Never logged: tokens travel here. */
        const char *const *headers;
        size_t body_max; /* a longer body ends the attempt with -EFBIG */
        unsigned timeout_ms; /* one attempt, connecting included */
        /* Connect from a privileged local port (1-1023), which only root can
         * bind: Scaleway's metadata service gives user-data only to such a
         * client. */
        bool privileged_port;
        /* connect to this AF_UNIX socket (a host path) instead of the URL's
         * host, which then only names the server (LXD's /dev/lxd/sock) */
        const char *unix_socket;
        /* sent as the request body when not NULL (a POST's XML); never logged */
        const char *body;
        size_t body_len;
};

struct http_response {
        long status;
        char *body; /* NUL-terminated; may hold secrets */
        size_t len;
};

void http_response_done(struct http_response *r);

/* Retries of one request: after a timeout, a failed transfer, an HTTP 5xx
 * or 429 (not after a refused connection or no route: those are answers), up to retries more
 * attempts with a backoff from 100 ms doubling to 2 s, all ending by deadline_usec
 * (CLOCK_MONOTONIC, 0: none). Any other HTTP answer (200, 404, 401, ...) is returned as it is. */
struct http_retry {
        unsigned retries;
        uint64_t deadline_usec;
};

uint64_t http_now_usec(void);

/* URLs are taken apart by libcurl's URL API (curl_url), never by hand; these
 * load libcurl, so a boot that touches no URL never does. */
/* Is url an http or https URL with a host? 0; -EPROTONOSUPPORT for another
 * scheme; -EINVAL when it is no URL; -ENOPKG without libcurl. */
int http_url_check(const char *url);
/* url as it may be recorded (a log line, status.json, result.json): scheme,
 * host, port and path; user, password, query and fragment left out ("?..."
 * marks that a query or fragment was there). Always a NUL-terminated text. */
void http_url_redact(const char *url, char *ret, size_t size);

/* Fetch url. 0 with ret->status set when the server answered; else -ENOPKG
 * (libcurl cannot be loaded), -ECONNREFUSED, -ETIMEDOUT, -EFBIG (body over
 * body_max), -EPROTONOSUPPORT (a scheme other than http or https, also in a
 * redirect), -EXDEV (redirect to another host), -ELOOP (too many redirects),
 * -EHOSTUNREACH (no route or name), -EIO (other transfer failures, a
 * truncated body among them). */
int http_fetch(const char *url, const struct http_request *req, const struct http_retry *retry,
               struct http_response *ret);

/* POST fields (ended by { NULL }) form-encoded to url. *ret_status is the
 * HTTP status; the response body is discarded. Errors as http_fetch, and
 * *ret_error says what failed in words. */
int http_post_form(const char *url, const struct http_field *fields, unsigned timeout_sec,
                   long *ret_status, char *ret_error, size_t error_size);
