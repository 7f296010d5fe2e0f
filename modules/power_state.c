/* SPDX-License-Identifier: Apache-2.0 */
/* power_state_change (final stage, per instance): cloud-init's
 * cc_power_state_change. A child waits for cloudboot to exit (at most
 * `timeout` seconds), checks `condition` (true, false, or a command whose exit
 * 0 means go), then runs shutdown -P|-r|-H DELAY [MESSAGE]. Under --root it
 * only says what it would do: the target is not this machine. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "log.h"
#include "module.h"
#include "schema.h"
#include "scripts.h"

static const char *const modes[] = { "poweroff", "reboot", "halt", NULL };
static const struct schema s_mode = { .types = T_STR, .enums = modes };
static const struct schema s_delay = { .types = T_STR | T_INT };
static const struct schema s_str = { .types = T_STR };
static const struct schema s_timeout = { .types = T_INT | T_FLOAT };
static const struct schema s_cond = { .types = T_BOOL | T_STR | T_SEQ };
static const struct schema_prop props[] = {
        { "mode", &s_mode, true },       { "delay", &s_delay, false },
        { "message", &s_str, false },    { "timeout", &s_timeout, false },
        { "condition", &s_cond, false }, { NULL, NULL, false },
};
static const struct schema s_power = { .types = T_MAP, .props = props, .closed = true };
static const struct schema_prop schema_keys[] = { { "power_state", &s_power, false },
                                                  { NULL, NULL, false } };
static const char *const activate[] = { "power_state", NULL };

/* The shutdown argv for the config: -EINVAL (logged) for a bad delay. */
static int shutdown_argv(const struct node *ps, const char **argv, char *delay, size_t size)
{
        const char *mode = node_get_str(ps, "mode");
        const struct node *d = node_get(ps, "delay");
        const char *flag = streq(mode, "reboot") ? "-r" : streq(mode, "halt") ? "-H" : "-P";
        size_t n = 0;

        if (!d || (node_str(d) && streq(d->str, "now")))
                (void)snprintf(delay, size, "now");
        else if (d->type == NODE_INT && d->i >= 0)
                (void)snprintf(delay, size, "+%lld", d->i);
        else if (node_str(d) && d->str[0] == '+' && d->str[1] &&
                 strspn(d->str + 1, "0123456789") == strlen(d->str + 1))
                (void)snprintf(delay, size, "%s", d->str);
        else if (node_str(d) && *d->str && strspn(d->str, "0123456789") == strlen(d->str))
                (void)snprintf(delay, size, "+%s", d->str);
        else {
                char pos[512];
                schema_pos(d, pos, sizeof(pos));
                return log_warning_errno(-EINVAL,
                                         "%s: power_state.delay must be now, +N or N minutes", pos);
        }
        argv[n++] = "shutdown";
        argv[n++] = flag;
        argv[n++] = delay;
        if (node_get_str(ps, "message"))
                argv[n++] = node_get_str(ps, "message");
        argv[n] = NULL;
        return 0;
}

static int power_state_run(const struct module_ctx *ctx)
{
        const struct node *ps = node_get(ctx->cfg, "power_state");
        const struct node *cond, *to;
        const char *argv[8];
        char delay[32];
        long timeout = 30;
        pid_t parent = getpid(), pid;
        int r;

        if (!ps)
                return 0;
        r = shutdown_argv(ps, argv, delay, sizeof(delay));
        if (r < 0)
                return r;
        cond = node_get(ps, "condition");
        if (cond && cond->type == NODE_BOOL && !cond->b) {
                log_info("power_state: condition is false; not shutting down");
                return 0;
        }
        to = node_get(ps, "timeout");
        if (to && to->type == NODE_INT && to->i >= 0)
                timeout = (long)to->i;
        if (!ctx->root_is_host) {
                log_info("power_state: would run %s %s %s after cloudboot exits; the target is "
                         "not this machine, so nothing is done",
                         argv[0], argv[1], argv[2]);
                return 0;
        }
        pid = fork();
        if (pid < 0)
                return log_warning_errno(-errno, "power_state: cannot fork: %m");
        if (pid > 0) {
                log_info("power_state: %s %s %s once cloudboot has exited", argv[0], argv[1],
                         argv[2]);
                return 0;
        }
        /* The child: detached, it waits for the stage to end. */
        (void)setsid();
        for (long waited = 0; kill(parent, 0) == 0 && waited < timeout * 10; waited++)
                (void)nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
        if (cond && cond->type != NODE_BOOL) {
                const char *sh[] = { "/bin/sh", "-c", node_str(cond) ? cond->str : "", NULL };
                struct buf cmd = BUF_INIT(64 * 1024);
                int status = 1;
                if (cond->type == NODE_SEQ) {
                        /* a list is an argv, quoted as cloud-init quotes it */
                        const struct node *wrap = cond;
                        struct node fake = { .type = NODE_SEQ,
                                             .items = (struct node **)&wrap,
                                             .n = 1 };
                        if (shellify(&fake, "power_state.condition", &cmd) >= 0) {
                                sh[0] = "/bin/sh";
                                sh[1] = "-c";
                                sh[2] = cmd.data + strlen("#!/bin/sh\n");
                        }
                }
                if (exec_argv(NULL, (char *const *)sh, &status) < 0 || status != 0) {
                        log_flush(); /* neither _exit() nor an exec writes it */
                        _exit(0);
                }
                buf_free(&cmd);
        }
        log_flush();
        execvp(argv[0], (char *const *)argv);
        _exit(127);
}

const struct module mod_power_state = {
        .name = "power_state_change",
        .freq = FREQ_INSTANCE,
        .keys = schema_keys,
        .activate_keys = activate,
        .run = power_state_run,
};
