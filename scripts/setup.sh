#!/usr/bin/env bash
# Installs the Debian packages copas-cpp needs (scripts/debian-packages*.txt: the base list, and
# one per module whose tests need real peers), only those missing; then unpacks the packages of
# scripts/debian-unpacked.txt, which conflict with installed ones, into $unpacked/<package>.
#
# The servers among them (Postfix, proftpd, Apache, squid) are test peers that the tests start
# from private configs: their init scripts must not start them as system services bound to
# ports 25, 21, 80 and 3128. A policy-rc.d that forbids starts is in place while apt-get runs
# (unless the machine has its own), and Postfix is preseeded with "No configuration".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mapfile -t wanted < <(cat "$here"/debian-packages*.txt | grep -vE '^\s*(#|$)' | sort -u)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
updated=false
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#wanted[@]} Debian packages present"
else
  echo "setup: installing ${missing[*]}"
  policy=/usr/sbin/policy-rc.d
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\n# copas-cpp setup.sh: no service starts while it installs test peers\nexit 101\n' |
      $sudo tee $policy >/dev/null
    $sudo chmod 755 $policy
    trap '$sudo rm -f $policy' EXIT
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  $sudo apt-get update -qq
  updated=true
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "setup: done"
fi

unpacked=/var/cache/copas-cpp/unpacked
mapfile -t unpack < <(grep -vE '^\s*(#|$)' "$here/debian-unpacked.txt")
for p in "${unpack[@]}"; do
  [ -e "$unpacked/$p/.done" ] && continue
  echo "setup: unpacking $p into $unpacked/$p"
  $updated || { $sudo apt-get update -qq; updated=true; }
  tmp=$(mktemp -d)
  (cd "$tmp" && chmod 777 . && $sudo apt-get download -qq "$p" >/dev/null)
  $sudo mkdir -p "$unpacked/$p"
  $sudo dpkg-deb -x "$tmp"/"$p"_*.deb "$unpacked/$p"
  $sudo touch "$unpacked/$p/.done"
  rm -rf "$tmp"
done
