#include "exit_codes.hpp"

namespace copas::fetch {

const char* describe(int code) {
  switch (code) {
    case ok: return "";
    case unsupported_protocol: return "Unsupported protocol";
    case bad_usage: return "Failed initialization";
    case bad_url: return "URL using bad/illegal format or missing URL";
    case host_not_resolved: return "Couldn't resolve host name";
    case connect_failed: return "Couldn't connect to server";
    case weird_reply: return "Weird server reply";
    case access_denied: return "Access denied to remote resource";
    case partial_file: return "Transferred a partial file";
    case http_error: return "HTTP response code said error";
    case write_error: return "Failed writing received data to disk/application";
    case upload_failed: return "Upload failed";
    case read_error: return "Failed to open/read local data from file/application";
    case timed_out: return "Timeout was reached";
    case range_error: return "Requested range was not delivered by the server";
    case tls_connect_failed: return "SSL connect error";
    case too_many_redirects: return "Number of redirects hit maximum amount";
    case empty_reply: return "Server returned nothing (no headers, no data)";
    case send_error: return "Failed sending data to the peer";
    case recv_error: return "Failure when receiving data from the peer";
    case local_cert: return "Problem with the local SSL certificate";
    case cert_untrusted: return "SSL peer certificate or SSH remote key was not OK";
    case login_denied: return "Login denied";
    case file_not_found: return "Remote file not found";
    default: return "Error";
  }
}

}  // namespace copas::fetch
