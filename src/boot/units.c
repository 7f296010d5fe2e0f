/* SPDX-License-Identifier: Apache-2.0 */
/* systemd's view of the stage units over sd-bus (see units.h). Only
 * `status --wait` asks, so libsystemd is loaded with dlopen then, not linked
 * into every stage. */
#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include "dynlib.h"
#include "macro.h"
#include "units.h"

static const char *const stage_units[] = {
        "cloudboot-local.service", "cloudboot.service", "cloudboot-config.service",
        "cloudboot-final.service", "cloudboot.target",
};

/* The sd-bus calls used here, from libsystemd.so.0 on first use. */
static struct {
        void *lib;
        int (*booted)(void);
        int (*open_system)(sd_bus **);
        sd_bus *(*flush_close_unref)(sd_bus *);
        int (*path_encode)(const char *, const char *, char **);
        int (*get_property_string)(sd_bus *, const char *, const char *, const char *,
                                   const char *, sd_bus_error *, char **);
        int (*get_property)(sd_bus *, const char *, const char *, const char *, const char *,
                            sd_bus_error *, sd_bus_message **, const char *);
        int (*get_property_trivial)(sd_bus *, const char *, const char *, const char *,
                                    const char *, sd_bus_error *, char, void *);
        int (*message_read)(sd_bus_message *, const char *, ...);
        sd_bus_message *(*message_unref)(sd_bus_message *);
        void (*error_free)(sd_bus_error *);
} sd;

static bool sd_load(void)
{
        static const struct dynlib_sym syms[] = {
                DYNLIB_SYM(sd, booted, "sd_booted"),
                DYNLIB_SYM(sd, open_system, "sd_bus_open_system"),
                DYNLIB_SYM(sd, flush_close_unref, "sd_bus_flush_close_unref"),
                DYNLIB_SYM(sd, path_encode, "sd_bus_path_encode"),
                DYNLIB_SYM(sd, get_property_string, "sd_bus_get_property_string"),
                DYNLIB_SYM(sd, get_property, "sd_bus_get_property"),
                DYNLIB_SYM(sd, get_property_trivial, "sd_bus_get_property_trivial"),
                DYNLIB_SYM(sd, message_read, "sd_bus_message_read"),
                DYNLIB_SYM(sd, message_unref, "sd_bus_message_unref"),
                DYNLIB_SYM(sd, error_free, "sd_bus_error_free"),
        };

        return dynlib_load(&sd, "libsystemd.so.0", syms, ELEMENTSOF(syms)) >= 0;
}

static void bus_unrefp(sd_bus **b)
{
        if (*b)
                sd.flush_close_unref(*b);
}

/* ActiveState and whether a job is queued for one unit. */
static int unit_state(sd_bus *bus, const char *unit, char **ret_active, bool *ret_job)
{
        _cleanup_free_ char *path = NULL;
        sd_bus_error err = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        uint32_t job_id = 0;
        const char *job_path;
        int r;

        r = sd.path_encode("/org/freedesktop/systemd1/unit", unit, &path);
        if (r < 0)
                return r;
        r = sd.get_property_string(bus, "org.freedesktop.systemd1", path,
                                       "org.freedesktop.systemd1.Unit", "ActiveState", &err,
                                       ret_active);
        if (r < 0) {
                sd.error_free(&err);
                return r;
        }
        r = sd.get_property(bus, "org.freedesktop.systemd1", path,
                                "org.freedesktop.systemd1.Unit", "Job", &err, &reply, "(uo)");
        if (r >= 0)
                r = sd.message_read(reply, "(uo)", &job_id, &job_path);
        sd.message_unref(reply);
        sd.error_free(&err);
        *ret_job = r >= 0 && job_id != 0;
        return 0;
}

#ifdef CLOUDBOOT_TEST_HOOKS
static bool test_answer(enum units_outlook *ret, char *failed, size_t size)
{
        const char *e = getenv("CLOUDBOOT_TEST_UNITS");
        if (!e)
                return false;
        if (strncmp(e, "failed:", 7) == 0) {
                (void)snprintf(failed, size, "%s", e + 7);
                *ret = UNITS_FAILED;
        } else
                *ret = streq(e, "idle") ? UNITS_IDLE : UNITS_PENDING;
        return true;
}
#endif

enum units_outlook units_outlook(char *failed, size_t size)
{
        _cleanup_(bus_unrefp) sd_bus *bus = NULL;
        sd_bus_error err = SD_BUS_ERROR_NULL;
        bool pending = false;
        uint32_t njobs = 0;

#ifdef CLOUDBOOT_TEST_HOOKS
        enum units_outlook t;
        if (test_answer(&t, failed, size))
                return t;
#endif
        if (!sd_load() || sd.booted() <= 0 || sd.open_system(&bus) < 0)
                return UNITS_UNKNOWN;
        for (size_t i = 0; i < ELEMENTSOF(stage_units); i++) {
                _cleanup_free_ char *active = NULL;
                bool job = false;

                if (unit_state(bus, stage_units[i], &active, &job) < 0)
                        return UNITS_UNKNOWN;
                if (streq(active, "failed")) {
                        (void)snprintf(failed, size, "%s", stage_units[i]);
                        return UNITS_FAILED;
                }
                if (job || streq(active, "activating") || streq(active, "reloading"))
                        pending = true;
        }
        if (pending)
                return UNITS_PENDING;
        /* Jobs still queued: the boot goes on, and a seed device may yet
         * appear and start cloudboot.target (the udev rule). */
        if (sd.get_property_trivial(
                    bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                    "org.freedesktop.systemd1.Manager", "NJobs", &err, 'u', &njobs) < 0) {
                sd.error_free(&err);
                return UNITS_UNKNOWN;
        }
        return njobs > 0 ? UNITS_PENDING : UNITS_IDLE;
}

bool units_apply(const char *root)
{
#ifdef CLOUDBOOT_TEST_HOOKS
        if (getenv("CLOUDBOOT_TEST_UNITS"))
                return true;
#endif
        return streq(root, "/");
}
