// `invtrack users add|passwd|remove|list`: the dashboard's accounts. They
// live in the data directory (dashboard.db), so this works whether or not
// `invtrack serve` runs; a running server sees changes at the next request
// (a removed user or a changed password ends that user's sessions).
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "core/time_format.h"
#include "dashboard/dashboard_server.h"
#include "dashboard/password_hasher.h"
#include "dashboard/session_store.h"
#include "dashboard/user_store.h"

namespace invtrack {

namespace {

struct UsersArgs {
  std::string name;
  std::string role;
  std::vector<std::string> stores;
  bool password_stdin = false;
  std::string format = "table";
};

Result<std::filesystem::path> UsersDb(const CliContext& context) {
  Result<Config> config = context.ResolveConfig();
  if (!config.ok()) return config.status();
  std::error_code error;
  std::filesystem::create_directories(config->pipeline.data_dir, error);
  if (error) {
    return Status::IOError("cannot create data directory " + config->pipeline.data_dir.string(),
                           error.message());
  }
  return DashboardServer::UsersPath(config->pipeline.data_dir);
}

// The password from stdin (one line, without its line end), or a random
// one that is printed once.
Result<std::string> ChoosePassword(const UsersArgs& args, bool* generated) {
  *generated = !args.password_stdin;
  if (!args.password_stdin) return PasswordHasher::RandomPassword();
  std::string line;
  if (!std::getline(std::cin, line)) {
    return Status::InvalidArgument("--password-stdin: no password on standard input");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int RunAdd(const CliContext& context, const UsersArgs& args) {
  std::optional<Role> role = ParseRole(args.role);
  if (!role) return Fail(Status::InvalidArgument("--role must be admin or viewer"));
  if (*role == Role::kAdmin && !args.stores.empty()) {
    return Fail(Status::InvalidArgument("--stores is for viewers; admins see every store"));
  }
  Result<std::filesystem::path> path = UsersDb(context);
  if (!path.ok()) return Fail(path.status());
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(*path);
  if (!users.ok()) return Fail(users.status());
  bool generated = false;
  Result<std::string> password = ChoosePassword(args, &generated);
  if (!password.ok()) return Fail(password.status());
  Status added = (*users)->Add(args.name, *role, args.stores, *password);
  if (!added.ok()) return Fail(added);
  std::cout << "added " << RoleName(*role) << " '" << args.name << "'";
  if (!args.stores.empty()) {
    std::cout << " (stores:";
    for (const std::string& store : args.stores) std::cout << " " << store;
    std::cout << ")";
  }
  std::cout << "\n";
  if (generated) std::cout << "password: " << *password << "\n";
  return 0;
}

int RunPasswd(const CliContext& context, const UsersArgs& args) {
  Result<std::filesystem::path> path = UsersDb(context);
  if (!path.ok()) return Fail(path.status());
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(*path);
  if (!users.ok()) return Fail(users.status());
  if (!(*users)->Find(args.name)) return Fail(Status::NotFound("no user '" + args.name + "'"));
  bool generated = false;
  Result<std::string> password = ChoosePassword(args, &generated);
  if (!password.ok()) return Fail(password.status());
  Status set = (*users)->SetPassword(args.name, *password);
  if (!set.ok()) return Fail(set);
  Result<std::unique_ptr<SessionStore>> sessions = SessionStore::Open(*path);
  if (!sessions.ok()) return Fail(sessions.status());
  Status ended = (*sessions)->EndAllOf(args.name);
  if (!ended.ok()) return Fail(ended);
  std::cout << "password of '" << args.name << "' changed; their sessions ended\n";
  if (generated) std::cout << "password: " << *password << "\n";
  return 0;
}

int RunRemove(const CliContext& context, const UsersArgs& args) {
  Result<std::filesystem::path> path = UsersDb(context);
  if (!path.ok()) return Fail(path.status());
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(*path);
  if (!users.ok()) return Fail(users.status());
  std::optional<User> user = (*users)->Find(args.name);
  if (!user) return Fail(Status::NotFound("no user '" + args.name + "'"));
  if (user->role == Role::kAdmin && (*users)->CountAdminsOtherThan(args.name) == 0) {
    return Fail(Status::InvalidArgument("'" + args.name + "' is the last admin"));
  }
  Status removed = (*users)->Remove(args.name);  // sessions and tokens go with it
  if (!removed.ok()) return Fail(removed);
  std::cout << "removed '" << args.name << "'\n";
  return 0;
}

int RunList(const CliContext& context, const UsersArgs& args) {
  if (args.format != "table" && args.format != "json") {
    return Fail(Status::InvalidArgument("--format must be table or json"));
  }
  Result<std::filesystem::path> path = UsersDb(context);
  if (!path.ok()) return Fail(path.status());
  Result<std::unique_ptr<UserStore>> users = UserStore::Open(*path);
  if (!users.ok()) return Fail(users.status());
  std::vector<User> list = (*users)->List();
  if (args.format == "json") {
    for (const User& user : list) {
      std::cout << nlohmann::json{{"name", user.name},
                                  {"role", RoleName(user.role)},
                                  {"stores", user.stores},
                                  {"created", FormatIsoMillis(user.created_ms)}}
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                << "\n";
    }
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const User& user : list) {
    std::string stores;
    for (const std::string& store : user.stores) stores += (stores.empty() ? "" : ", ") + store;
    if (user.role == Role::kAdmin) stores = "(all)";
    rows.push_back(
        {user.name, std::string(RoleName(user.role)), stores, FormatIsoMillis(user.created_ms)});
  }
  PrintTable({"NAME", "ROLE", "STORES", "CREATED"}, rows, std::cout);
  return 0;
}

}  // namespace

void AddUsersCommand(CLI::App& app, CliContext& context) {
  CLI::App* users = app.add_subcommand("users", "Manage the dashboard's user accounts");
  users->require_subcommand(1);
  auto args = std::make_shared<UsersArgs>();

  CLI::App* add = users->add_subcommand("add",
                                        "Add a user (prints a random password unless "
                                        "--password-stdin)");
  add->add_option("NAME", args->name, "user name (letters, digits, . _ @ -)")->required();
  add->add_option("--role", args->role, "admin|viewer")->required();
  add->add_option("--stores", args->stores, "stores a viewer may see (comma-separated)")
      ->delimiter(',');
  add->add_flag("--password-stdin", args->password_stdin,
                "read the password from the first line of standard input");
  add->callback(
      [&context, args] { context.run = [&context, args] { return RunAdd(context, *args); }; });

  CLI::App* passwd =
      users->add_subcommand("passwd", "Set a user's password and end their sessions");
  passwd->add_option("NAME", args->name, "user name")->required();
  passwd->add_flag("--password-stdin", args->password_stdin,
                   "read the password from the first line of standard input");
  passwd->callback(
      [&context, args] { context.run = [&context, args] { return RunPasswd(context, *args); }; });

  CLI::App* remove = users->add_subcommand("remove", "Remove a user, their sessions and tokens");
  remove->add_option("NAME", args->name, "user name")->required();
  remove->callback(
      [&context, args] { context.run = [&context, args] { return RunRemove(context, *args); }; });

  CLI::App* list = users->add_subcommand("list", "List users");
  list->add_option("--format", args->format, "table|json");
  list->callback(
      [&context, args] { context.run = [&context, args] { return RunList(context, *args); }; });
}

}  // namespace invtrack
