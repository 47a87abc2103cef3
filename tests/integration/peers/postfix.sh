#!/bin/sh
# Postfix on 127.0.0.1 from a private config in DIR: port SMTP (plain, STARTTLS offered) and
# port SMTPS (implicit TLS); mail for *@example.org delivered by virtual(8) to the Maildirs
# DIR/mail/<user>/ (recipients: any name in USERS below; others get 550); AUTH PLAIN/LOGIN
# through Cyrus SASL from a private sasldb (alice / "s3cret pass"); messages over 100000 bytes
# get 552; the log is DIR/maillog (postlogd's, through the master's stdout). The master runs
# in the foreground (exec), so the caller's SIGTERM stops it. Needs root (the daemons drop to the postfix user).
#   postfix.sh DIR SMTP_PORT SMTPS_PORT CERT KEY
set -eu
dir=$1 port=$2 sport=$3 cert=$4 key=$5
users="a b c alice"
q=$dir/spool
mkdir -p "$dir/etc/sasl" "$q/pid" "$dir/mail"
install -d -o postfix -m 700 "$dir/data" "$q/active" "$q/bounce" "$q/corrupt" "$q/defer" \
  "$q/deferred" "$q/flush" "$q/hold" "$q/incoming" "$q/private" "$q/saved" "$q/trace"
install -d -o postfix -g postdrop -m 710 "$q/public"
install -d -o postfix -g postdrop -m 730 "$q/maildrop"
chown nobody:nogroup "$dir/mail"
for u in $users; do echo "$u@example.org $u/"; done >"$dir/etc/vmailbox"
install -m 644 "$cert" "$dir/etc/cert.pem"
install -m 600 "$key" "$dir/etc/key.pem"

# Debian's smtpd reads its Cyrus configuration from $config_directory/sasl/smtpd.conf.
cat >"$dir/etc/sasl/smtpd.conf" <<CONF
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $dir/etc/sasl/sasldb2
CONF
printf '%s' 's3cret pass' | saslpasswd2 -p -c -f "$dir/etc/sasl/sasldb2" -u example.org alice
chown postfix "$dir/etc/sasl/sasldb2"

cat >"$dir/etc/main.cf" <<CONF
compatibility_level = 3.6
config_directory = $dir/etc
queue_directory = $dir/spool
data_directory = $dir/data
daemon_directory = /usr/lib/postfix/sbin
command_directory = /usr/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.example.org
mydomain = example.org
mydestination =
inet_protocols = ipv4
inet_interfaces = 127.0.0.1
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
alias_maps =
alias_database =
local_recipient_maps =
relayhost =
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
virtual_mailbox_domains = example.org
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$dir/etc/vmailbox
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
virtual_minimum_uid = 1
message_size_limit = 100000
smtputf8_enable = yes
smtpd_tls_cert_file = $dir/etc/cert.pem
smtpd_tls_key_file = $dir/etc/key.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = no
smtpd_tls_loglevel = 1
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
smtpd_sasl_local_domain = example.org
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
maillog_file = /dev/stdout
biff = no
CONF

cat >"$dir/etc/master.cf" <<CONF
127.0.0.1:$port  inet n - n - - smtpd
127.0.0.1:$sport inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
local     unix - n n - - local
virtual   unix - n n - - virtual
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF
exec setpriv --pdeathsig TERM -- /usr/lib/postfix/sbin/master -c "$dir/etc" -d >>"$dir/maillog" 2>&1
