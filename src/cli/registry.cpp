#include "registry.hpp"

namespace skiff::cli {

const std::vector<Command> &commands() {
  static const std::vector<Command> all = {
      cmd_run(),           cmd_create(),        cmd_start(),          cmd_stop(),
      cmd_restart(),       cmd_kill(),          cmd_rm(),             cmd_wait(),
      cmd_rename(),        cmd_port(),          cmd_exec(),          cmd_attach(),         cmd_ps(),            cmd_logs(),           cmd_inspect(),
      cmd_container_inspect(), cmd_container_prune(), cmd_images(),   cmd_image_inspect(),
      cmd_rmi(),           cmd_tag(),           cmd_import(),         cmd_load(),
      cmd_save(),          cmd_export(),        cmd_diff(),           cmd_commit(),        cmd_history(),        cmd_image_prune(),
      cmd_image_exists(),  cmd_build(),         cmd_builder_prune(),
      cmd_pull(),          cmd_push(),          cmd_search(),         cmd_login(),
      cmd_logout(),
      cmd_volume_create(), cmd_volume_ls(),     cmd_volume_inspect(), cmd_volume_rm(),
      cmd_volume_prune(),  cmd_network_create(), cmd_network_ls(),   cmd_network_inspect(),
      cmd_network_rm(),    cmd_network_prune(), cmd_network_exists(), cmd_network_connect(), cmd_network_disconnect(), cmd_version(),       cmd_info(),
      cmd_complete(),      cmd_dns_ensure()};
  return all;
}

const Command *find_command(std::string_view name) {
  for (const auto &c : commands()) {
    if (c.name == name)
      return &c;
    for (const auto &a : c.aliases)
      if (a == name)
        return &c;
  }
  return nullptr;
}

} // namespace skiff::cli
