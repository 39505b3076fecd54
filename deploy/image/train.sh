#!/bin/sh
# Trains the image's class-data-sharing archive with the image's own runtime, at the image's own paths: an archive
# is valid only for the JVM that wrote it, the jar path it was given and that jar's modification time (measured
# here: the same jar under another path is "shared class paths mismatch"). So the base root file system and the jar
# are put together in a scratch directory, and cli's ClassDataArchive runs inside it, under chroot (as root) or in
# a user namespace that maps the caller to root (unshare; where unprivileged user namespaces are allowed).
#
# Usage: train.sh BASE JAR CHECKPOINTS WORK OUT
#   BASE         the base root file system (base.sh)
#   JAR          the shaded laststate.jar
#   CHECKPOINTS  a checkpoint tree to train the local commands on (examples/checkpoints)
#   WORK         a scratch directory (replaced)
#   OUT          the application directory to create: OUT/opt/laststate/laststate.jar and laststate.jsa
set -eu
base=$1
jar=$2
checkpoints=$3
work=$4
out=$5
# Jib writes every file of a layer with this modification time (its default, filesModificationTime
# EPOCH_PLUS_SECOND); the archive must see the jar with the time it has in the image.
mtime=@1

rm -rf "$work" "$out"
mkdir -p "$work" "$out/opt/laststate"
cp "$jar" "$out/opt/laststate/laststate.jar"
touch -d "$mtime" "$out/opt/laststate/laststate.jar"
# The training root: the base and the jar, hard-linked where the file system allows, and the checkpoints.
cp -al "$base/." "$work/" 2>/dev/null || cp -a "$base/." "$work/"
mkdir -p "$work/opt/laststate" "$work/training" "$work/proc" "$work/dev"
cp -p "$out/opt/laststate/laststate.jar" "$work/opt/laststate/laststate.jar"
cp -R "$checkpoints" "$work/training/checkpoints"

if [ "$(id -u)" -eq 0 ]; then
    userns=
else
    userns="--user --map-root-user"
fi
# A private mount and PID namespace: the JVM needs /proc (the loader's $ORIGIN, the JVM's own reading of it) and
# /dev (random numbers); both mounts end with the namespace.
# shellcheck disable=SC2086
unshare $userns --mount --pid --fork --mount-proc="$work/proc" sh -c '
    mount --rbind /dev "$1/dev" && exec env -i LANG=C.UTF-8 "$(command -v chroot)" "$1" /opt/java/bin/java -Xshare:auto \
        -cp /opt/laststate/laststate.jar dev.laststate.cli.ClassDataArchive \
        /opt/laststate/laststate.jar /opt/laststate/laststate.jsa /training/checkpoints' sh "$work"
cp "$work/opt/laststate/laststate.jsa" "$out/opt/laststate/laststate.jsa"
touch -d "$mtime" "$out/opt/laststate/laststate.jsa"
rm -rf "$work"
