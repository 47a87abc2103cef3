#include "request_body.hpp"

#include <copas/net/url.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace copas::fetch {

bool slurp(const std::string& file, std::string& out) {
  std::ostringstream ss;
  if (file == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream f(file, std::ios::binary);
    if (!f) return false;
    ss << f.rdbuf();
  }
  out = ss.str();
  return true;
}

namespace {

// curl's --data-urlencode escaping: a space as '+', everything else but ALPHA / DIGIT / "-._~"
// as %XX.
std::string form_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

bool data_text(const data_part& d, std::string& out, std::string& error) {
  // curl: a file that cannot be read makes an empty part, with a warning.
  auto from_file = [&](const std::string& name, std::string& into) {
    if (!slurp(name, into)) {
      std::cerr << "Warning: Couldn't read data from file \"" << name
                << "\", this makes an empty POST.\n";
      into.clear();
    }
    return true;
  };
  (void)error;
  switch (d.how) {
    case data_part::raw: out = d.text; return true;
    case data_part::binary:
      if (d.text.starts_with("@")) return from_file(d.text.substr(1), out);
      out = d.text;
      return true;
    case data_part::ascii:
      if (d.text.starts_with("@")) {
        if (!from_file(d.text.substr(1), out)) return false;
        std::erase(out, '\r');  // curl -d @file drops CR and LF
        std::erase(out, '\n');
        return true;
      }
      out = d.text;
      return true;
    case data_part::urlencode: {
      const std::string& t = d.text;
      auto eq = t.find('=');
      auto at = t.find('@');
      if (eq != std::string::npos && (at == std::string::npos || eq < at)) {
        out = (eq ? t.substr(0, eq) + "=" : std::string()) + form_escape(t.substr(eq + 1));
        return true;
      }
      if (at != std::string::npos) {
        std::string content;
        if (!from_file(t.substr(at + 1), content)) return false;
        out = (at ? t.substr(0, at) + "=" : std::string()) + form_escape(content);
        return true;
      }
      out = form_escape(t);
      return true;
    }
  }
  return true;
}

// A rough content type for -F name=@file, by extension, as curl guesses.
std::string guess_type(const std::string& file) {
  auto ext = std::filesystem::path(file).extension().string();
  if (ext == ".txt") return "text/plain";
  if (ext == ".html" || ext == ".htm") return "text/html";
  if (ext == ".json") return "application/json";
  if (ext == ".xml") return "application/xml";
  if (ext == ".gif") return "image/gif";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".png") return "image/png";
  if (ext == ".pdf") return "application/pdf";
  return "application/octet-stream";
}

// -F: multipart/form-data (RFC 7578), each part written as curl writes it.
bool multipart(const options& o, std::string& body, std::string& boundary, std::string& error) {
  std::random_device rd;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%08x%08x", rd(), rd());
  boundary = std::string(24, '-') + hex;
  for (auto& f : o.form) {
    auto eq = f.spec.find('=');
    if (eq == std::string::npos) {
      error = "Illegally formatted input field";
      return false;
    }
    std::string name = f.spec.substr(0, eq), value = f.spec.substr(eq + 1);
    std::string type, filename, content;
    bool file = false;
    // ;type= and ;filename= follow the value
    auto semi = value.find(';');
    std::string params = semi == std::string::npos ? "" : value.substr(semi);
    if (value.starts_with("@") || value.starts_with("<"))
      value = value.substr(0, semi);
    else
      params.clear();
    for (std::size_t p = 0; p < params.size();) {
      auto next = params.find(';', p + 1);
      auto kv = params.substr(p + 1, next == std::string::npos ? std::string::npos : next - p - 1);
      if (kv.starts_with("type="))
        type = kv.substr(5);
      else if (kv.starts_with("filename="))
        filename = kv.substr(9);
      p = next == std::string::npos ? params.size() : next;
    }
    if (value.starts_with("@") || value.starts_with("<")) {
      std::string path = value.substr(1);
      if (!slurp(path, content)) {
        error = "Failed to open/read local data from file/application";
        return false;
      }
      if (value[0] == '@') {
        file = true;
        if (filename.empty()) filename = std::filesystem::path(path).filename().string();
        if (type.empty()) type = guess_type(path);
      }
    } else {
      content = value;
    }
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
    if (file) body += "; filename=\"" + filename + "\"";
    body += "\r\n";
    if (!type.empty()) body += "Content-Type: " + type + "\r\n";
    body += "\r\n" + content + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return true;
}

}  // namespace

request_body build_body(const options& o, const transfer_spec& t, std::string& error) {
  request_body b;
  b.method = o.head ? "HEAD" : "GET";
  if (!t.upload.empty()) {
    b.method = "PUT";
    b.upload = true;
    if (t.upload == "-") {  // stdin: streamed, chunked, once
      b.make = [] { return ltn12::source::file(stdin); };
      return b;
    }
    std::error_code ec;
    auto size = std::filesystem::file_size(t.upload, ec);
    std::FILE* probe = std::fopen(t.upload.c_str(), "rb");
    if (ec || !probe) {
      error = "Failed to open/read local data from file/application";
      return b;
    }
    std::fclose(probe);
    b.length = size;
    b.make = [file = t.upload] { return ltn12::source::file(std::fopen(file.c_str(), "rb")); };
    return b;
  }
  std::string body;
  bool has_data = false;
  if (o.json) {
    has_data = true;
    if (o.json->starts_with("@")) {
      if (!slurp(o.json->substr(1), body)) {
        error = "Failed to open " + o.json->substr(1);
        return b;
      }
    } else {
      body = *o.json;
    }
    b.content_type = "application/json";
    b.json = true;
  }
  for (std::size_t i = 0; i < o.data.size(); ++i) {
    std::string part;
    if (!data_text(o.data[i], part, error)) return b;
    if (has_data) body += "&";
    body += part;
    has_data = true;
  }
  if (has_data && !o.json) b.content_type = "application/x-www-form-urlencoded";
  if (!o.form.empty()) {
    std::string boundary;
    if (!multipart(o, body, boundary, error)) return b;
    b.content_type = "multipart/form-data; boundary=" + boundary;
    has_data = true;
  }
  if (!has_data) return b;
  if (o.get && o.form.empty()) {
    b.query = body;
    b.content_type.reset();
    return b;
  }
  b.method = "POST";
  b.length = body.size();
  b.make = [body = std::move(body)] { return ltn12::source::string(body); };
  return b;
}

}  // namespace copas::fetch
