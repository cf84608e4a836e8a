// Helper of tst_crash_safe_store: saves one synthetic run and waits to be
// killed. The test starts it, waits for "ready", sends SIGKILL at a random
// moment of the save and then checks what is on disk.
//   core_crash_save_helper FOLDER SEED
// Prints "ready" once the run is built (only saving is left), "saved" when
// saveRun returned, then sleeps until killed (or 60 s, if the test died).

#include "core/store/run_store.h"
#include "crash_safe_run.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s FOLDER SEED\n", argv[0]);
        return 2;
    }
    const mnistx::store::RunData run =
        mnistx::test::makeCrashTestRun(std::strtoull(argv[2], nullptr, 10));
    std::printf("ready\n");
    std::fflush(stdout);
    try {
        mnistx::store::saveRun(run, argv[1]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    std::printf("saved\n");
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(60));
    return 0;
}
