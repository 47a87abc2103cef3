#pragma once
// copas-fetch's one exit-code table: curl's numbers (curl(1) "EXIT CODES") and curl's words for
// them, for every way copas-fetch can fail.

namespace copas::fetch {

enum exit_code : int {
  ok = 0,
  unsupported_protocol = 1,  // a scheme copas-fetch does not speak (also after a redirect)
  bad_usage = 2,             // an unknown option, a missing argument
  bad_url = 3,               // a malformed URL (or Location)
  host_not_resolved = 6,
  connect_failed = 7,
  weird_reply = 8,
  access_denied = 9,  // FTP: refused before the transfer (curl's REMOTE_ACCESS_DENIED)
  partial_file = 18,
  http_error = 22,     // -f and a status >= 400
  write_error = 23,    // the output file or stdout refused the bytes
  upload_failed = 25,  // FTP STOR refused
  read_error = 26,     // a local file to send could not be read
  timed_out = 28,
  range_error = 33,  // -C: the server ignores ranges
  tls_connect_failed = 35,
  too_many_redirects = 47,
  empty_reply = 52,
  send_error = 55,
  recv_error = 56,  // also a proxy that refuses CONNECT
  local_cert = 58,  // --cert/--key could not be used
  cert_untrusted = 60,
  login_denied = 67,
  file_not_found = 78,  // FTP 550 to RETR
};

// curl's message for `code` ("Couldn't resolve host name"), for -w %{errormsg} and the stderr line.
const char* describe(int code);

}  // namespace copas::fetch
