/* SPDX-License-Identifier: Apache-2.0 */
/* The libyaml calls of the loader and the dumper, through a table loaded on
 * first use (dynlib.h): a provisioned boot's later stages read the stored
 * model and parse no YAML, so they never map libyaml. Call libyaml_dl_load()
 * first; then ly.<call>. */
#pragma once

#include <yaml.h>

extern struct libyaml_dl {
        void *lib;
        int (*parser_initialize)(yaml_parser_t *);
        void (*parser_set_input_string)(yaml_parser_t *, const unsigned char *, size_t);
        int (*parser_parse)(yaml_parser_t *, yaml_event_t *);
        void (*parser_delete)(yaml_parser_t *);
        void (*event_delete)(yaml_event_t *);
        int (*emitter_initialize)(yaml_emitter_t *);
        void (*emitter_set_output)(yaml_emitter_t *, yaml_write_handler_t *, void *);
        void (*emitter_set_width)(yaml_emitter_t *, int);
        void (*emitter_set_indent)(yaml_emitter_t *, int);
        void (*emitter_set_unicode)(yaml_emitter_t *, int);
        void (*emitter_set_break)(yaml_emitter_t *, yaml_break_t);
        int (*emitter_emit)(yaml_emitter_t *, yaml_event_t *);
        int (*emitter_flush)(yaml_emitter_t *);
        void (*emitter_delete)(yaml_emitter_t *);
        int (*stream_start_event_initialize)(yaml_event_t *, yaml_encoding_t);
        int (*stream_end_event_initialize)(yaml_event_t *);
        int (*document_start_event_initialize)(yaml_event_t *, yaml_version_directive_t *,
                                               yaml_tag_directive_t *, yaml_tag_directive_t *,
                                               int);
        int (*document_end_event_initialize)(yaml_event_t *, int);
        int (*scalar_event_initialize)(yaml_event_t *, const yaml_char_t *, const yaml_char_t *,
                                       const yaml_char_t *, int, int, int, yaml_scalar_style_t);
        int (*sequence_start_event_initialize)(yaml_event_t *, const yaml_char_t *,
                                               const yaml_char_t *, int, yaml_sequence_style_t);
        int (*sequence_end_event_initialize)(yaml_event_t *);
        int (*mapping_start_event_initialize)(yaml_event_t *, const yaml_char_t *,
                                              const yaml_char_t *, int, yaml_mapping_style_t);
        int (*mapping_end_event_initialize)(yaml_event_t *);
} ly;

/* 0, or -ENOPKG when libyaml-0.so.2 cannot be loaded. */
int libyaml_dl_load(void);
