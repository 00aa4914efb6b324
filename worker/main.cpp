#include "worker/cli.h"

int main(int argc, char** argv) { return broadsheet::worker::run_cli(argc, argv); }
