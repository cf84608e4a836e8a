// Writes the seed corpus of fuzz_run_store: small synthetic runs saved by
// saveRun, each prefixed with the harness's mode byte (1: repair checksums,
// which lets mutations reach the metadata). Kept small on purpose: 3 classes,
// a few samples, 2×2 centroids, so the fuzzer's mutations land in the header
// and the metadata rather than in float arrays.
//   fuzz_make_run_store_seeds tests/fuzz/corpus/run_store

#include "../common/synthetic_run.h"
#include "core/analysis/subset_metrics.h"
#include "core/store/run_store.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

using namespace mnistx;

namespace
{

// unscored: without model scores, as embeddings without logits make it.
void writeSeed(const std::string& corpus, const std::string& name,
               const test::SyntheticRunOptions& options, bool unscored = false)
{
    store::RunData run = test::makeSyntheticRun(options);
    if (unscored) {
        analysis::fillUnscored(run.train);
        analysis::fillUnscored(run.validation);
        analysis::computeLossDistanceBins(run.train, run.validation, 2);
    }
    run.centroids.rows = 2;
    run.centroids.cols = 2;
    run.centroids.means.conservativeResize(run.centroids.means.rows(), 4);
    run.modelBytes = std::string("model\0bytes", 11);
    const std::filesystem::path folder = std::filesystem::temp_directory_path() / "mnistx-seed";
    std::filesystem::remove_all(folder);
    store::saveRun(run, folder.string());
    std::ifstream in(folder / "run.bin", std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::ofstream out(corpus + "/" + name, std::ios::binary | std::ios::trunc);
    out.put(1);
    out << bytes;
    std::filesystem::remove_all(folder);
    std::printf("%s/%s: %zu bytes\n", corpus.c_str(), name.c_str(), bytes.size() + 1);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_FOLDER\n", argv[0]);
        return 2;
    }
    const std::string corpus = argv[1];
    std::filesystem::create_directories(corpus);

    test::SyntheticRunOptions small = test::syntheticRunSized(6, 3, 3, 2);
    small.epochs = 1;
    small.batchesPerEpoch = 2;
    small.lossBins = 2;
    writeSeed(corpus, "small.run", small);

    test::SyntheticRunOptions awkward = small;
    awkward.awkwardValues = true;
    awkward.batchesPerEpoch = 3;
    writeSeed(corpus, "awkward.run", awkward);

    test::SyntheticRunOptions empty = small;
    empty.trainCount = 0;
    empty.validationCount = 0;
    empty.lossBins = 0;
    writeSeed(corpus, "empty.run", empty);
    writeSeed(corpus, "unscored.run", small, true);
    return 0;
}
