# SPDX-License-Identifier: Apache-2.0
"""The normaliser shared by tools/compat (cloud-init's side) and
tests/compat/run (cloudboot's side): it turns what a boot changed in a tree
into the reviewable text of a .state file. Every rule here is listed in
tests/compat/README.md; change both together."""
import hashlib
import json
import os
import re
import stat

# Paths never compared: the input, the machinery, caches (README: "Paths").
EXCLUDE = [re.compile(p) for p in [
    r"^/(proc|sys|dev)(/|$)",
    r"^/var/lib/cloud/seed(/|$)",
    r"(^|/)__pycache__(/|$)",
    r"^/var/cache(/|$)",
    r"^/var/lib/apt/lists(/|$)",
    r"^/etc/(passwd|group|shadow|gshadow)-$",
    r"^/etc/\.pwd\.lock$",
]]
# Recorded with type, mode and owner, content not compared (README: "Content").
NO_CONTENT = [
    (re.compile(r"^/var/log/cloud-init(-output)?\.log$"), "log"),
    (re.compile(r"(^|/)obj\.pkl$"), "python pickle"),
    (re.compile(r"^/etc/ssh/ssh_host_[a-z0-9]+_key$"), "private host key"),
]
ACCOUNTS = ["/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow"]
MAX_TEXT = 16384

HASH_RE = re.compile(r"\$(1|2[aby]|5|6|y|gy|7|sha1|md5)\$[./A-Za-z0-9$=,]+")
TIME_RES = [
    re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?( ?(Z|[+-]\d\d:?\d\d))?"),
    re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d? (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
               r" \d{4} \d\d:\d\d:\d\d( [+-]\d{4}| [A-Z]+)?"),
    re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
               r" +\d\d? \d\d:\d\d:\d\d( [A-Z]+)? \d{4}"),
]
UUID_RE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
HOSTKEY_PUB_RE = re.compile(r"^(ssh-[a-z0-9-]+|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$")
TIME_KEY_RE = re.compile(r"(^|[._])(start|finished|last_update|time|timestamp|uptime|boot_time|"
                         r"created|mtime)($|[._\[])")
KERNEL = os.uname().release
SEM_RE = re.compile(r"^\d+: \d+(\.\d+)?$", re.M)
BOUNDARY_RE = re.compile(r"={10,}[0-9A-Za-z_.-]+==")
# The C library of the process that describes the platform: cloud-init's
# Python in the recording tree, cloudboot from the build tree on this
# machine (on a booted system both are the target's).
LIBC_RE = re.compile(r"-with-glibc\d+\.\d+\b")


def excluded(path):
    return any(r.search(path) for r in EXCLUDE)


def text(s):
    """Volatile values in one line of text (README: "Volatile values")."""
    s = HASH_RE.sub(lambda m: "<hash:%s>" % m.group(1), s)
    for r in TIME_RES:
        s = r.sub("<time>", s)
    s = UUID_RE.sub("<uuid>", s)
    if KERNEL:
        s = s.replace(KERNEL, "<kernel-release>")
    s = LIBC_RE.sub("-with-glibc<version>", s)
    return s


def entry(path):
    """What we compare of one path: a tuple, None when absent."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    mode = stat.S_IMODE(st.st_mode)
    if stat.S_ISLNK(st.st_mode):
        return ("link", 0o777, st.st_uid, st.st_gid, os.readlink(path))
    if stat.S_ISDIR(st.st_mode):
        return ("dir", mode, st.st_uid, st.st_gid, None)
    if stat.S_ISREG(st.st_mode):
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return ("file", mode, st.st_uid, st.st_gid, (st.st_size, h.hexdigest()))
    if stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
        return ("whiteout", 0, 0, 0, None)
    return ("other", mode, st.st_uid, st.st_gid, stat.S_IFMT(st.st_mode))


def walk(root):
    """Every path under root (relative, '/'-rooted) that is not excluded."""
    out = {}
    for d, dirs, files in os.walk(root):
        rel = d[len(root):] or "/"
        keep = []
        for n in dirs:
            p = (rel.rstrip("/") + "/" + n)
            if excluded(p):
                continue
            if os.path.islink(os.path.join(d, n)):
                files.append(n)
            else:
                keep.append(n)
        dirs[:] = keep
        for n in dirs + files:
            p = rel.rstrip("/") + "/" + n
            if not excluded(p):
                out[p] = entry(os.path.join(d, n))
    return out


def changes_between(before, after):
    """Paths whose entry differs: {path: entry or None (removed)}."""
    ch = {}
    for p, e in after.items():
        if before.get(p) != e:
            ch[p] = e
    for p in before:
        if p not in after:
            ch[p] = None
    return ch


def changes_overlay(lower, upper):
    """Changes an overlay mount left in its upper directory against lower."""
    ch = {}
    for p, e in walk(upper).items():
        if e[0] == "whiteout":
            if entry(lower + p) is not None:
                ch[p] = None
            continue
        if e != entry(lower + p):
            ch[p] = e
        if e[0] == "dir":
            try:
                opaque = os.getxattr(upper + p, "trusted.overlay.opaque") == b"y"
            except OSError:
                opaque = False
            if opaque and os.path.isdir(lower + p):
                for q in walk(lower + p):
                    if not os.path.lexists(upper + p + q):
                        ch[p + q] = None
    return ch


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []


def names(real, which):
    """uid or gid -> name, from the tree's passwd or group."""
    m = {}
    for line in read_lines(real(which)):
        f = line.split(":")
        if len(f) > 2 and f[2].isdigit():
            m.setdefault(int(f[2]), f[0])
    return m


def account_line(which, line):
    f = line.split(":")
    if which in ("/etc/shadow", "/etc/gshadow") and len(f) > 1:
        f[1] = text(f[1])
    if which == "/etc/shadow" and len(f) > 2 and f[2].isdigit():
        f[2] = "<date>"
    return ":".join(f)


def accounts(real_before, real_after):
    """Added, changed and removed entries of the four account files."""
    out = []
    for which in ACCOUNTS:
        label = which[5:]
        old = {ln.split(":")[0]: ln for ln in read_lines(real_before(which)) if ln}
        new = [ln for ln in read_lines(real_after(which)) if ln]
        seen = set()
        for ln in new:
            n = ln.split(":")[0]
            seen.add(n)
            if old.get(n) != ln:
                out.append("%s + %s" % (label, account_line(which, ln)))
        for n in old:
            if n not in seen:
                out.append("%s - %s" % (label, n))
    return out


def flatten(v, key, out):
    if isinstance(v, dict):
        if not v:
            out.append((key, "{}"))
        for k in sorted(v):
            flatten(v[k], "%s.%s" % (key, k) if key else str(k), out)
    elif isinstance(v, list):
        if not v:
            out.append((key, "[]"))
        for i, x in enumerate(v):
            flatten(x, "%s[%d]" % (key, i), out)
    else:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and \
                (TIME_KEY_RE.search(key) or isinstance(v, float) or v > 1000000000):
            out.append((key, "<time>"))
        else:
            out.append((key, json.dumps(v)))


def content(path, real, size):
    """The normalised content lines of one regular file."""
    for r, why in NO_CONTENT:
        if r.search(path):
            return ["%s| (content not compared: %s)" % (path, why)]
    with open(real, "rb") as f:
        data = f.read(MAX_TEXT + 1)
    if (path.endswith(".json") or data.lstrip().startswith(b"{")) and size <= 1 << 20:
        try:
            with open(real, encoding="utf-8") as f:
                v = json.load(f)
            if not path.endswith(".json") and not isinstance(v, dict):
                raise ValueError
            items = []
            flatten(v, "", items)
            return ["%s| %s = %s" % (path, k, text(x)) for k, x in items]
        except (ValueError, UnicodeDecodeError):
            pass
    try:
        s = data.decode("utf-8")
        if size > MAX_TEXT or "\0" in s:
            raise ValueError
    except (UnicodeDecodeError, ValueError):
        with open(real, "rb") as f:
            h = hashlib.sha256(f.read()).hexdigest()
        return ["%s| (binary or large: %d bytes, sha256 %s)" % (path, size, h)]
    if re.match(r"^/etc/ssh/ssh_host_.*\.pub$", path):
        s = HOSTKEY_PUB_RE.sub(lambda m: m.group(1) + " <host key>" + (" <comment>" if m.group(2) else ""), s)
    if path.endswith("/machine-id"):
        s = re.sub(r"^[0-9a-f]{32}$", "<machine-id>", s, flags=re.M)
    if "/sem/" in path:
        s = SEM_RE.sub("<pid>: <time>", s)
    if path.endswith("/boot-finished"):
        s = re.sub(r"^\d+(\.\d+)? - ", "<uptime> - ", s)
    s = BOUNDARY_RE.sub("<boundary>", s)
    lines = ["%s| %s" % (path, text(ln)) for ln in s.split("\n")]
    if s.endswith("\n"):
        lines.pop()
    if path.endswith("/.ssh/authorized_keys"):
        # cloud-init writes the keys it adds from a Python set: random order.
        lines.sort()
    if not s.endswith("\n"):
        lines.append("%s\\ no newline at end" % path)
    return lines


def render(ch, real_after, real_before):
    """The state lines of a set of changes; real_after(path) and
    real_before(path) give where a tree path is on this machine."""
    users = names(real_after, "/etc/passwd")
    groups = names(real_after, "/etc/group")

    def owner(e):
        return "%s:%s" % (users.get(e[2], e[2]), groups.get(e[3], e[3]))

    out = accounts(real_before, real_after)
    for p in sorted(ch):
        if p in ACCOUNTS and ch[p] and ch[p][0] == "file":
            continue
        e = ch[p]
        if e is None:
            out.append("removed %s" % p)
        elif e[0] == "link":
            out.append("link %s -> %s" % (p, text(e[4])))
        elif e[0] == "dir":
            out.append("dir %s %04o %s" % (p, e[1], owner(e)))
        elif e[0] == "file":
            out.append("file %s %04o %s" % (p, e[1], owner(e)))
            out.extend(content(p, real_after(p), e[4][0]))
        else:
            out.append("other %s %04o %s" % (p, e[1], owner(e)))
    return out


def state(name, who, head, lines):
    """The text of a .state file: the exit codes and `status` output (head),
    then the changed state (lines)."""
    out = ["# compat state of case %s, recorded from %s (tests/compat/README.md)" % (name, who)]
    out += [text(x) for x in head]
    out += lines
    return "\n".join(out) + "\n"
