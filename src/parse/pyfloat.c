/* SPDX-License-Identifier: Apache-2.0 */
/* Python's floats (see pyfloat.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pyfloat.h"

bool py_float_value(const char *text, double *ret)
{
        char t[128];
        size_t k = 0;
        const char *s = text ? text : "";
        char *end;

        for (; *s && k < sizeof(t) - 1; s++)
                if (*s != '_')
                        t[k++] = *s;
        t[k] = '\0';
        const char *u = t + (t[0] == '-' || t[0] == '+');
        if (strcasecmp(u, ".inf") == 0) {
                *ret = t[0] == '-' ? -INFINITY : INFINITY;
                return !*s;
        }
        if (strcasecmp(u, ".nan") == 0) {
                *ret = NAN;
                return !*s;
        }
        /* a tiny value reads as a subnormal or 0, as in Python */
        *ret = strtod(t, &end);
        return !*s && k > 0 && !*end && !strpbrk(t, "xX");
}

void py_float_repr(double v, bool yaml, char *out, size_t size)
{
        char e[40], digits[24];
        int prec, exp, nd = 0;
        size_t n = 0;
        char *p;

        if (isnan(v) || isinf(v)) {
                (void)snprintf(out, size, "%s%s%s", isinf(v) && v < 0 ? "-" : "", yaml ? "." : "",
                               isnan(v) ? "nan" : "inf");
                return;
        }
        /* the shortest digits that read back as v, as repr() finds them */
        for (prec = 0; prec < 17; prec++) {
                (void)snprintf(e, sizeof(e), "%.*e", prec, v);
                if (strtod(e, NULL) == v)
                        break;
        }
        (void)snprintf(e, sizeof(e), "%.*e", prec, v);
        for (p = e + (e[0] == '-'); *p && *p != 'e'; p++)
                if (*p >= '0' && *p <= '9' && nd < (int)sizeof(digits) - 1)
                        digits[nd++] = *p;
        digits[nd] = '\0';
        exp = *p == 'e' ? atoi(p + 1) : 0;
        while (nd > 1 && digits[nd - 1] == '0')
                digits[--nd] = '\0';
        if (e[0] == '-')
                out[n++] = '-';
        if (exp < -4 || exp >= 16) {
                /* d.ddde+XX; a single digit gets ".0" from PyYAML only */
                (void)snprintf(out + n, size - n, "%c%s%s%se%c%02d", digits[0],
                               nd > 1 || yaml ? "." : "", nd > 1 ? digits + 1 : "",
                               nd > 1 || !yaml ? "" : "0", exp < 0 ? '-' : '+', abs(exp));
        } else if (exp < 0) {
                n += (size_t)snprintf(out + n, size - n, "0.");
                for (int i = -1; i > exp; i--)
                        out[n++] = '0';
                (void)snprintf(out + n, size - n, "%s", digits);
        } else {
                for (int i = 0; i <= exp; i++)
                        out[n++] = i < nd ? digits[i] : '0';
                (void)snprintf(out + n, size - n, ".%s", exp + 1 < nd ? digits + exp + 1 : "0");
        }
}
