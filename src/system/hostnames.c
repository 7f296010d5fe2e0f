/* SPDX-License-Identifier: Apache-2.0 */
/* Host name resolution (see hostnames.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "hostnames.h"
#include "macro.h"
#include "valid.h"

void host_names_done(struct host_names *n)
{
        free(n->hostname);
        free(n->fqdn);
}

bool hostname_valid(const char *s)
{
        return !valid_hostname(s);
}

/* The first name in a hostname file: comments and blank lines skipped. */
char *hostname_file_read(int root_fd, const char *path)
{
        _cleanup_free_ char *data = NULL;
        char *line, *save = NULL;

        if (fs_read_file(root_fd, path, 4096, &data, NULL) < 0)
                return NULL;
        for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                line += strspn(line, " \t");
                line[strcspn(line, " \t\r#")] = '\0';
                if (*line)
                        return strdup(line);
        }
        return NULL;
}

static char *system_hostname(int root_fd, bool root_is_host)
{
        char buf[256];

        if (root_is_host && gethostname(buf, sizeof(buf)) == 0) {
                buf[sizeof(buf) - 1] = '\0';
                return strdup(buf);
        }
        return hostname_file_read(root_fd, HOSTNAME_FILE);
}

static bool is_ipv4(const char *s)
{
        int dots = 0, digits = 0;
        for (; *s; s++) {
                if (*s == '.') {
                        if (!digits)
                                return false;
                        dots++;
                        digits = 0;
                } else if (isdigit((unsigned char)*s) && ++digits <= 3) {
                        continue;
                } else
                        return false;
        }
        return dots == 3 && digits > 0;
}

/* The datasource's idea of the name (cloud-init's DataSource.get_hostname). */
static int ds_hostname(const struct hostnames_in *in, bool want_fqdn, char **ret, bool *is_default)
{
        const struct node *lh = node_get(in->md, "local-hostname");
        _cleanup_free_ char *src = NULL;
        const char *domain = "localdomain";
        char *dot;

        *is_default = false;
        if (lh && lh->str && lh->type != NODE_NULL && *lh->str) {
                src = strdup(lh->str);
                if (src && is_ipv4(src)) {
                        /* An address as local-hostname becomes ip-a-b-c-d (LP: #475354). */
                        for (char *c = src; *c; c++)
                                if (*c == '.')
                                        *c = '-';
                        size_t size = strlen(src) + 4;
                        char *p = malloc(size);
                        if (p)
                                (void)snprintf(p, size, "ip-%s", src);
                        free(src);
                        src = p;
                }
        } else {
                src = system_hostname(in->root_fd, in->root_is_host);
                if (!src)
                        src = strdup("localhost");
                if (src && streq(src, "localhost"))
                        *is_default = true;
        }
        if (!src)
                return -ENOMEM;
        dot = strchr(src, '.');
        if (dot) {
                *dot = '\0';
                domain = dot + 1;
        }
        if (want_fqdn && !streq(domain, "localdomain")) {
                size_t size = strlen(src) + strlen(domain) + 2;
                char *p = malloc(size);
                if (!p)
                        return -ENOMEM;
                (void)snprintf(p, size, "%s.%s", src, domain);
                *ret = p;
                return 0;
        }
        *ret = strdup(src);
        return *ret ? 0 : -ENOMEM;
}

/* cloud-init's util.get_hostname_fqdn. */
int hostnames_resolve(const struct hostnames_in *in, struct host_names *ret)
{
        const char *fqdn = node_get_str(in->cfg, "fqdn");
        const char *host = node_get_str(in->cfg, "hostname");
        struct host_names n = { 0 };
        int r;

        if (fqdn) {
                n.fqdn = strdup(fqdn);
                n.hostname = host ? strdup(host) : strndup(fqdn, strcspn(fqdn, "."));
        } else if (host && strchr(host, '.') && host[0] != '.') {
                n.fqdn = strdup(host);
                n.hostname = strndup(host, strcspn(host, "."));
        } else {
                bool def_fqdn, def_host;
                r = ds_hostname(in, true, &n.fqdn, &def_fqdn);
                if (r < 0)
                        return r;
                n.is_default = def_fqdn;
                if (host)
                        n.hostname = strdup(host);
                else {
                        r = ds_hostname(in, false, &n.hostname, &def_host);
                        if (r < 0) {
                                host_names_done(&n);
                                return r;
                        }
                        n.is_default = def_host;
                }
        }
        if (!n.fqdn || !n.hostname) {
                host_names_done(&n);
                return -ENOMEM;
        }
        *ret = n;
        return 0;
}
