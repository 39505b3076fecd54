#!/bin/sh
# Builds the image's base root file system (a directory Jib adds to a scratch image): a jlink'd Java runtime in
# /opt/java with only the modules laststate needs, the shared libraries it links against and the dynamic loader
# (symbolic links dereferenced: Jib drops links), the C.UTF-8 locale, a non-root user and an empty /tmp.
#
# Usage: base.sh JAVA_HOME MODULES OUT
#   JAVA_HOME  the JDK whose jlink and jmods make the runtime (the build's)
#   MODULES    comma-separated module list
#   OUT        the directory to create (replaced if it exists)
set -eu
java_home=$1
modules=$2
out=$3

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp"
# No compression inside the modules file: the layer is gzipped anyway, and an uncompressed image maps faster.
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" --output "$out/opt/java" \
    --strip-debug --no-header-files --no-man-pages --dedup-legal-notices=error-if-not-same-content
# Debian's jmods carry an empty trust store (its JDK links cacerts to /etc/ssl/certs/java/cacerts); take the one
# the build's JDK uses, dereferenced.
cp -L "$java_home/lib/security/cacerts" "$out/opt/java/lib/security/cacerts"

# Every shared library the runtime's executables and libraries load, found by the loader the way it will be found
# in the image (same absolute paths), plus the loader itself.
libs=$(find "$out/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
    | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' | grep -v "^$out/" | sort -u)
for lib in $libs; do
    mkdir -p "$out$(dirname "$lib")"
    cp -L "$lib" "$out$lib"
done

# glibc 2.34 and later resolve users and hosts from /etc without loading NSS modules. C.UTF-8 keeps file names
# with non-ASCII characters intact (Java takes sun.jnu.encoding from the locale).
if [ -d /usr/lib/locale/C.utf8 ]; then
    mkdir -p "$out/usr/lib/locale"
    cp -RL /usr/lib/locale/C.utf8 "$out/usr/lib/locale/"
fi
printf 'root:x:0:0:root:/root:/sbin/nologin\nlaststate:x:65532:65532:laststate:/tmp:/sbin/nologin\n' >"$out/etc/passwd"
printf 'root:x:0:\nlaststate:x:65532:\n' >"$out/etc/group"
chmod 1777 "$out/tmp"
