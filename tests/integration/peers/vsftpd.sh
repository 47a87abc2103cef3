#!/bin/sh
# vsftpd, run unpacked (it conflicts with proftpd-core in Debian; scripts/setup.sh unpacks it),
# on 127.0.0.1:PORT from a private config in DIR, with the files and users of ftp_tree.sh.
# The users are virtual (guests mapped to "daemon", whose home exists, as for anonymous): vsftpd asks PAM, so it runs in a private
# mount namespace where DIR/pam.d is bind-mounted over /etc/pam.d (the host's stays as it is),
# and its one service checks the password with pam_userdb against DIR/users.db. Anonymous may
# read, not write (upload: 550). No log: vsftpd 3.0.3 sessions wait forever on the log file lock
# here. Foreground (exec).
#   vsftpd.sh DIR PORT VSFTPD_BINARY
set -eu
dir=$1 port=$2 vsftpd=$3
server=vsftpd
. "$(dirname "$0")/ftp_tree.sh"
mkdir -p "$dir/empty" "$dir/pam.d"
chmod 755 "$dir/empty"
# pam_userdb: a Berkeley DB of user -> password (db_load -T: key and value lines).
printf 'plain\nsecret\nme@example.com\np@ss word\n' | db_load -T -t hash "$dir/users.db"
chmod 600 "$dir/users.db"
cat >"$dir/pam.d/copas-vsftpd" <<PAM
auth    required pam_userdb.so db=$dir/users
account required pam_permit.so
session required pam_permit.so
PAM
cat >"$dir/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
run_as_launching_user=NO
nopriv_user=nobody
secure_chroot_dir=$dir/empty
pam_service_name=copas-vsftpd
anonymous_enable=YES
no_anon_password=YES
ftp_username=daemon
anon_root=$dir/anon
anon_upload_enable=NO
local_enable=YES
write_enable=YES
guest_enable=YES
guest_username=daemon
virtual_use_local_privs=YES
local_root=$dir/home
chroot_local_user=YES
allow_writeable_chroot=YES
pasv_enable=YES
pasv_address=127.0.0.1
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
dirmessage_enable=NO
CONF
# vsftpd writes its fatal "500 OOPS: ..." to fd 0: let it reach the log.
exec 0>&1
exec setpriv --pdeathsig TERM -- unshare -m sh -c 'mount --bind "$1/pam.d" /etc/pam.d && exec "$2" "$1/vsftpd.conf"' sh "$dir" "$vsftpd"
