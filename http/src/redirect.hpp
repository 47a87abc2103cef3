#pragma once
// Private: whether a 3xx is followed and what the next request is (request.hpp describes the
// two policies, LuaSocket's and curl's).

#include "target.hpp"

#include <copas/http/request.hpp>

#include <optional>
#include <string>

namespace copas::http::detail {

struct redirect_plan {
  enum kind { none, follow, fail } what = none;
  request_params next;  // follow: the next hop's params (p's sink and callbacks copied in)
  copas::error error;   // fail
  bool other_host = false;
  bool resend_body = false;  // follow: next.source is still to be made with next.resend()
};

// Decides what the 3xx `code` with headers `h`, answering `p` sent to `t`, leads to; `p` is left
// as it is, so that the 3xx can still be read into its sink when the redirect is not taken. The
// limit (maxredirects) and on_redirect are the caller's.
// `received`: the headers as received (a CR inside a Location is seen there only).
redirect_plan plan_redirect(const request_params& p, const target& t, int code, const headers& h,
                            const headers& received, bool was_https);

}  // namespace copas::http::detail
