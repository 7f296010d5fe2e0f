/* SPDX-License-Identifier: Apache-2.0 */
/* The password server of CloudStack's virtual router and of Exoscale (port
 * 8080), as cloud-init's CloudStackPasswordServerClient and Exoscale's
 * get_password read it: a GET with "DomU_Request: send_my_password" answers
 * the VM's password, or "saved_password" / nothing when there is none (and
 * CloudStack's "bad_request"); a password is then acknowledged with a GET
 * with "DomU_Request: saved_password", after which the server no longer
 * gives it. The password becomes the datasource's cloud-config for the
 * default user. Nothing here logs the password. */
#pragma once

#include "datasource.h"
#include "net.h"

#define PWSERVER_PORT 8080
#define PWSERVER_PASSWORD_MAX 256

/* Ask url for the password and acknowledge it. 0 with *ret NULL: none; 0
 * with *ret the password (free it with free_secret()); -EPROTO: the server
 * said bad_request, or answered an HTTP status other than 200; -EBADMSG: the
 * answer is not a usable password (a control character, longer than
 * PWSERVER_PASSWORD_MAX); else http_fetch's errors. strip: white space around
 * the answer is not part of it (CloudStack). Nothing is logged above debug. */
int pwserver_fetch(const struct ds_net *n, const char *url, bool strip, char **ret);

/* cloud-init's configuration for a password from the server: ssh_pwauth true,
 * password, chpasswd {expire: false}. */
int pwserver_config(const char *password, struct node **ret);

/* What pwserver_fetch() returned (r, pw), said once and taken: who names the
 * cloud in messages. An unusable answer and "no password" are logged here;
 * -EPROTO and the fetch's own errors are the caller's to word (it has
 * logged them). A password becomes *ret_cfg (pwserver_config()) and is
 * wiped. Returns 0 whenever the instance boots without a password, else
 * pwserver_config()'s result or -ENOMEM. */
int pwserver_take(const char *who, const char *url, int r, char *pw, struct node **ret_cfg);
