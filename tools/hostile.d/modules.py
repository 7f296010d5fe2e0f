# SPDX-License-Identifier: Apache-2.0
# Module lists (user-data may replace them, as in cloud-init) and external
# module descriptors: wrong types, huge lists, names that are paths or hold
# control characters, descriptors that point outside their directory.
# Every case keeps scripts_vendor in the final list so the boot goes on.

VENDOR_LIST = "cloud_final_modules: [scripts_vendor]\n"

case("mods-list-wrong-type", "module lists of the wrong type: reported, the default lists run",
     CC + "cloud_init_modules: 5\ncloud_config_modules: {a: b}\ncloud_final_modules: yes\n" + SIB,
     expect=["user-data:2:21: cloud_init_modules must be a list, not integer; the default list is used",
             "user-data:4:22: cloud_final_modules must be a list, not boolean"],
     files=[SIB_FILE])
case("mods-list-items-wrong", "list items of every wrong kind: each reported at its place, the rest run",
     CC + "cloud_config_modules:\n - 3.5\n - [[timezone]]\n - {frequency: always}\n - {name: {x: 1}}\n"
     " - [timezone, [always]]\n" + VENDOR_LIST + SIB,
     expect=["user-data:3:4: cloud_config_modules item 0: must be a module name, a list or a mapping, not number",
             "user-data:4:5: cloud_config_modules item 1: the module name must be a string",
             "user-data:5:4: cloud_config_modules item 2: names no module",
             "user-data:6:11: cloud_config_modules item 3: the module name must be a string",
             "user-data:7:15: cloud_config_modules item 4: unknown frequency"],
     files=[SIB_FILE])
case("mods-list-huge", "a list of 100000 entries: the first 256 are read, once reported",
     b"", gen="printf '#cloud-config\\n" + SIB.strip() + "\\ncloud_final_modules:\\n'; "
     "i=0; while [ $i -lt 100000 ]; do echo ' - scripts_vendor'; i=$((i+1)); done",
     expect=["cloud_final_modules has 100000 items; only the first 256 are used"],
     files=[SIB_FILE])
case("mods-name-path", "module names that are paths or hold control characters: refused, never echoed",
     CC + "cloud_config_modules:\n - ../../../../bin/sh\n - /etc/passwd\n - \"time\\x1bzone\"\n"
     " - \"a\\nb\"\n - [\"cc_../x\", always]\n - timezone\n" + VENDOR_LIST + SIB,
     expect=["user-data:3:4: cloud_config_modules item 0: not a module name",
             "user-data:4:4: cloud_config_modules item 1: not a module name",
             "user-data:5:4: cloud_config_modules item 2: not a module name",
             "user-data:7:5: cloud_config_modules item 4: not a module name"],
     expect_not=["bin/sh", "/etc/passwd", "\x1b"],
     files=[SIB_FILE])
case("mods-unknown-name", "a name that is no module: warned at its place, the others run",
     CC + "cloud_config_modules: [nosuch_module, timezone]\n" + VENDOR_LIST + SIB,
     expect=["user-data:2:24: cloud_config_modules: no module named nosuch_module"],
     files=[SIB_FILE])
EVIL_SETUP = ("mkdir -p etc/cloud/modules.d && printf '%s' '{\"api\": 1, \"name\": \"evil\", "
              "\"program\": \"../../../bin/sh\", \"schema\": {\"type\": \"object\", "
              "\"properties\": {\"evil\": {}}}}' > etc/cloud/modules.d/evil.json")
case("mods-desc-program-traversal", "a descriptor whose program climbs out of its directory: skipped",
     CC + "cloud_config_modules: [evil, timezone]\nevil: {x: 1}\n" + VENDOR_LIST + SIB,
     setup=[EVIL_SETUP],
     expect=["/etc/cloud/modules.d/evil.json:1:39: 'program' must be a file name in the descriptor's directory; module skipped",
             "cloud_config_modules: no module named evil"],
     files=[SIB_FILE])
case("mods-desc-symlink", "a descriptor that is a symlink (to the shadow file): not read",
     CC + "cloud_config_modules: [shadow, timezone]\n" + VENDOR_LIST + SIB,
     setup=["mkdir -p etc/cloud/modules.d && ln -s ../../shadow etc/cloud/modules.d/shadow.json"],
     expect=["/etc/cloud/modules.d/shadow.json: cannot open"],
     expect_not=["root:*"],
     files=[SIB_FILE])
case("mods-desc-name-control", "a descriptor whose name holds control characters: skipped",
     CC + "cloud_config_modules: [ctl, timezone]\n" + VENDOR_LIST + SIB,
     setup=["mkdir -p etc/cloud/modules.d && printf 'api: 1\\nname: \"c\\\\x1btl\"\\nschema: {}\\n' > etc/cloud/modules.d/ctl.yaml"],
     expect=["/etc/cloud/modules.d/ctl.yaml:2:7: 'name' must be the file's name"],
     expect_not=["\x1b"],
     files=[SIB_FILE])
