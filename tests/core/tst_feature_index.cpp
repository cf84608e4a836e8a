// Feature neighbour index: exact mode equals brute force, HNSW finds ≥ 99% of
// the exact neighbours, ids are global (train first), the sample itself is
// never its own neighbour, concurrent queries agree with serial ones, bad
// arguments are refused and a cancel is honoured.

#include "core/why/feature_index.h"
#include "gaussian_blobs.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <thread>

using namespace mnistx;
using namespace mnistx::why;

namespace
{

// The k nearest ids of row q of [a; b] by a double-precision loop.
std::vector<int> bruteForce(const RowMatrixXf& all, int q, int k)
{
    std::vector<std::pair<double, int>> d;
    for (int j = 0; j < all.rows(); ++j) {
        if (j == q)
            continue;
        d.emplace_back((all.row(j).cast<double>() - all.row(q).cast<double>()).squaredNorm(), j);
    }
    std::partial_sort(d.begin(), d.begin() + k, d.end());
    std::vector<int> ids;
    for (int j = 0; j < k; ++j)
        ids.push_back(d[static_cast<std::size_t>(j)].second);
    return ids;
}

RowMatrixXf stacked(const RowMatrixXf& a, const RowMatrixXf& b)
{
    RowMatrixXf all(a.rows() + b.rows(), a.cols());
    all << a, b;
    return all;
}

} // namespace

class TestFeatureIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exactMatchesBruteForce();
    void hnswRecall();
    void globalIds();
    void concurrentQueriesAgree();
    void neighbourGraphMatchesQueries();
    void smallSetsAndClamping();
    void refusesBadArguments();
    void cancels();
};

void TestFeatureIndex::exactMatchesBruteForce()
{
    const RowMatrixXf train = test::gaussianBlobs(700, 8, 5, 3.0f, 1);
    const RowMatrixXf validation = test::gaussianBlobs(300, 8, 5, 3.0f, 2);
    const RowMatrixXf all = stacked(train, validation);
    const FeatureIndex index(train, validation);
    QVERIFY(index.exact()); // 1,000 points: auto searches exhaustively
    for (int q = 0; q < 1000; q += 37) {
        const Neighbours found = index.nearest(q, 12);
        QCOMPARE(found.ids, bruteForce(all, q, 12));
        for (std::size_t j = 0; j < found.ids.size(); ++j) {
            const double want = (all.row(found.ids[j]) - all.row(q)).norm();
            QVERIFY(std::abs(found.distances[j] - want) < 1e-4 * (1.0 + want));
            if (j > 0)
                QVERIFY(found.distances[j] >= found.distances[j - 1]);
        }
    }
}

void TestFeatureIndex::hnswRecall()
{
    // 12,000 × 32 overlapping blobs: above the exact cut-off, so HNSW.
    const RowMatrixXf train = test::gaussianBlobs(9000, 32, 20, 1.5f, 3);
    const RowMatrixXf validation = test::gaussianBlobs(3000, 32, 20, 1.5f, 4);
    const RowMatrixXf all = stacked(train, validation);
    FeatureIndexConfig config;
    config.threads = 2;
    const FeatureIndex index(train, validation, config);
    QVERIFY(!index.exact());
    long long found = 0, wanted = 0;
    for (int q = 0; q < 12000; q += 40) {
        auto got = index.nearest(q, 10).ids;
        auto want = bruteForce(all, q, 10);
        QVERIFY(std::find(got.begin(), got.end(), q) == got.end());
        std::sort(got.begin(), got.end());
        std::sort(want.begin(), want.end());
        std::vector<int> common;
        std::set_intersection(got.begin(), got.end(), want.begin(), want.end(),
                              std::back_inserter(common));
        found += static_cast<long long>(common.size());
        wanted += 10;
    }
    const double recall = double(found) / wanted;
    qInfo("HNSW recall@10 on 12,000 × 32: %.4f", recall);
    QVERIFY(recall >= 0.99);
}

void TestFeatureIndex::globalIds()
{
    const RowMatrixXf train = test::gaussianBlobs(50, 4, 2, 3.0f, 5);
    const RowMatrixXf validation = test::gaussianBlobs(20, 4, 2, 3.0f, 6);
    const FeatureIndex index(train, validation);
    QCOMPARE(index.size(), 70);
    QCOMPARE(index.trainCount(), 50);
    QCOMPARE(index.dimension(), 4);
    QCOMPARE(index.globalId(analysis::Subset::Train, 7), 7);
    QCOMPARE(index.globalId(analysis::Subset::Validation, 7), 57);
    QCOMPARE(int(index.sample(57).subset), int(analysis::Subset::Validation));
    QCOMPARE(index.sample(57).index, 7);
    QCOMPARE(index.feature(57)[2], validation(7, 2));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, index.globalId(analysis::Subset::Train, 50));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, index.globalId(analysis::Subset::Validation, 20));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, index.nearest(70, 3));
    // A query point equal to a sample finds it first, at distance 0.
    const Neighbours self = index.nearestTo(validation.row(3).data(), 1);
    QCOMPARE(self.ids.front(), 53);
    QCOMPARE(self.distances.front(), 0.0f);
}

void TestFeatureIndex::concurrentQueriesAgree()
{
    const RowMatrixXf train = test::gaussianBlobs(8000, 16, 10, 2.0f, 7);
    const FeatureIndex index(train, RowMatrixXf(0, 16));
    std::vector<std::vector<int>> serial(400);
    for (int q = 0; q < 400; ++q)
        serial[static_cast<std::size_t>(q)] = index.nearest(q * 20, 15).ids;
    std::vector<std::vector<int>> parallel(400);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int q = t; q < 400; q += 4)
                parallel[static_cast<std::size_t>(q)] = index.nearest(q * 20, 15).ids;
        });
    for (auto& t : threads)
        t.join();
    QVERIFY(serial == parallel);
}

void TestFeatureIndex::neighbourGraphMatchesQueries()
{
    const RowMatrixXf train = test::gaussianBlobs(6000, 8, 10, 2.0f, 8);
    const RowMatrixXf validation = test::gaussianBlobs(1000, 8, 10, 2.0f, 9);
    const FeatureIndex index(train, validation);
    const NeighbourGraph one = index.neighbourGraph(10, 1);
    const NeighbourGraph two = index.neighbourGraph(10, 2);
    QCOMPARE(one.n, 7000);
    QCOMPARE(one.k, 10);
    QVERIFY(one.ids == two.ids); // serial equals parallel
    for (int i = 0; i < 7000; i += 333) {
        const Neighbours q = index.nearest(i, 10);
        QVERIFY(std::equal(q.ids.begin(), q.ids.end(), one.row(i)));
    }
}

void TestFeatureIndex::smallSetsAndClamping()
{
    const RowMatrixXf train = test::gaussianBlobs(3, 2, 1, 1.0f, 10);
    const FeatureIndex index(train, RowMatrixXf(0, 2));
    QCOMPARE(index.nearest(0, 10).ids.size(), std::size_t(2)); // k clamped to n − 1
    const FeatureIndex single(RowMatrixXf::Zero(1, 2), RowMatrixXf(0, 2));
    QVERIFY(single.nearest(0, 5).ids.empty());
    QCOMPARE(single.neighbourGraph(5).k, 0);
    // Duplicates: all at distance 0, none of them the query itself.
    const FeatureIndex same(RowMatrixXf::Ones(6000, 4), RowMatrixXf(0, 4));
    const Neighbours dup = same.nearest(5, 8);
    QCOMPARE(dup.ids.size(), std::size_t(8));
    QVERIFY(std::find(dup.ids.begin(), dup.ids.end(), 5) == dup.ids.end());
    QCOMPARE(dup.distances.back(), 0.0f);
}

void TestFeatureIndex::refusesBadArguments()
{
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             FeatureIndex(RowMatrixXf(0, 4), RowMatrixXf(0, 4)));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             FeatureIndex(RowMatrixXf::Zero(5, 4), RowMatrixXf::Zero(5, 3)));
    RowMatrixXf bad = RowMatrixXf::Zero(5, 4);
    bad(2, 1) = std::nanf("");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FeatureIndex(bad, RowMatrixXf(0, 4)));
    FeatureIndexConfig config;
    config.method = "annoy";
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             FeatureIndex(RowMatrixXf::Zero(5, 4), RowMatrixXf(0, 4), config));
    const FeatureIndex index(RowMatrixXf::Zero(5, 4), RowMatrixXf(0, 4));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, index.nearest(0, 0));
}

void TestFeatureIndex::cancels()
{
    const RowMatrixXf train = test::gaussianBlobs(20000, 16, 10, 2.0f, 11);
    int calls = 0;
    QVERIFY_THROWS_EXCEPTION(IndexCancelled, FeatureIndex(train, RowMatrixXf(0, 16), {},
                                                          [&](double) { return ++calls < 2; }));
    const FeatureIndex index(RowMatrixXf::Zero(100, 2), RowMatrixXf(0, 2));
    QVERIFY_THROWS_EXCEPTION(IndexCancelled,
                             index.neighbourGraph(5, 1, [](double) { return false; }));
}

QTEST_GUILESS_MAIN(TestFeatureIndex)
#include "tst_feature_index.moc"
