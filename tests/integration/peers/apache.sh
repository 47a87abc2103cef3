#!/bin/sh
# Apache httpd on 127.0.0.1 from a private config in DIR: HTTP_PORT plain, HTTPS_PORT TLS (CERT,
# KEY), both serving DIR/www:
#   /hello.txt, /big.bin (100000 bytes, for ranges)   files
#   /private/secret.txt     Basic auth: user "me@example.com", password "p@ss word"
#   /cgi-bin/stream.cgi     a CGI writing its body in pieces, without a length: sent chunked
#   /r1 -> /r2 -> /hello.txt  302 then 301;  /away -> https://localhost:HTTPS_PORT/hello.txt
# Logs in DIR/logs. apache2 runs in the foreground (exec); children run as nobody.
#   apache.sh DIR HTTP_PORT HTTPS_PORT CERT KEY
set -eu
dir=$1 port=$2 sport=$3 cert=$4 key=$5
mods=/usr/lib/apache2/modules
mkdir -p "$dir/www/private" "$dir/www/cgi-bin" "$dir/logs" "$dir/run"
install -m 644 "$cert" "$dir/cert.pem"
install -m 600 "$key" "$dir/key.pem"
printf 'hello from apache\n' >"$dir/www/hello.txt"
printf 'the secret\n' >"$dir/www/private/secret.txt"
head -c 100000 /dev/urandom >"$dir/www/big.bin"
cat >"$dir/www/cgi-bin/stream.cgi" <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
for i in 1 2 3 4 5 6 7 8 9; do printf 'piece %s\n' "$i"; head -c 20000 /dev/zero | tr '\0' "$i"; echo; done
CGI
chmod 755 "$dir/www/cgi-bin/stream.cgi"
htpasswd -b -c -B -C 4 "$dir/htpasswd" 'me@example.com' 'p@ss word' 2>/dev/null
chown nobody "$dir/run"

cat >"$dir/httpd.conf" <<CONF
ServerRoot $dir
ServerName localhost
DefaultRuntimeDir $dir/run
PidFile $dir/run/httpd.pid
Mutex file:$dir/run default
ErrorLog $dir/logs/error.log
LogLevel warn
LogFormat "%h \"%r\" %>s %b \"%{Authorization}i\"" brief
CustomLog $dir/logs/access.log brief
User nobody
Group nogroup
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authn_file_module $mods/mod_authn_file.so
LoadModule auth_basic_module $mods/mod_auth_basic.so
LoadModule alias_module $mods/mod_alias.so
LoadModule mime_module $mods/mod_mime.so
LoadModule cgid_module $mods/mod_cgid.so
LoadModule socache_shmcb_module $mods/mod_socache_shmcb.so
LoadModule ssl_module $mods/mod_ssl.so
StartServers 1
ServerLimit 1
ThreadsPerChild 25
MaxRequestWorkers 25
ScriptSock $dir/run/cgisock
TypesConfig /etc/mime.types
Listen 127.0.0.1:$port
Listen 127.0.0.1:$sport
SSLSessionCache shmcb:$dir/run/ssl_scache(512000)
DocumentRoot $dir/www
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory $dir/www>
  Require all granted
</Directory>
<Directory $dir/www/private>
  AuthType Basic
  AuthName "copas private"
  AuthBasicProvider file
  AuthUserFile $dir/htpasswd
  Require valid-user
</Directory>
ScriptAlias /cgi-bin/ $dir/www/cgi-bin/
Redirect 302 /r1 /r2
Redirect 301 /r2 /hello.txt
Redirect 302 /away https://localhost:$sport/hello.txt
<VirtualHost 127.0.0.1:$sport>
  SSLEngine on
  SSLCertificateFile $dir/cert.pem
  SSLCertificateKeyFile $dir/key.pem
</VirtualHost>
CONF
exec setpriv --pdeathsig TERM -- /usr/sbin/apache2 -f "$dir/httpd.conf" -DFOREGROUND
