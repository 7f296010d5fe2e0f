# SPDX-License-Identifier: Apache-2.0
# Bounded cost (issue 17 section 4): inputs that were quadratic or that added
# up past a per-document budget. Small sizes here (each case boots in a
# second or two); tools/bench --stress measures the same shapes at the limits.


def _mime(parts):
    s = 'Content-Type: multipart/mixed; boundary="cost"\nMIME-Version: 1.0\n\n'
    for i, p in enumerate(parts):
        s += '--cost\nContent-Type: text/cloud-config\nContent-Disposition: attachment; filename="p%d"\n\n%s' % (i + 1, p)
    return s + "--cost--\n"


def _alias_part(extra):
    # 40000 nodes from aliases: under the document's limit (200000) and under
    # the boot's alias budget (100000) alone, not three of them together
    return (CC + "a: &a [" + ", ".join(["x"] * 99) + "]\nb: [" + ", ".join(["*a"] * 400) + "]\n" + extra)


case("cost-alias-budget-across-parts",
     "three MIME parts, each an alias fan-out under its own limit, over the boot's alias budget together",
     _mime([_alias_part(SIB), _alias_part(""), _alias_part("hostname: from-part-three\n")]),
     expect_re=[r"user-data\[part 3 p3\]:[0-9]+:[0-9]+: aliases expand to more than 100000 nodes in this "
                r"boot's documents together \(the boot's alias budget\)"],
     expect_not_re=[r"part [12] p[12]\].*alias budget"],
     files=[SIB_FILE, HOSTNAME_META])

case("cost-many-top-level-keys", "30000 top-level keys (unknown ones): the first 100 named, the rest counted, the rest applies",
     b"", gen="printf '#cloud-config\\n'; seq 0 29999 | awk '{ print \"k\" $1 \": 1\" }'; echo '" + SIB.strip() + "'",
     expect=["unknown key 'k0'", "unknown key 'k99'", "29900 more top-level keys are not applied"],
     expect_not=["unknown key 'k100'"], files=[SIB_FILE])

_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%043d k%d"
case("cost-many-authorized-keys", "5000 authorized keys for a user, the first 100 given twice: each written once",
     b"", gen="printf '#cloud-config\\nusers:\\n  - name: tuser\\n    ssh_authorized_keys:\\n'; "
              "{ seq 0 4999; seq 0 99; } | awk '{ printf \"      - " + _KEY.replace("%d", "%s") + "\\n\", $1, $1 }'; "
              "echo '" + SIB.strip() + "'",
     sizes=[("/home/tuser/.ssh/authorized_keys", sum(len(_KEY % (i, i)) + 1 for i in range(5000)))],
     modes=[("/home/tuser/.ssh/authorized_keys", "600")], files=[SIB_FILE])
