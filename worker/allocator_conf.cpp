// jemalloc's options, compiled into the executables that link it (read when it initialises;
// the MALLOC_CONF variable still overrides them).
//
// percpu_arena: one arena per CPU instead of four per CPU, each thread allocating from the arena
// of the CPU it runs on. The worker has a dozen threads (the pool, and librdkafka's for every
// client and broker); with an arena per thread, memory one thread freed was seldom reused by
// another and fresh pages were faulted in instead. Measured with the e2e bench, which starts a
// fresh worker for each run (perf stat, two runs of each): about 30,000 page faults per run of
// 3,000 pages with four arenas per CPU, 11,600 with this, and 35-55 ms less CPU per run. A
// long-running worker, whose threads and arenas stay, faults less either way.

extern "C" {
// NOLINTNEXTLINE: the name jemalloc looks for
const char* malloc_conf = "percpu_arena:percpu";
}
