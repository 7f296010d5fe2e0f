/* SPDX-License-Identifier: Apache-2.0 */
/* apt_configure (config stage, per instance): cloud-init's cc_apt_configure
 * for the `apt` key. In cloud-init's order: debconf_selections through
 * debconf-set-selections; unless preserve_sources_list (Debian's cloud.cfg
 * sets it, so it is the default when system_info.distro is debian), the
 * primary/security mirrors' keys and the sources file rendered from
 * sources_list or the built-in Debian deb822 template (deb822 content goes to
 * /etc/apt/sources.list.d/<distro>.sources and sources.list is removed,
 * one-line content to /etc/apt/sources.list) with disable_suites applied;
 * the proxies and conf to /etc/apt/apt.conf.d/; then the `sources` entries
 * (keys dearmoured into trusted.gpg.d, or cloud-init.gpg.d for $KEY_FILE
 * sources) and an apt-get update. Keys given by keyid are fetched from the
 * keyserver over HKP(S) through the bounded HTTP fetcher. Every command runs
 * in the target, by argv. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "buf.h"
#include "codec.h"
#include "exec.h"
#include "fs.h"
#include "http.h"
#include "jinja.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "scripts.h"
#include "sysconf.h"
#include "template.h"

#define APT_PROXY_FN "/etc/apt/apt.conf.d/90cloud-init-aptproxy"
#define APT_CONFIG_FN "/etc/apt/apt.conf.d/94cloud-init-config"
#define APT_SOURCES_LIST "/etc/apt/sources.list"
#define APT_SOURCEPARTS "/etc/apt/sources.list.d/"
#define APT_TRUSTED_GPG_DIR "/etc/apt/trusted.gpg.d/"
#define CLOUD_INIT_GPG_DIR "/etc/apt/cloud-init.gpg.d/"
#define DEFAULT_KEYSERVER "keyserver.ubuntu.com"
#define ADD_APT_REPO_MATCH "^[[:alnum:]_-]+:[[:alnum:]_]"
#define TEXT_MAX (1u << 20)
#define KEY_MAX (1u << 20)
#define MAX_SOURCES 256

static const struct schema s_str = { .types = T_STR };
static const struct schema s_bool = { .types = T_BOOL };
static const struct schema s_strs = { .types = T_SEQ, .items = &s_str };
static const struct schema_prop mirror_props[] = {
        { "arches", &s_strs, true },      { "uri", &s_str, false },   { "search", &s_strs, false },
        { "search_dns", &s_bool, false }, { "keyid", &s_str, false }, { "key", &s_str, false },
        { "keyserver", &s_str, false },   { NULL, NULL, false },
};
static const struct schema s_mirror = { .types = T_MAP, .props = mirror_props, .closed = true };
static const struct schema s_mirrors = { .types = T_SEQ, .items = &s_mirror };
static const struct schema s_sources = { .types = T_MAP };
static const struct schema s_debconf = { .types = T_MAP };
static const struct schema_prop apt_props[] = {
        { "preserve_sources_list", &s_bool, false },
        { "disable_suites", &s_strs, false },
        { "primary", &s_mirrors, false },
        { "security", &s_mirrors, false },
        { "add_apt_repo_match", &s_str, false },
        { "debconf_selections", &s_debconf, false },
        { "sources_list", &s_str, false },
        { "conf", &s_str, false },
        { "http_proxy", &s_str, false },
        { "proxy", &s_str, false },
        { "https_proxy", &s_str, false },
        { "ftp_proxy", &s_str, false },
        { "sources", &s_sources, false },
        { NULL, NULL, false },
};
static const struct schema s_apt = { .types = T_MAP, .props = apt_props, .closed = true };
static const struct schema_prop schema_keys[] = {
        { "apt", &s_apt, false },
        { NULL, NULL, false },
};

/* A file name of ours: one component, nothing odd. */
static bool name_ok(const char *s)
{
        if (!*s || strlen(s) > 200 || streq(s, ".") || streq(s, ".."))
                return false;
        for (; *s; s++)
                if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
                      (*s >= '0' && *s <= '9') || strchr("._+-:@", *s)))
                        return false;
        return true;
}

/* --- OpenPGP ASCII armour ------------------------------------------------ */

static uint32_t crc24(const unsigned char *p, size_t n)
{
        uint32_t crc = 0xB704CEu;
        while (n--) {
                crc ^= (uint32_t)*p++ << 16;
                for (int i = 0; i < 8; i++) {
                        crc <<= 1;
                        if (crc & 0x1000000u)
                                crc ^= 0x1864CFBu;
                }
        }
        return crc & 0xFFFFFFu;
}

/* What `gpg --dearmor` makes of one armoured block: the binary packets. The
 * checksum line, when there, must match (RFC 4880 6.1). */
static int apt_dearmor(const char *text, char **ret, size_t *ret_len)
{
        const char *p = strstr(text, "-----BEGIN PGP PUBLIC KEY BLOCK-----"), *body, *end;
        _cleanup_free_ char *bin = NULL, *crc = NULL;
        const char *crcline = NULL;
        size_t len = 0, crclen = 0;
        int r;

        if (!p)
                return -EBADMSG;
        p = strchr(p, '\n');
        if (!p)
                return -EBADMSG;
        p++;
        /* armour headers ("Version: ..."), up to an empty line */
        for (;;) {
                const char *eol = strchr(p, '\n');
                size_t n;
                if (!eol)
                        return -EBADMSG;
                n = (size_t)(eol - p);
                if (n && p[n - 1] == '\r')
                        n--;
                if (n == 0) {
                        p = eol + 1;
                        break;
                }
                if (!memchr(p, ':', n)) /* no headers, no empty line: the body starts */
                        break;
                p = eol + 1;
        }
        body = p;
        end = strstr(body, "-----END PGP PUBLIC KEY BLOCK-----");
        if (!end)
                return -EBADMSG;
        /* the checksum is a line "=XXXX" right before the end line */
        for (const char *q = body; q < end;) {
                const char *eol = memchr(q, '\n', (size_t)(end - q));
                if (!eol)
                        eol = end;
                if (*q == '=') {
                        crcline = q + 1;
                        crclen = (size_t)(eol - q - 1);
                        end = q;
                        break;
                }
                q = eol + 1;
        }
        r = b64_decode(body, (size_t)(end - body), KEY_MAX, &bin, &len);
        if (r < 0 || len == 0)
                return r < 0 ? r : -EBADMSG;
        if (crcline) {
                size_t n = 0;
                uint32_t want;
                r = b64_decode(crcline, crclen, 16, &crc, &n);
                if (r < 0 || n != 3)
                        return -EBADMSG;
                want = (uint32_t)(unsigned char)crc[0] << 16 |
                       (uint32_t)(unsigned char)crc[1] << 8 | (unsigned char)crc[2];
                if (crc24((unsigned char *)bin, len) != want)
                        return -EBADMSG;
        }
        /* an OpenPGP packet has its top bit set */
        if (!((unsigned char)bin[0] & 0x80))
                return -EBADMSG;
        *ret_len = len;
        *ret = TAKE_PTR(bin);
        return 0;
}

/* --- what the run needs to know ------------------------------------------- */

struct apt_run {
        const struct module_ctx *ctx;
        const struct node *apt;
        char distro[32];
        char release[64];
        char arch[32];
        char *primary, *security; /* mirrors */
        char primary_key[256], security_key[256];
        int r;
};

/* VERSION_CODENAME from the target's os-release. */
static int read_codename(int root_fd, char *ret, size_t size)
{
        _cleanup_free_ char *data = NULL;
        const char *paths[] = { "/etc/os-release", "/usr/lib/os-release" };
        for (size_t i = 0; i < ELEMENTSOF(paths) && !data; i++)
                if (fs_read_file(root_fd, paths[i], 65536, &data, NULL) < 0)
                        data = NULL;
        if (!data)
                return -ENOENT;
        for (char *line = data; line && *line;) {
                char *eol = strchr(line, '\n');
                if (eol)
                        *eol = '\0';
                if (startswith(line, "VERSION_CODENAME=")) {
                        char *v = line + strlen("VERSION_CODENAME=");
                        size_t n;
                        if (*v == '"' || *v == '\'')
                                v++;
                        n = strcspn(v, "\"'");
                        if (n == 0 || n >= size)
                                return -EINVAL;
                        memcpy(ret, v, n);
                        ret[n] = '\0';
                        return name_ok(ret) ? 0 : -EINVAL;
                }
                line = eol ? eol + 1 : NULL;
        }
        return -ENOENT;
}

/* dpkg's name for this machine's architecture (the target's is the same). */
static void dpkg_arch(char *ret, size_t size)
{
        static const struct {
                const char *machine, *arch;
        } map[] = { { "x86_64", "amd64" }, { "aarch64", "arm64" },  { "i686", "i386" },
                    { "i386", "i386" },    { "armv7l", "armhf" },   { "ppc64le", "ppc64el" },
                    { "s390x", "s390x" },  { "riscv64", "riscv64" } };
        struct utsname u;
        const char *a = "amd64";
        if (uname(&u) == 0)
                for (size_t i = 0; i < ELEMENTSOF(map); i++)
                        if (streq(u.machine, map[i].machine))
                                a = map[i].arch;
        (void)snprintf(ret, size, "%s", a);
}

/* --- keys ----------------------------------------------------------------- */

/* A keyid's hex digits (spaces dropped): 8 to 40 of them. */
static int keyid_hex(const char *keyid, char *ret, size_t size)
{
        size_t n = 0;
        if (startswith(keyid, "0x") || startswith(keyid, "0X"))
                keyid += 2;
        for (; *keyid; keyid++) {
                if (*keyid == ' ')
                        continue;
                if (!strchr("0123456789abcdefABCDEF", *keyid) || n + 1 >= size)
                        return -EINVAL;
                ret[n++] = *keyid;
        }
        ret[n] = '\0';
        return n >= 8 && n <= 40 ? 0 : -EINVAL;
}

/* The keyserver's lookup URL: hkp:// is port 11371 over http, hkps:// and a
 * bare host are https; http(s):// URLs are taken as they are. */
static int keyserver_url(const char *server, const char *hex, char *ret, size_t size)
{
        const char *scheme = "https://", *host = server, *port = "";
        int n;
        if (!sysconf_line_ok(server) || strpbrk(server, " ?#") || !*server)
                return -EINVAL;
        if (startswith(server, "hkp://")) {
                scheme = "http://";
                host = server + 6;
                port = strchr(host, ':') ? "" : ":11371";
        } else if (startswith(server, "hkps://"))
                host = server + 7;
        else if (startswith(server, "http://") || startswith(server, "https://")) {
                scheme = "";
        }
        n = snprintf(ret, size, "%s%.*s%s/pks/lookup?op=get&options=mr&search=0x%s", scheme,
                     (int)(strlen(host) - (endswith(host, "/") ? 1 : 0)), host, port, hex);
        return n > 0 && (size_t)n < size ? 0 : -E2BIG;
}

static int fetch_key(const char *keyid, const char *server, char **ret)
{
        struct http_request req = { .body_max = KEY_MAX, .timeout_ms = 20000 };
        struct http_retry retry = { .retries = 2 };
        struct http_response resp = { 0 };
        char hex[48], url[1024];
        int r;

        r = keyid_hex(keyid, hex, sizeof(hex));
        if (r < 0)
                return r;
        r = keyserver_url(server, hex, url, sizeof(url));
        if (r < 0)
                return r;
        r = http_fetch(url, &req, &retry, &resp);
        if (r < 0)
                return r;
        if (resp.status != 200) {
                http_response_done(&resp);
                return -ENOENT;
        }
        *ret = TAKE_PTR(resp.body);
        http_response_done(&resp);
        return 0;
}

/* Add the key of ent (key:, or keyid: fetched): dearmoured into dir as
 * <stem>.gpg (0644, as cloud-init). The path goes to ret_path. */
static int add_key(struct apt_run *a, const struct node *ent, const char *stem, bool hardened,
                   char *ret_path, size_t size)
{
        const struct node *knode = node_get(ent, "key"), *idnode = node_get(ent, "keyid");
        const char *server = node_get_str(ent, "keyserver");
        _cleanup_free_ char *fetched = NULL, *bin = NULL;
        const char *armour = node_str(knode);
        char path[512];
        size_t len = 0;
        int r;

        if (!knode && !idnode)
                return 0;
        if (!armour && node_str(idnode)) {
                r = fetch_key(node_str(idnode), server ? server : DEFAULT_KEYSERVER, &fetched);
                if (r < 0) {
                        sysconf_refuse(idnode, "keyid",
                                       r == -EINVAL ? "not a key id or keyserver"
                                                    : "cannot fetch the key from the keyserver");
                        return r;
                }
                armour = fetched;
        }
        if (!armour) {
                sysconf_refuse(knode ? knode : idnode, knode ? "key" : "keyid", "must be a string");
                return -EINVAL;
        }
        r = apt_dearmor(armour, &bin, &len);
        if (r < 0) {
                sysconf_refuse(knode ? knode : idnode, "key",
                               "not an ASCII-armoured OpenPGP public key block (or its checksum is "
                               "wrong)");
                return r;
        }
        (void)snprintf(path, sizeof(path), "%s%s.gpg",
                       hardened ? CLOUD_INIT_GPG_DIR : APT_TRUSTED_GPG_DIR, stem);
        r = fs_write_atomic(a->ctx->root_fd, path, bin, len, 0644, FS_NO_OWNER, (gid_t)-1);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", path);
        log_info("Added apt key %s", path);
        (void)snprintf(ret_path, size, "%s", path);
        return 1;
}

/* --- mirrors -------------------------------------------------------------- */

/* The entry of a primary/security list for this architecture, or "default". */
static const struct node *arch_mirror(const struct node *list, const char *arch)
{
        const struct node *def = NULL;
        for (size_t i = 0; list && list->type == NODE_SEQ && i < list->n; i++) {
                const struct node *arches = node_get(list->items[i], "arches");
                for (size_t k = 0; arches && k < arches->n; k++) {
                        const char *s = node_str(arches->items[k]);
                        if (s && streq(s, arch))
                                return list->items[i];
                        if (s && streq(s, "default") && !def)
                                def = list->items[i];
                }
        }
        return def;
}

static bool url_ok(const char *s)
{
        return *s && sysconf_line_ok(s) && !strpbrk(s, " \t\"") && strlen(s) < 1024;
}

/* The mirror an entry names: uri, else the first of search whose host
 * resolves (cloud-init's search_for_mirror); search_dns is not done. */
static char *pick_mirror(const struct node *m, const char *which)
{
        const struct node *uri = node_get(m, "uri"), *search = node_get(m, "search");
        if (node_str(uri)) {
                if (url_ok(uri->str))
                        return strdup(uri->str);
                sysconf_refuse(uri, which, "uri must be one URL on one line");
                return NULL;
        }
        for (size_t i = 0; search && i < search->n; i++) {
                const char *s = node_str(search->items[i]);
                if (s && url_ok(s)) {
                        /* no DNS probing from the boot: the first well-formed one */
                        log_info("apt %s mirror: %s (from search)", which, s);
                        return strdup(s);
                }
        }
        if (node_get_bool(m, "search_dns", false))
                log_warning("apt %s: search_dns is not supported by cloudboot; ignored", which);
        return NULL;
}

static int find_mirrors(struct apt_run *a)
{
        const struct node *pm = arch_mirror(node_get(a->apt, "primary"), a->arch);
        const struct node *sm = arch_mirror(node_get(a->apt, "security"), a->arch);
        char *p = pm ? pick_mirror(pm, "primary") : NULL;
        char *s = sm ? pick_mirror(sm, "security") : NULL;

        if (p) {
                a->primary = p;
                a->security = s ? s : strdup(p);
        } else {
                /* cloud-init's package_mirrors: a security mirror alone is not used */
                free(s);
                if (streq(a->distro, "ubuntu")) {
                        bool ports = !streq(a->arch, "amd64") && !streq(a->arch, "i386");
                        a->primary = strdup(ports ? "http://ports.ubuntu.com/ubuntu-ports"
                                                  : "http://archive.ubuntu.com/ubuntu");
                        a->security = strdup(ports ? "http://ports.ubuntu.com/ubuntu-ports"
                                                   : "http://security.ubuntu.com/ubuntu");
                } else {
                        a->primary = strdup("https://deb.debian.org/debian");
                        a->security = strdup("https://deb.debian.org/debian-security");
                }
        }
        return a->primary && a->security ? 0 : -ENOMEM;
}

/* --- sources.list ----------------------------------------------------------- */

static bool is_deb822(const char *s)
{
        bool any = false;
        for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                if (startswith(l, "deb ") || startswith(l, "deb-src "))
                        return false;
                if (startswith(l, "Types: ") || startswith(l, "Suites: ") ||
                    startswith(l, "Components: ") || startswith(l, "URIs: "))
                        any = true;
        }
        return any;
}

/* Debian's default (cloud-init's sources.list.debian.deb822.tmpl, rendered). */
static int debian_default(struct apt_run *a, struct buf *out)
{
        const char *def = "/usr/share/keyrings/debian-archive-keyring.gpg";
        const char *pk = *a->primary_key ? a->primary_key : def;
        const char *sk = *a->security_key ? a->security_key : pk;
        bool old = streq(a->release, "buster") || streq(a->release, "stretch");

        return buf_printf(
                out,
                "## Note, this file is written by cloud-init on first boot of an instance\n"
                "## modifications made here will not survive a re-bundle.\n"
                "## if you wish to make changes you can:\n"
                "## a.) add 'apt_preserve_sources_list: true' to /etc/cloud/cloud.cfg\n"
                "##     or do the same in user-data\n"
                "## b.) add supplemental sources in /etc/apt/sources.list.d\n"
                "## c.) make changes to template file\n"
                "##      /etc/cloud/templates/sources.list.debian.deb822.tmpl\n"
                "\n"
                "# For how to upgrade to newer versions of the distribution, see:\n"
                "# http://www.debian.org/releases/stable/i386/release-notes/ch-upgrading.html\n"
                "\n"
                "## See the sources.list(5) manual page for further settings.\n"
                "\n"
                "## Comment any of the following Suites to avoid getting updates from the\n"
                "## specific Suite.\n"
                "##\n"
                "## N.B. software from %s-backports repository may not have been\n"
                "## tested as extensively as that contained in the main release, although it\n"
                "## includes newer versions of some applications which may provide useful\n"
                "## features.\n"
                "Types: deb deb-src\n"
                "URIs: %s\n"
                "Suites: %s %s-updates %s-backports\n"
                "Components: main\n"
                "Signed-By: %s\n"
                "\n"
                "## Major bug fix updates produced after the final release of the distribution.\n"
                "Types: deb deb-src\n"
                "URIs: %s\n"
                "Suites: %s%s\n"
                "Components: main\n"
                "Signed-By: %s\n",
                a->release, a->primary, a->release, a->release, a->release, pk, a->security,
                a->release, old ? "/updates" : "-security", sk);
}

/* cloud-init's render_string: a "## template: jinja" text through jinja, any
 * other through the $NAME substitution. */
static int render(struct apt_run *a, const char *text, const char *key_file, struct buf *out)
{
        const struct template_var vars[] = {
                { "RELEASE", a->release },
                { "codename", a->release },
                { "MIRROR", a->primary },
                { "mirror", a->primary },
                { "PRIMARY", a->primary },
                { "primary", a->primary },
                { "SECURITY", a->security },
                { "security", a->security },
                { "primary_key", a->primary_key },
                { "security_key", a->security_key },
                { "KEY_FILE", key_file ? key_file : "" },
                { NULL, NULL },
        };
        if (startswith(text, "## template:")) {
                const char *eol = strchr(text, '\n');
                _cleanup_node_ struct node *v = node_new(NODE_MAP);
                _cleanup_free_ char *res = NULL;
                struct yaml_error err;
                size_t len;
                int r;
                if (!eol || !strstr(text, "jinja"))
                        return -EINVAL;
                for (size_t i = 0; v && vars[i].name; i++)
                        if (*vars[i].value &&
                            node_set(v, vars[i].name, node_new_str(vars[i].value)) < 0)
                                return -ENOMEM;
                r = jinja_render(eol + 1, strlen(eol + 1), v, "apt.sources_list", TEXT_MAX, &res,
                                 &len, &err);
                if (r < 0) {
                        log_error("apt.sources_list:%u:%u: %s", err.line, err.col, err.msg);
                        return r;
                }
                return buf_append(out, res, len);
        }
        return template_render(text, vars, out);
}

/* cloud-init's disable_suites for one-line sources: a line whose suite is
 * disabled is commented out. */
static int disable_list(const char *src, char **suites, size_t n, struct buf *out)
{
        int r = 0;
        for (const char *l = src; *l && r >= 0;) {
                const char *eol = strchr(l, '\n');
                size_t len = eol ? (size_t)(eol - l + 1) : strlen(l);
                _cleanup_free_ char *line = strndup(l, len);
                bool off = false;
                if (!line)
                        return -ENOMEM;
                if (*line != '#') {
                        /* the suite is the third column, after an optional [options] */
                        char *save = NULL, *cols[64];
                        size_t nc = 0;
                        _cleanup_free_ char *copy = strdup(line);
                        if (!copy)
                                return -ENOMEM;
                        for (char *t = strtok_r(copy, " \t\n", &save); t && nc < 64;
                             t = strtok_r(NULL, " \t\n", &save))
                                cols[nc++] = t;
                        if (nc > 1) {
                                size_t pcol = 2;
                                if (cols[1][0] == '[')
                                        for (size_t c = 1; c < nc; c++) {
                                                pcol++;
                                                if (endswith(cols[c], "]"))
                                                        break;
                                        }
                                for (size_t s = 0; pcol < nc && s < n; s++)
                                        if (streq(cols[pcol], suites[s]))
                                                off = true;
                        }
                }
                if (off)
                        r = buf_puts(out, "# suite disabled by cloud-init: ");
                if (r >= 0)
                        r = buf_puts(out, line);
                l += len;
        }
        return r;
}

#define REDACT "# cloud-init disable_suites redacted: "

/* The deb822 form: disabled suites leave the Suites: line (the old one kept
 * as a comment); a section left with no suite is commented out whole. */
static int flush_section(struct buf *sec, struct buf *out)
{
        bool active = false;
        int r = 0;
        if (!sec->len)
                return 0;
        for (const char *l = sec->data; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (startswith(l, "Suites:") && l[7] && strchr(" \t", l[7]) &&
                    l[7 + strspn(l + 7, " \t")] && l[7 + strspn(l + 7, " \t")] != '\n')
                        active = true;
        if (active)
                r = buf_append(out, sec->data, sec->len);
        else {
                r = buf_puts(out, "## Entry disabled by cloud-init, due to disable_suites\n");
                for (const char *l = sec->data; r >= 0 && l && *l;) {
                        const char *eol = strchr(l, '\n');
                        size_t len = eol ? (size_t)(eol - l + 1) : strlen(l);
                        if (!startswith(l, "Suites:")) {
                                if (startswith(l, REDACT)) {
                                        l += strlen(REDACT);
                                        len -= strlen(REDACT);
                                }
                                r = buf_puts(out, "# disabled by cloud-init: ");
                                if (r >= 0)
                                        r = buf_append(out, l, len);
                        }
                        l += len;
                }
        }
        buf_free(sec);
        *sec = BUF_INIT(TEXT_MAX);
        return r;
}

static int disable_deb822(const char *src, char **suites, size_t n, struct buf *out)
{
        struct buf sec = BUF_INIT(TEXT_MAX);
        bool first = true;
        int r = 0;
        /* cloud-init joins the lines back with "\n": no newline after the last */
        for (const char *l = src; *l && r >= 0;) {
                const char *eol = strchr(l, '\n');
                size_t len = eol ? (size_t)(eol - l) : strlen(l);
                _cleanup_free_ char *line = strndup(l, len);
                bool blank = line && line[strspn(line, " \t")] == '\0';
                if (!line) {
                        r = -ENOMEM;
                        break;
                }
                l += len + (eol ? 1 : 0);
                if (*line == '#' && sec.len) {
                        r = buf_printf(&sec, "%s\n", line);
                        continue;
                }
                if (*line == '#' || blank) {
                        if (blank && sec.len) {
                                if (!first)
                                        r = buf_putc(out, '\n');
                                first = false;
                                if (r >= 0)
                                        r = flush_section(&sec, out);
                        }
                        if (r >= 0 && !first)
                                r = buf_putc(out, '\n');
                        first = false;
                        if (r >= 0)
                                r = buf_puts(out, line);
                        continue;
                }
                if (startswith(line, "Suites:")) {
                        struct buf keep = BUF_INIT(4096);
                        char *save = NULL, *copy = strdup(line + 7);
                        bool changed = false;
                        for (char *t = copy ? strtok_r(copy, " \t", &save) : NULL; t;
                             t = strtok_r(NULL, " \t", &save)) {
                                bool off = false;
                                for (size_t s = 0; s < n; s++)
                                        off = off || streq(t, suites[s]);
                                if (off)
                                        changed = true;
                                else
                                        r = buf_printf(&keep, " %s", t);
                        }
                        free(copy);
                        if (changed) {
                                r = buf_printf(&sec, REDACT "%s\nSuites:%s\n", line,
                                               keep.len ? keep.data : " ");
                        } else
                                r = buf_printf(&sec, "%s\n", line);
                        buf_free(&keep);
                        continue;
                }
                r = buf_printf(&sec, "%s\n", line);
        }
        if (r >= 0 && sec.len) {
                if (!first)
                        r = buf_putc(out, '\n');
                if (r >= 0)
                        r = flush_section(&sec, out);
        }
        buf_free(&sec);
        return r;
}

static int apply_disable_suites(struct apt_run *a, const char *src, struct buf *out)
{
        const struct node *list = node_get(a->apt, "disable_suites");
        char *suites[64];
        size_t n = 0;
        int r;

        for (size_t i = 0; list && i < list->n && n < ELEMENTSOF(suites); i++) {
                const char *s = node_str(list->items[i]);
                static const char *const known[][2] = { { "updates", "$RELEASE-updates" },
                                                        { "backports", "$RELEASE-backports" },
                                                        { "security", "$RELEASE-security" },
                                                        { "proposed", "$RELEASE-proposed" },
                                                        { "release", "$RELEASE" } };
                const struct template_var vars[] = { { "RELEASE", a->release }, { NULL, NULL } };
                struct buf b = BUF_INIT(512);
                if (!s || !sysconf_line_ok(s)) {
                        sysconf_refuse(list->items[i], "apt.disable_suites",
                                       "must be a suite name");
                        continue;
                }
                for (size_t k = 0; k < ELEMENTSOF(known); k++)
                        if (streq(s, known[k][0]))
                                s = known[k][1];
                if (template_render(s, vars, &b) < 0) {
                        buf_free(&b);
                        continue;
                }
                suites[n++] = buf_steal(&b, NULL);
        }
        if (n == 0)
                r = buf_puts(out, src);
        else if (is_deb822(src))
                r = disable_deb822(src, suites, n, out);
        else
                r = disable_list(src, suites, n, out);
        for (size_t i = 0; i < n; i++)
                free(suites[i]);
        return r;
}

static int generate_sources_list(struct apt_run *a)
{
        const struct node *tnode = node_get(a->apt, "sources_list");
        struct buf rendered = BUF_INIT(TEXT_MAX), out = BUF_INIT(TEXT_MAX);
        char deb822_path[128];
        const char *path;
        int r;

        (void)snprintf(deb822_path, sizeof(deb822_path), APT_SOURCEPARTS "%s.sources", a->distro);
        if (node_str(tnode) && *tnode->str) {
                if (!sysconf_text_ok(tnode->str)) {
                        sysconf_refuse(tnode, "apt.sources_list", "holds a control character");
                        return -EINVAL;
                }
                r = render(a, tnode->str, NULL, &rendered);
        } else if (streq(a->distro, "debian")) {
                log_info("No custom template provided, fall back to builtin");
                r = debian_default(a, &rendered);
        } else {
                log_warning("No sources.list template for %s; not rendering %s", a->distro,
                            deb822_path);
                return 0;
        }
        if (r >= 0)
                r = apply_disable_suites(a, rendered.data ? rendered.data : "", &out);
        if (r < 0) {
                buf_free(&rendered);
                buf_free(&out);
                return log_error_errno(r, "Cannot render the apt sources: %m");
        }
        path = is_deb822(rendered.data ? rendered.data : "") ? deb822_path : APT_SOURCES_LIST;
        r = fs_write_atomic(a->ctx->root_fd, path, out.data ? out.data : "", out.len, 0644,
                            FS_NO_OWNER, (gid_t)-1);
        buf_free(&rendered);
        buf_free(&out);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", path);
        log_info("Wrote %s", path);
        if (!streq(path, APT_SOURCES_LIST) && fs_exists(a->ctx->root_fd, APT_SOURCES_LIST)) {
                log_info("Removing %s to favor deb822 source format", APT_SOURCES_LIST);
                r = fs_unlink(a->ctx->root_fd, APT_SOURCES_LIST);
                if (r < 0)
                        return log_error_errno(r, "Cannot remove %s: %m", APT_SOURCES_LIST);
        }
        return 0;
}

/* --- apt.conf.d -------------------------------------------------------------- */

static int apply_apt_config(struct apt_run *a)
{
        static const char *const proxies[][2] = { { "proxy", "http" },
                                                  { "http_proxy", "http" },
                                                  { "ftp_proxy", "ftp" },
                                                  { "https_proxy", "https" } };
        const struct node *conf = node_get(a->apt, "conf");
        struct buf b = BUF_INIT(65536);
        bool secret = false;
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(proxies); i++) {
                const struct node *v = node_get(a->apt, proxies[i][0]);
                char key[32];
                (void)snprintf(key, sizeof(key), "apt.%s", proxies[i][0]);
                if (!node_str(v) || !*v->str)
                        continue;
                if (!url_ok(v->str)) {
                        sysconf_refuse(v, key,
                                       "must be one URL on one line, without quotes or spaces");
                        continue;
                }
                /* credentials in a proxy URL make the file a secret */
                if (strchr(v->str, '@'))
                        secret = true;
                r = buf_printf(&b, "Acquire::%s::Proxy \"%s\";\n", proxies[i][1], v->str);
                if (r < 0)
                        break;
        }
        if (r >= 0 && b.len)
                r = fs_write_atomic(a->ctx->root_fd, APT_PROXY_FN, b.data, b.len,
                                    secret ? 0600 : 0644, FS_NO_OWNER, (gid_t)-1);
        else if (r >= 0)
                r = fs_unlink(a->ctx->root_fd, APT_PROXY_FN);
        buf_free_secret(&b);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", APT_PROXY_FN);
        if (node_str(conf) && *conf->str) {
                if (!sysconf_text_ok(conf->str)) {
                        sysconf_refuse(conf, "apt.conf", "holds a control character");
                        return -EINVAL;
                }
                r = fs_write_atomic(a->ctx->root_fd, APT_CONFIG_FN, conf->str, conf->len, 0644,
                                    FS_NO_OWNER, (gid_t)-1);
        } else
                r = fs_unlink(a->ctx->root_fd, APT_CONFIG_FN);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", APT_CONFIG_FN);
        return 0;
}

/* --- debconf ------------------------------------------------------------------- */

static int cmp_str(const void *x, const void *y)
{
        return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int apply_debconf(struct apt_run *a)
{
        const struct node *sel = node_get(a->apt, "debconf_selections");
        const char *argv[] = { "debconf-set-selections", NULL };
        const char *keys[256];
        struct buf in = BUF_INIT(TEXT_MAX), cap = BUF_INIT(65536);
        struct exec_opts o;
        size_t n = 0;
        int status = 0, r = 0;

        if (!sel || sel->type != NODE_MAP || sel->n == 0)
                return 0;
        for (size_t i = 0; i + 1 < sel->n && n < ELEMENTSOF(keys); i += 2) {
                const char *k = node_str(sel->items[i]);
                const struct node *v = sel->items[i + 1];
                if (!k || !node_str(v) || !sysconf_text_ok(v->str)) {
                        sysconf_refuse(v, "apt.debconf_selections",
                                       "each selection must be text without control characters");
                        continue;
                }
                keys[n++] = k;
        }
        if (n == 0)
                return -EINVAL;
        qsort(keys, n, sizeof(keys[0]), cmp_str);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = buf_printf(&in, "%s%s", i ? "\n" : "", node_get_str(sel, keys[i]));
        if (r >= 0 && (!in.len || in.data[in.len - 1] != '\n'))
                r = buf_putc(&in, '\n');
        if (r < 0) {
                buf_free(&in);
                return log_error_errno(r, "apt.debconf_selections: too large");
        }
        exec_opts_target(a->ctx, &o);
        o.input = in.data;
        o.input_len = in.len;
        o.timeout_sec = 300;
        o.capture = &cap;
        r = exec_argv(&o, (char *const *)argv, &status);
        buf_free(&cap);
        buf_free(&in);
        if (r < 0 || status != 0)
                return log_error_errno(r < 0 ? r : -EPROTO,
                                       "debconf-set-selections failed (status %d)", status);
        log_info("Applied %zu debconf selection set%s", n, n == 1 ? "" : "s");
        return 0;
}

/* --- sources entries ------------------------------------------------------------ */

static int write_source(struct apt_run *a, const char *file, const char *text, bool append)
{
        _cleanup_free_ char *old = NULL;
        struct buf b = BUF_INIT(TEXT_MAX);
        int r = 0;

        if (append && fs_read_file(a->ctx->root_fd, file, TEXT_MAX, &old, NULL) >= 0)
                r = buf_puts(&b, old);
        if (r >= 0)
                r = buf_printf(&b, "%s\n", text);
        if (r >= 0)
                r = fs_write_atomic(a->ctx->root_fd, file, b.data, b.len, 0644, FS_NO_OWNER,
                                    (gid_t)-1);
        buf_free(&b);
        if (r < 0)
                return log_error_errno(r, "Cannot write %s: %m", file);
        log_info("Wrote apt source %s", file);
        return 0;
}

static int add_sources(struct apt_run *a, regex_t *match)
{
        const struct node *src = node_get(a->apt, "sources");
        bool any = false;
        int r = 0;

        for (size_t i = 0; src && src->type == NODE_MAP && i + 1 < src->n && i < 2 * MAX_SOURCES;
             i += 2) {
                const char *name = node_str(src->items[i]);
                const struct node *ent = src->items[i + 1];
                const struct node *fnode = node_get(ent, "filename"),
                                  *snode = node_get(ent, "source");
                const char *filename = node_str(fnode) ? fnode->str : name;
                _cleanup_free_ char *stem = NULL;
                char key_file[512] = "", file[512];
                struct buf text = BUF_INIT(TEXT_MAX);
                const char *base, *dot;
                int k;

                if (!filename || ent->type != NODE_MAP) {
                        sysconf_refuse(ent, "apt.sources", "each entry must be a mapping");
                        r = -EINVAL;
                        continue;
                }
                if (!*filename || !sysconf_line_ok(filename) || strstr(filename, "..") ||
                    strlen(filename) > 200 || endswith(filename, "/")) {
                        sysconf_refuse(fnode ? fnode : src->items[i], "apt.sources.filename",
                                       "not a usable file name");
                        r = -EINVAL;
                        continue;
                }
                if (snode && (!node_str(snode) || !sysconf_text_ok(snode->str))) {
                        sysconf_refuse(snode, "apt.sources.source", "holds a control character");
                        r = -EINVAL;
                        continue;
                }
                /* the key's name is the file name's stem, as pathlib's */
                base = strrchr(filename, '/') ? strrchr(filename, '/') + 1 : filename;
                dot = strrchr(base, '.');
                stem = strndup(base, dot && dot != base ? (size_t)(dot - base) : strlen(base));
                if (!stem)
                        return -ENOMEM;
                if ((node_get(ent, "key") || node_get(ent, "keyid")) && !name_ok(stem)) {
                        sysconf_refuse(fnode ? fnode : src->items[i], "apt.sources",
                                       "the key's file name would not be a plain name");
                        r = -EINVAL;
                        continue;
                }
                k = add_key(a, ent, stem, snode && strstr(snode->str, "$KEY_FILE"), key_file,
                            sizeof(key_file));
                if (k < 0) {
                        r = k;
                        continue;
                }
                if (!snode)
                        continue;
                k = render(a, snode->str, key_file, &text);
                if (k < 0 || !sysconf_text_ok(text.data ? text.data : "")) {
                        buf_free(&text);
                        sysconf_refuse(snode, "apt.sources.source", "cannot be rendered");
                        r = -EINVAL;
                        continue;
                }
                if (match && regexec(match, text.data, 0, NULL, 0) == 0) {
                        const char *argv[] = { "add-apt-repository", "--no-update", text.data,
                                               NULL };
                        struct exec_opts o;
                        int status = 0;
                        exec_opts_target(a->ctx, &o);
                        o.timeout_sec = 600;
                        k = exec_argv(&o, (char *const *)argv, &status);
                        if (k < 0 || status != 0)
                                r = log_error_errno(k < 0 ? k : -EPROTO,
                                                    "add-apt-repository failed (status %d)",
                                                    status);
                        else
                                any = true;
                        buf_free(&text);
                        continue;
                }
                (void)snprintf(file, sizeof(file), "%s%s%s",
                               filename[0] == '/' ? "" : APT_SOURCEPARTS, filename,
                               endswith(filename, ".list") ? "" : ".list");
                k = write_source(a, file, text.data, node_get_bool(ent, "append", true));
                buf_free(&text);
                if (k < 0)
                        r = k;
                else
                        any = true;
        }
        if (any) {
                const char *env[] = { "DEBIAN_FRONTEND=noninteractive", NULL };
                const char *argv[] = { "apt-get",
                                       "--option=Dpkg::Options::=--force-confold",
                                       "--option=Dpkg::options::=--force-unsafe-io",
                                       "--assume-yes",
                                       "--quiet",
                                       "update",
                                       NULL };
                struct exec_opts o;
                int status = 0, k;
                exec_opts_target(a->ctx, &o);
                o.env = (char *const *)env;
                o.timeout_sec = 1800;
                k = exec_argv(&o, (char *const *)argv, &status);
                if (k < 0 || status != 0)
                        r = log_warning_errno(k < 0 ? k : -EPROTO,
                                              "apt-get update failed (status %d)", status);
        }
        return r;
}

static int apt_configure_run(const struct module_ctx *ctx)
{
        const struct node *apt = node_get(ctx->cfg, "apt");
        const struct node *mnode = node_get(apt, "add_apt_repo_match");
        const char *distro = node_get_str(node_get(ctx->cfg, "system_info"), "distro");
        struct apt_run a = { .ctx = ctx, .apt = apt };
        regex_t match;
        bool have_match = false, preserve;
        int r = 0, k;

        if (apt && apt->type != NODE_MAP)
                return 0; /* the schema reported it */
        if (!apt || apt->n == 0) {
                if (!fs_exists(ctx->root_fd, "/usr/bin/apt-get")) {
                        log_debug("Nothing to do: no apt config and no apt commands");
                        return 0;
                }
        }
        (void)snprintf(a.distro, sizeof(a.distro), "%s",
                       distro && name_ok(distro) ? distro : "debian");
        /* Debian's cloud.cfg keeps sources.list unless the user asks otherwise */
        preserve = node_get_bool(apt, "preserve_sources_list", streq(a.distro, "debian"));

        k = apply_debconf(&a);
        if (k < 0)
                r = k;
        dpkg_arch(a.arch, sizeof(a.arch));
        if (read_codename(ctx->root_fd, a.release, sizeof(a.release)) < 0) {
                if (!preserve || node_get(apt, "sources"))
                        log_warning("No VERSION_CODENAME in the target's os-release: $RELEASE "
                                    "is empty");
                a.release[0] = '\0';
        }
        k = find_mirrors(&a);
        if (k < 0)
                return log_error_errno(k, "Out of memory");
        if (node_str(mnode)) {
                if (*mnode->str && regcomp(&match, mnode->str, REG_EXTENDED | REG_NOSUB) != 0) {
                        sysconf_refuse(mnode, "apt.add_apt_repo_match", "not a regular expression");
                        r = -EINVAL;
                } else if (*mnode->str)
                        have_match = true;
        } else
                have_match = regcomp(&match, ADD_APT_REPO_MATCH, REG_EXTENDED | REG_NOSUB) == 0;

        if (!preserve) {
                const char *which[] = { "primary", "security" };
                for (size_t i = 0; i < 2; i++) {
                        const struct node *m = arch_mirror(node_get(apt, which[i]), a.arch);
                        char *dst = i ? a.security_key : a.primary_key;
                        if (m && add_key(&a, m, which[i], false, dst, 256) < 0)
                                r = -EINVAL;
                }
                k = generate_sources_list(&a);
                if (k < 0)
                        r = k;
        }
        k = apply_apt_config(&a);
        if (k < 0)
                r = k;
        if (node_get(apt, "sources")) {
                k = add_sources(&a, have_match ? &match : NULL);
                if (k < 0)
                        r = k;
        }
        if (have_match)
                regfree(&match);
        free(a.primary);
        free(a.security);
        return r;
}

const struct module mod_apt_configure = {
        .name = "apt_configure",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = NULL,
        .run = apt_configure_run,
};
