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

/* The text repr() writes of a finite double, from its shortest digits
 * (no leading or trailing zero, nd >= 1) and the decimal exponent of the
 * first: fixed notation from 1e-4 up to 1e16, else d.ddde+XX. */
static void format_repr(bool neg, const char *digits, int nd, int exp, bool yaml, char *out,
                        size_t size)
{
        size_t n = 0;

        if (neg)
                out[n++] = '-';
        if (exp < -4 || exp >= 16) {
                /* d.ddde+XX; a single digit gets ".0" from PyYAML only */
                (void)snprintf(out + n, size - n, "%c%s%.*s%se%c%02d", digits[0],
                               nd > 1 || yaml ? "." : "", nd - 1, digits + 1,
                               nd > 1 || !yaml ? "" : "0", exp < 0 ? '-' : '+', abs(exp));
        } else if (exp < 0) {
                n += (size_t)snprintf(out + n, size - n, "0.");
                for (int i = -1; i > exp; i--)
                        out[n++] = '0';
                (void)snprintf(out + n, size - n, "%.*s", nd, digits);
        } else {
                for (int i = 0; i <= exp; i++)
                        out[n++] = i < nd ? digits[i] : '0';
                (void)snprintf(out + n, size - n, ".%.*s", exp + 1 < nd ? nd - exp - 1 : 1,
                               exp + 1 < nd ? digits + exp + 1 : "0");
        }
}

void py_float_repr(double v, bool yaml, char *out, size_t size)
{
        char e[40], digits[24];
        int prec, nd = 0;
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
        while (nd > 1 && digits[nd - 1] == '0')
                nd--;
        format_repr(e[0] == '-', digits, nd, *p == 'e' ? atoi(p + 1) : 0, yaml, out, size);
}

/* A plain decimal ([+-]digits[.digits], as a stage's times are written) of
 * at most 15 significant digits, its sign, digits and exponent: such a
 * decimal is the shortest repr of its double (two decimals of 15 digits or
 * fewer never read as the same double), so no search is needed. */
static bool plain_decimal(const char *s, bool *neg, char *digits, int *nd, int *exp)
{
        int n = 0, first = -1, pos = 0, point = -1;

        *neg = *s == '-';
        s += *s == '-' || *s == '+';
        for (; *s; s++) {
                if (*s == '.' && point < 0) {
                        point = pos;
                        continue;
                }
                if (*s < '0' || *s > '9' || pos >= 64)
                        return false;
                if (first < 0 && *s != '0')
                        first = pos;
                if (first >= 0) {
                        if (n >= 15 && *s != '0')
                                return false;
                        if (n < 15)
                                digits[n] = *s;
                        n++;
                }
                pos++;
        }
        if (pos == 0)
                return false; /* "", "." */
        if (first < 0) {
                *nd = 0; /* zero */
                return true;
        }
        *exp = (point < 0 ? pos : point) - first - 1;
        *nd = n < 15 ? n : 15;
        while (*nd > 1 && digits[*nd - 1] == '0')
                (*nd)--;
        return true;
}

bool py_float_text_repr(const char *text, bool yaml, char *out, size_t size)
{
        char digits[16];
        int nd, exp;
        bool neg;
        double v;

        if (text && plain_decimal(text, &neg, digits, &nd, &exp)) {
                if (nd == 0)
                        (void)snprintf(out, size, "%s0.0", neg ? "-" : "");
                else
                        format_repr(neg, digits, nd, exp, yaml, out, size);
                return true;
        }
        if (!py_float_value(text, &v) || !isfinite(v))
                return false;
        py_float_repr(v, yaml, out, size);
        return true;
}
