// `invtrack keys create|list|revoke`: the S3 endpoint's access keys. They
// live in the data directory (keys.db), so this works whether or not
// `invtrack serve` runs, and a running server sees changes at once.
#include <filesystem>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/cli_context.h"
#include "cli/output.h"
#include "core/time_format.h"
#include "s3/access_key_store.h"

namespace invtrack {

namespace {

struct KeysArgs {
  bool admin = false;
  std::string store;
  std::string description;
  std::string format = "table";
  std::string revoke_id;
};

Result<std::unique_ptr<AccessKeyStore>> OpenKeys(const CliContext& context) {
  Result<Config> config = context.ResolveConfig();
  if (!config.ok()) return config.status();
  std::error_code error;
  std::filesystem::create_directories(config->pipeline.data_dir, error);
  if (error) {
    return Status::IOError("cannot create data directory " + config->pipeline.data_dir.string(),
                           error.message());
  }
  return AccessKeyStore::Open(config->pipeline.data_dir / "keys.db");
}

nlohmann::json KeyJson(const AccessKey& key, bool with_secret) {
  nlohmann::json json = {{"access_key_id", key.access_key_id},
                         {"store", key.store ? nlohmann::json(*key.store) : nlohmann::json()},
                         {"admin", key.admin()},
                         {"description", key.description},
                         {"created", FormatIsoMillis(key.created_ms)}};
  if (with_secret) json["secret_access_key"] = key.secret_access_key;
  return json;
}

int RunCreate(const CliContext& context, const KeysArgs& args) {
  if (args.admin == !args.store.empty()) {
    return Fail(Status::InvalidArgument("give exactly one of --admin or --store STORE"));
  }
  if (args.format != "table" && args.format != "env" && args.format != "json") {
    return Fail(Status::InvalidArgument("--format must be table, env or json"));
  }
  Result<std::unique_ptr<AccessKeyStore>> keys = OpenKeys(context);
  if (!keys.ok()) return Fail(keys.status());
  std::optional<std::string> store;
  if (!args.admin) store = args.store;
  Result<AccessKey> key = (*keys)->Create(store, args.description);
  if (!key.ok()) return Fail(key.status());
  if (args.format == "env") {
    std::cout << "export AWS_ACCESS_KEY_ID=" << key->access_key_id << "\n"
              << "export AWS_SECRET_ACCESS_KEY=" << key->secret_access_key << "\n";
  } else if (args.format == "json") {
    std::cout << KeyJson(*key, true).dump() << "\n";
  } else {
    std::cout << "access key id:     " << key->access_key_id << "\n"
              << "secret access key: " << key->secret_access_key << "\n"
              << "may access:        "
              << (key->admin() ? std::string("everything (admin)")
                               : "stores/" + *key->store + "/ in the inventory bucket")
              << "\nThe secret is shown only now. For AWS clients: "
                 "invtrack keys create ... --format env\n";
  }
  return 0;
}

int RunList(const CliContext& context, const KeysArgs& args) {
  if (args.format != "table" && args.format != "json") {
    return Fail(Status::InvalidArgument("--format must be table or json"));
  }
  Result<std::unique_ptr<AccessKeyStore>> keys = OpenKeys(context);
  if (!keys.ok()) return Fail(keys.status());
  Result<std::vector<AccessKey>> list = (*keys)->List();
  if (!list.ok()) return Fail(list.status());
  if (args.format == "json") {
    nlohmann::json array = nlohmann::json::array();
    for (const AccessKey& key : *list) array.push_back(KeyJson(key, false));
    std::cout << array.dump() << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  for (const AccessKey& key : *list) {
    rows.push_back({key.access_key_id, key.admin() ? "admin" : "store " + *key.store,
                    FormatIsoMillis(key.created_ms), key.description});
  }
  PrintTable({"ACCESS KEY ID", "SCOPE", "CREATED", "DESCRIPTION"}, rows, std::cout);
  return 0;
}

int RunRevoke(const CliContext& context, const KeysArgs& args) {
  Result<std::unique_ptr<AccessKeyStore>> keys = OpenKeys(context);
  if (!keys.ok()) return Fail(keys.status());
  Status revoked = (*keys)->Revoke(args.revoke_id);
  if (!revoked.ok()) return Fail(revoked);
  std::cout << "revoked " << args.revoke_id << "\n";
  return 0;
}

}  // namespace

void AddKeysCommand(CLI::App& app, CliContext& context) {
  CLI::App* keys = app.add_subcommand("keys", "Manage the S3 endpoint's access keys");
  keys->require_subcommand(1);
  auto args = std::make_shared<KeysArgs>();

  CLI::App* create = keys->add_subcommand("create", "Create an access key (admin or one store)");
  create->add_flag("--admin", args->admin, "the key may do anything");
  create->add_option("--store", args->store,
                     "the key may only use stores/STORE/ in the inventory bucket");
  create->add_option("--description", args->description, "a note shown by `keys list`");
  create->add_option("--format", args->format, "table|env|json (env: export lines for eval)");
  create->callback(
      [&context, args] { context.run = [&context, args] { return RunCreate(context, *args); }; });

  CLI::App* list = keys->add_subcommand("list", "List access keys (secrets are not shown)");
  list->add_option("--format", args->format, "table|json");
  list->callback(
      [&context, args] { context.run = [&context, args] { return RunList(context, *args); }; });

  CLI::App* revoke = keys->add_subcommand("revoke", "Revoke an access key at once");
  revoke->add_option("ID", args->revoke_id, "access key id")->required();
  revoke->callback(
      [&context, args] { context.run = [&context, args] { return RunRevoke(context, *args); }; });
}

}  // namespace invtrack
