# SPDX-License-Identifier: Apache-2.0
"""The compat cases, shared by tools/compat and tests/compat/run:
  corpus-<module>-<example>  tests/corpus/cloud-init-examples/module-docs/<module>/<example>.yaml
  corpus-<name>              tests/corpus/cloud-init-examples/user-data/<name>.txt
  <area>-<name>              tests/compat/cases/<area>-<name>.user-data [+ .meta-data]
A case without meta-data gets DEFAULT_META."""
import fnmatch
import os

DEFAULT_META = "instance-id: iid-compat\n"


class Case:
    def __init__(self, name, user_data, meta_data=None):
        self.name, self.user_data, self.meta_data = name, user_data, meta_data

    def seed(self):
        """(meta-data bytes, user-data bytes)"""
        with open(self.user_data, "rb") as f:
            ud = f.read()
        md = DEFAULT_META.encode()
        if self.meta_data:
            with open(self.meta_data, "rb") as f:
                md = f.read()
        return md, ud


def all_cases(top):
    out = []
    corpus = os.path.join(top, "tests", "corpus", "cloud-init-examples")
    docs = os.path.join(corpus, "module-docs")
    if os.path.isdir(docs):
        for mod in sorted(os.listdir(docs)):
            for f in sorted(os.listdir(os.path.join(docs, mod))):
                if f.endswith(".yaml"):
                    out.append(Case("corpus-%s-%s" % (mod, f[:-5]), os.path.join(docs, mod, f)))
    ud = os.path.join(corpus, "user-data")
    if os.path.isdir(ud):
        for f in sorted(os.listdir(ud)):
            if f.endswith(".txt"):
                out.append(Case("corpus-" + f[:-4], os.path.join(ud, f)))
    own = os.path.join(top, "tests", "compat", "cases")
    if os.path.isdir(own):
        for f in sorted(os.listdir(own)):
            if f.endswith(".user-data"):
                name = f[: -len(".user-data")]
                md = os.path.join(own, name + ".meta-data")
                out.append(Case(name, os.path.join(own, f), md if os.path.exists(md) else None))
    return out


def select(cases, patterns):
    """The cases whose name matches one of the glob patterns (all if none)."""
    if not patterns:
        return cases
    return [c for c in cases if any(fnmatch.fnmatchcase(c.name, p) for p in patterns)]
