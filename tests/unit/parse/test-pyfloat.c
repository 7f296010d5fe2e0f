/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of src/parse/pyfloat.c: floats written as Python's repr() writes
 * them, and the plain decimals that skip the search for their digits. */
#include <math.h>
#include <stdlib.h>

#include "testlib.h"
#include "pyfloat.h"

static void expect(const char *text, bool yaml, const char *want)
{
        char out[64];

        assert_true(py_float_text_repr(text, yaml, out, sizeof(out)));
        if (strcmp(out, want) != 0)
                fail_msg("%s: '%s', not '%s'", text, out, want);
}

/* What Python 3 prints for repr(float(text)) (json), and PyYAML for
 * yaml.dump(float(text)). */
static void test_repr_of_texts(void **state)
{
        (void)state;
        expect("1733312345.123", false, "1733312345.123");
        expect("12.500", false, "12.5");
        expect("+1.5", false, "1.5");
        expect(".5", false, "0.5");
        expect("1.", false, "1.0");
        expect("007.25", false, "7.25");
        expect("0", false, "0.0");
        expect("-0.000", false, "-0.0");
        expect("0.0001", false, "0.0001");
        expect("0.00001", false, "1e-05");
        expect("0.00001", true, "1.0e-05");
        expect("0.000012", true, "1.2e-05");
        expect("1000000000000000", false, "1000000000000000.0");
        expect("10000000000000000", false, "1e+16");
        expect("123456789012345678", false, "1.2345678901234568e+17");
        expect("0.1000000000000000055511151231257827", false, "0.1");
        expect("1_000.5", false, "1000.5");
        expect("1e3", false, "1000.0");
        expect("6.02e23", true, "6.02e+23");
        expect("-2.5e-7", false, "-2.5e-07");
}

static void test_what_is_no_finite_number(void **state)
{
        (void)state;
        char out[64];
        const char *bad[] = { "", ".", "-", "abc", "1.2.3", ".inf", "-.Inf", ".nan", "1e400", "0x10", NULL };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (py_float_text_repr(bad[i], false, out, sizeof(out)))
                        fail_msg("'%s' read as %s", bad[i] ? bad[i] : "(null)", out);
}

/* The shortcut for plain decimals writes what the search writes, over
 * random decimals of every length around the 15 digits where it stops. */
static void test_plain_decimals_as_the_search_writes_them(void **state)
{
        (void)state;
        char text[80], fast[64], slow[64];

        srand(25);
        for (int i = 0; i < 200000; i++) {
                int len = 1 + rand() % 22, point = rand() % (len + 1), n = 0;
                if (rand() % 2)
                        text[n++] = '-';
                for (int k = 0; k < len; k++) {
                        if (k == point)
                                text[n++] = '.';
                        /* runs of zeros, as times and round numbers have */
                        text[n++] = rand() % 3 ? (char)('0' + rand() % 10) : '0';
                }
                text[n] = '\0';
                for (int yaml = 0; yaml < 2; yaml++) {
                        assert_true(py_float_text_repr(text, yaml, fast, sizeof(fast)));
                        py_float_repr(strtod(text, NULL), yaml, slow, sizeof(slow));
                        if (strcmp(fast, slow) != 0)
                                fail_msg("%s (yaml %d): '%s', the search '%s'", text, yaml, fast, slow);
                }
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_repr_of_texts),
                cmocka_unit_test(test_what_is_no_finite_number),
                cmocka_unit_test(test_plain_decimals_as_the_search_writes_them),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
