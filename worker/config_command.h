#pragma once
// `broadsheet config --print | --check [flags]`: the effective configuration of `run` as TOML, or
// whether it is valid, with the clients' configurations built as `run` builds them (librdkafka
// checks some properties only then) without connecting to anything.

namespace broadsheet::worker {

// The arguments after the command word; returns the exit status (exit_usage for a usage error or
// an invalid configuration).
int config_main(int argc, char** argv);

}  // namespace broadsheet::worker
