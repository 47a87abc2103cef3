#!/bin/sh
# proftpd on 127.0.0.1:PORT from a private config in DIR, with the files and users of
# ftp_tree.sh (users from a private AuthUserFile, no system accounts; sessions run as nobody).
# Anonymous may read, not write (upload: 550). With "no-epsv", EPSV is refused (a client must
# fall back to PASV). Commands are logged to DIR/commands.log ("COMMAND ARGS"), the rest to
# DIR/proftpd.log. Runs in the foreground (-n, exec).
#   proftpd.sh DIR PORT [no-epsv]
set -eu
dir=$1 port=$2 epsv=${3:-}
server=proftpd
. "$(dirname "$0")/ftp_tree.sh"
hash() { openssl passwd -6 "$1"; }
cat >"$dir/passwd" <<PW
plain:$(hash secret):65534:65534::$dir/home:/bin/false
me@example.com:$(hash 'p@ss word'):65534:65534::$dir/home:/bin/false
ftp:*:65534:65534::$dir/anon:/bin/false
PW
echo "nogroup:*:65534:" >"$dir/group"
chmod 600 "$dir/passwd" "$dir/group"  # proftpd refuses a world-readable AuthUserFile
deny_epsv=""
[ "$epsv" = no-epsv ] && deny_epsv="<Limit EPSV>
  DenyAll
</Limit>"
cat >"$dir/proftpd.conf" <<CONF
ServerType standalone
ServerName "copas proftpd"
Port $port
DefaultAddress 127.0.0.1
SocketBindTight on
UseIPv6 off
User nobody
Group nogroup
Umask 022
MaxInstances 30
PidFile $dir/proftpd.pid
ScoreboardFile $dir/proftpd.scoreboard
DelayTable none
SystemLog $dir/proftpd.log
TransferLog $dir/xferlog
LogFormat commands "%m %J"
ExtendedLog $dir/commands.log ALL commands
WtmpLog off
UseReverseDNS off
RequireValidShell off
AuthOrder mod_auth_file.c
AuthUserFile $dir/passwd
AuthGroupFile $dir/group
DefaultRoot ~
AllowOverwrite on
$deny_epsv
<Anonymous $dir/anon>
  User ftp
  Group nogroup
  UserAlias anonymous ftp
  RequireValidShell off
  <Limit WRITE>
    DenyAll
  </Limit>
</Anonymous>
CONF
exec setpriv --pdeathsig TERM -- /usr/sbin/proftpd -n -q -c "$dir/proftpd.conf"
