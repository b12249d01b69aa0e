#!/usr/bin/env bash
# image-rootfs.sh DIR: the root file system of dsctl's image, from Debian
# packages of this machine's architecture (apt-get download, dpkg-deb -x):
# git and the libraries it links (for git:REF:PATH inputs), a static busybox
# as /bin/sh (CI systems run scripts in the image), CA certificates, and a
# nonroot user (65532). No Docker, no base image from a registry.
set -euo pipefail
out=${1:?usage: image-rootfs.sh DIR}
[ ! -e "$out" ] || { echo "image-rootfs: $out exists" >&2; exit 2; }
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkgs=(git libc6 libpcre2-8-0 zlib1g busybox-static ca-certificates)
(cd "$work" && apt-get download -o APT::Sandbox::User=root -qq "${pkgs[@]/%/:$arch}" >/dev/null) ||
  { echo "image-rootfs: apt-get download ${pkgs[*]} failed (run apt-get update?)" >&2; exit 3; }
mkdir -p "$out"
for p in "${pkgs[@]}"; do
  deb=$(ls "$work/${p}"_*.deb)
  mkdir -p "$work/x/$p"
  dpkg-deb -x "$deb" "$work/x/$p"
  dpkg-deb -f "$deb" Package Version | sed 's/^[^:]*: //' | paste -sd' ' >>"$work/versions"
done
x=$work/x
# libc6, pcre2, zlib: the shared libraries and the loader, no docs.
for p in libc6 libpcre2-8-0 zlib1g; do
  (cd "$x/$p" && tar -cf - --exclude=./usr/share --exclude=./usr/lib/"$multiarch"/gconv --exclude=./usr/libexec --exclude=./usr/bin --exclude=./usr/sbin --exclude=./sbin --exclude=./etc .) | tar -xf - -C "$out"
done
# git: the one binary (show, cat-file and rev-parse are built in).
install -D -m 0755 "$x/git/usr/bin/git" "$out/usr/bin/git"
# busybox: /bin/sh and the usual applets as links.
install -D -m 0755 "$x/busybox-static/bin/busybox" "$out/bin/busybox"
for a in $("$out/bin/busybox" --list); do
  [ -e "$out/bin/$a" ] || [ -e "$out/usr/bin/$a" ] || ln -s busybox "$out/bin/$a"
done
# CA certificates: the bundle update-ca-certificates would write.
mkdir -p "$out/etc/ssl/certs"
find "$x/ca-certificates/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat >"$out/etc/ssl/certs/ca-certificates.crt"
# Users, a home, /tmp, and git's trust of a workspace owned by another user.
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$out/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$out/etc/group"
printf '[safe]\n\tdirectory = *\n' >"$out/etc/gitconfig"
mkdir -p "$out/home/nonroot" "$out/tmp" "$out/root" "$out/usr/local/bin"
chmod 1777 "$out/tmp"
chmod 0700 "$out/root"
mkdir -p "$out/usr/share/doc/dsctl-image"
LC_ALL=C sort "$work/versions" >"$out/usr/share/doc/dsctl-image/debian-packages"
echo "image-rootfs: $out from $(paste -sd, "$work/versions")"
