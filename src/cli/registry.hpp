// Internal to the CLI: one factory per command, collected in registry.cpp.
#pragma once

#include "skiff/cli/command.hpp"

namespace skiff::cli {

Command cmd_run();
Command cmd_create();
Command cmd_start();
Command cmd_stop();
Command cmd_restart();
Command cmd_kill();
Command cmd_rm();
Command cmd_wait();
Command cmd_rename();
Command cmd_port();
Command cmd_ps();
Command cmd_logs();
Command cmd_inspect();
Command cmd_container_inspect();
Command cmd_container_prune();
Command cmd_images();
Command cmd_image_inspect();
Command cmd_rmi();
Command cmd_tag();
Command cmd_import();
Command cmd_build();
Command cmd_builder_prune();
Command cmd_load();
Command cmd_save();
Command cmd_export();
Command cmd_diff();
Command cmd_commit();
Command cmd_history();
Command cmd_image_prune();
Command cmd_image_exists();
Command cmd_pull();
Command cmd_push();
Command cmd_search();
Command cmd_login();
Command cmd_logout();
Command cmd_volume_create();
Command cmd_volume_ls();
Command cmd_volume_inspect();
Command cmd_volume_rm();
Command cmd_volume_prune();
Command cmd_network_create();
Command cmd_network_ls();
Command cmd_network_inspect();
Command cmd_network_rm();
Command cmd_network_prune();
Command cmd_network_exists();
Command cmd_network_connect();
Command cmd_network_disconnect();
Command cmd_version();
Command cmd_info();
Command cmd_complete();
Command cmd_dns_ensure();
Command cmd_exec();
Command cmd_attach();

} // namespace skiff::cli
