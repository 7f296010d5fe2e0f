/* SPDX-License-Identifier: Apache-2.0 */
/* Floats as cloud-init's Python has them: the double PyYAML reads from a
 * YAML 1.1 float's text, and the text Python writes of a double (repr(), as
 * json.dumps and PyYAML's represent_float write it). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The double of text as PyYAML reads it: underscores dropped, ".inf",
 * "-.Inf", ".nan" in any case. *ret is set in every case (what strtod reads
 * of it); false when text is not all one number. */
bool py_float_value(const char *text, double *ret);

/* repr(v): the shortest digits that read back as v, fixed notation with at
 * least one decimal from 1e-4 up to 1e16, else d.ddde+XX (two exponent
 * digits at least), "-0.0" for negative zero. yaml: as PyYAML writes a float
 * (".inf", "-.inf", ".nan", and "1.0e+20" for repr's "1e+20"); not yaml:
 * "inf", "-inf", "nan", as repr() does. size: 32 bytes at least. */
void py_float_repr(double v, bool yaml, char *out, size_t size);

/* repr() of the double text reads as (py_float_value()), as
 * py_float_repr() writes it; false when text is not one finite number. A
 * plain decimal such as a stage's time costs no search for its digits. */
bool py_float_text_repr(const char *text, bool yaml, char *out, size_t size);
