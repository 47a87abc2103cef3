#!/bin/sh
# squid on 127.0.0.1:PORT from a private config in DIR: a forward proxy (no cache) that asks
# for Basic auth (user "proxy user", password "pa ss%word", from an htpasswd file through
# basic_ncsa_auth) and CONNECTs to any port. Logs in DIR (access.log, cache.log). Runs in the
# foreground (-N, exec); shuts down at once on SIGTERM. A second user, "plain" / "secret", has
# nothing to percent-encode.
#   squid.sh DIR PORT
set -eu
dir=$1 port=$2
htpasswd -b -c "$dir/passwd" 'proxy user' 'pa ss%word' 2>/dev/null
htpasswd -b "$dir/passwd" plain secret 2>/dev/null
chmod 644 "$dir/passwd"
chown proxy "$dir"
cat >"$dir/squid.conf" <<CONF
http_port 127.0.0.1:$port
visible_hostname copas-squid
pid_filename $dir/squid.pid
cache_log $dir/cache.log
access_log stdio:$dir/access.log
cache_store_log none
cache deny all
cache_mem 4 MB
coredump_dir $dir
cache_effective_user proxy
shutdown_lifetime 0 seconds
pinger_enable off
netdb_filename none
logfile_rotate 0
max_filedescriptors 1024
auth_param basic program /usr/lib/squid/basic_ncsa_auth $dir/passwd
auth_param basic children 2 startup=1
auth_param basic realm copas-squid
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all
CONF
exec setpriv --pdeathsig TERM -- /usr/sbin/squid -N -f "$dir/squid.conf"
