#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# suite-apt.sh SUITE apt-get|apt-cache ARGS...: run apt against one Debian
# suite (trixie, say) through a sources file and package lists of our own
# under the testbed cache, never the machine's: the host stays a Debian 12
# machine with its own lists.  The lists are fetched when missing or a day
# old.  TESTBED_DEBIAN_MIRROR overrides the mirror.
#
# Example: suite-apt.sh trixie apt-get download linux-image-6.12.117+deb13-amd64

set -euo pipefail

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TB_DIR/../.." && pwd)
CACHE=${TESTBED_CACHE:-$REPO/build/testbed}
MIRROR=${TESTBED_DEBIAN_MIRROR:-http://deb.debian.org/debian}

[ $# -ge 2 ] || { echo "usage: suite-apt.sh SUITE apt-get|apt-cache ARGS..." >&2; exit 2; }
suite=$1 tool=$2
shift 2
[[ $suite =~ ^[a-z-]+$ ]] || { echo "suite-apt: bad suite $suite" >&2; exit 2; }
case $tool in
apt-get|apt-cache) ;;
*) echo "suite-apt: runs apt-get or apt-cache, not $tool" >&2; exit 2 ;;
esac

dir=$CACHE/apt/$suite
mkdir -p "$dir/sources" "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/preferences"
cat >"$dir/sources/$suite.sources.new" <<SRC
Types: deb
URIs: $MIRROR
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
mv "$dir/sources/$suite.sources.new" "$dir/sources/$suite.sources"

# Everything apt reads or writes moves under $dir.  The sandbox user stays
# root: _apt cannot write into a cache that root owns.
opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$dir/sources"
      -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache"
      -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$dir/preferences"
      -o "APT::Sandbox::User=root" -o "Acquire::Retries=3")

exec 9>"$dir/.lock"
flock 9
if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null)" ] ||
   [ "$(cat "$dir/mirror" 2>/dev/null)" != "$MIRROR" ]; then
	apt-get "${opts[@]}" -q update >"$dir/update.log" 2>&1 ||
		{ cat "$dir/update.log" >&2; echo "suite-apt: cannot fetch $suite's package lists" >&2; exit 1; }
	echo "$MIRROR" >"$dir/mirror"
fi
flock -u 9
exec 9>&-
exec "$tool" "${opts[@]}" "$@"
