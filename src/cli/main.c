/* SPDX-License-Identifier: Apache-2.0 */
/* cloudboot's command line: global options, then a subcommand with its own
 * options. The same binary answers as `cloud-init` (argv[0]) with cloud-init's
 * short options and flags, so that tools that drive cloud-init drive it. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "generator.h"
#include "log.h"
#include "module.h"
#include "node.h"
#include "stage.h"

/* The version of cloud-init's interface that the compatibility name speaks. */
#define CLOUD_INIT_COMPAT_VERSION "24.4"

enum {
        OPT_ROOT = 0x100,
        OPT_PROBE_DEVICES,
        OPT_VERSION,
        OPT_FORCE,
        OPT_FILES,
        OPT_FREQUENCY,
        OPT_FORMAT,
        OPT_MACHINE_ID,
        OPT_REPORT,
        OPT_SYSTEM,
        OPT_ANNOTATE,
        OPT_INCLUDE_SENSITIVE,
        OPT_CONFIGS,
        OPT_DOCS,
};

struct args {
        const char *prog; /* "cloudboot" or "cloud-init", for messages */
        const char *root;
        bool probe_devices;
        bool local, wait, long_fmt, json, all, list_keys, logs, seed, machine_id, reboot;
        bool include_sensitive, system, annotate, docs;
        const char *mode, *name, *frequency, *config_file, *infile, *outfile, *tarfile;
        const char *schema_type, *instance_data, *format, *configs;
        bool user_data, vendor_data;
};

struct command {
        const char *name;
        const char *shortopts; /* after the global "+hd" */
        const struct option *opts;
        const char *usage;
        int (*run)(struct args *a, int argc, char **argv);
};

static const struct option global_opts[] = {
        { "root", required_argument, NULL, OPT_ROOT },
        { "debug", no_argument, NULL, 'd' },
        { "probe-devices", no_argument, NULL, OPT_PROBE_DEVICES },
        { "help", no_argument, NULL, 'h' },
        /* cloud-init's: accepted for compatibility; see the man page */
        { "force", no_argument, NULL, OPT_FORCE },
        { "files", required_argument, NULL, OPT_FILES },
        { NULL, 0, NULL, 0 },
};

/* Only before the command: after it, -v means something else (query, collect-logs). */
static const struct option pre_opts[] = { { "version", no_argument, NULL, 'v' }, { 0 } };

static const char *const usage_text =
        "Usage: %s [--root DIR] [--debug] COMMAND [OPTIONS]\n"
        "\n"
        "First-boot provisioning from cloud-init compatible user-data.\n"
        "\n"
        "Commands:\n"
        "  init [--local]                 run the init-local or init stage\n"
        "  modules --mode config|final    run the config or final stage\n"
        "  single --name MODULE [--frequency instance|always|once]\n"
        "                                 run one module\n"
        "  modules                        list the modules (built-in and external) and\n"
        "                                 whether this boot's lists include them\n"
        "  status [--wait] [--long] [--format json|yaml|tabular]\n"
        "                                 show progress; exit 0 done, 1 error, 2 degraded\n"
        "  schema --config-file FILE      validate a cloud-config file\n"
        "  query [--all|--list-keys] [KEY]\n"
        "                                 print instance-data (dotted KEY, e.g. v1.instance_id)\n"
        "  clean [--logs] [--seed] [--machine-id] [--reboot]\n"
        "                                 remove instance state so the next boot is a first boot\n"
        "  analyze show|blame|dump [--infile FILE] [--outfile FILE]\n"
        "                                 stage and module times from cloud-init.log\n"
        "  collect-logs [--tarfile FILE] [--include-sensitive]\n"
        "                                 a tarball of logs and state for a bug report\n"
        "  devel hook                     configure the network again for a hotplugged NIC\n"
        "\n"
        "Global options:\n"
        "  --root DIR        act on the target root DIR instead of / (every path lies under it)\n"
        "  --probe-devices   under --root, still scan block devices for a cidata seed\n"
        "  -d, --debug       log debug messages to stderr\n"
        "  -v, --version     print the version\n"
        "  -h, --help        this text (also after any command)\n";

static int usage_error(const struct args *a, const char *cmd, const char *fmt, const char *what)
{
        fprintf(stderr, "%s%s%s: ", a->prog, cmd ? " " : "", cmd ? cmd : "");
        fprintf(stderr, fmt, what);
        fprintf(stderr, "\nTry '%s %s%s--help'.\n", a->prog, cmd ? cmd : "", cmd ? " " : "");
        return 2;
}

/* --- the commands ------------------------------------------------------------ */

static struct boot_opts boot_opts_of(const struct args *a)
{
        return (struct boot_opts){ .root = a->root, .probe_devices = a->probe_devices };
}

static int run_init(struct args *a, int argc, char **argv)
{
        struct boot_opts bo = boot_opts_of(a);
        if (optind < argc)
                return usage_error(a, "init", "unexpected argument '%s'", argv[optind]);
        return stage_init(&bo, a->local);
}

static int run_modules(struct args *a, int argc, char **argv)
{
        struct boot_opts bo = boot_opts_of(a);
        (void)argc;
        (void)argv;
        if (!a->mode)
                return cmd_modules(a->root);
        if (!streq(a->mode, "config") && !streq(a->mode, "final"))
                return usage_error(a, "modules", "%s", "--mode config or --mode final is needed");
        return stage_modules(&bo, streq(a->mode, "final") ? STAGE_FINAL : STAGE_CONFIG);
}

static int run_single(struct args *a, int argc, char **argv)
{
        struct boot_opts bo = boot_opts_of(a);
        (void)argc;
        (void)argv;
        if (!a->name)
                return usage_error(a, "single", "%s", "--name MODULE is needed");
        /* cloud-init names modules cc_ssh or ssh; both work */
        const char *name = strncmp(a->name, "cc_", 3) == 0 ? a->name + 3 : a->name;
        return stage_single(&bo, name, a->frequency);
}

static int run_status(struct args *a, int argc, char **argv)
{
        struct status_opts so = { .wait = a->wait, .long_fmt = a->long_fmt };
        (void)argc;
        (void)argv;
        if (a->format) {
                if (streq(a->format, "json"))
                        so.json = true;
                else if (streq(a->format, "yaml"))
                        so.yaml = true;
                else if (!streq(a->format, "tabular"))
                        return usage_error(a, "status",
                                           "--format takes json, yaml or tabular, "
                                           "not '%s'",
                                           a->format);
        }
        return cmd_status(a->root, &so);
}

static int run_schema(struct args *a, int argc, char **argv)
{
        (void)argc;
        (void)argv;
        if (a->schema_type && !streq(a->schema_type, "cloud-config"))
                return usage_error(a, "schema",
                                   "only --schema-type cloud-config is supported, not '%s'",
                                   a->schema_type);
        if (a->docs)
                return cmd_schema_docs();
        if (a->system) {
                (void)cmd_modules_load(a->root); /* external modules' keys, from the target */
                return cmd_schema_system(a->root);
        }
        if (!a->config_file)
                return usage_error(a, "schema", "%s", "--config-file FILE or --system is needed");
        (void)cmd_modules_load(a->root); /* external modules' keys, from the target */
        return cmd_schema(a->config_file);
}

static int run_query(struct args *a, int argc, char **argv)
{
        const char *key = optind < argc ? argv[optind] : NULL;

        if (a->user_data)
                key = "userdata";
        else if (a->vendor_data)
                key = "vendordata";
        if (!a->all && !a->list_keys && !key)
                return usage_error(a, "query", "%s", "give a KEY, --all or --list-keys");
        return cmd_query(a->root, a->instance_data, key, a->all, a->list_keys);
}

static int run_clean(struct args *a, int argc, char **argv)
{
        (void)argc;
        (void)argv;
        return cmd_clean(a->root, &(struct clean_opts){ .logs = a->logs,
                                                        .seed = a->seed,
                                                        .machine_id = a->machine_id,
                                                        .reboot = a->reboot,
                                                        .configs = a->configs });
}

static int run_analyze(struct args *a, int argc, char **argv)
{
        if (optind >= argc)
                return usage_error(a, "analyze", "%s", "give show, blame or dump");
        return cmd_analyze(a->root, argv[optind], a->infile, a->outfile);
}

static int run_collect_logs(struct args *a, int argc, char **argv)
{
        (void)argc;
        (void)argv;
        return cmd_collect_logs(a->root, a->tarfile ? a->tarfile : "cloud-init.tar.gz",
                                a->include_sensitive);
}

static int run_generator(struct args *a, int argc, char **argv)
{
        if (optind >= argc)
                return usage_error(a, "generator", "%s", "give the directory for the links");
        return generator_run(a->root, argv[optind]);
}

static int run_devel(struct args *a, int argc, char **argv)
{
        return cmd_devel(a->root, argc - optind, argv + optind);
}

static const struct option init_opts[] = { { "local", no_argument, NULL, 'l' }, { 0 } };
static const struct option modules_opts[] = { { "mode", required_argument, NULL, 'm' }, { 0 } };
static const struct option single_opts[] = {
        { "name", required_argument, NULL, 'n' },
        { "frequency", required_argument, NULL, OPT_FREQUENCY },
        { "report", no_argument, NULL, OPT_REPORT },
        { 0 },
};
static const struct option status_opts[] = {
        { "wait", no_argument, NULL, 'w' },
        { "long", no_argument, NULL, 'l' },
        { "format", required_argument, NULL, OPT_FORMAT },
        { 0 },
};
static const struct option schema_opts[] = {
        { "config-file", required_argument, NULL, 'c' },
        { "schema-type", required_argument, NULL, 't' },
        { "system", no_argument, NULL, OPT_SYSTEM },
        { "annotate", no_argument, NULL, OPT_ANNOTATE },
        { "docs", no_argument, NULL, OPT_DOCS },
        { 0 },
};
static const struct option query_opts[] = {
        { "all", no_argument, NULL, 'a' },
        { "list-keys", no_argument, NULL, 'l' },
        { "instance-data", required_argument, NULL, 'i' },
        { "user-data", no_argument, NULL, 'u' },
        { "vendor-data", no_argument, NULL, 'v' },
        { 0 },
};
static const struct option clean_opts[] = {
        { "logs", no_argument, NULL, 'l' },
        { "seed", no_argument, NULL, 's' },
        { "machine-id", no_argument, NULL, OPT_MACHINE_ID },
        { "reboot", no_argument, NULL, 'r' },
        { "configs", required_argument, NULL, OPT_CONFIGS },
        { 0 },
};
static const struct option analyze_opts[] = {
        { "infile", required_argument, NULL, 'i' },
        { "outfile", required_argument, NULL, 'o' },
        { 0 },
};
static const struct option collect_opts[] = {
        { "tarfile", required_argument, NULL, 't' },
        { "include-sensitive", no_argument, NULL, OPT_INCLUDE_SENSITIVE },
        /* cloud-init's older name for it */
        { "include-userdata", no_argument, NULL, 'u' },
        { "verbose", no_argument, NULL, 'v' },
        { 0 },
};

static const struct command commands[] = {
        { "init", "l", init_opts,
          "Usage: %s init [-l|--local]\n"
          "Find the datasource, record the instance and run the init modules.\n"
          "  -l, --local   the init-local stage: local datasources only, before the network\n",
          run_init },
        { "modules", "m:", modules_opts,
          "Usage: %s modules -m|--mode config|final\n"
          "Run the modules of the config or the final stage.\n"
          "Without --mode: list every module known (built-in and external) with its stage,\n"
          "frequency, whether this boot's module lists include it, and its source.\n",
          run_modules },
        { "single", "n:", single_opts,
          "Usage: %s single -n|--name MODULE [--frequency instance|always|once]\n"
          "Run one module now. --frequency always runs it even if it ran before.\n"
          "MODULE may be external; FREQUENCY may be any of cloud-init's names\n"
          "(once-per-instance, per-instance, always, per-always, once, per-once).\n"
          "  --report   accepted for cloud-init's sake; events always go to the log\n",
          run_single },
        { "status", "wl", status_opts,
          "Usage: %s status [-w|--wait] [-l|--long] [--format json|yaml|tabular]\n"
          "Exit codes: 0 done or running, 1 error, 2 done with recoverable errors.\n"
          "  -w, --wait      block until the final stage has finished, or until systemd\n"
          "                  shows that cloudboot's units will not run this boot\n"
          "  -l, --long      datasource, detail, errors and recoverable errors\n"
          "  --format FMT    json or yaml for machines, tabular (the default) for people\n",
          run_status },
        { "schema", "c:t:", schema_opts,
          "Usage: %s schema -c|--config-file FILE | --system | --docs\n"
          "Validate FILE (or, with --system, the instance's user-data) as cloud-config;\n"
          "problems are printed as FILE:LINE:COL: message. Exit 1 when there are errors.\n"
          "  -t, --schema-type cloud-config   the only type there is so far\n"
          "  --docs       list every supported key: KEY TYPES MODULE STAGE FREQUENCY\n"
          "  --annotate   accepted for cloud-init's sake; positions are always printed\n",
          run_schema },
        { "query", "ali:uv", query_opts,
          "Usage: %s query [-a|--all | -l|--list-keys | -u|--user-data | -v|--vendor-data | KEY]\n"
          "Print instance-data. KEY is dotted (v1.instance_id, ds.meta_data.local-hostname);\n"
          "userdata and vendordata print the raw data (root only).\n"
          "  -i, --instance-data FILE   read FILE instead of /run/cloud-init's\n",
          run_query },
        { "clean", "lsr", clean_opts,
          "Usage: %s clean [-l|--logs] [-s|--seed] [--machine-id] [-r|--reboot]\n"
          "Remove /var/lib/cloud except seed/ so that the next boot is a first boot.\n"
          "  -l, --logs       also remove /var/log/cloud-init.log and cloud-init-output.log\n"
          "  -s, --seed       also remove /var/lib/cloud/seed\n"
          "  --machine-id     write 'uninitialized' to /etc/machine-id (image templates)\n"
          "  -r, --reboot     reboot afterwards (only when the target root is /)\n"
          "  --configs WHAT   accepted for cloud-init's sake; cloudboot writes no such configs\n",
          run_clean },
        { "analyze", "i:o:", analyze_opts,
          "Usage: %s analyze show|blame|dump [-i|--infile FILE] [-o|--outfile FILE]\n"
          "Times from the start:/finish: events in /var/log/cloud-init.log.\n"
          "  show    each boot's stages and the modules in them, with durations\n"
          "  blame   the modules of each boot, slowest first\n"
          "  dump    the events as JSON\n",
          run_analyze },
        { "collect-logs", "t:uv", collect_opts,
          "Usage: %s collect-logs [-t|--tarfile FILE] [--include-sensitive]\n"
          "Write a gzip'd tarball (default ./cloud-init.tar.gz, mode 0600) of the logs,\n"
          "/run/cloud-init and the instance's state. User-data and every file only root may\n"
          "read stay out unless --include-sensitive (-u, --include-userdata).\n",
          run_collect_logs },
        { "generator", "", NULL,
          "Usage: %s generator DIR\n"
          "Decide as the systemd generator does at boot whether a datasource is plausibly\n"
          "there; if so link cloudboot.target into DIR/multi-user.target.wants. The reason\n"
          "goes to /run/cloud-init/cloudboot-generator.log.\n",
          run_generator },
        { "devel", "", NULL,
          "Usage: %s devel hook [--subsystem net] [--devpath PATH] [--udevaction add|remove]\n"
          "Configure the network again for a NIC udev just added (install_hotplug's rule).\n"
          "cloud-init's form works too: devel hotplug-hook -s net handle|query ...\n",
          run_devel },
};

static const struct command *find_command(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (streq(commands[i].name, name))
                        return &commands[i];
        return NULL;
}

static void print_usage(const struct args *a, const struct command *c)
{
        printf(c ? c->usage : usage_text, a->prog);
        if (c)
                printf("Global options: --root DIR, --probe-devices, -d|--debug\n");
}

/* Global options with the command's into one table (both end in a zero entry). */
static void merge_opts(const struct option *cmd, struct option *out, size_t size)
{
        size_t n = 0;
        for (const struct option *o = global_opts; o->name && n + 1 < size; o++)
                out[n++] = *o;
        for (const struct option *o = cmd; o && o->name && n + 1 < size; o++)
                out[n++] = *o;
        out[n] = (struct option){ 0 };
}

/* Returns -1 to go on, or an exit code. c is NULL for the options before the command. */
static int parse(int argc, char **argv, const struct command *c, struct args *a)
{
        struct option opts[32];
        char shortopts[32];
        int ch;

        merge_opts(c ? c->opts : pre_opts, opts, ELEMENTSOF(opts));
        /* "+": stop at the command */
        (void)snprintf(shortopts, sizeof(shortopts), "+hd%s", c ? c->shortopts : "v");
        optind = 1;
        opterr = 0;
        while ((ch = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
                switch (ch) {
                case 'h':
                        print_usage(a, c);
                        return 0;
                case 'd':
                        log_set_debug(true);
                        break;
                case OPT_ROOT:
                        a->root = optarg;
                        break;
                case OPT_PROBE_DEVICES:
                        a->probe_devices = true;
                        break;
                case OPT_FORCE:
                case OPT_FILES:
                case OPT_REPORT:
                case OPT_ANNOTATE:
                        break;
                case '?':
                        if (optopt)
                                return usage_error(a, c ? c->name : NULL,
                                                   "option '-%c' is unknown or needs a value",
                                                   (char[]){ (char)optopt, '\0' });
                        return usage_error(a, c ? c->name : NULL,
                                           "unknown or misplaced option '%s'", argv[optind - 1]);
                default:
                        if (!c) {
                                /* 'v' before the command: the version */
                                if (streq(a->prog, "cloud-init"))
                                        printf("/usr/bin/cloud-init %s (cloudboot %s)\n",
                                               CLOUD_INIT_COMPAT_VERSION, PACKAGE_VERSION);
                                else
                                        printf("cloudboot %s\n", PACKAGE_VERSION);
                                return 0;
                        }
                        break;
                }
                if (!c)
                        continue;
                /* the command's own options */
                const char *cmd = c->name;
                switch (ch) {
                case 'l':
                        if (streq(cmd, "init"))
                                a->local = true;
                        else if (streq(cmd, "status"))
                                a->long_fmt = true;
                        else if (streq(cmd, "query"))
                                a->list_keys = true;
                        else
                                a->logs = true;
                        break;
                case 'm':
                        a->mode = optarg;
                        break;
                case 'n':
                        a->name = optarg;
                        break;
                case OPT_FREQUENCY:
                        a->frequency = optarg;
                        break;
                case 'w':
                        a->wait = true;
                        break;
                case OPT_FORMAT:
                        a->format = optarg;
                        break;
                case 'c':
                        a->config_file = optarg;
                        break;
                case 't':
                        if (streq(cmd, "schema"))
                                a->schema_type = optarg;
                        else
                                a->tarfile = optarg;
                        break;
                case OPT_SYSTEM:
                        a->system = true;
                        break;
                case OPT_DOCS:
                        a->docs = true;
                        break;
                case 'a':
                        a->all = true;
                        break;
                case 'i':
                        if (streq(cmd, "query"))
                                a->instance_data = optarg;
                        else
                                a->infile = optarg;
                        break;
                case 'o':
                        a->outfile = optarg;
                        break;
                case 'u':
                        if (streq(cmd, "query"))
                                a->user_data = true;
                        else
                                a->include_sensitive = true;
                        break;
                case 'v':
                        if (streq(cmd, "query"))
                                a->vendor_data = true;
                        break; /* collect-logs -v: nothing more to say */
                case 's':
                        a->seed = true;
                        break;
                case 'r':
                        a->reboot = true;
                        break;
                case OPT_MACHINE_ID:
                        a->machine_id = true;
                        break;
                case OPT_CONFIGS:
                        a->configs = optarg;
                        break;
                case OPT_INCLUDE_SENSITIVE:
                        a->include_sensitive = true;
                        break;
                }
        }
        return -1;
}

static const char *base_name(const char *path)
{
        const char *s = strrchr(path, '/');
        return s ? s + 1 : path;
}

static int run(int argc, char **argv)
{
        struct args a = { .prog = "cloudboot", .root = "/" };
        const struct command *c;
        int r;

        if (argc > 0 && streq(base_name(argv[0]), "cloud-init"))
                a.prog = "cloud-init";
        /* systemd runs generators as NAME NORMAL-DIR [EARLY-DIR LATE-DIR] */
        if (argc > 0 && streq(base_name(argv[0]), "cloudboot-generator")) {
                if (argc != 2 && argc != 4) {
                        fprintf(stderr,
                                "Usage: cloudboot-generator NORMAL-DIR [EARLY-DIR LATE-DIR]\n");
                        return 2;
                }
                return generator_run("/", argv[argc == 4 ? 2 : 1]);
        }
        r = parse(argc, argv, NULL, &a);
        if (r >= 0)
                return r;
        if (optind >= argc) {
                print_usage(&a, NULL);
                return 2;
        }
        c = find_command(argv[optind]);
        if (!c) {
                fprintf(stderr, "%s: unknown command '%s'\n", a.prog, argv[optind]);
                print_usage(&a, NULL);
                return 2;
        }
        argc -= optind;
        argv += optind;
        r = parse(argc, argv, c, &a);
        if (r >= 0)
                return r;
        return c->run(&a, argc, argv);
}

int main(int argc, char **argv)
{
        int r;

        /* A command's output is copied to our stdout; a closed stdout must
         * give an error, not kill the boot. */
        (void)signal(SIGPIPE, SIG_IGN);
        r = run(argc, argv);
        node_names_free();
        return r;
}
