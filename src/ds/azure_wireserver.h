/* SPDX-License-Identifier: Apache-2.0 */
/* Azure's wireserver (168.63.129.16): the goal state names this VM's
 * container and role instance; a health report posted for them tells the
 * platform that provisioning is done (Ready) or failed (NotReady with the
 * substatus ProvisioningFailed), as cloud-init's WALinuxAgentShim does.
 * Without the Ready report Azure fails the deployment after its timeout. */
#pragma once

#include <stdbool.h>

#include "buf.h"
#include "net.h"

#define AZURE_WIRESERVER "168.63.129.16"
#define AZURE_DESCRIPTION_MAX 512 /* cloud-init trims the failure description so */

struct azure_goal_state {
        char incarnation[32];
        char container_id[128];
        char instance_id[128];
};

/* The goal state XML: Incarnation, Container/ContainerId and
 * Container/RoleInstanceList/RoleInstance/InstanceId, each required and one
 * line of printable text. -EBADMSG with *ret_why. */
int azure_goal_state_parse(const char *xml, size_t len, struct azure_goal_state *ret,
                           char *ret_why, size_t why_size);

/* The health report for gs: status "Ready", or "NotReady" with substatus and
 * a description (trimmed to AZURE_DESCRIPTION_MAX bytes); every value
 * escaped for XML. */
int azure_health_report(const struct azure_goal_state *gs, const char *status,
                        const char *substatus, const char *description, struct buf *out);

/* Fetch the goal state from endpoint ("host" or "host:port") and post the
 * health report: Ready when description is NULL, else the failure. Each
 * request is retried on timeouts, server errors and non-200 answers, up to
 * attempts times, all ending by the deadline in limits; a refused
 * connection or no route ends it at once. Logs what it did; returns <0 when
 * the report was not accepted. */
int azure_report(const struct ds_net *limits, const char *endpoint, const char *description);
