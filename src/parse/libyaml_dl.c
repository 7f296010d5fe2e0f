/* SPDX-License-Identifier: Apache-2.0 */
/* libyaml through dlopen (see libyaml_dl.h). */
#include "dynlib.h"
#include "libyaml_dl.h"
#include "macro.h"

struct libyaml_dl ly;

int libyaml_dl_load(void)
{
#define S(f) DYNLIB_SYM(ly, f, "yaml_" #f)
        static const struct dynlib_sym syms[] = {
                S(parser_initialize),
                S(parser_set_input_string),
                S(parser_parse),
                S(parser_delete),
                S(event_delete),
                S(emitter_initialize),
                S(emitter_set_output),
                S(emitter_set_width),
                S(emitter_set_indent),
                S(emitter_set_unicode),
                S(emitter_set_break),
                S(emitter_emit),
                S(emitter_flush),
                S(emitter_delete),
                S(stream_start_event_initialize),
                S(stream_end_event_initialize),
                S(document_start_event_initialize),
                S(document_end_event_initialize),
                S(scalar_event_initialize),
                S(sequence_start_event_initialize),
                S(sequence_end_event_initialize),
                S(mapping_start_event_initialize),
                S(mapping_end_event_initialize),
        };
#undef S

        return dynlib_load(&ly, "libyaml-0.so.2", syms, ELEMENTSOF(syms));
}
