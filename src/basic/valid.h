/* SPDX-License-Identifier: Apache-2.0 */
/* Typed checks for values that become part of a file: one per kind of value
 * (interface names, addresses, host names, password hashes, account fields,
 * free text for a line-oriented file...). Nothing here knows cloud-config:
 * callers decide what a key is and report with its position.
 *
 * The valid_*() checks return NULL when the value is good and otherwise a
 * short reason ("contains a newline"), a static string for the caller's
 * message. The valid_parse_*() helpers return 0 or a negative errno and write
 * their result only on success. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strict integers: decimal digits only (a leading '-' for the signed one), the
 * whole string consumed, no space, no sign on the unsigned one, within
 * [min, max]. -EINVAL when it is not a number, -ERANGE when out of range. */
int valid_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *ret);
int valid_parse_int(const char *s, int64_t min, int64_t max, int64_t *ret);

/* Free text for one line of a line-oriented file: no newline, carriage
 * return, NUL or other control character (tab included), at most max bytes
 * (0: no limit). */
const char *valid_line(const char *s, size_t max);

/* Network values. */
/* An interface name: the kernel's rules (1-15 bytes, not "." or "..", no '/',
 * ':', white space or control character) and, so that no renderer has to
 * quote it, only letters, digits and _.-@+. The pattern form (netplan's
 * match: name) also takes the glob characters *?[]. */
const char *valid_ifname(const char *s);
const char *valid_ifname_pattern(const char *s);
int valid_parse_mac(const char *s, uint8_t ret[6]); /* aa:bb:cc:dd:ee:ff (or '-') */
const char *valid_mac(const char *s);
/* An IPv4 or IPv6 address (inet_pton); *ret_family AF_INET or AF_INET6. */
const char *valid_ip(const char *s, int *ret_family);
/* addr/prefix with the prefix in range for the family. */
const char *valid_ip_prefix(const char *s, int *ret_family);
/* A dotted netmask (contiguous) or a prefix length; the prefix length. */
int valid_parse_netmask(const char *s, unsigned max_prefix, unsigned *ret);
const char *valid_mtu(const char *s); /* 68..65535 */
const char *valid_metric(const char *s); /* 0..4294967295 */
const char *valid_vlan_id(const char *s); /* 1..4094 */
const char *valid_route_table(const char *s); /* 1..4294967295 */
/* A DNS name (RFC 1123): labels of 1-63 [A-Za-z0-9-], not starting or
 * ending with '-', 253 bytes at most, one trailing '.' allowed. Search
 * domains are DNS names. */
const char *valid_dns_name(const char *s);
/* A bond or bridge parameter from the closed list cloudboot renders, in
 * netplan's names (mode, mii-monitor-interval, lacp-rate,
 * transmit-hash-policy, primary; stp, forward-delay, priority), with a value
 * of its type. unknown (may be NULL) is set when the key is not in the list. */
const char *valid_bond_param(const char *key, const char *value, bool *unknown);
const char *valid_bridge_param(const char *key, const char *value, bool *unknown);

/* A host name or an FQDN: labels of 1-63 [A-Za-z0-9-], not starting or ending
 * with '-', 253 bytes at most, no trailing '.'. */
const char *valid_hostname(const char *s);

/* Accounts. */
/* A crypt(3) hash as /etc/shadow takes it: an optional '!' (locked), then a
 * known scheme ($1$ $2a$ $2b$ $2y$ $5$ $6$ $7$ $y$ $gy$ $sha1$, or 13
 * characters of DES) in the crypt alphabet ([./0-9A-Za-z], '$' and the ','
 * '=' of rounds=), or "*" / "!" alone. Never ':' or a newline. */
const char *valid_password_hash(const char *s);
/* User and group names (shadow-utils' rule as Debian relaxes it):
 * [A-Za-z0-9_][A-Za-z0-9_.-]*, an optional trailing '$', 1-32 bytes, not
 * only digits, not "." or "..". */
const char *valid_user_name(const char *s);
/* gecos: one line, no ':'. */
const char *valid_gecos(const char *s);
/* A home directory: absolute, no '..' component, no ':', one line. */
const char *valid_home(const char *s);
/* A login shell: absolute, no ':', no space, one line. */
const char *valid_shell(const char *s);
/* authorized_keys options: one line. */
const char *valid_ssh_options(const char *s);
