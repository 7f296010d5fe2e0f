/* SPDX-License-Identifier: Apache-2.0 */
/* fakemeta: a metadata service for tests. It serves the files of a fixture
 * directory over HTTP/1.0 on one address, logs every request with its
 * headers, and misbehaves on demand, so that datasources can be tested
 * against every fault the issue lists without any other host.
 *
 *   fakemeta [--listen ADDR:PORT] [--rules FILE] [--log FILE] DIR
 *
 * Prints the port it listens on (one line) on stdout once it accepts.
 * GET /a/b serves DIR/a/b; a directory answers with its listing (a name per
 * line, directories with a trailing /; DIR/a/.listing replaces it); the
 * query string is ignored. A rules file has lines "METHOD PATH ACTION ARG",
 * PATH ending in * matches a prefix, tried in order for each request:
 *   status N             answer N
 *   body TEXT            answer 200 with TEXT
 *   require HEADER:VALUE N  answer N unless the request has that header
 *   fail-first K N       answer N to the first K matching requests
 *   delay MS             wait, then go on with the next rule
 *   slow                 send the file one byte a second
 *   truncate             promise 100 bytes more than sent, then close
 *   huge N               answer 200 with N bytes
 *   endless              answer 200 with no length and bytes until the client goes
 *   slowloris            send the status line, then header bytes one every 200 ms
 *                        until the client goes
 *   reset                promise the file, send half of it, then reset (RST)
 *   redirect URL         answer 302 to URL
 *   privport N           answer N unless the client's source port is below 1024
 * A request's body (up to 16 KB) is logged after its headers, each line as "  | line".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4, strcasestr; config.h defines it in the build tree */
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RULES_MAX 64

struct rule {
        char method[16], path[256], action[16], arg[512];
        int count;
};

static struct rule rules[RULES_MAX];
static int nrules;
static FILE *reqlog;
static bool reset_connection; /* close with RST instead of FIN */

static void sleep_ms(long ms)
{
        struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
        (void)nanosleep(&ts, NULL);
}

/* false once the client has gone */
static bool send_all(int fd, const void *p, size_t n)
{
        while (n > 0) {
                ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
                if (k <= 0)
                        return false;
                p = (const char *)p + k;
                n -= (size_t)k;
        }
        return true;
}

static void answer(int fd, int status, const char *extra, const char *body, size_t len)
{
        char head[1024];
        int n = snprintf(head, sizeof(head),
                         "HTTP/1.0 %d X\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n",
                         status, len, extra ? extra : "");
        send_all(fd, head, (size_t)n);
        send_all(fd, body, len);
}

static int cmp(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The file or listing at path in dir, malloc'd; NULL when there is none. */
static char *content(int dirfd, const char *path, size_t *len)
{
        char rel[1024], *data = NULL, *names[512];
        struct stat st;
        int fd, n = 0;

        (void)snprintf(rel, sizeof(rel), "./%s", path);
        if (strstr(rel, "/.."))
                return NULL;
        fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0) {
                if (fd >= 0)
                        close(fd);
                return NULL;
        }
        if (S_ISDIR(st.st_mode)) {
                int l = openat(fd, ".listing", O_RDONLY | O_CLOEXEC);
                if (l >= 0) {
                        close(fd);
                        fd = l;
                        (void)fstat(fd, &st);
                } else {
                        DIR *d = fdopendir(fd);
                        struct dirent *de;
                        size_t size = 1;
                        while (d && (de = readdir(d)) && n < 512) {
                                if (de->d_name[0] == '.')
                                        continue;
                                names[n] = malloc(strlen(de->d_name) + 3);
                                (void)sprintf(names[n], "%s%s", de->d_name,
                                              de->d_type == DT_DIR ? "/" : "");
                                size += strlen(names[n]) + 1;
                                n++;
                        }
                        qsort(names, (size_t)n, sizeof(*names), cmp);
                        data = calloc(1, size);
                        for (int i = 0; i < n; i++) {
                                strcat(data, names[i]);
                                if (i + 1 < n)
                                        strcat(data, "\n");
                                free(names[i]);
                        }
                        if (d)
                                closedir(d);
                        *len = strlen(data);
                        return data;
                }
        }
        data = malloc((size_t)st.st_size + 1);
        *len = (size_t)read(fd, data, (size_t)st.st_size);
        close(fd);
        return data;
}

static bool matches(const struct rule *r, const char *method, const char *path)
{
        size_t n = strlen(r->path);
        if (strcmp(r->method, "*") != 0 && strcmp(r->method, method) != 0)
                return false;
        if (n > 0 && r->path[n - 1] == '*')
                return strncmp(r->path, path, n - 1) == 0;
        return strcmp(r->path, path) == 0;
}

static bool has_header(const char *headers, const char *want)
{
        char name[256];
        const char *colon = strchr(want, ':');
        size_t nlen = colon ? (size_t)(colon - want) : strlen(want);

        (void)snprintf(name, sizeof(name), "\n%.*s:", (int)nlen, want);
        for (const char *p = headers; (p = strcasestr(p, name)); p++) {
                const char *v = p + strlen(name);
                v += strspn(v, " ");
                if (!colon || strncmp(v, colon + 1, strlen(colon + 1)) == 0)
                        return true;
        }
        return false;
}

static void serve(int fd, int dirfd)
{
        char req[16384], method[16] = "", path[1024] = "", *end, *data;
        size_t got = 0, len = 0;

        while (got < sizeof(req) - 1) {
                ssize_t k = recv(fd, req + got, sizeof(req) - 1 - got, 0);
                if (k <= 0)
                        break;
                got += (size_t)k;
                req[got] = 0;
                if (req[0] == 0x16) {
                        /* A TLS handshake: answer in plain HTTP, as a web server does */
                        answer(fd, 400, NULL, "plain HTTP here\n", 16);
                        return;
                }
                if (strstr(req, "\r\n\r\n"))
                        break;
        }
        req[got] = 0;
        if (sscanf(req, "%15s %1023s", method, path) != 2)
                return;
        end = strstr(req, "\r\n\r\n");
        /* a request body (a POST's): read to its Content-Length, logged below */
        char body[16384];
        size_t blen = 0;
        const char *cl = strcasestr(req, "\r\nContent-Length:");
        if (end && cl && cl < end) {
                size_t want = strtoul(cl + 17, NULL, 10), have = got - (size_t)(end + 4 - req);
                if (want > sizeof(body) - 1)
                        want = sizeof(body) - 1;
                blen = have < want ? have : want;
                memcpy(body, end + 4, blen);
                while (blen < want) {
                        ssize_t k = recv(fd, body + blen, want - blen, 0);
                        if (k <= 0)
                                break;
                        blen += (size_t)k;
                }
        }
        body[blen] = 0;
        if (end)
                end[2] = 0;
        if (reqlog) {
                fprintf(reqlog, "%s %s\n", method, path);
                for (char *h = strstr(req, "\r\n"); h && h[2]; h = strstr(h + 2, "\r\n"))
                        fprintf(reqlog, "  %.*s\n", (int)strcspn(h + 2, "\r"), h + 2);
                /* the body, a line at a time, marked "  | " */
                for (char *b = body; blen && *b;) {
                        size_t n = strcspn(b, "\n");
                        fprintf(reqlog, "  | %.*s\n", (int)n, b);
                        b += n + (b[n] == '\n');
                }
                fflush(reqlog);
        }
        path[strcspn(path, "?")] = 0;
        for (int i = 0; i < nrules; i++) {
                struct rule *r = &rules[i];
                if (!matches(r, method, path))
                        continue;
                if (!strcmp(r->action, "status")) {
                        answer(fd, atoi(r->arg), NULL, "error\n", 6);
                        return;
                } else if (!strcmp(r->action, "body")) {
                        answer(fd, 200, NULL, r->arg, strlen(r->arg));
                        return;
                } else if (!strcmp(r->action, "require")) {
                        char *sp = strrchr(r->arg, ' ');
                        if (sp && !has_header(req, (*sp = 0, r->arg))) {
                                *sp = ' ';
                                answer(fd, atoi(sp + 1), NULL, "denied\n", 7);
                                return;
                        }
                        if (sp)
                                *sp = ' ';
                } else if (!strcmp(r->action, "privport")) {
                        struct sockaddr_storage peer;
                        socklen_t plen = sizeof(peer);
                        unsigned port = 65535;
                        if (getpeername(fd, (struct sockaddr *)&peer, &plen) == 0)
                                port = ntohs(peer.ss_family == AF_INET6
                                                     ? ((struct sockaddr_in6 *)&peer)->sin6_port
                                                     : ((struct sockaddr_in *)&peer)->sin_port);
                        if (port >= 1024) {
                                answer(fd, atoi(r->arg), NULL, "unprivileged\n", 13);
                                return;
                        }
                } else if (!strcmp(r->action, "fail-first")) {
                        int k = 0, code = 500;
                        (void)sscanf(r->arg, "%d %d", &k, &code);
                        if (r->count++ < k) {
                                answer(fd, code, NULL, "failing\n", 8);
                                return;
                        }
                } else if (!strcmp(r->action, "delay")) {
                        sleep_ms(atol(r->arg));
                } else if (!strcmp(r->action, "redirect")) {
                        char loc[600];
                        (void)snprintf(loc, sizeof(loc), "Location: %s\r\n", r->arg);
                        answer(fd, 302, loc, "", 0);
                        return;
                } else if (!strcmp(r->action, "huge")) {
                        char head[256], chunk[65536];
                        long long n = atoll(r->arg);
                        memset(chunk, 'a', sizeof(chunk));
                        int h = snprintf(head, sizeof(head),
                                         "HTTP/1.0 200 OK\r\nContent-Length: %lld\r\n\r\n", n);
                        send_all(fd, head, (size_t)h);
                        for (; n > 0; n -= (long long)sizeof(chunk))
                                send_all(fd, chunk,
                                         n < (long long)sizeof(chunk) ? (size_t)n : sizeof(chunk));
                        return;
                } else if (!strcmp(r->action, "endless")) {
                        char chunk[65536];
                        memset(chunk, 'a', sizeof(chunk));
                        if (send_all(fd, "HTTP/1.0 200 OK\r\n\r\n", 19))
                                while (send_all(fd, chunk, sizeof(chunk)))
                                        ;
                        return;
                } else if (!strcmp(r->action, "slowloris")) {
                        if (send_all(fd, "HTTP/1.0 200 OK\r\nX-Slow: ", 26))
                                while (send_all(fd, "a", 1))
                                        sleep_ms(200);
                        return;
                } else if (!strcmp(r->action, "reset") || !strcmp(r->action, "slow") ||
                           !strcmp(r->action, "truncate")) {
                        char head[256];
                        bool trunc = !strcmp(r->action, "truncate");
                        data = content(dirfd, path, &len);
                        if (!data) {
                                answer(fd, 404, NULL, "", 0);
                                return;
                        }
                        int h = snprintf(head, sizeof(head),
                                         "HTTP/1.0 200 OK\r\nContent-Length: %zu\r\n\r\n",
                                         len + (trunc ? 100 : 0));
                        if (send_all(fd, head, (size_t)h)) {
                                if (trunc) {
                                        (void)send_all(fd, data, len);
                                } else if (!strcmp(r->action, "reset")) {
                                        (void)send_all(fd, data, len / 2);
                                        sleep_ms(100); /* let the half arrive before the reset */
                                        reset_connection = true;
                                } else {
                                        for (size_t j = 0; j < len && send_all(fd, data + j, 1);
                                             j++)
                                                sleep_ms(1000);
                                }
                        }
                        free(data);
                        return;
                }
        }
        data = content(dirfd, path, &len);
        if (data)
                answer(fd, 200, NULL, data, len);
        else
                answer(fd, 404, NULL, "not found\n", 10);
        free(data);
}

static void load_rules(const char *file)
{
        char line[1024];
        FILE *f = fopen(file, "re");
        if (!f) {
                perror(file);
                exit(2);
        }
        while (fgets(line, sizeof(line), f) && nrules < RULES_MAX) {
                struct rule *r = &rules[nrules];
                int off = 0;
                line[strcspn(line, "\n")] = 0;
                if (line[0] == '#' || !line[0])
                        continue;
                if (sscanf(line, "%15s %255s %15s %n", r->method, r->path, r->action, &off) < 3)
                        continue;
                (void)snprintf(r->arg, sizeof(r->arg), "%s", line + off);
                nrules++;
        }
        fclose(f);
}

int main(int argc, char **argv)
{
        const char *listen_on = "127.0.0.1:0", *dir = NULL;
        struct sockaddr_storage ss = { 0 };
        socklen_t sl;
        int s, dirfd, one = 1;
        char host[256];
        unsigned port;

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--listen") && i + 1 < argc)
                        listen_on = argv[++i];
                else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
                        load_rules(argv[++i]);
                else if (!strcmp(argv[i], "--log") && i + 1 < argc)
                        reqlog = fopen(argv[++i], "ae");
                else
                        dir = argv[i];
        }
        if (!dir) {
                fprintf(stderr, "usage: fakemeta [--listen ADDR:PORT] [--rules F] [--log F] DIR\n");
                return 2;
        }
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) {
                perror(dir);
                return 2;
        }
        /* ADDR:PORT, or [ADDR6]:PORT */
        if (listen_on[0] == '[') {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
                (void)sscanf(listen_on, "[%255[^]]]:%u", host, &port);
                a->sin6_family = AF_INET6;
                a->sin6_port = htons((uint16_t)port);
                if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
                        return 2;
                sl = sizeof(*a);
        } else {
                struct sockaddr_in *a = (struct sockaddr_in *)&ss;
                (void)sscanf(listen_on, "%255[^:]:%u", host, &port);
                a->sin_family = AF_INET;
                a->sin_port = htons((uint16_t)port);
                if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
                        return 2;
                sl = sizeof(*a);
        }
        s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        (void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (s < 0 || bind(s, (struct sockaddr *)&ss, sl) < 0 || listen(s, 16) < 0) {
                perror(listen_on);
                return 1;
        }
        (void)getsockname(s, (struct sockaddr *)&ss, &sl);
        port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                              : ((struct sockaddr_in *)&ss)->sin_port);
        printf("%u\n", port);
        fflush(stdout);
        (void)signal(SIGPIPE, SIG_IGN);
        for (;;) {
                int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
                if (c < 0)
                        continue;
                reset_connection = false;
                serve(c, dirfd);
                if (reset_connection) {
                        struct linger lg = { .l_onoff = 1, .l_linger = 0 };
                        (void)setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
                } else {
                        shutdown(c, SHUT_WR);
                }
                close(c);
        }
}
