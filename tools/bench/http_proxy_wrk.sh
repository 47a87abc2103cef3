#!/bin/sh
# bench_http_proxy_wrk: (4) wrk through copas-proxy -- relay mode (--upstream) and forward-proxy
# mode (absolute-form requests, set by a wrk Lua script) -- against wrk through nginx configured
# as a reverse proxy (keep-alive upstream) to the same origin (nginx serving a small file).
# Requests/s and the ratio to nginx, measured in the same run (target >= 1.0x).
# Usage: http_proxy_wrk.sh COPAS_PROXY_BIN [SECONDS_PER_RUN] [CONNECTIONS]
set -eu
proxy_bin=$1
secs=${2:-3}
conns=${3:-50}
dir=$(mktemp -d /tmp/copas-bench-wrk-XXXXXX)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# A free loopback port from the kernel.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  i=0
  until /usr/bin/python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "port $1 never opened" >&2; exit 1; }; sleep 0.1
  done
}

origin=$(free_port); front=$(free_port); relay=$(free_port); forward=$(free_port)
mkdir -p "$dir/www" "$dir/tmp"
printf '%s\n' '<html>copas-cpp wrk page</html>' > "$dir/www/index.html"
user=""; [ "$(id -u)" = 0 ] && user="user root;"
# Two nginx workers share the origin and the reverse proxy (one would make them queue behind
# each other); copas-proxy runs as many dispatcher threads (--threads, default 2 here, as
# nginx's worker_processes; COPAS_PROXY_THREADS=1 measures a single thread).
cat > "$dir/nginx.conf" <<CONF
$user
worker_processes 2;
daemon off; master_process on; pid $dir/nginx.pid; error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; keepalive_requests 1000000;
  client_body_temp_path $dir/tmp/body; proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fcgi; uwsgi_temp_path $dir/tmp/uwsgi; scgi_temp_path $dir/tmp/scgi;
  upstream origin { server 127.0.0.1:$origin; keepalive 256; }
  server { listen 127.0.0.1:$origin; root $dir/www; }
  server {
    listen 127.0.0.1:$front;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
/usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" & pids="$pids $!"
threads=${COPAS_PROXY_THREADS:-2}
"$proxy_bin" --threads "$threads" --listen "127.0.0.1:$relay" --upstream "127.0.0.1:$origin" >/dev/null & pids="$pids $!"
"$proxy_bin" --threads "$threads" --listen "127.0.0.1:$forward" >/dev/null & pids="$pids $!"
for p in $origin $front $relay $forward; do wait_port "$p"; done

cat > "$dir/absolute.lua" <<LUA
wrk.path = "http://127.0.0.1:$origin/index.html"
LUA
rps() { wrk -t1 -c"$conns" -d"${secs}s" "$@" | awk '/^Requests\/sec/ {print $2}'; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
# Interleaved rounds, best of each: the machine is shared, the best round is the least disturbed.
ngx=0; rel=0; fwd=0
for round in 1 2 3 4 5; do
  ngx=$(best "$ngx" "$(rps "http://127.0.0.1:$front/index.html")")
  rel=$(best "$rel" "$(rps "http://127.0.0.1:$relay/index.html")")
  fwd=$(best "$fwd" "$(rps -s "$dir/absolute.lua" "http://127.0.0.1:$forward/")")
done
awk -v n="$ngx" -v r="$rel" -v f="$fwd" -v c="$conns" -v t="$threads" 'BEGIN {
  printf "wrk -c%d, small file: nginx reverse proxy (2 workers) %.0f req/s (baseline)\n", c, n
  printf "  copas-proxy relay   (%d threads) %.0f req/s, ratio %.2fx (target >= 1.0x)\n", t, r, r / n
  printf "  copas-proxy forward (%d threads) %.0f req/s, ratio %.2fx (target >= 1.0x)\n", t, f, f / n
}'
