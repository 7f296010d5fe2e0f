/* cloudboot's command line: global options, then a subcommand. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "module.h"
#include "node.h"
#include "stage.h"

enum {
        OPT_ROOT = 0x100,
        OPT_DEBUG,
        OPT_PROBE_DEVICES,
        OPT_VERSION,
        OPT_LOCAL,
        OPT_MODE,
        OPT_NAME,
        OPT_FREQUENCY,
        OPT_WAIT,
        OPT_LONG,
        OPT_FORMAT,
        OPT_CONFIG_FILE,
        OPT_ALL,
        OPT_LIST_KEYS,
        OPT_LOGS,
        OPT_SEED,
        OPT_MACHINE_ID,
};

struct args {
        const char *root;
        bool probe_devices;
        bool local, wait, long_fmt, json, all, list_keys, logs, seed, machine_id;
        const char *mode, *name, *frequency, *config_file;
};

static const char *const usage_text =
        "Usage: cloudboot [--root DIR] [--debug] COMMAND [OPTIONS]\n"
        "\n"
        "First-boot provisioning from cloud-init compatible user-data.\n"
        "\n"
        "Commands:\n"
        "  init [--local]                 run the init-local or init stage\n"
        "  modules --mode config|final    run the config or final stage\n"
        "  single --name MODULE [--frequency instance|always|once]\n"
        "                                 run one module\n"
        "  status [--wait] [--long] [--format json]\n"
        "                                 show progress; exit 0 done, 1 error, 2 degraded\n"
        "  schema --config-file FILE      validate a cloud-config file\n"
        "  query [--all|--list-keys] [KEY]\n"
        "                                 print instance-data (dotted KEY, e.g. v1.instance_id)\n"
        "  clean [--logs] [--seed] [--machine-id]\n"
        "                                 remove instance state so the next boot is a first boot\n"
        "\n"
        "Global options:\n"
        "  --root DIR        act on the target root DIR instead of / (every path lies under it)\n"
        "  --probe-devices   under --root, still scan block devices for a cidata seed\n"
        "  --debug           log debug messages to stderr\n"
        "  --version         print the version\n"
        "  -h, --help        this text (also after any command)\n";

static const struct {
        const char *cmd;
        const char *text;
} cmd_usage[] = {
        { "init",
          "Usage: cloudboot init [--local]\n"
          "Find the datasource, record the instance and run the init modules.\n"
          "  --local   the init-local stage: local datasources only, before the network\n" },
        { "modules", "Usage: cloudboot modules --mode config|final\n"
                     "Run the modules of the config or the final stage.\n" },
        { "single", "Usage: cloudboot single --name MODULE [--frequency instance|always|once]\n"
                    "Run one module now. --frequency always runs it even if it ran before.\n" },
        { "status", "Usage: cloudboot status [--wait] [--long] [--format json]\n"
                    "Exit codes: 0 done or running, 1 error, 2 done with recoverable errors.\n"
                    "  --wait          block until the final stage has finished\n"
                    "  --long          datasource, detail, errors and recoverable errors\n"
                    "  --format json   machine-readable output\n" },
        { "schema",
          "Usage: cloudboot schema --config-file FILE\n"
          "Validate FILE as cloud-config; problems are printed as FILE:LINE:COL: message.\n"
          "Exit 1 when there are errors.\n" },
        { "query",
          "Usage: cloudboot query [--all | --list-keys | KEY]\n"
          "Print instance-data. KEY is dotted (v1.instance_id, ds.meta_data.local-hostname);\n"
          "userdata and vendordata print the raw data (root only).\n" },
        { "clean",
          "Usage: cloudboot clean [--logs] [--seed] [--machine-id]\n"
          "Remove /var/lib/cloud except seed/ so that the next boot is a first boot.\n"
          "  --logs         also remove /var/log/cloud-init.log and cloud-init-output.log\n"
          "  --seed         also remove /var/lib/cloud/seed\n"
          "  --machine-id   write 'uninitialized' to /etc/machine-id (image templates)\n" },
};

static void print_usage(const char *cmd)
{
        if (cmd)
                for (size_t i = 0; i < ELEMENTSOF(cmd_usage); i++)
                        if (streq(cmd_usage[i].cmd, cmd)) {
                                fputs(cmd_usage[i].text, stdout);
                                fputs("Global options: --root DIR, --probe-devices, --debug\n",
                                      stdout);
                                return;
                        }
        fputs(usage_text, stdout);
}

static const struct option options[] = {
        { "root", required_argument, NULL, OPT_ROOT },
        { "debug", no_argument, NULL, OPT_DEBUG },
        { "probe-devices", no_argument, NULL, OPT_PROBE_DEVICES },
        { "version", no_argument, NULL, OPT_VERSION },
        { "help", no_argument, NULL, 'h' },
        { "local", no_argument, NULL, OPT_LOCAL },
        { "mode", required_argument, NULL, OPT_MODE },
        { "name", required_argument, NULL, OPT_NAME },
        { "frequency", required_argument, NULL, OPT_FREQUENCY },
        { "wait", no_argument, NULL, OPT_WAIT },
        { "long", no_argument, NULL, OPT_LONG },
        { "format", required_argument, NULL, OPT_FORMAT },
        { "config-file", required_argument, NULL, OPT_CONFIG_FILE },
        { "all", no_argument, NULL, OPT_ALL },
        { "list-keys", no_argument, NULL, OPT_LIST_KEYS },
        { "logs", no_argument, NULL, OPT_LOGS },
        { "seed", no_argument, NULL, OPT_SEED },
        { "machine-id", no_argument, NULL, OPT_MACHINE_ID },
        { NULL, 0, NULL, 0 },
};

/* Which options each command takes (the global ones go everywhere). */
static bool allowed(const char *cmd, int opt)
{
        if (opt == OPT_ROOT || opt == OPT_DEBUG || opt == OPT_PROBE_DEVICES || opt == 'h' ||
            opt == OPT_VERSION)
                return true;
        if (!cmd)
                return false;
        if (streq(cmd, "init"))
                return opt == OPT_LOCAL;
        if (streq(cmd, "modules"))
                return opt == OPT_MODE;
        if (streq(cmd, "single"))
                return opt == OPT_NAME || opt == OPT_FREQUENCY;
        if (streq(cmd, "status"))
                return opt == OPT_WAIT || opt == OPT_LONG || opt == OPT_FORMAT;
        if (streq(cmd, "schema"))
                return opt == OPT_CONFIG_FILE;
        if (streq(cmd, "query"))
                return opt == OPT_ALL || opt == OPT_LIST_KEYS;
        if (streq(cmd, "clean"))
                return opt == OPT_LOGS || opt == OPT_SEED || opt == OPT_MACHINE_ID;
        return false;
}

/* Returns -1 to go on, or an exit code. */
static int parse(int argc, char **argv, const char *cmd, struct args *a)
{
        int c;

        optind = 1;
        opterr = 0;
        while ((c = getopt_long(argc, argv, cmd ? "+hc:" : "+h", options, NULL)) != -1) {
                if (c == 'c' && cmd && streq(cmd, "schema"))
                        c = OPT_CONFIG_FILE;
                if (c == '?' || !allowed(cmd, c)) {
                        fprintf(stderr, "cloudboot%s%s: unknown or misplaced option '%s'\n",
                                cmd ? " " : "", cmd ? cmd : "", argv[optind - 1]);
                        fprintf(stderr, "Try 'cloudboot %s%s--help'.\n", cmd ? cmd : "",
                                cmd ? " " : "");
                        return 2;
                }
                switch (c) {
                case 'h':
                        print_usage(cmd);
                        return 0;
                case OPT_VERSION:
                        printf("cloudboot %s\n", PACKAGE_VERSION);
                        return 0;
                case OPT_ROOT:
                        a->root = optarg;
                        break;
                case OPT_DEBUG:
                        log_set_debug(true);
                        break;
                case OPT_PROBE_DEVICES:
                        a->probe_devices = true;
                        break;
                case OPT_LOCAL:
                        a->local = true;
                        break;
                case OPT_MODE:
                        a->mode = optarg;
                        break;
                case OPT_NAME:
                        a->name = optarg;
                        break;
                case OPT_FREQUENCY:
                        a->frequency = optarg;
                        break;
                case OPT_WAIT:
                        a->wait = true;
                        break;
                case OPT_LONG:
                        a->long_fmt = true;
                        break;
                case OPT_FORMAT:
                        if (!streq(optarg, "json") && !streq(optarg, "tabular")) {
                                fprintf(stderr,
                                        "cloudboot status: --format takes json or tabular\n");
                                return 2;
                        }
                        a->json = streq(optarg, "json");
                        break;
                case OPT_CONFIG_FILE:
                        a->config_file = optarg;
                        break;
                case OPT_ALL:
                        a->all = true;
                        break;
                case OPT_LIST_KEYS:
                        a->list_keys = true;
                        break;
                case OPT_LOGS:
                        a->logs = true;
                        break;
                case OPT_SEED:
                        a->seed = true;
                        break;
                case OPT_MACHINE_ID:
                        a->machine_id = true;
                        break;
                }
        }
        return -1;
}

static int run(int argc, char **argv)
{
        struct args a = { .root = "/" };
        struct boot_opts bo;
        const char *cmd;
        int r;

        r = parse(argc, argv, NULL, &a);
        if (r >= 0)
                return r;
        if (optind >= argc) {
                print_usage(NULL);
                return 2;
        }
        cmd = argv[optind];
        argc -= optind;
        argv += optind;
        r = parse(argc, argv, cmd, &a);
        if (r >= 0)
                return r;
        bo = (struct boot_opts){ .root = a.root, .probe_devices = a.probe_devices };

        if (streq(cmd, "init"))
                return optind < argc ? 2 : stage_init(&bo, a.local);
        if (streq(cmd, "modules")) {
                if (!a.mode || (!streq(a.mode, "config") && !streq(a.mode, "final"))) {
                        fprintf(stderr,
                                "cloudboot modules: --mode config or --mode final is needed\n");
                        return 2;
                }
                return stage_modules(&bo, streq(a.mode, "final") ? STAGE_FINAL : STAGE_CONFIG);
        }
        if (streq(cmd, "single")) {
                if (!a.name) {
                        fprintf(stderr, "cloudboot single: --name MODULE is needed\n");
                        return 2;
                }
                return stage_single(&bo, a.name, a.frequency);
        }
        if (streq(cmd, "status")) {
                struct status_opts so = { .wait = a.wait, .long_fmt = a.long_fmt, .json = a.json };
                return cmd_status(a.root, &so);
        }
        if (streq(cmd, "schema")) {
                if (!a.config_file) {
                        fprintf(stderr, "cloudboot schema: --config-file FILE is needed\n");
                        return 2;
                }
                return cmd_schema(a.config_file);
        }
        if (streq(cmd, "query")) {
                if (!a.all && !a.list_keys && optind >= argc) {
                        fprintf(stderr, "cloudboot query: give a KEY, --all or --list-keys\n");
                        return 2;
                }
                return cmd_query(a.root, optind < argc ? argv[optind] : NULL, a.all, a.list_keys);
        }
        if (streq(cmd, "clean"))
                return cmd_clean(a.root, a.logs, a.seed, a.machine_id);
        fprintf(stderr, "cloudboot: unknown command '%s'\n", cmd);
        print_usage(NULL);
        return 2;
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
