// The NumPy reader (core/data/npy_reader) on files NumPy writes (versions 1.0
// and 2.0, every element type the datasets use, uint8 and float images,
// signed labels) and on files it must refuse with the reason: Fortran order,
// big-endian, structured and object types, truncated or padded payloads,
// lying shapes, damaged headers.

#include "../common/npy_test_files.h"
#include "core/data/npy_reader.h"

#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <fstream>

using namespace mnistx;

class TestNpyReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void readsWhatNumpyWrites();
    void formatVersionTwo();
    void integerTypesBecomeLabels();
    void floatImagesBecomeBytes();
    void refusesWhatItCannotRead_data();
    void refusesWhatItCannotRead();
    void lyingShapeAllocatesNothing();

private:
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }
    QTemporaryDir m_dir;
};

void TestNpyReader::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // scripts/test installs python3-numpy: without it these checks would
    // only test the reader against itself.
    const QString error = test::runNumpy(
        m_dir.path(),
        QStringLiteral(
            "np.save(os.path.join(d, 'images.npy'), np.arange(3 * 4 * 5, "
            "dtype=np.uint8).reshape(3, 4, 5))\n"
            "np.save(os.path.join(d, 'rgb.npy'), np.arange(2 * 3 * 3 * 3, "
            "dtype=np.uint8).reshape(2, 3, 3, 3))\n"
            "np.save(os.path.join(d, 'i8.npy'), np.array([-3, 0, 7], dtype=np.int8))\n"
            "np.save(os.path.join(d, 'i16.npy'), np.array([-300, 2, 999], dtype=np.int16))\n"
            "np.save(os.path.join(d, 'u8.npy'), np.array([0, 9, 255], dtype=np.uint8))\n"
            "np.save(os.path.join(d, 'i64.npy'), np.array([5, -1, 123456789012], dtype=np.int64))\n"
            "np.save(os.path.join(d, 'u32.npy'), np.array([4000000000], dtype=np.uint32))\n"
            "np.save(os.path.join(d, 'f32.npy'), (np.arange(256, dtype=np.float32) / "
            "255).reshape(4, 8, 8))\n"
            "np.save(os.path.join(d, 'f16.npy'), np.array([0, 0.25, 0.5, 1, 6e-5], "
            "dtype=np.float16))\n"
            "np.save(os.path.join(d, 'f64.npy'), np.array([[0.0, 1.0], [0.5, 0.2]]))\n"
            "np.save(os.path.join(d, 'bad_float.npy'), np.array([0, 0.5, 1.5], dtype=np.float32))\n"
            "np.save(os.path.join(d, 'nan.npy'), np.array([0, np.nan], dtype=np.float32))\n"
            "np.save(os.path.join(d, 'fortran.npy'), np.asfortranarray(np.zeros((3, 4), "
            "np.uint8)))\n"
            "np.save(os.path.join(d, 'big.npy'), np.zeros(4, dtype='>i4'))\n"
            "np.save(os.path.join(d, 'complex.npy'), np.zeros(4, dtype=np.complex64))\n"
            "np.save(os.path.join(d, 'record.npy'), np.zeros(2, dtype=[('a', 'i4'), ('b', "
            "'f4')]))\n"
            "np.save(os.path.join(d, 'object.npy'), np.array([1, 'x'], dtype=object), "
            "allow_pickle=True)\n"
            "np.save(os.path.join(d, 'bool.npy'), np.array([True, False]))\n"
            "np.save(os.path.join(d, 'scalar.npy'), np.uint8(7))\n"
            "np.save(os.path.join(d, 'empty.npy'), np.zeros((0, 28, 28), np.uint8))\n"
            "with open(os.path.join(d, 'v2.npy'), 'wb') as f:\n"
            "    np.lib.format.write_array(f, np.arange(6, dtype=np.int32).reshape(2, 3), "
            "version=(2, 0))\n"));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestNpyReader::readsWhatNumpyWrites()
{
    const data::NpyArray a = data::readNpy(path("images.npy"));
    QCOMPARE(a.header.type, data::NpyType::UInt8);
    QCOMPARE(a.header.shape, (std::vector<std::int64_t>{3, 4, 5}));
    QCOMPARE(a.header.shapeText(), std::string("3×4×5"));
    QCOMPARE(a.bytes.size(), std::size_t(60));
    for (std::size_t i = 0; i < a.bytes.size(); ++i)
        QCOMPARE(int(a.bytes[i]), int(i));
    QCOMPARE(a.header.dataOffset % 64, std::uint64_t(0)); // numpy aligns the payload

    const data::NpyArray rgb = data::readNpy(path("rgb.npy"));
    QCOMPARE(rgb.header.shape, (std::vector<std::int64_t>{2, 3, 3, 3}));
    QCOMPARE(int(rgb.bytes[53]), 53);

    const data::NpyArray scalar = data::readNpy(path("scalar.npy"));
    QVERIFY(scalar.header.shape.empty());
    QCOMPARE(int(scalar.bytes.at(0)), 7);

    const data::NpyArray empty = data::readNpy(path("empty.npy"));
    QCOMPARE(empty.header.elementCount(), std::int64_t(0));
    QVERIFY(empty.bytes.empty());

    // The header alone, as the memory-mapped readers will use it.
    const data::NpyHeader h = data::readNpyHeader(path("f32.npy"));
    QCOMPARE(h.type, data::NpyType::Float32);
    QCOMPARE(h.payloadBytes(), std::uint64_t(256 * 4));
}

void TestNpyReader::formatVersionTwo()
{
    const data::NpyArray a = data::readNpy(path("v2.npy"));
    QCOMPARE(a.header.type, data::NpyType::Int32);
    QCOMPARE(a.header.shape, (std::vector<std::int64_t>{2, 3}));
    QCOMPARE(data::npyIntegers(a, "v2.npy"), (std::vector<std::int64_t>{0, 1, 2, 3, 4, 5}));
}

void TestNpyReader::integerTypesBecomeLabels()
{
    const auto labels = [&](const char* name) {
        return data::npyIntegers(data::readNpy(path(name)), name);
    };
    QCOMPARE(labels("i8.npy"), (std::vector<std::int64_t>{-3, 0, 7}));
    QCOMPARE(labels("i16.npy"), (std::vector<std::int64_t>{-300, 2, 999}));
    QCOMPARE(labels("u8.npy"), (std::vector<std::int64_t>{0, 9, 255}));
    QCOMPARE(labels("i64.npy"), (std::vector<std::int64_t>{5, -1, 123456789012}));
    QCOMPARE(labels("u32.npy"), (std::vector<std::int64_t>{4000000000}));
    for (const char* notIntegers : {"f32.npy", "bool.npy"}) {
        try {
            labels(notIntegers);
            QFAIL(notIntegers);
        } catch (const data::DataError& e) {
            QVERIFY2(std::strstr(e.what(), "where integers are expected"), e.what());
        }
    }
}

void TestNpyReader::floatImagesBecomeBytes()
{
    // k/255 saved as float32 comes back as exactly k.
    const data::NpyArray f32 = data::readNpy(path("f32.npy"));
    const std::vector<std::uint8_t> bytes = data::npyImageBytes(f32, "f32.npy");
    QCOMPARE(bytes.size(), std::size_t(256));
    for (int k = 0; k < 256; ++k)
        QCOMPARE(int(bytes[static_cast<std::size_t>(k)]), k);
    // float16, including a subnormal (6e-5 × 255 rounds to 0).
    QCOMPARE(data::npyImageBytes(data::readNpy(path("f16.npy")), "f16.npy"),
             (std::vector<std::uint8_t>{0, 64, 128, 255, 0}));
    QCOMPARE(data::npyImageBytes(data::readNpy(path("f64.npy")), "f64.npy"),
             (std::vector<std::uint8_t>{0, 255, 128, 51}));
    // uint8 as it is.
    QCOMPARE(data::npyImageBytes(data::readNpy(path("u8.npy")), "u8.npy"),
             (std::vector<std::uint8_t>{0, 9, 255}));
    const auto refuses = [&](const char* name, const char* words) {
        try {
            data::npyImageBytes(data::readNpy(path(name)), name);
            QFAIL(name);
        } catch (const data::DataError& e) {
            QVERIFY2(std::strstr(e.what(), words), e.what());
        }
    };
    refuses("bad_float.npy", "at index 2 is outside 0 to 1");
    refuses("nan.npy", "at index 1 is outside 0 to 1");
    refuses("i16.npy", "images must be uint8 (0 to 255) or float32 (0 to 1)");
}

void TestNpyReader::refusesWhatItCannotRead_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("words");
    QTest::newRow("Fortran order") << "fortran.npy"
                                   << "Fortran order; save it in C order";
    QTest::newRow("big-endian") << "big.npy"
                                << "is big-endian";
    QTest::newRow("complex") << "complex.npy"
                             << "'<c8' is not supported";
    QTest::newRow("structured") << "record.npy"
                                << "structured element type";
    QTest::newRow("object") << "object.npy"
                            << "'|O' is not";
    QTest::newRow("truncated") << "truncated.npy"
                               << "truncated";
    QTest::newRow("trailing bytes") << "padded.npy"
                                    << "bytes after the array";
    QTest::newRow("not npy") << "text.npy"
                             << "not a NumPy .npy file";
    QTest::newRow("version 9") << "v9.npy"
                               << "format version 9.0 is not supported";
    QTest::newRow("negative dimension") << "negative.npy"
                                        << "negative dimension";
    QTest::newRow("no shape") << "noshape.npy"
                              << "lacks 'shape'";
    QTest::newRow("broken dict") << "brokendict.npy"
                                 << "not what numpy writes";
    QTest::newRow("header past the end") << "shortheader.npy"
                                         << "ends inside the NumPy header";
    QTest::newRow("missing") << "missing.npy"
                             << "file not found";
    QTest::newRow("folder") << "folder.npy"
                            << "is a folder";
}

void TestNpyReader::refusesWhatItCannotRead()
{
    QFETCH(QString, file);
    QFETCH(QString, words);
    // The hand-made files.
    {
        std::ifstream in(path("images.npy"), std::ios::binary);
        const std::string whole((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        std::ofstream(path("truncated.npy"), std::ios::binary) << whole.substr(0, whole.size() - 7);
        std::ofstream(path("padded.npy"), std::ios::binary) << whole << "extra";
        std::ofstream(path("shortheader.npy"), std::ios::binary) << whole.substr(0, 40);
        std::string v9 = whole;
        v9[6] = 9;
        std::ofstream(path("v9.npy"), std::ios::binary) << v9;
    }
    std::ofstream(path("text.npy")) << "a,b,c\n1,2,3\n";
    test::writeRawNpy(path("negative.npy"),
                      "{'descr': '|u1', 'fortran_order': False, 'shape': (-2, 3), }", "");
    test::writeRawNpy(path("noshape.npy"), "{'descr': '|u1', 'fortran_order': False, }", "");
    test::writeRawNpy(path("brokendict.npy"), "{'descr': '|u1', 'fortran_order': Maybe}", "");
    QDir(m_dir.path()).mkpath(QStringLiteral("folder.npy"));

    const std::string p = path(file.toUtf8().constData());
    try {
        data::readNpy(p);
        QFAIL("read");
    } catch (const data::DataError& e) {
        QVERIFY2(QString::fromUtf8(e.what()).startsWith(QString::fromStdString(p)), e.what());
        QVERIFY2(QString::fromUtf8(e.what()).contains(words), e.what());
    }
}

void TestNpyReader::lyingShapeAllocatesNothing()
{
    // 10^12 × 10^12 elements claimed by a 100-byte file: refused from the
    // header, before any allocation (an allocation would throw bad_alloc).
    test::writeRawNpy(path("lying.npy"),
                      "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, "
                      "1000000000000), }",
                      std::string(36, '\0'));
    try {
        data::readNpy(path("lying.npy"));
        QFAIL("read");
    } catch (const data::DataError& e) {
        QVERIFY2(std::strstr(e.what(), "truncated: the header says 1000000000000×1000000000000"),
                 e.what());
    }
    // A dimension beyond 64 bits.
    test::writeRawNpy(
        path("huge.npy"),
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", "");
    QVERIFY_THROWS_EXCEPTION(data::DataError, data::readNpy(path("huge.npy")));
}

QTEST_GUILESS_MAIN(TestNpyReader)
#include "tst_npy_reader.moc"
