/* SPDX-License-Identifier: Apache-2.0 */
/* Tree operations on struct node (see node.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "node.h"

unsigned long long node_key_compares;

/* The index of a large mapping: open addressing over the pairs' numbers
 * (pair p is items[2p], items[2p + 1]), at most half full. A slot holds the
 * latest pair of its key; prev chains the earlier pairs of the same key
 * (YAML allows a key twice: the last one counts), allocated on the first
 * repeat. Keys are hashed with SipHash-1-3 under a per-process random key,
 * so that no input can be made of keys that all collide. */
struct node_index {
        size_t n_pairs; /* pairs indexed */
        const struct node *last_key; /* items[2 * n_pairs - 2] when indexed */
        size_t mask; /* slots - 1 */
        uint32_t *prev; /* per pair: the earlier pair with its key + 1, or 0 */
        size_t prev_cap;
        uint32_t slots[]; /* pair + 1; 0 when empty */
};

static uint64_t sip_key[2];
static bool sip_keyed;

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
        do {                                                                                       \
                v0 += v1;                                                                          \
                v1 = ROTL(v1, 13);                                                                 \
                v1 ^= v0;                                                                          \
                v0 = ROTL(v0, 32);                                                                 \
                v2 += v3;                                                                          \
                v3 = ROTL(v3, 16);                                                                 \
                v3 ^= v2;                                                                          \
                v0 += v3;                                                                          \
                v3 = ROTL(v3, 21);                                                                 \
                v3 ^= v0;                                                                          \
                v2 += v1;                                                                          \
                v1 = ROTL(v1, 17);                                                                 \
                v1 ^= v2;                                                                          \
                v2 = ROTL(v2, 32);                                                                 \
        } while (0)

/* SipHash-1-3 of s (len bytes). */
uint64_t node_key_hash(const char *s, size_t len)
{
        const unsigned char *p = (const unsigned char *)s;
        uint64_t v0, v1, v2, v3, m, b = (uint64_t)len << 56;
        size_t i;

        if (!sip_keyed) {
                if (getrandom(sip_key, sizeof(sip_key), GRND_NONBLOCK) != sizeof(sip_key)) {
                        sip_key[0] = (uint64_t)(uintptr_t)&sip_key ^ 0x736f6d6570736575ull;
                        sip_key[1] = (uint64_t)(uintptr_t)s ^ 0x646f72616e646f6dull;
                }
                sip_keyed = true;
        }
        v0 = sip_key[0] ^ 0x736f6d6570736575ull;
        v1 = sip_key[1] ^ 0x646f72616e646f6dull;
        v2 = sip_key[0] ^ 0x6c7967656e657261ull;
        v3 = sip_key[1] ^ 0x7465646279746573ull;
        for (i = 0; i + 8 <= len; i += 8) {
                memcpy(&m, p + i, 8);
                v3 ^= m;
                SIPROUND;
                v0 ^= m;
        }
        for (size_t k = 0; i + k < len; k++)
                b |= (uint64_t)p[i + k] << (8 * k);
        v3 ^= b;
        SIPROUND;
        v0 ^= b;
        v2 ^= 0xff;
        SIPROUND;
        SIPROUND;
        SIPROUND;
        return v0 ^ v1 ^ v2 ^ v3;
}

/* A key as a lookup sees it: its type and bytes. */
struct key_ref {
        enum node_type type;
        bool binary;
        const char *s;
        size_t len;
};

static bool key_eq(const struct node *k, const struct key_ref *ref)
{
        node_key_compares++;
        return k->type == ref->type && k->binary == ref->binary && k->str && k->len == ref->len &&
               memcmp(k->str, ref->s, ref->len) == 0;
}

static struct key_ref key_of(const struct node *k)
{
        return (struct key_ref){ k->type, k->binary, k->str ? k->str : "", k->str ? k->len : 0 };
}

void node_index_drop(struct node *map)
{
        if (!map || !map->index)
                return;
        free(map->index->prev);
        free(map->index);
        map->index = NULL;
}

bool node_is_indexed(const struct node *map)
{
        return map && map->index;
}

/* Add pair p of map to its index (which has room). */
static int index_add(struct node *map, size_t p)
{
        struct node_index *x = map->index;
        const struct node *k = map->items[2 * p];
        struct key_ref ref = key_of(k);
        size_t i = node_key_hash(ref.s, ref.len) & x->mask;

        for (;; i = (i + 1) & x->mask) {
                uint32_t q = x->slots[i];
                if (q == 0) {
                        x->slots[i] = (uint32_t)(p + 1);
                        break;
                }
                if (key_eq(map->items[2 * (q - 1)], &ref)) {
                        /* a repeat: the slot takes the latest, the chain the rest */
                        if (!x->prev || x->prev_cap <= p) {
                                size_t cap = x->prev_cap ? x->prev_cap : 64;
                                uint32_t *np;
                                while (cap <= p)
                                        cap *= 2;
                                np = realloc(x->prev, cap * sizeof(*np));
                                if (!np)
                                        return -ENOMEM;
                                memset(np + x->prev_cap, 0, (cap - x->prev_cap) * sizeof(*np));
                                x->prev = np;
                                x->prev_cap = cap;
                        }
                        x->prev[p] = q;
                        x->slots[i] = (uint32_t)(p + 1);
                        break;
                }
        }
        x->n_pairs = p + 1;
        x->last_key = k;
        return 0;
}

/* (Re)build map's index for its pairs, sized for at least want pairs. */
static int index_build(struct node *map, size_t want)
{
        size_t pairs = map->n / 2, slots = 256;
        struct node_index *x;

        node_index_drop(map);
        if (want < pairs)
                want = pairs;
        if (want >= UINT32_MAX / 2)
                return -E2BIG;
        while (slots < 2 * want)
                slots *= 2;
        x = calloc(1, sizeof(*x) + slots * sizeof(x->slots[0]));
        if (!x)
                return -ENOMEM;
        x->mask = slots - 1;
        map->index = x;
        for (size_t p = 0; p < pairs; p++)
                if (map->items[2 * p] && index_add(map, p) < 0) {
                        node_index_drop(map);
                        return -ENOMEM;
                }
        x->n_pairs = pairs;
        return 0;
}

/* Whether map's index describes its items as they are now: a mapping that
 * shrank or was rearranged behind node.c's back fails this. */
static bool index_valid(const struct node *map)
{
        const struct node_index *x = map->index;
        return x && x->n_pairs == map->n / 2 &&
               (x->n_pairs == 0 || map->items[2 * x->n_pairs - 2] == x->last_key);
}

/* The index of map, built when it is large enough to be worth one; NULL for
 * a small map (or when memory ran out: lookups then scan). */
static struct node_index *index_get(const struct node *cmap)
{
        struct node *map = (struct node *)cmap; /* the index is a cache */

        if (map->n / 2 < NODE_INDEX_MIN_PAIRS) {
                node_index_drop(map);
                return NULL;
        }
        if (!index_valid(map) && index_build(map, 0) < 0)
                return NULL;
        return map->index;
}

/* Pair number of the last live pair whose key is ref, or -1. A pair whose
 * value is NULL is dead (node_merge() removes in bulk that way). */
static long find_last(const struct node *map, const struct key_ref *ref)
{
        const struct node_index *x;

        if (!map || map->type != NODE_MAP)
                return -1;
        x = index_get(map);
        if (x) {
                size_t i = node_key_hash(ref->s, ref->len) & x->mask;
                for (;; i = (i + 1) & x->mask) {
                        uint32_t q = x->slots[i];
                        if (q == 0)
                                return -1;
                        if (!key_eq(map->items[2 * (q - 1)], ref))
                                continue;
                        /* the latest live one of this key */
                        while (q && !map->items[2 * (q - 1) + 1])
                                q = x->prev && q - 1 < x->prev_cap ? x->prev[q - 1] : 0;
                        return q ? (long)(q - 1) : -1;
                }
        }
        for (size_t i = map->n; i >= 2; i -= 2)
                if (map->items[i - 1] && key_eq(map->items[i - 2], ref))
                        return (long)(i - 2) / 2;
        return -1;
}

static struct key_ref str_key(const char *key)
{
        /* Only string keys match a name: PyYAML turns `on:` into the key
         * True, which no lookup by name finds either. */
        return (struct key_ref){ NODE_STR, false, key, strlen(key) };
}

long node_find(const struct node *map, const struct node *key)
{
        struct key_ref ref = key_of(key);
        long p = find_last(map, &ref);
        return p < 0 ? -1 : 2 * p;
}

struct node *node_new(enum node_type type)
{
        struct node *n = calloc(1, sizeof(*n));
        if (n)
                n->type = type;
        return n;
}

/* A scalar's text lives in the node's own allocation, right after it: one
 * malloc per scalar, not two (a mapping of 100k keys is 200k scalars). */
/* (not const: gcc takes a const pointer to the fresh, unset allocation for a
 * read of it, -Wmaybe-uninitialized at -O0) */
static char *inline_str(struct node *n)
{
        return (char *)(n + 1);
}

struct node *node_new_scalar(enum node_type type, const char *s, size_t len)
{
        struct node *n;

        if (len >= SIZE_MAX - sizeof(*n))
                return NULL;
        n = malloc(sizeof(*n) + len + 1);
        if (!n)
                return NULL;
        *n = (struct node){ .type = type, .str = inline_str(n), .len = len };
        memcpy(n->str, s, len);
        n->str[len] = '\0';
        return n;
}

struct node *node_new_strn(const char *s, size_t len)
{
        return node_new_scalar(NODE_STR, s, len);
}

void node_take_strn(struct node *n, char *s, size_t len)
{
        if (n->str != inline_str(n))
                free(n->str);
        n->str = s;
        n->len = len;
}

struct node *node_new_str(const char *s)
{
        return node_new_strn(s, strlen(s));
}

struct node *node_new_int(long long v)
{
        char text[32];
        struct node *n;

        (void)snprintf(text, sizeof(text), "%lld", v);
        n = node_new_str(text);
        if (n) {
                n->type = NODE_INT;
                n->i = v;
        }
        return n;
}

struct node *node_new_bool(bool v)
{
        struct node *n = node_new_str(v ? "true" : "false");
        if (n) {
                n->type = NODE_BOOL;
                n->b = v;
        }
        return n;
}

struct node *node_free(struct node *n)
{
        if (!n)
                return NULL;
        for (size_t i = 0; i < n->n; i++)
                node_free(n->items[i]);
        free(n->items);
        if (n->str != inline_str(n))
                free(n->str);
        node_index_drop(n);
        free(n);
        return NULL;
}

struct node *node_copy(const struct node *n)
{
        struct node *c;

        if (!n)
                return NULL;
        if (n->str) {
                c = node_new_scalar(n->type, n->str, n->len);
                if (!c)
                        return NULL;
                c->binary = n->binary;
                c->b = n->b;
                c->line = n->line;
                c->col = n->col;
                c->file = n->file;
                c->i = n->i;
        } else {
                c = malloc(sizeof(*c));
                if (!c)
                        return NULL;
                *c = *n;
                c->str = NULL;
        }
        c->items = NULL;
        c->n = c->cap = 0;
        c->index = NULL;
        if (n->n) {
                c->items = calloc(n->n, sizeof(*c->items));
                if (!c->items)
                        return node_free(c);
                c->cap = n->n;
                for (size_t i = 0; i < n->n; i++) {
                        c->items[i] = node_copy(n->items[i]);
                        c->n = i + 1;
                        if (!c->items[i])
                                return node_free(c);
                }
        }
        return c;
}

size_t node_count(const struct node *n)
{
        size_t c = 1;

        if (!n)
                return 0;
        for (size_t i = 0; i < n->n; i++)
                c += node_count(n->items[i]);
        return c;
}

bool node_same(const struct node *a, const struct node *b)
{
        if (!a || !b)
                return a == b;
        if (a->type != b->type || a->binary != b->binary || a->n != b->n || a->file != b->file ||
            (a->type == NODE_BOOL && a->b != b->b) || (a->type == NODE_INT && a->i != b->i))
                return false;
        if ((a->str || b->str) &&
            (!a->str || !b->str || a->len != b->len || memcmp(a->str, b->str, a->len) != 0))
                return false;
        for (size_t i = 0; i < a->n; i++)
                if (!node_same(a->items[i], b->items[i]))
                        return false;
        return true;
}

int node_append(struct node *container, struct node *item)
{
        if (!item)
                return -ENOMEM;
        if (container->n == container->cap) {
                size_t ncap = container->cap ? container->cap * 2 : 8;
                struct node **p = realloc(container->items, ncap * sizeof(*p));
                if (!p)
                        return -ENOMEM;
                container->items = p;
                container->cap = ncap;
        }
        container->items[container->n++] = item;
        if (container->index && container->n % 2 == 0) {
                /* a pair completed: index it, growing the index as needed */
                struct node_index *x = container->index;
                size_t p = container->n / 2 - 1;
                if (x->n_pairs != p || (p > 0 && container->items[2 * p - 2] != x->last_key))
                        node_index_drop(container); /* stale: rebuilt on the next lookup */
                else if (2 * (p + 1) > x->mask + 1 ? index_build(container, 2 * (p + 1)) < 0
                                                   : index_add(container, p) < 0)
                        node_index_drop(container);
        }
        return 0;
}

const struct node *node_get_key(const struct node *map, const char *key)
{
        struct key_ref ref = str_key(key);
        long p = find_last(map, &ref);
        return p < 0 ? NULL : map->items[2 * p];
}

struct node *node_get(const struct node *map, const char *key)
{
        struct key_ref ref = str_key(key);
        long p = find_last(map, &ref);
        return p < 0 ? NULL : map->items[2 * p + 1];
}

struct node *node_take(struct node *map, const char *key)
{
        struct key_ref ref = str_key(key);
        long p = find_last(map, &ref);
        struct node *v, *null;

        if (p < 0 || !(null = node_new(NODE_NULL)))
                return NULL;
        v = map->items[2 * p + 1];
        map->items[2 * p + 1] = null;
        return v;
}

int node_set(struct node *map, const char *key, struct node *value)
{
        struct key_ref ref = str_key(key);
        struct node *k;
        long p;
        int r;

        if (!value)
                return -ENOMEM;
        if (map->type != NODE_MAP) {
                node_free(value);
                return -EINVAL;
        }
        p = find_last(map, &ref);
        if (p >= 0) {
                node_free(map->items[2 * p + 1]);
                map->items[2 * p + 1] = value;
                return 0;
        }
        k = node_new_str(key);
        r = node_append(map, k);
        if (r < 0) {
                node_free(value);
                return r;
        }
        r = node_append(map, value);
        if (r < 0) {
                map->n--;
                node_free(k);
                node_free(value);
        }
        return r;
}

size_t node_del(struct node *map, const char *key)
{
        size_t removed = 0, j = 0;
        struct key_ref ref = str_key(key);

        if (!map || map->type != NODE_MAP)
                return 0;
        if (find_last(map, &ref) < 0)
                return 0; /* cheap on an indexed map */
        for (size_t i = 0; i + 1 < map->n; i += 2) {
                if (key_eq(map->items[i], &ref)) {
                        node_free(map->items[i]);
                        node_free(map->items[i + 1]);
                        removed++;
                        continue;
                }
                map->items[j++] = map->items[i];
                map->items[j++] = map->items[i + 1];
        }
        map->n = j;
        if (removed)
                node_index_drop(map);
        return removed;
}

/* Remove every live pair whose key is ref, leaving them dead (value NULL)
 * for node_sweep(): O(pairs removed) on an indexed map. */
static size_t kill_key(struct node *map, const struct key_ref *ref)
{
        size_t killed = 0;
        long p;

        while ((p = find_last(map, ref)) >= 0) {
                node_free(map->items[2 * p + 1]);
                map->items[2 * p + 1] = NULL;
                killed++;
        }
        return killed;
}

size_t node_del_deferred(struct node *map, const char *key)
{
        struct key_ref ref = str_key(key);
        return map && map->type == NODE_MAP ? kill_key(map, &ref) : 0;
}

/* Sweep the dead pairs of map. */
void node_sweep(struct node *map)
{
        size_t j = 0;

        for (size_t i = 0; i + 1 < map->n; i += 2) {
                if (!map->items[i + 1]) {
                        node_free(map->items[i]);
                        continue;
                }
                map->items[j++] = map->items[i];
                map->items[j++] = map->items[i + 1];
        }
        map->n = j;
        node_index_drop(map);
}

int node_merge(struct node *dst, const struct node *src)
{
        size_t dead = 0;
        int r = 0;

        if (!src || src->type != NODE_MAP || dst->type != NODE_MAP)
                return -EINVAL;
        /* A replaced key moves to the end, as before; its old pairs die here
         * and are swept once at the end, not one scan per key. */
        for (size_t i = 0; i + 1 < src->n && r >= 0; i += 2) {
                const struct node *k = src->items[i], *v = src->items[i + 1];
                struct key_ref ref = key_of(k);
                struct node *kc;
                long p;

                if (k->type != NODE_STR)
                        continue;
                ref.binary = false; /* as node_get(dst, k->str) */
                ref.len = strlen(k->str);
                p = find_last(dst, &ref);
                if (p >= 0 && dst->items[2 * p + 1]->type == NODE_MAP && v->type == NODE_MAP) {
                        struct node *ck = dst->items[2 * p];
                        /* messages point at the source merged last */
                        ck->file = k->file;
                        ck->line = k->line;
                        ck->col = k->col;
                        r = node_merge(dst->items[2 * p + 1], v);
                        continue;
                }
                dead += kill_key(dst, &ref);
                kc = node_copy(k);
                r = node_append(dst, kc);
                if (r < 0) {
                        node_free(kc);
                } else {
                        struct node *vc = node_copy(v);
                        r = node_append(dst, vc);
                        if (r < 0) {
                                node_free(vc);
                                node_free(dst->items[--dst->n]);
                        }
                }
        }
        if (dead)
                node_sweep(dst);
        return r;
}

const char *node_str(const struct node *n)
{
        /* A string with a NUL byte inside ("a\0b" in YAML) is no C string:
         * cut short it would name another file or user than was written. */
        if (!n || n->type != NODE_STR || memchr(n->str, 0, n->len))
                return NULL;
        return n->str;
}

const char *node_type_name(enum node_type t)
{
        static const char *const names[] = { "null",   "boolean", "integer", "number",
                                             "string", "list",    "mapping" };
        return names[t];
}

bool node_get_bool(const struct node *map, const char *key, bool def)
{
        const struct node *v = node_get(map, key);
        return v && v->type == NODE_BOOL ? v->b : def;
}

const char *node_get_str(const struct node *map, const char *key)
{
        return node_str(node_get(map, key));
}

struct node *node_get_path(const struct node *root, const char *path)
{
        char part[128];
        const struct node *cur = root;

        while (cur && *path) {
                const char *dot = strchr(path, '.');
                size_t len = dot ? (size_t)(dot - path) : strlen(path);

                if (len >= sizeof(part))
                        return NULL;
                memcpy(part, path, len);
                part[len] = '\0';
                cur = node_get(cur, part);
                path += len + (dot ? 1 : 0);
        }
        return (struct node *)cur;
}

/* File names interned once per process: nodes are copied and merged across
 * trees freely, and a pointer to a shared name survives all of that. */
struct name {
        struct name *next;
        char s[];
};
static struct name *names;
/* names by hash, half full at most: an archive of 100k entries names 100k
 * documents, and a list scan per name would be quadratic */
static struct name **name_slots;
static size_t name_mask, n_names;

static struct name **name_slot(const char *name)
{
        for (size_t h = node_key_hash(name, strlen(name)) & name_mask;; h = (h + 1) & name_mask)
                if (!name_slots[h] || streq(name_slots[h]->s, name))
                        return &name_slots[h];
}

const char *node_intern_file(const char *name)
{
        struct name **slot, *n;
        size_t len;

        if (!name)
                return NULL;
        if (2 * (n_names + 1) > (name_slots ? name_mask + 1 : 0)) {
                size_t size = name_slots ? 2 * (name_mask + 1) : 64;
                struct name **ns = calloc(size, sizeof(*ns));
                if (!ns)
                        return NULL;
                free(name_slots);
                name_slots = ns;
                name_mask = size - 1;
                for (n = names; n; n = n->next)
                        *name_slot(n->s) = n;
        }
        slot = name_slot(name);
        if (*slot)
                return (*slot)->s;
        len = strlen(name);
        n = malloc(sizeof(*n) + len + 1);
        if (!n)
                return NULL;
        memcpy(n->s, name, len + 1);
        n->next = names;
        names = n;
        *slot = n;
        n_names++;
        return n->s;
}

void node_names_free(void)
{
        while (names) {
                struct name *n = names;
                names = n->next;
                free(n);
        }
        free(name_slots);
        name_slots = NULL;
        name_mask = n_names = 0;
}
