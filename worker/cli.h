#pragma once
// The command line: `broadsheet <command> [options]`. Returns the process exit status.

namespace broadsheet::worker {

int run_cli(int argc, char** argv);

}  // namespace broadsheet::worker
