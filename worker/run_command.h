#pragma once
// The Kafka commands: `broadsheet run`, `broadsheet broker` and `broadsheet replay`. argv holds
// the arguments after the command word.

namespace broadsheet::worker {

int run_main(int argc, char** argv);
int broker_main(int argc, char** argv);
int replay_main(int argc, char** argv);

}  // namespace broadsheet::worker
