# Sourced by proftpd.sh and vsftpd.sh: the same files and users for both FTP servers, in DIR.
#   DIR/anon/pub/hello.txt, DIR/anon/pub/big.bin     anonymous, read-only
#   DIR/home/hello.txt, DIR/home/incoming/           the users' root, writable (uploads)
# Users: "plain" / "secret", and "me@example.com" / "p@ss word" (to be percent-encoded in a URL).
mkdir -p "$dir/anon/pub" "$dir/home/incoming"
printf 'hello from %s\n' "$server" >"$dir/anon/pub/hello.txt"
printf 'hello, user, from %s\n' "$server" >"$dir/home/hello.txt"
printf 'line one\nline two\n' >"$dir/anon/pub/lines.txt"
head -c 50000 /dev/urandom >"$dir/anon/pub/big.bin"
chmod -R a+rX "$dir/anon" "$dir/home"
chown -R nobody:nogroup "$dir/home"
chmod 1777 "$dir/home/incoming"  # vsftpd writes as daemon, proftpd as nobody
