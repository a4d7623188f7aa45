// /api/users (admins only): list, create, change role/grants/password,
// remove. The last admin can be neither removed nor demoted.
#include "dashboard/api_handlers.h"

namespace invtrack {

namespace {

// Reads "stores" (an array of strings) from `body` into *stores.
std::optional<HttpResponse> ReadStores(const nlohmann::json& body,
                                       std::vector<std::string>* stores) {
  auto it = body.find("stores");
  if (it == body.end()) return std::nullopt;
  if (!it->is_array()) return ErrorResponse(400, "invalid", "stores must be an array of strings");
  stores->clear();
  for (const auto& store : *it) {
    if (!store.is_string()) {
      return ErrorResponse(400, "invalid", "stores must be an array of strings");
    }
    stores->push_back(store.get<std::string>());
  }
  return std::nullopt;
}

std::optional<HttpResponse> ReadRole(const nlohmann::json& body, Role* role) {
  auto it = body.find("role");
  if (it == body.end()) return std::nullopt;
  std::optional<Role> parsed =
      it->is_string() ? ParseRole(it->get<std::string>()) : std::optional<Role>();
  if (!parsed) return ErrorResponse(400, "invalid", "role must be admin or viewer");
  *role = *parsed;
  return std::nullopt;
}

}  // namespace

nlohmann::json UserJson(const User& user) {
  return {{"name", user.name},
          {"role", RoleName(user.role)},
          {"stores", user.stores},
          {"created_ms", user.created_ms}};
}

HttpResponse ListUsers(ApiCall& call) {
  nlohmann::json users = nlohmann::json::array();
  for (const User& user : call.services.users->List()) users.push_back(UserJson(user));
  return JsonResponse(200, {{"users", std::move(users)}});
}

HttpResponse CreateUser(ApiCall& call) {
  HttpResponse error;
  std::optional<nlohmann::json> body = ReadJsonObject(call, &error);
  if (!body) return error;
  auto name = body->find("name");
  auto password = body->find("password");
  if (name == body->end() || !name->is_string() || password == body->end() ||
      !password->is_string()) {
    return ErrorResponse(400, "invalid", "name, password (strings) and role are required");
  }
  Role role = Role::kViewer;
  if (!body->contains("role")) return ErrorResponse(400, "invalid", "role is required");
  if (auto bad = ReadRole(*body, &role)) return *bad;
  std::vector<std::string> stores;
  if (auto bad = ReadStores(*body, &stores)) return *bad;
  Status added = call.services.users->Add(name->get<std::string>(), role, stores,
                                          password->get<std::string>());
  if (!added.ok()) return StatusResponse(added);
  std::optional<User> user = call.services.users->Find(name->get<std::string>());
  if (!user) return ErrorResponse(500, "internal", "the new user is missing");
  return JsonResponse(201, UserJson(*user));
}

HttpResponse UpdateUser(ApiCall& call) {
  const std::string& name = call.params[0];
  std::optional<User> user = call.services.users->Find(name);
  if (!user) return ErrorResponse(404, "not_found", "no user '" + name + "'");
  HttpResponse error;
  std::optional<nlohmann::json> body = ReadJsonObject(call, &error);
  if (!body) return error;
  Role role = user->role;
  std::vector<std::string> stores = user->stores;
  if (auto bad = ReadRole(*body, &role)) return *bad;
  if (auto bad = ReadStores(*body, &stores)) return *bad;
  if (user->role == Role::kAdmin && role != Role::kAdmin &&
      call.services.users->CountAdminsOtherThan(name) == 0) {
    return ErrorResponse(409, "last_admin", "the last admin cannot be demoted");
  }
  if (auto password = body->find("password"); password != body->end()) {
    if (!password->is_string()) return ErrorResponse(400, "invalid", "password must be a string");
    Status set = call.services.users->SetPassword(name, password->get<std::string>());
    if (!set.ok()) return StatusResponse(set);
    Status ended = call.services.sessions->EndAllOf(name);
    if (!ended.ok()) return StatusResponse(ended);
  }
  Status updated = call.services.users->Update(name, role, stores);
  if (!updated.ok()) return StatusResponse(updated);
  return JsonResponse(200, UserJson(*call.services.users->Find(name)));
}

HttpResponse DeleteUser(ApiCall& call) {
  const std::string& name = call.params[0];
  std::optional<User> user = call.services.users->Find(name);
  if (!user) return ErrorResponse(404, "not_found", "no user '" + name + "'");
  if (user->role == Role::kAdmin && call.services.users->CountAdminsOtherThan(name) == 0) {
    return ErrorResponse(409, "last_admin", "the last admin cannot be removed");
  }
  Status removed = call.services.users->Remove(name);
  if (!removed.ok()) return StatusResponse(removed);
  Status ended = call.services.sessions->EndAllOf(name);
  if (!ended.ok()) return StatusResponse(ended);
  return NoContent();
}

}  // namespace invtrack
