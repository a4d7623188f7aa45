// /api/tokens: bearer tokens for scripts (`Authorization: Bearer itk_...`).
// A token acts as its user; its secret is shown once, at creation. Users
// manage their own tokens; admins see and revoke everyone's.
#include <charconv>

#include "dashboard/api_handlers.h"

namespace invtrack {

namespace {

nlohmann::json TokenJson(const ApiToken& token) {
  return {{"id", token.id},
          {"user", token.user},
          {"label", token.label},
          {"created_ms", token.created_ms}};
}

std::optional<std::string> Owner(const ApiCall& call) {
  if (call.user->role == Role::kAdmin) return std::nullopt;
  return call.user->name;
}

}  // namespace

HttpResponse ListTokens(ApiCall& call) {
  Result<std::vector<ApiToken>> tokens = call.services.users->ListTokens(Owner(call));
  if (!tokens.ok()) return StatusResponse(tokens.status());
  nlohmann::json out = nlohmann::json::array();
  for (const ApiToken& token : *tokens) out.push_back(TokenJson(token));
  return JsonResponse(200, {{"tokens", std::move(out)}});
}

HttpResponse CreateToken(ApiCall& call) {
  HttpResponse error;
  std::optional<nlohmann::json> body = ReadJsonObject(call, &error);
  if (!body) return error;
  std::string label;
  if (auto it = body->find("label"); it != body->end()) {
    if (!it->is_string()) return ErrorResponse(400, "invalid", "label must be a string");
    label = it->get<std::string>();
  }
  Result<IssuedToken> issued = call.services.users->IssueToken(call.user->name, label);
  if (!issued.ok()) return StatusResponse(issued.status());
  nlohmann::json out = TokenJson(issued->token);
  out["token"] = issued->secret;
  return JsonResponse(201, out);
}

HttpResponse DeleteToken(ApiCall& call) {
  const std::string& text = call.params[0];
  int64_t id = 0;
  auto [end, parse_error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (parse_error != std::errc() || end != text.data() + text.size()) {
    return ErrorResponse(400, "invalid", "token id must be a whole number");
  }
  Status revoked = call.services.users->RevokeToken(id, Owner(call));
  if (!revoked.ok()) return StatusResponse(revoked);
  return NoContent();
}

}  // namespace invtrack
