// jemalloc's options, compiled into the executables that link it (read when it initialises;
// the MALLOC_CONF variable still overrides them, e.g. MALLOC_CONF=narenas:8 on a large machine).
//
// narenas:2 instead of jemalloc's four arenas per CPU. The worker has a dozen threads (the pool,
// and librdkafka's for every client and broker); with an arena for nearly every thread, memory one
// thread freed was seldom reused by another and fresh pages were faulted in instead. Measured with
// the e2e bench, which starts a fresh worker for each run (perf stat, two runs of each): about
// 30,000 page faults per run of 3,000 pages with the default, 9,500 with two arenas, and 35-55 ms
// less CPU per run. A long-running worker faults less either way. (One arena per CPU,
// percpu_arena, measured the same, but jemalloc then warns on stderr at every start when the
// process may use fewer CPUs than the machine has, as under taskset or a CPU set.)

extern "C" {
// NOLINTNEXTLINE: the name jemalloc looks for
const char* malloc_conf = "narenas:2";
}
