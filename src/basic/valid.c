/* SPDX-License-Identifier: Apache-2.0 */
/* Typed value checks (see valid.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "valid.h"

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
        return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int valid_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
        unsigned long long v;
        char *end = NULL;

        if (!s || !is_digit(s[0]))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (errno || !end || *end)
                return -EINVAL;
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int valid_parse_int(const char *s, int64_t min, int64_t max, int64_t *ret)
{
        long long v;
        char *end = NULL;

        if (!s || !(is_digit(s[0]) || (s[0] == '-' && is_digit(s[1]))))
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (errno || !end || *end)
                return -EINVAL;
        if (v < min || v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

static const char *uint_in(const char *s, uint64_t min, uint64_t max, const char *why)
{
        uint64_t v;
        return valid_parse_uint(s, min, max, &v) < 0 ? why : NULL;
}

const char *valid_line(const char *s, size_t max)
{
        if (!s)
                return "is missing";
        for (const char *p = s; *p; p++) {
                if (*p == '\n' || *p == '\r')
                        return "contains a line break";
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                        return "contains a control character";
                if (max && (size_t)(p - s) >= max)
                        return "is too long";
        }
        return NULL;
}

static const char *ifname(const char *s, bool pattern)
{
        size_t len = s ? strlen(s) : 0;

        if (len == 0)
                return "is empty";
        if (len > 15)
                return "is longer than 15 bytes";
        if (streq(s, ".") || streq(s, ".."))
                return "is '.' or '..'";
        for (const char *p = s; *p; p++) {
                if (*p == '/' || *p == ':' || (unsigned char)*p <= 0x20 || *p == 0x7f)
                        return "contains '/', ':', white space or a control character";
                /* the kernel takes more, but a name in a udev rule, a keyfile
                 * or an ENI stanza must need no quoting */
                if (!is_alnum(*p) && !strchr("_.-@+", *p) && !(pattern && strchr("*?[]", *p)))
                        return "contains a character other than letters, digits and _.-@+";
        }
        return NULL;
}

const char *valid_ifname(const char *s)
{
        return ifname(s, /* pattern= */ false);
}

const char *valid_ifname_pattern(const char *s)
{
        return ifname(s, /* pattern= */ true);
}

static int hexval(char c)
{
        return is_digit(c)            ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
}

int valid_parse_mac(const char *s, uint8_t ret[6])
{
        uint8_t b[6];

        if (!s || strlen(s) != 17)
                return -EINVAL;
        for (size_t i = 0; i < 6; i++) {
                int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);
                if (hi < 0 || lo < 0)
                        return -EINVAL;
                if (i < 5 && s[3 * i + 2] != ':' && s[3 * i + 2] != '-')
                        return -EINVAL;
                if (i < 5 && s[3 * i + 2] != s[2])
                        return -EINVAL; /* one separator throughout */
                b[i] = (uint8_t)(hi << 4 | lo);
        }
        memcpy(ret, b, sizeof(b));
        return 0;
}

const char *valid_mac(const char *s)
{
        uint8_t b[6];
        return valid_parse_mac(s, b) < 0 ? "is not a MAC address (six hex pairs and ':')" : NULL;
}

const char *valid_ip(const char *s, int *ret_family)
{
        unsigned char b[16];

        if (!s || !*s)
                return "is empty";
        if (strlen(s) >= INET6_ADDRSTRLEN)
                return "is not an IP address";
        if (inet_pton(AF_INET, s, b) == 1) {
                if (ret_family)
                        *ret_family = AF_INET;
                return NULL;
        }
        if (inet_pton(AF_INET6, s, b) == 1) {
                if (ret_family)
                        *ret_family = AF_INET6;
                return NULL;
        }
        return "is not an IP address";
}

const char *valid_ip_prefix(const char *s, int *ret_family)
{
        char addr[INET6_ADDRSTRLEN];
        const char *slash = s ? strchr(s, '/') : NULL;
        uint64_t p;
        int fam;

        if (!slash)
                return "is not an address/prefix";
        if ((size_t)(slash - s) >= sizeof(addr))
                return "is not an IP address";
        memcpy(addr, s, (size_t)(slash - s));
        addr[slash - s] = '\0';
        if (valid_ip(addr, &fam))
                return "is not an IP address";
        if (valid_parse_uint(slash + 1, 0, fam == AF_INET ? 32 : 128, &p) < 0)
                return "has a prefix length out of range";
        if (ret_family)
                *ret_family = fam;
        return NULL;
}

int valid_parse_netmask(const char *s, unsigned max_prefix, unsigned *ret)
{
        struct in_addr a;
        uint64_t p;
        uint32_t m;
        unsigned n = 0;

        if (!s)
                return -EINVAL;
        if (!strchr(s, '.')) {
                int r = valid_parse_uint(s, 0, max_prefix, &p);
                if (r < 0)
                        return r;
                *ret = (unsigned)p;
                return 0;
        }
        if (inet_pton(AF_INET, s, &a) != 1)
                return -EINVAL;
        m = ntohl(a.s_addr);
        while (m & 0x80000000u) {
                n++;
                m <<= 1;
        }
        if (m)
                return -EINVAL; /* not contiguous */
        *ret = n;
        return 0;
}

const char *valid_mtu(const char *s)
{
        return uint_in(s, 68, 65535, "is not an MTU (a number from 68 to 65535)");
}

const char *valid_metric(const char *s)
{
        return uint_in(s, 0, UINT32_MAX, "is not a metric (a number from 0 to 4294967295)");
}

const char *valid_vlan_id(const char *s)
{
        return uint_in(s, 1, 4094, "is not a VLAN id (a number from 1 to 4094)");
}

const char *valid_route_table(const char *s)
{
        return uint_in(s, 1, UINT32_MAX, "is not a route table (a number from 1 to 4294967295)");
}

/* Labels of 1-63 [A-Za-z0-9-], no '-' at either end; total 253 at most. */
static const char *labels(const char *s, bool trailing_dot)
{
        size_t len = s ? strlen(s) : 0, label = 0;

        if (len == 0)
                return "is empty";
        if (trailing_dot && s[len - 1] == '.')
                len--;
        if (len == 0)
                return "is empty";
        if (len > 253)
                return "is longer than 253 bytes";
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (c == '.') {
                        if (label == 0)
                                return "has an empty label";
                        if (s[i - 1] == '-')
                                return "has a label ending with '-'";
                        label = 0;
                        continue;
                }
                if (!is_alnum(c) && c != '-')
                        return "has a character other than letters, digits, '-' and '.'";
                if (c == '-' && label == 0)
                        return "has a label starting with '-'";
                if (++label > 63)
                        return "has a label longer than 63 bytes";
        }
        if (label == 0)
                return "has an empty label";
        if (s[len - 1] == '-')
                return "has a label ending with '-'";
        return NULL;
}

const char *valid_dns_name(const char *s)
{
        return labels(s, /* trailing_dot= */ true);
}

const char *valid_hostname(const char *s)
{
        return labels(s, /* trailing_dot= */ false);
}

static bool one_of(const char *s, const char *const *list)
{
        for (; *list; list++)
                if (streq(s, *list))
                        return true;
        return false;
}

static const char *bool_word(const char *v)
{
        static const char *const words[] = { "true", "false", "yes", "no", "on",
                                             "off",  "1",     "0",   NULL };
        return one_of(v, words) ? NULL : "is not true or false";
}

const char *valid_bond_param(const char *key, const char *value, bool *unknown)
{
        static const char *const modes[] = { "balance-rr",  "active-backup",
                                             "balance-xor", "broadcast",
                                             "802.3ad",     "balance-tlb",
                                             "balance-alb", NULL };
        static const char *const lacp[] = { "slow", "fast", NULL };
        static const char *const hash[] = { "layer2",   "layer3+4", "layer2+3",
                                            "encap2+3", "encap3+4", NULL };

        if (unknown)
                *unknown = false;
        if (!key || !value)
                return "is missing";
        if (streq(key, "mode"))
                return one_of(value, modes) ? NULL : "is not a bond mode";
        if (streq(key, "mii-monitor-interval"))
                return uint_in(value, 0, INT32_MAX, "is not a number of milliseconds");
        if (streq(key, "lacp-rate"))
                return one_of(value, lacp) ? NULL : "is not slow or fast";
        if (streq(key, "transmit-hash-policy"))
                return one_of(value, hash) ? NULL : "is not a transmit hash policy";
        if (streq(key, "primary"))
                return valid_ifname(value);
        if (unknown)
                *unknown = true;
        return "is not a bond parameter cloudboot renders";
}

const char *valid_bridge_param(const char *key, const char *value, bool *unknown)
{
        if (unknown)
                *unknown = false;
        if (!key || !value)
                return "is missing";
        if (streq(key, "stp"))
                return bool_word(value);
        if (streq(key, "forward-delay"))
                return uint_in(value, 0, 65535, "is not a number of seconds");
        if (streq(key, "priority"))
                return uint_in(value, 0, 65535, "is not a number from 0 to 65535");
        if (unknown)
                *unknown = true;
        return "is not a bridge parameter cloudboot renders";
}

static bool crypt_char(char c)
{
        return is_alnum(c) || c == '.' || c == '/';
}

const char *valid_password_hash(const char *s)
{
        static const char *const schemes[] = { "$1$", "$2a$", "$2b$", "$2y$",   "$5$",  "$6$",
                                               "$7$", "$y$",  "$gy$", "$sha1$", "$md5", NULL };
        const char *why = valid_line(s, 4096);
        const char *const *sc;

        if (why)
                return why;
        if (strchr(s, ':'))
                return "contains ':'";
        while (*s == '!')
                s++; /* locked */
        if (!*s || streq(s, "*"))
                return NULL;
        if (s[0] != '$') {
                if (strlen(s) != 13)
                        return "is not a crypt(3) hash";
                for (const char *p = s; *p; p++)
                        if (!crypt_char(*p))
                                return "is not a crypt(3) hash";
                return NULL;
        }
        for (sc = schemes; *sc; sc++)
                if (startswith(s, *sc))
                        break;
        if (!*sc)
                return "has an unknown hash scheme (not $1$ $2b$ $5$ $6$ $7$ $y$ $gy$ ...)";
        for (const char *p = s; *p; p++)
                if (!crypt_char(*p) && *p != '$' && *p != ',' && *p != '=')
                        return "has a character outside the crypt(3) alphabet";
        return NULL;
}

const char *valid_user_name(const char *s)
{
        size_t len = s ? strlen(s) : 0;
        bool digits = true;

        if (len == 0)
                return "is empty";
        if (len > 32)
                return "is longer than 32 bytes";
        if (streq(s, ".") || streq(s, ".."))
                return "is '.' or '..'";
        if (!is_alnum(s[0]) && s[0] != '_')
                return "does not start with a letter, digit or '_'";
        for (size_t i = 0; i < len; i++) {
                char c = s[i];
                if (c == '$' && i == len - 1 && i > 0)
                        break;
                if (!is_alnum(c) && c != '_' && c != '.' && c != '-')
                        return "has a character other than letters, digits, '_', '.', '-'";
                digits = digits && is_digit(c);
        }
        if (digits)
                return "is only digits";
        return NULL;
}

const char *valid_gecos(const char *s)
{
        const char *why = valid_line(s, 1024);
        if (why)
                return why;
        return strchr(s, ':') ? "contains ':'" : NULL;
}

static const char *abs_path(const char *s)
{
        const char *why = valid_line(s, 4095);
        if (why)
                return why;
        if (s[0] != '/')
                return "is not an absolute path";
        if (strchr(s, ':'))
                return "contains ':'";
        for (const char *p = s; (p = strstr(p, "/..")); p += 3)
                if (p[3] == '/' || p[3] == '\0')
                        return "has a '..' component";
        return NULL;
}

const char *valid_home(const char *s)
{
        return abs_path(s);
}

const char *valid_shell(const char *s)
{
        const char *why = abs_path(s);
        if (why)
                return why;
        return strpbrk(s, " ") ? "contains a space" : NULL;
}

const char *valid_ssh_options(const char *s)
{
        return valid_line(s, 8192);
}
