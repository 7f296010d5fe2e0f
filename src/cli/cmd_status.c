/* SPDX-License-Identifier: Apache-2.0 */
/* `cloudboot status`: cloud-init's states and exit codes, read from
 * status.json and result.json of this boot. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "cmdline.h"
#include "fs.h"
#include "json.h"
#include "status.h"
#include "units.h"

enum st { ST_NOT_STARTED, ST_RUNNING, ST_DONE, ST_DISABLED };

struct summary {
        enum st st;
        bool errors, recoverable;
        bool by_generator; /* disabled: nothing enabled cloudboot this boot */
        char unit_error[128]; /* from systemd's view of the units, or "" */
        struct node *doc; /* status.json, may be NULL */
};

static const char *const stages[] = { "init-local", "init", "modules-config", "modules-final" };

static bool disabled(int root_fd)
{
        _cleanup_free_ char *cmdline = NULL;

        if (fs_exists(root_fd, "/etc/cloud/cloud-init.disabled") ||
            fs_exists(root_fd, "/run/cloud-init/disabled"))
                return true;
        return fs_read_line(root_fd, "/proc/cmdline", &cmdline) >= 0 &&
               cmdline_has_word(cmdline, "cloud-init=disabled");
}

static void summarise(int root_fd, struct summary *s)
{
        *s = (struct summary){ .st = ST_NOT_STARTED };
        if (disabled(root_fd)) {
                s->st = ST_DISABLED;
                return;
        }
        if (status_load(root_fd, STATUS_LINK, &s->doc) < 0)
                return;
        s->st = fs_exists(root_fd, RESULT_LINK) ? ST_DONE : ST_RUNNING;
        for (size_t i = 0; i < ELEMENTSOF(stages); i++) {
                const struct node *st = node_get(node_get(s->doc, "v1"), stages[i]);
                const struct node *e = node_get(st, "errors"),
                                  *re = node_get(st, "recoverable_errors");
                if (e && e->type == NODE_SEQ && e->n)
                        s->errors = true;
                if (re && re->type == NODE_MAP && re->n)
                        s->recoverable = true;
        }
}

/* What status.json cannot tell: a stage unit that failed before it could
 * write, or a boot in which none of the stages will run. */
static void consult_units(const char *root, struct summary *s)
{
        char failed[64] = "";

        if ((s->st != ST_NOT_STARTED && s->st != ST_RUNNING) || !units_apply(root))
                return;
        switch (units_outlook(failed, sizeof(failed))) {
        case UNITS_FAILED:
                (void)snprintf(s->unit_error, sizeof(s->unit_error), "%s failed", failed);
                s->errors = true;
                break;
        case UNITS_IDLE:
                if (s->st == ST_NOT_STARTED) {
                        /* the generator saw no datasource and no seed appeared */
                        s->st = ST_DISABLED;
                        s->by_generator = true;
                } else {
                        (void)snprintf(s->unit_error, sizeof(s->unit_error),
                                       "a stage did not finish and no cloudboot unit is running "
                                       "or queued");
                        s->errors = true;
                }
                break;
        default:
                break;
        }
}

static const char *boot_status_code(const struct summary *s)
{
        if (s->st != ST_DISABLED)
                return "enabled";
        return s->by_generator ? "disabled-by-generator" : "disabled-by-marker-file";
}

static const char *state_name(const struct summary *s, bool extended)
{
        if (s->errors && s->st == ST_NOT_STARTED)
                return "error"; /* a stage unit failed before it wrote anything */
        switch (s->st) {
        case ST_DISABLED:
                return "disabled";
        case ST_NOT_STARTED:
                return "not started";
        case ST_RUNNING:
                return s->errors                    ? "error"
                       : extended && s->recoverable ? "degraded running"
                                                    : "running";
        default:
                return s->errors ? "error" : extended && s->recoverable ? "degraded done" : "done";
        }
}

static int exit_code(const struct summary *s)
{
        if (s->errors)
                return 1;
        return s->recoverable ? 2 : 0;
}

static void print_list(const struct node *list)
{
        if (!list || list->type != NODE_SEQ || !list->n) {
                printf(" []\n");
                return;
        }
        printf("\n");
        for (size_t i = 0; i < list->n; i++)
                printf("\t- %s\n", list->items[i]->str ? list->items[i]->str : "");
}

static void collect(const struct node *doc, const char *key, struct node *into)
{
        for (size_t i = 0; i < ELEMENTSOF(stages); i++) {
                const struct node *v = node_get(node_get(node_get(doc, "v1"), stages[i]), key);
                if (!v)
                        continue;
                if (into->type == NODE_SEQ && v->type == NODE_SEQ)
                        for (size_t j = 0; j < v->n; j++)
                                (void)node_append(into, node_copy(v->items[j]));
                if (into->type == NODE_MAP && v->type == NODE_MAP)
                        for (size_t j = 0; j + 1 < v->n; j += 2) {
                                struct node *dst;
                                if (!node_str(v->items[j]) || v->items[j + 1]->type != NODE_SEQ)
                                        continue;
                                if (!node_get(into, v->items[j]->str))
                                        (void)node_set(into, v->items[j]->str, node_new(NODE_SEQ));
                                dst = node_get(into, v->items[j]->str);
                                for (size_t m = 0; dst && m < v->items[j + 1]->n; m++)
                                        (void)node_append(dst,
                                                          node_copy(v->items[j + 1]->items[m]));
                        }
        }
}

static int print_status(const struct summary *s, const struct status_opts *o)
{
        const struct node *v1 = node_get(s->doc, "v1");
        const char *detail = node_get_str(v1, "datasource");
        _cleanup_node_ struct node *errors = node_new(NODE_SEQ), *recov = node_new(NODE_MAP);

        if (!errors || !recov)
                return 1;
        collect(s->doc, "errors", errors);
        if (s->unit_error[0])
                (void)node_append(errors, node_new_str(s->unit_error));
        collect(s->doc, "recoverable_errors", recov);
        if (o->json || o->yaml) {
                _cleanup_node_ struct node *out = node_new(NODE_MAP);
                struct buf b = BUF_INIT(16u * 1024 * 1024);
                if (!out)
                        return 1;
                (void)node_set(out, "status", node_new_str(state_name(s, false)));
                (void)node_set(out, "extended_status", node_new_str(state_name(s, true)));
                (void)node_set(out, "boot_status_code", node_new_str(boot_status_code(s)));
                (void)node_set(out, "detail", detail ? node_new_str(detail) : node_new(NODE_NULL));
                (void)node_set(
                        out, "datasource",
                        detail ? node_new_strn(
                                         detail + (strncmp(detail, "DataSource", 10) ? 0 : 10),
                                         strcspn(detail + (strncmp(detail, "DataSource", 10) ? 0
                                                                                             : 10),
                                                 " "))
                               : node_new(NODE_NULL));
                (void)node_set(out, "errors", TAKE_PTR(errors));
                (void)node_set(out, "recoverable_errors", TAKE_PTR(recov));
                for (size_t i = 0; i < ELEMENTSOF(stages); i++) {
                        const struct node *st = node_get(v1, stages[i]);
                        (void)node_set(out, stages[i], st ? node_copy(st) : node_new(NODE_NULL));
                }
                (void)node_set(out, "stage", node_copy(node_get(v1, "stage")));
                if (json_write(&b, out, 1) >= 0)
                        printf("%s\n", b.data);
                buf_free(&b);
                return exit_code(s);
        }
        printf("status: %s\n", state_name(s, false));
        if (!o->long_fmt)
                return exit_code(s);
        printf("extended_status: %s\n", state_name(s, true));
        printf("boot_status_code: %s\n", boot_status_code(s));
        printf("detail: %s\n",
               detail            ? detail
               : s->by_generator ? "Cloudboot is disabled for this boot: the generator found no "
                                   "datasource and no seed device appeared"
               : s->st == ST_NOT_STARTED ? "Cloudboot has not run"
                                         : "");
        printf("errors:");
        print_list(errors);
        if (!recov->n)
                printf("recoverable_errors: {}\n");
        else {
                printf("recoverable_errors:\n");
                for (size_t i = 0; i + 1 < recov->n; i += 2) {
                        printf("%s:", recov->items[i]->str);
                        print_list(recov->items[i + 1]);
                }
        }
        return exit_code(s);
}

int cmd_status(const char *root, const struct status_opts *o)
{
        _cleanup_close_ int root_fd = fs_open_root(root);
        struct summary s;
        bool dots = false;
        int r;

        if (root_fd < 0) {
                fprintf(stderr, "cloudboot status: cannot open %s: %s\n", root, strerror(-root_fd));
                return 1;
        }
        for (;;) {
                summarise(root_fd, &s);
                consult_units(root, &s);
                if (!o->wait || s.st == ST_DONE || s.st == ST_DISABLED || s.errors)
                        break;
                node_free(s.doc);
                if (!o->json && !o->yaml) {
                        putchar('.');
                        (void)fflush(stdout);
                        dots = true;
                }
                (void)nanosleep(&(struct timespec){ .tv_nsec = 250000000 }, NULL);
        }
        if (dots)
                putchar('\n');
        r = print_status(&s, o);
        node_free(s.doc);
        return r;
}
