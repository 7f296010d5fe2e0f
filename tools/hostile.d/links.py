# SPDX-License-Identifier: Apache-2.0
# Links a non-root user controls, targets that are not regular files, and URLs
# with credentials (issue 17 sections 2 and 3). Run by tools/gen-hostile with
# case(), wf(), CC, SIB, SIB_FILE and SETUP_USER in scope.

# A secret line in the target's /etc/shadow: it must never reach a file the
# user can read, through a link the user planted.
SHADOW_MARK = "echo 'hostile-secret:x:19000:0:99999:7:::' >> etc/shadow"
USER_LINK = "chown -h 2000:2000 "

case("links-home-bashrc-append", "append to ~/.bashrc, a user's symlink to /etc/shadow: refused; shadow neither read nor changed",
     wf("  - {path: /home/tuser/.bashrc, content: hostile-injected, append: true, owner: 'tuser:tuser'}\n"
        "  - {path: /etc/fine, content: ok}\n"),
     setup=[SETUP_USER, SHADOW_MARK, "ln -s /etc/shadow home/tuser/.bashrc && " + USER_LINK + "home/tuser/.bashrc"],
     expect_re=["user-data:3:5: .*/home/tuser/.bashrc.*symlink"],
     lacks=[("/home/tuser/.bashrc", "hostile-secret"), ("/etc/shadow", "hostile-injected")],
     owners=[("/etc/shadow", "0:0")], modes=[("/etc/shadow", "640")], files=[("/etc/fine", "ok"), SIB_FILE])
case("links-home-bashrc-write", "write ~/.bashrc, a user's symlink to /etc/shadow: shadow stays as it was",
     wf("  - {path: /home/tuser/.bashrc, content: hostile-injected, owner: 'tuser:tuser'}\n"),
     setup=[SETUP_USER, SHADOW_MARK, "ln -s /etc/shadow home/tuser/.bashrc && " + USER_LINK + "home/tuser/.bashrc"],
     lacks=[("/etc/shadow", "hostile-injected")], owners=[("/etc/shadow", "0:0")], modes=[("/etc/shadow", "640")],
     files=[SIB_FILE])
case("links-home-config-dir", "a file below ~/.config, a user's symlink to /etc/profile.d: refused, nothing in /etc/profile.d",
     wf("  - {path: /home/tuser/.config/hostile.sh, content: 'touch /hostile-escape'}\n"
        "  - {path: /etc/fine, content: ok}\n"),
     setup=[SETUP_USER, "mkdir -p etc/profile.d && ln -s /etc/profile.d home/tuser/.config && " + USER_LINK + "home/tuser/.config"],
     expect_re=["user-data:3:5: .*/home/tuser/.config/hostile.sh.*symlink"],
     absent=["/etc/profile.d/hostile.sh"], files=[("/etc/fine", "ok"), SIB_FILE])
case("links-home-config-deep", "a directory created below a user's symlinked ~/.config: refused, nothing made in /etc",
     wf("  - {path: /home/tuser/.config/autostart/hostile.desktop, content: x}\n"),
     setup=[SETUP_USER, "ln -s /etc home/tuser/.config && " + USER_LINK + "home/tuser/.config"],
     expect_re=["symlink"], absent=["/etc/autostart"], files=[SIB_FILE])
case("links-root-link-in-user-dir", "a root-owned symlink in a directory the user can write (the user may have moved it there): not followed",
     wf("  - {path: /home/tuser/.config/hostile.sh, content: x}\n"),
     setup=[SETUP_USER, "mkdir -p etc/profile.d && ln -s /etc/profile.d home/tuser/.config"],
     expect_re=["user-data:3:5: .*symlink"], absent=["/etc/profile.d/hostile.sh"], files=[SIB_FILE])
case("links-world-writable-dir", "a root-owned symlink in a world-writable directory without the sticky bit: not followed",
     wf("  - {path: /var/drop/cfg/hostile.sh, content: x}\n"),
     setup=["mkdir -p var/drop etc/profile.d && chmod 777 var/drop && ln -s /etc/profile.d var/drop/cfg"],
     expect_re=["symlink"], absent=["/etc/profile.d/hostile.sh"], files=[SIB_FILE])
case("links-root-link-root-dir", "a root-owned symlink in a root-owned directory (an image's own layout): followed, inside the target",
     wf("  - {path: /var/lnk/followed, content: done}\n"),
     setup=["mkdir -p var/real && ln -s /var/real var/lnk"], files=[("/var/real/followed", "done"), SIB_FILE])
case("links-sticky-tmp-root-link", "a root-owned symlink in the sticky, world-writable /tmp: followed (the kernel's rule)",
     wf("  - {path: /tmp/lnk/followed, content: done}\n"),
     setup=["mkdir -p var/real && ln -s /var/real tmp/lnk"], files=[("/var/real/followed", "done"), SIB_FILE])
case("links-sticky-tmp-user-link", "a user's symlink in /tmp: not followed",
     wf("  - {path: /tmp/lnk/hostile.sh, content: x}\n"),
     setup=["mkdir -p etc/profile.d && ln -s /etc/profile.d tmp/lnk && chown -h 2000:2000 tmp/lnk"],
     expect_re=["symlink"], absent=["/etc/profile.d/hostile.sh"], files=[SIB_FILE])

# Targets that are not regular files: never written into, never waited on.
case("links-chardev-append", "append to a character device: refused at once, the device left as it is",
     wf("  - {path: /etc/nulldev, content: x, append: true}\n  - {path: /etc/fine, content: ok}\n"),
     setup=["mknod etc/nulldev c 1 3"],
     expect_re=["user-data:3:5: write_files: /etc/nulldev is a character device, not a regular file; not written"],
     files=[("/etc/fine", "ok"), SIB_FILE])
case("links-chardev-write", "write to a character device: refused, the device left as it is",
     wf("  - {path: /etc/nulldev, content: x}\n  - {path: /etc/fine, content: ok}\n"),
     setup=["mknod etc/nulldev c 1 3"],
     expect_re=["user-data:3:5: write_files: /etc/nulldev is a character device, not a regular file; not written"],
     files=[("/etc/fine", "ok"), SIB_FILE])
case("links-fifo-append", "append to a FIFO: refused at once, never blocked on",
     wf("  - {path: /etc/appfifo, content: x, append: true}\n  - {path: /etc/fine, content: ok}\n"),
     setup=["mkfifo etc/appfifo"],
     expect_re=["user-data:3:5: write_files: /etc/appfifo is a FIFO, not a regular file; not written"],
     files=[("/etc/fine", "ok"), SIB_FILE])
case("links-socket", "write to a socket: refused",
     wf("  - {path: /etc/sock, content: x}\n  - {path: /etc/fine, content: ok}\n"),
     setup=["perl -MSocket -e 'socket(S,PF_UNIX,SOCK_STREAM,0) or die; bind(S,sockaddr_un(\"etc/sock\")) or die'"],
     expect_re=["user-data:3:5: write_files: /etc/sock is a socket, not a regular file; not written"],
     files=[("/etc/fine", "ok"), SIB_FILE])
case("links-chardev-through-user-link", "append through a user's symlink to a character device: refused",
     wf("  - {path: /home/tuser/.profile, content: x, append: true}\n"),
     setup=[SETUP_USER, "mknod etc/nulldev c 1 3 && ln -s /etc/nulldev home/tuser/.profile && " + USER_LINK + "home/tuser/.profile"],
     expect_re=["symlink"], files=[SIB_FILE])

# URLs with credentials: recorded without user-info and query.
SECRET_FILES = ["/var/log/cloud-init.log", "/var/lib/cloud/data/status.json", "/var/lib/cloud/data/result.json"]
case("phone-home-url-credentials", "phone_home URL with user:password and a token query: the secret is in no log or status file",
     CC + "phone_home:\n  url: 'http://hostile-user:hostile-pass@127.0.0.1:9/$INSTANCE_ID/?token=hostile-token&a=b'\n"
     "  tries: 1\n" + SIB,
     expect_re=["phone_home: .*http://127.0.0.1:9/iid-hostile/"],
     expect_not=["hostile-pass", "hostile-token", "hostile-user"],
     lacks=[(p, t) for p in SECRET_FILES for t in ("hostile-pass", "hostile-token")],
     files=[SIB_FILE])
case("phone-home-url-fragment", "phone_home URL with a secret in the fragment: not recorded",
     CC + "phone_home:\n  url: 'http://127.0.0.1:9/x#hostile-token'\n  tries: 1\n" + SIB,
     expect_not=["hostile-token"], lacks=[(p, "hostile-token") for p in SECRET_FILES], files=[SIB_FILE])
