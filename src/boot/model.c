/* SPDX-License-Identifier: Apache-2.0 */
/* The instance model and its stored form (see model.h).
 *
 * Stored form, all integers little-endian:
 *   "CBMODEL\n"  u32 version  u64 key  u64 digest(key, payload)  u64 payload-length
 *   payload: str iid, u8 flags (1: complete),
 *            varint count + str for the file names nodes point to,
 *            varint count + str for the warnings,
 *            varint count + (str path, u8 shebang) for the boothooks,
 *            u8 present + node for the user's cloud-config, the same for vendor-data's.
 *   str: varint length + bytes.
 *   node: u8 type (bit 7: binary), varint line, varint col, varint file (0: none,
 *         else index + 1), u8 has-text [varint length + bytes], then by type:
 *         bool u8, int zigzag varint, seq/map varint count + that many nodes
 *         (a map's items are key, value, key, value...).
 * The digest makes a torn or corrupted file read as absent. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec.h"
#include "fs.h"
#include "log.h"
#include "model.h"

#define MODEL_MAGIC "CBMODEL\n"
#define MODEL_VERSION 1u
#define HEADER_LEN (8 + 4 + 8 + 8 + 8)
#define DEPTH_MAX 128u
#define MODEL_MAX (512u * 1024 * 1024)

void model_done(struct model *m)
{
        free(m->iid);
        node_free(m->user);
        node_free(m->vendor);
        for (size_t i = 0; i < m->n_diags; i++)
                free(m->diags[i]);
        free(m->diags);
        for (size_t i = 0; i < m->n_hooks; i++)
                free(m->hooks[i].path);
        free(m->hooks);
        *m = (struct model){ 0 };
}

uint64_t model_key_add(uint64_t key, const void *data, size_t len)
{
        /* the length too, so that ("ab","c") and ("a","bc") differ */
        uint64_t l = len;
        key = digest64(key, &l, sizeof(l));
        return len ? digest64(key, data, len) : key;
}

uint64_t model_key_tree(uint64_t key, const struct node *n)
{
        uint8_t head[4] = { 0xff, 0, 0, 0 };
        uint64_t count;

        if (n) {
                head[0] = (uint8_t)n->type;
                head[1] = n->binary;
                head[2] = n->b;
                head[3] = n->str != NULL;
        }
        key = model_key_add(key, head, sizeof(head));
        if (!n)
                return key;
        if (n->str)
                key = model_key_add(key, n->str, n->len);
        key = model_key_add(key, &n->i, sizeof(n->i));
        count = n->n;
        key = model_key_add(key, &count, sizeof(count));
        for (size_t i = 0; i < n->n; i++)
                key = model_key_tree(key, n->items[i]);
        return key;
}

int model_add_diag_lines(struct model *m, char *lines)
{
        int r = 0;

        for (char *p = lines, *nl; r >= 0 && p && (nl = strchr(p, '\n')); p = nl + 1) {
                *nl = 0;
                r = model_add_diag(m, p);
        }
        return r;
}

int model_add_diag(struct model *m, const char *msg)
{
        char **p = realloc(m->diags, (m->n_diags + 1) * sizeof(*p));
        if (!p)
                return -ENOMEM;
        m->diags = p;
        p[m->n_diags] = strdup(msg);
        if (!p[m->n_diags])
                return -ENOMEM;
        m->n_diags++;
        return 0;
}

int model_add_hook(struct model *m, const char *path, bool shebang)
{
        struct model_hook *p = realloc(m->hooks, (m->n_hooks + 1) * sizeof(*p));
        if (!p)
                return -ENOMEM;
        m->hooks = p;
        p[m->n_hooks] = (struct model_hook){ .path = strdup(path), .shebang = shebang };
        if (!p[m->n_hooks].path)
                return -ENOMEM;
        m->n_hooks++;
        return 0;
}

uint64_t model_digest(uint64_t key, const void *payload, size_t len)
{
        uint8_t k[8];

        for (unsigned i = 0; i < 8; i++)
                k[i] = (uint8_t)(key >> (8 * i));
        return digest64(digest64(FNV1A64_INIT, k, sizeof(k)), payload, len);
}

/* Encoding. Errors are sticky: checked once at the end. */

struct names {
        const char **slot; /* open addressing on the interned pointer */
        uint32_t *index;
        size_t cap, n;
        const char **order;
};

struct enc {
        struct buf *b;
        int r;
        struct names names;
};

static void put(struct enc *e, const void *p, size_t n)
{
        if (e->r >= 0)
                e->r = buf_append(e->b, p, n);
}

static void put_u8(struct enc *e, uint8_t v)
{
        put(e, &v, 1);
}

static void put_le(struct enc *e, uint64_t v, unsigned bytes)
{
        uint8_t o[8];
        for (unsigned i = 0; i < bytes; i++)
                o[i] = (uint8_t)(v >> (8 * i));
        put(e, o, bytes);
}

static void put_varint(struct enc *e, uint64_t v)
{
        uint8_t o[10];
        unsigned n = 0;
        do {
                o[n] = (uint8_t)(v & 0x7f);
                v >>= 7;
                if (v)
                        o[n] |= 0x80;
                n++;
        } while (v);
        put(e, o, n);
}

static void put_str(struct enc *e, const char *s, size_t len)
{
        put_varint(e, len);
        put(e, s, len);
}

static size_t name_hash(const char *p, size_t cap)
{
        uintptr_t v = (uintptr_t)p;
        v ^= v >> 17;
        v *= 0x9e3779b97f4a7c15ull;
        return (size_t)(v >> 7) & (cap - 1);
}

static int names_grow(struct names *t)
{
        size_t cap = t->cap ? t->cap * 2 : 64;
        const char **slot = calloc(cap, sizeof(*slot));
        uint32_t *index = calloc(cap, sizeof(*index));
        const char **order = realloc(t->order, cap * sizeof(*order));

        if (!slot || !index || !order) {
                free(slot);
                free(index);
                if (order)
                        t->order = order;
                return -ENOMEM;
        }
        t->order = order;
        for (size_t i = 0; i < t->cap; i++) {
                if (!t->slot[i])
                        continue;
                size_t h = name_hash(t->slot[i], cap);
                while (slot[h])
                        h = (h + 1) & (cap - 1);
                slot[h] = t->slot[i];
                index[h] = t->index[i];
        }
        free(t->slot);
        free(t->index);
        t->slot = slot;
        t->index = index;
        t->cap = cap;
        return 0;
}

/* Index + 1 of the file name (interned: the pointer names it), added if new. */
static int names_index(struct names *t, const char *file, uint32_t *ret)
{
        size_t h;

        if (!file) {
                *ret = 0;
                return 0;
        }
        if (t->n * 2 >= t->cap && names_grow(t) < 0)
                return -ENOMEM;
        for (h = name_hash(file, t->cap); t->slot[h]; h = (h + 1) & (t->cap - 1))
                if (t->slot[h] == file) {
                        *ret = t->index[h] + 1;
                        return 0;
                }
        t->slot[h] = file;
        t->index[h] = (uint32_t)t->n;
        t->order[t->n++] = file;
        *ret = (uint32_t)t->n;
        return 0;
}

static void names_free(struct names *t)
{
        free(t->slot);
        free(t->index);
        free(t->order);
}

static int collect_names(struct names *t, const struct node *n, unsigned depth)
{
        uint32_t ignored;
        int r;

        if (!n)
                return 0;
        if (depth > DEPTH_MAX)
                return -E2BIG;
        r = names_index(t, n->file, &ignored);
        for (size_t i = 0; r >= 0 && i < n->n; i++)
                r = collect_names(t, n->items[i], depth + 1);
        return r;
}

static void put_node(struct enc *e, const struct node *n)
{
        uint32_t file = 0;

        if (e->r < 0)
                return;
        if (names_index(&e->names, n->file, &file) < 0) {
                e->r = -ENOMEM;
                return;
        }
        put_u8(e, (uint8_t)(n->type | (n->binary ? 0x80 : 0)));
        put_varint(e, n->line);
        put_varint(e, n->col);
        put_varint(e, file);
        put_u8(e, n->str != NULL);
        if (n->str)
                put_str(e, n->str, n->len);
        switch (n->type) {
        case NODE_BOOL:
                put_u8(e, n->b);
                break;
        case NODE_INT:
                put_varint(e, ((uint64_t)n->i << 1) ^ (uint64_t)(n->i >> 63));
                break;
        case NODE_SEQ:
        case NODE_MAP:
                put_varint(e, n->n);
                for (size_t i = 0; i < n->n; i++)
                        put_node(e, n->items[i]);
                break;
        default:
                break;
        }
}

static void put_tree(struct enc *e, const struct node *n)
{
        put_u8(e, n != NULL);
        if (n)
                put_node(e, n);
}

int model_encode(const struct model *m, size_t max, struct buf *ret)
{
        struct buf payload = BUF_INIT(max);
        struct enc e = { .b = &payload };
        uint64_t digest;

        /* every file name first, so that the reader has them before the nodes */
        e.r = collect_names(&e.names, m->user, 0);
        if (e.r >= 0)
                e.r = collect_names(&e.names, m->vendor, 0);
        put_str(&e, m->iid ? m->iid : "", m->iid ? strlen(m->iid) : 0);
        put_u8(&e, m->complete ? 1 : 0);
        put_varint(&e, e.names.n);
        for (size_t i = 0; i < e.names.n; i++)
                put_str(&e, e.names.order[i], strlen(e.names.order[i]));
        put_varint(&e, m->n_diags);
        for (size_t i = 0; i < m->n_diags; i++)
                put_str(&e, m->diags[i], strlen(m->diags[i]));
        put_varint(&e, m->n_hooks);
        for (size_t i = 0; i < m->n_hooks; i++) {
                put_str(&e, m->hooks[i].path, strlen(m->hooks[i].path));
                put_u8(&e, m->hooks[i].shebang);
        }
        put_tree(&e, m->user);
        put_tree(&e, m->vendor);
        names_free(&e.names);
        if (e.r < 0) {
                buf_free_secret(&payload);
                return e.r;
        }
        digest = model_digest(m->key, payload.data, payload.len);
        *ret = BUF_INIT(max + HEADER_LEN);
        e = (struct enc){ .b = ret };
        put(&e, MODEL_MAGIC, 8);
        put_le(&e, MODEL_VERSION, 4);
        put_le(&e, m->key, 8);
        put_le(&e, digest, 8);
        put_le(&e, payload.len, 8);
        put(&e, payload.data, payload.len);
        buf_free_secret(&payload);
        if (e.r < 0)
                buf_free_secret(ret);
        return e.r;
}

/* Decoding: every read is bounded by what is left. */

struct dec {
        const uint8_t *p, *end;
        const char **names;
        size_t n_names;
        bool bad;
};

static uint8_t get_u8(struct dec *d)
{
        if (d->bad || d->p >= d->end) {
                d->bad = true;
                return 0;
        }
        return *d->p++;
}

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
        uint64_t v = 0;
        for (unsigned i = 0; i < bytes; i++)
                v |= (uint64_t)p[i] << (8 * i);
        return v;
}

static uint64_t get_varint(struct dec *d)
{
        uint64_t v = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
                uint8_t c = get_u8(d);
                v |= (uint64_t)(c & 0x7f) << shift;
                if (!(c & 0x80))
                        return v;
        }
        d->bad = true;
        return 0;
}

/* A string's bytes in place (not NUL-terminated) and its length. */
static const char *get_bytes(struct dec *d, size_t *ret_len)
{
        uint64_t len = get_varint(d);
        const char *s = (const char *)d->p;

        if (d->bad || len > (uint64_t)(d->end - d->p)) {
                d->bad = true;
                *ret_len = 0;
                return NULL;
        }
        d->p += len;
        *ret_len = (size_t)len;
        return s;
}

static char *get_str(struct dec *d)
{
        size_t len;
        const char *s = get_bytes(d, &len);
        char *c;

        if (!s || memchr(s, 0, len)) {
                d->bad = true;
                return NULL;
        }
        c = strndup(s, len);
        if (!c)
                d->bad = true;
        return c;
}

static struct node *get_node(struct dec *d, unsigned depth)
{
        _cleanup_node_ struct node *n = NULL;
        uint8_t t = get_u8(d);
        uint64_t line, col, file, count;

        if (d->bad || depth > DEPTH_MAX || (t & 0x7f) > NODE_MAP) {
                d->bad = true;
                return NULL;
        }
        line = get_varint(d);
        col = get_varint(d);
        file = get_varint(d);
        if (line > UINT32_MAX || col > UINT32_MAX || file > d->n_names) {
                d->bad = true;
                return NULL;
        }
        /* a scalar's text in its node's allocation, as the parsers make it */
        if (get_u8(d)) {
                size_t len;
                const char *s = get_bytes(d, &len);
                n = s ? node_new_scalar((enum node_type)(t & 0x7f), s, len) : NULL;
        } else
                n = node_new((enum node_type)(t & 0x7f));
        if (!n || d->bad) {
                d->bad = true;
                return NULL;
        }
        n->binary = t & 0x80;
        n->line = (uint32_t)line;
        n->col = (uint32_t)col;
        n->file = file ? d->names[file - 1] : NULL;
        switch (n->type) {
        case NODE_BOOL:
                n->b = get_u8(d) != 0;
                break;
        case NODE_INT: {
                uint64_t z = get_varint(d);
                n->i = (long long)((z >> 1) ^ (~(z & 1) + 1));
                break;
        }
        case NODE_SEQ:
        case NODE_MAP:
                count = get_varint(d);
                /* each node takes at least 5 bytes: a count larger than what is
                 * left is a lie, caught before anything is allocated for it */
                if (d->bad || count > (uint64_t)(d->end - d->p) / 5 ||
                    (n->type == NODE_MAP && count % 2)) {
                        d->bad = true;
                        return NULL;
                }
                /* the array at its size, not grown by doubling */
                if (count && !(n->items = malloc(count * sizeof(*n->items)))) {
                        d->bad = true;
                        return NULL;
                }
                n->cap = count;
                for (uint64_t i = 0; i < count; i++)
                        if (node_append(n, get_node(d, depth + 1)) < 0) {
                                d->bad = true;
                                return NULL;
                        }
                break;
        default:
                break;
        }
        return d->bad ? NULL : TAKE_PTR(n);
}

static struct node *get_tree(struct dec *d)
{
        struct node *n;

        if (!get_u8(d))
                return NULL;
        n = get_node(d, 0);
        if (!n)
                d->bad = true;
        return n;
}

int model_decode(const void *data, size_t len, struct model *ret)
{
        const uint8_t *b = data;
        struct model m = { 0 };
        struct dec d;
        uint64_t plen, n;
        char *s;

        if (len < HEADER_LEN || memcmp(b, MODEL_MAGIC, 8) != 0 || get_le(b + 8, 4) != MODEL_VERSION)
                return -EBADMSG;
        plen = get_le(b + 28, 8);
        m.key = get_le(b + 12, 8);
        if (plen != len - HEADER_LEN ||
            model_digest(m.key, b + HEADER_LEN, (size_t)plen) != get_le(b + 20, 8))
                return -EBADMSG;
        d = (struct dec){ .p = b + HEADER_LEN, .end = b + len };
        m.iid = get_str(&d);
        m.complete = get_u8(&d) & 1;
        n = get_varint(&d);
        if (!d.bad && n <= (uint64_t)(d.end - d.p)) {
                d.names = calloc(n ? (size_t)n : 1, sizeof(*d.names));
                for (size_t i = 0; d.names && i < n && !d.bad; i++) {
                        s = get_str(&d);
                        if (s)
                                d.names[d.n_names++] = node_intern_file(s);
                        free(s);
                }
                if (!d.names)
                        d.bad = true;
        } else
                d.bad = true;
        n = get_varint(&d);
        for (uint64_t i = 0; i < n && !d.bad; i++) {
                s = get_str(&d);
                if (s && model_add_diag(&m, s) < 0)
                        d.bad = true;
                free(s);
        }
        n = get_varint(&d);
        for (uint64_t i = 0; i < n && !d.bad; i++) {
                s = get_str(&d);
                bool shebang = get_u8(&d) != 0;
                if (s && model_add_hook(&m, s, shebang) < 0)
                        d.bad = true;
                free(s);
        }
        m.user = get_tree(&d);
        m.vendor = get_tree(&d);
        free(d.names);
        if (d.bad || d.p != d.end) {
                model_done(&m);
                return -EBADMSG;
        }
        *ret = m;
        return 0;
}

int model_store(int root_fd, const char *path, const struct model *m)
{
        struct buf b;
        int r = model_encode(m, MODEL_MAX, &b);

        if (r < 0)
                return r;
        r = fs_write_buf(root_fd, path, &b, 0600, FS_NO_OWNER, (gid_t)-1);
        buf_free_secret(&b);
        return r;
}

int model_load(int root_fd, const char *path, uint64_t want_key, const char *iid, struct model *ret)
{
        _cleanup_free_ char *data = NULL;
        struct model m;
        size_t len = 0;
        int r;

        r = fs_read_file(root_fd, path, MODEL_MAX, &data, &len);
        if (r < 0)
                return r;
        r = model_decode(data, len, &m);
        explicit_bzero(data, len);
        if (r < 0)
                return log_debug_errno(r, "%s is not an intact model; ignored", path);
        if ((want_key && m.key != want_key) || (iid && !streq(m.iid, iid))) {
                model_done(&m);
                return -ESTALE;
        }
        *ret = m;
        return 0;
}

int model_store_tree(int root_fd, const char *path, uint64_t key, const struct node *tree)
{
        struct model m = { .key = key ? key : 1, /* 0 would match any key */
                           .iid = (char *)"",
                           .complete = true,
                           .user = (struct node *)tree };

        return model_store(root_fd, path, &m);
}

int model_load_tree(int root_fd, const char *path, uint64_t key, struct node **ret)
{
        struct model m;
        int r = model_load(root_fd, path, key ? key : 1, NULL, &m);

        if (r < 0)
                return r;
        *ret = TAKE_PTR(m.user);
        model_done(&m);
        return *ret ? 0 : -EBADMSG;
}

static uint64_t stat_key(const struct stat *st)
{
        uint64_t k = MODEL_KEY_INIT;

        k = model_key_add(k, &st->st_dev, sizeof(st->st_dev));
        k = model_key_add(k, &st->st_ino, sizeof(st->st_ino));
        k = model_key_add(k, &st->st_size, sizeof(st->st_size));
        k = model_key_add(k, &st->st_mtim, sizeof(st->st_mtim));
        k = model_key_add(k, &st->st_ctim, sizeof(st->st_ctim));
        return k;
}

int model_shadow_store(int root_fd, const char *shadow, const char *json, const struct node *tree)
{
        struct stat st;
        int r = fs_stat(root_fd, json, false, &st);

        return r < 0 ? r : model_store_tree(root_fd, shadow, stat_key(&st), tree);
}

int model_shadow_load(int root_fd, const char *shadow, const char *json, struct node **ret)
{
        struct stat st;
        int r = fs_stat(root_fd, json, false, &st);

        return r < 0 ? r : model_load_tree(root_fd, shadow, stat_key(&st), ret);
}
