/* SPDX-License-Identifier: Apache-2.0 */
/* libcurl through dlopen (see http.h). */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dynlib.h"
#include "http.h"
#include "log.h"
#include "macro.h"

#define REDIRECTS_MAX 5
#define BACKOFF_FIRST_USEC 100000ull
#define BACKOFF_MAX_USEC 2000000ull
/* Metadata services live here; a proxy from the environment must not see them. */
#define NO_PROXY                                                                                   \
        "169.254.0.0/16,fe80::/10,fd00:ec2::254,metadata.google.internal,localhost,127.0.0.0/"     \
        "8,::1"

static struct {
        void *lib;
        CURL *(*easy_init)(void);
        CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
        CURLcode (*easy_perform)(CURL *);
        CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
        void (*easy_cleanup)(CURL *);
        const char *(*easy_strerror)(CURLcode);
        char *(*easy_escape)(CURL *, const char *, int);
        void (*free)(void *);
        struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
        void (*slist_free_all)(struct curl_slist *);
        CURLU *(*url)(void);
        CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
        CURLUcode (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
        void (*url_cleanup)(CURLU *);
} curl;

static int load(void)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(curl, easy_init, "curl_easy_init"),
                DYNLIB_SYM(curl, easy_setopt, "curl_easy_setopt"),
                DYNLIB_SYM(curl, easy_perform, "curl_easy_perform"),
                DYNLIB_SYM(curl, easy_getinfo, "curl_easy_getinfo"),
                DYNLIB_SYM(curl, easy_cleanup, "curl_easy_cleanup"),
                DYNLIB_SYM(curl, easy_strerror, "curl_easy_strerror"),
                DYNLIB_SYM(curl, easy_escape, "curl_easy_escape"),
                DYNLIB_SYM(curl, free, "curl_free"),
                DYNLIB_SYM(curl, slist_append, "curl_slist_append"),
                DYNLIB_SYM(curl, slist_free_all, "curl_slist_free_all"),
                DYNLIB_SYM(curl, url, "curl_url"),
                DYNLIB_SYM(curl, url_set, "curl_url_set"),
                DYNLIB_SYM(curl, url_get, "curl_url_get"),
                DYNLIB_SYM(curl, url_cleanup, "curl_url_cleanup"),
        };

        return dynlib_load(&curl, "libcurl.so.4", syms, ELEMENTSOF(syms));
}

uint64_t http_now_usec(void)
{
        struct timespec ts;
        (void)clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000;
}

void http_response_done(struct http_response *r)
{
        free_secret(r->body, r->len);
        *r = (struct http_response){ 0 };
}

/* url taken apart by libcurl's URL API (any scheme: a file:// URL is still
 * shown in a message), or NULL. */
static CURLU *url_parse(const char *url)
{
        CURLU *u;

        if (load() < 0 || !(u = curl.url()))
                return NULL;
        if (curl.url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
                curl.url_cleanup(u);
                return NULL;
        }
        return u;
}

/* A part of u, lowercased (scheme and host compare without case); "" when absent. */
static int url_part(CURLU *u, CURLUPart what, unsigned flags, char *ret, size_t size)
{
        char *v = NULL;
        CURLUcode c = curl.url_get(u, what, &v, flags);
        int r = 0;

        ret[0] = '\0';
        if (c == CURLUE_OK) {
                if (snprintf(ret, size, "%s", v) >= (int)size)
                        r = -ENAMETOOLONG;
                for (char *p = ret; *p; p++)
                        if (*p >= 'A' && *p <= 'Z')
                                *p = (char)(*p - 'A' + 'a');
        } else if (c == CURLUE_OUT_OF_MEMORY)
                r = -ENOMEM;
        curl.free(v);
        return r;
}

int http_url_check(const char *url)
{
        CURLU *u = url_parse(url);
        char scheme[16], host[256];
        int r;

        if (!u)
                return curl.lib ? -EINVAL : -ENOPKG;
        r = url_part(u, CURLUPART_SCHEME, 0, scheme, sizeof(scheme));
        if (r >= 0)
                r = url_part(u, CURLUPART_HOST, 0, host, sizeof(host));
        curl.url_cleanup(u);
        if (r < 0)
                return r == -ENAMETOOLONG ? -EINVAL : r;
        if (!streq(scheme, "http") && !streq(scheme, "https"))
                return -EPROTONOSUPPORT;
        return host[0] ? 0 : -EINVAL;
}

void http_url_redact(const char *url, char *ret, size_t size)
{
        CURLU *u = url_parse(url);
        char *shown = NULL, *query = NULL, *fragment = NULL;

        if (!u) {
                (void)snprintf(ret, size, "%s",
                               curl.lib ? "(a malformed URL)"
                                        : "(a URL, not shown: libcurl cannot be loaded)");
                return;
        }
        (void)curl.url_get(u, CURLUPART_QUERY, &query, 0);
        (void)curl.url_get(u, CURLUPART_FRAGMENT, &fragment, 0);
        /* user, password and login options: credentials; query and fragment:
         * tokens and signatures */
        (void)curl.url_set(u, CURLUPART_USER, NULL, 0);
        (void)curl.url_set(u, CURLUPART_PASSWORD, NULL, 0);
        (void)curl.url_set(u, CURLUPART_OPTIONS, NULL, 0);
        (void)curl.url_set(u, CURLUPART_QUERY, NULL, 0);
        (void)curl.url_set(u, CURLUPART_FRAGMENT, NULL, 0);
        if (curl.url_get(u, CURLUPART_URL, &shown, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
                /* libcurl gives an empty path as "/": shown as it was given */
                size_t n = strlen(shown), given = strcspn(url, "?#");
                if (n > 0 && shown[n - 1] == '/' && given > 0 && url[given - 1] != '/')
                        shown[n - 1] = '\0';
                (void)snprintf(ret, size, "%s%s", shown, query || fragment ? "?..." : "");
        } else
                (void)snprintf(ret, size, "(a malformed URL)");
        curl.free(shown);
        curl.free(query);
        curl.free(fragment);
        curl.url_cleanup(u);
}

/* "scheme://host:port" of url, lowercased, without user-info. */
static int origin(const char *url, char *ret, size_t size)
{
        CURLU *u = url_parse(url);
        char scheme[16], host[256], port[8];
        int r;

        if (!u)
                return -EINVAL;
        r = url_part(u, CURLUPART_SCHEME, 0, scheme, sizeof(scheme));
        if (r >= 0)
                r = url_part(u, CURLUPART_HOST, 0, host, sizeof(host));
        if (r >= 0)
                r = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT, port, sizeof(port));
        curl.url_cleanup(u);
        if (r < 0)
                return r;
        if (snprintf(ret, size, "%s://%s:%s", scheme, host, port) >= (int)size)
                return -ENAMETOOLONG;
        return 0;
}

/* The scheme of url, lowercased ("" when it has none). */
static void scheme_of(const char *url, char *ret, size_t size)
{
        CURLU *u = url_parse(url);

        ret[0] = '\0';
        if (u) {
                (void)url_part(u, CURLUPART_SCHEME, 0, ret, size);
                curl.url_cleanup(u);
        }
}

struct sink {
        struct buf b;
        bool too_big;
};

static size_t collect(char *p, size_t size, size_t n, void *userdata)
{
        struct sink *s = userdata;
        if (buf_append(&s->b, p, size * n) < 0) {
                /* Returning less than given aborts the transfer: the body is bounded. */
                s->too_big = true;
                return 0;
        }
        return size * n;
}

static int errno_of(CURLcode c, bool too_big)
{
        switch (c) {
        case CURLE_WRITE_ERROR:
                return too_big ? -EFBIG : -EIO;
        case CURLE_COULDNT_CONNECT:
                return -ECONNREFUSED;
        case CURLE_OPERATION_TIMEDOUT:
                return -ETIMEDOUT;
        case CURLE_UNSUPPORTED_PROTOCOL:
                return -EPROTONOSUPPORT;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
                return -EHOSTUNREACH;
        case CURLE_FILESIZE_EXCEEDED:
                return -EFBIG;
        /* A certificate that does not verify, or a server that does not speak
         * TLS, will not change by asking again: not retried. */
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
                return -EPROTO;
        default:
                return -EIO;
        }
}

/* One request, no redirects followed: *ret_location gets a redirect's target. */
static int attempt(CURL *h, const char *url, const struct http_request *req, unsigned timeout_ms,
                   struct http_response *ret, char **ret_location)
{
        struct sink s = { .b = BUF_INIT(req->body_max) };
        struct curl_slist *hdrs = NULL;
        char shown[600], detail[CURL_ERROR_SIZE] = "", *loc = NULL;
        uint64_t t0 = http_now_usec();
        CURLcode c;
        int r = 0;

        for (const char *const *hd = req->headers; hd && *hd; hd++) {
                struct curl_slist *n = curl.slist_append(hdrs, *hd);
                if (!n) {
                        curl.slist_free_all(hdrs);
                        return -ENOMEM;
                }
                hdrs = n;
        }
        (void)curl.easy_setopt(h, CURLOPT_URL, url);
        (void)curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
        (void)curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
        (void)curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        (void)curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
        (void)curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
        (void)curl.easy_setopt(h, CURLOPT_NOPROXY, NO_PROXY);
        (void)curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
        (void)curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
        (void)curl.easy_setopt(h, CURLOPT_USERAGENT, "cloudboot/" PACKAGE_VERSION);
        (void)curl.easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        (void)curl.easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->body_max);
        (void)curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
        (void)curl.easy_setopt(h, CURLOPT_WRITEDATA, &s);
        /* set either way: a handle may serve several requests */
        (void)curl.easy_setopt(h, CURLOPT_LOCALPORT, req->privileged_port ? 1L : 0L);
        (void)curl.easy_setopt(h, CURLOPT_LOCALPORTRANGE, req->privileged_port ? 1023L : 1L);
        (void)curl.easy_setopt(h, CURLOPT_ERRORBUFFER, detail);
        (void)curl.easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, req->unix_socket);
        if (req->method && strcmp(req->method, "GET") != 0) {
                (void)curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
                if (strcmp(req->method, "PUT") == 0 && !req->body) /* with Content-Length: 0 */
                        (void)curl.easy_setopt(h, CURLOPT_POSTFIELDS, "");
        }
        if (req->body) {
                (void)curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
                (void)curl.easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
        }
        c = curl.easy_perform(h);
        http_url_redact(url, shown, sizeof(shown));
        if (c != CURLE_OK) {
                r = errno_of(c, s.too_big);
                if (r == -EFBIG)
                        log_info("%s %s: the body is larger than %zu bytes (%llu ms)",
                                 req->method ? req->method : "GET", shown, req->body_max,
                                 (unsigned long long)((http_now_usec() - t0) / 1000));
                else /* curl's detail names the host and port, never the path */
                        log_info("%s %s: %s%s%s (%llu ms)", req->method ? req->method : "GET",
                                 shown, curl.easy_strerror(c), detail[0] ? ": " : "", detail,
                                 (unsigned long long)((http_now_usec() - t0) / 1000));
                buf_free_secret(&s.b);
        } else {
                (void)curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &ret->status);
                if (ret->status >= 300 && ret->status < 400)
                        (void)curl.easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
                log_info("%s %s: HTTP %ld, %zu bytes (%llu ms)", req->method ? req->method : "GET",
                         shown, ret->status, s.b.len,
                         (unsigned long long)((http_now_usec() - t0) / 1000));
                ret->body = buf_steal(&s.b, &ret->len);
                if (loc && !(*ret_location = strdup(loc)))
                        r = -ENOMEM;
        }
        (void)curl.easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
        (void)curl.easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
        curl.slist_free_all(hdrs);
        return r;
}

/* One request, following redirects within the same origin. */
static int fetch_once(CURL *h, const char *url, const struct http_request *req, uint64_t deadline,
                      struct http_response *ret)
{
        _cleanup_free_ char *next = NULL;
        char first[512], to[512];
        int r;

        r = origin(url, first, sizeof(first));
        if (r < 0)
                return -EINVAL;
        for (int hops = 0;; hops++) {
                unsigned t = req->timeout_ms ? req->timeout_ms : 10000;
                char *loc = NULL;

                if (deadline) {
                        uint64_t now = http_now_usec();
                        if (now >= deadline)
                                return -ETIMEDOUT;
                        if ((deadline - now) / 1000 < t)
                                t = (unsigned)((deadline - now) / 1000) + 1;
                }
                r = attempt(h, next ? next : url, req, t, ret, &loc);
                if (r < 0 || !loc)
                        return r;
                free(next);
                next = loc;
                http_response_done(ret);
                if (hops >= REDIRECTS_MAX) {
                        log_info("Too many redirects from %s", first);
                        return -ELOOP;
                }
                if (http_url_check(next) == -EPROTONOSUPPORT) {
                        log_info("Not following a redirect from %s to a scheme other than "
                                 "http or https",
                                 first);
                        return -EPROTONOSUPPORT;
                }
                if (origin(next, to, sizeof(to)) < 0 || strcmp(first, to) != 0) {
                        char a[16], b[16];
                        scheme_of(first, a, sizeof(a));
                        scheme_of(next, b, sizeof(b));
                        log_info("Not following a redirect from %s to %s", first,
                                 origin(next, to, sizeof(to)) < 0 ? "a malformed URL" : to);
                        return strcmp(a, b) != 0 ? -EPROTONOSUPPORT : -EXDEV;
                }
        }
}

/* A refused connection or no route is an answer: the stages that fetch run
 * once the network is up, so waiting would only make a boot off that cloud
 * slow (cloud-init's EC2 probe waits minutes). A timeout, a broken transfer
 * or a server error may pass. */
static bool retryable(int r, long status)
{
        if (r < 0)
                return r == -ETIMEDOUT || r == -EIO;
        return status >= 500 || status == 429;
}

int http_fetch(const char *url, const struct http_request *req, const struct http_retry *retry,
               struct http_response *ret)
{
        uint64_t backoff = BACKOFF_FIRST_USEC, deadline = retry ? retry->deadline_usec : 0;
        unsigned tries = retry ? retry->retries + 1 : 1;
        CURL *h;
        int r;

        *ret = (struct http_response){ 0 };
        r = load();
        if (r < 0) {
                log_warning("libcurl.so.4 cannot be loaded: nothing is fetched");
                return r;
        }
        h = curl.easy_init();
        if (!h)
                return -ENOMEM;
        for (unsigned i = 0; i < tries; i++) {
                if (i > 0) {
                        uint64_t now = http_now_usec();
                        if (deadline && now + backoff >= deadline) {
                                r = r < 0 ? r : -ETIMEDOUT;
                                break;
                        }
                        http_response_done(ret);
                        struct timespec ts = { (time_t)(backoff / 1000000),
                                               (long)(backoff % 1000000) * 1000 };
                        (void)nanosleep(&ts, NULL);
                        backoff = backoff * 2 > BACKOFF_MAX_USEC ? BACKOFF_MAX_USEC : backoff * 2;
                }
                r = fetch_once(h, url, req, deadline, ret);
                if (!retryable(r, ret->status))
                        break;
        }
        curl.easy_cleanup(h);
        if (r < 0)
                http_response_done(ret);
        return r;
}

int http_post_form(const char *url, const struct http_field *fields, unsigned timeout_sec,
                   long *ret_status, char *ret_error, size_t error_size)
{
        struct buf body = BUF_INIT(1u << 20);
        struct http_response resp = { 0 };
        char *loc = NULL;
        CURL *h;
        int r;

        r = load();
        if (r < 0) {
                (void)snprintf(ret_error, error_size, "libcurl.so.4 cannot be loaded");
                return r;
        }
        h = curl.easy_init();
        if (!h)
                return -ENOMEM;
        for (const struct http_field *f = fields; f->name && r >= 0; f++) {
                char *v = curl.easy_escape(h, f->value, 0);
                if (!v) {
                        r = -ENOMEM;
                        break;
                }
                r = buf_printf(&body, "%s%s=%s", f == fields ? "" : "&", f->name, v);
                curl.free(v);
        }
        if (r >= 0) {
                struct http_request req = { .method = "POST",
                                            .body_max = 1u << 20,
                                            .timeout_ms = timeout_sec * 1000 };
                (void)curl.easy_setopt(h, CURLOPT_POSTFIELDS, body.data ? body.data : "");
                r = attempt(h, url, &req, req.timeout_ms, &resp, &loc);
                if (r < 0)
                        (void)snprintf(ret_error, error_size, "%s", strerror(-r));
                else
                        *ret_status = resp.status;
        }
        free(loc);
        http_response_done(&resp);
        curl.easy_cleanup(h);
        buf_free_secret(&body);
        return r;
}
