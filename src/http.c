/* libcurl through dlopen (see http.h). */
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "http.h"
#include "log.h"
#include "macro.h"

#define BODY_MAX (1u << 20)

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
} curl;

static int load(void)
{
        if (curl.lib)
                return 0;
        curl.lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (!curl.lib)
                return -ENOPKG;
#define SYM(field, name)                                                                           \
        if (!(*(void **)&curl.field = dlsym(curl.lib, name)))                                      \
                goto fail;
        SYM(easy_init, "curl_easy_init");
        SYM(easy_setopt, "curl_easy_setopt");
        SYM(easy_perform, "curl_easy_perform");
        SYM(easy_getinfo, "curl_easy_getinfo");
        SYM(easy_cleanup, "curl_easy_cleanup");
        SYM(easy_strerror, "curl_easy_strerror");
        SYM(easy_escape, "curl_easy_escape");
        SYM(free, "curl_free");
#undef SYM
        return 0;
fail:
        (void)dlclose(curl.lib);
        curl.lib = NULL;
        return -ENOPKG;
}

static size_t discard(char *p, size_t size, size_t n, void *userdata)
{
        size_t *total = userdata;
        (void)p;
        *total += size * n;
        /* Returning less than given aborts the transfer: the body is bounded. */
        return *total > BODY_MAX ? 0 : size * n;
}

int http_post_form(const char *url, const struct http_field *fields, unsigned timeout_sec,
                   long *ret_status, char *ret_error, size_t error_size)
{
        struct buf body = BUF_INIT(1u << 20);
        size_t received = 0;
        CURLcode c;
        CURL *h;
        int r;

        r = load();
        if (r < 0)
                return r;
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
                (void)curl.easy_setopt(h, CURLOPT_URL, url);
                (void)curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
                (void)curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
                (void)curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
                (void)curl.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
                (void)curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
                (void)curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
                                       (long)(timeout_sec < 5 ? timeout_sec : 5));
                (void)curl.easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_sec);
                (void)curl.easy_setopt(h, CURLOPT_USERAGENT, "cloudboot/" PACKAGE_VERSION);
                (void)curl.easy_setopt(h, CURLOPT_POSTFIELDS, body.data ? body.data : "");
                (void)curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
                (void)curl.easy_setopt(h, CURLOPT_WRITEDATA, &received);
                c = curl.easy_perform(h);
                if (c != CURLE_OK) {
                        (void)snprintf(ret_error, error_size, "%s", curl.easy_strerror(c));
                        r = -EIO;
                } else
                        (void)curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, ret_status);
        }
        curl.easy_cleanup(h);
        buf_free(&body);
        return r;
}
