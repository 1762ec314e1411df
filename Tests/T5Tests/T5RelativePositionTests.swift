import XCTest

@testable import T5

/// The relative position bucket function against its check values and against
/// transformers' `_relative_position_bucket` as dumped by tools/make_t5_fixtures.py.
final class T5RelativePositionTests: XCTestCase {
    private func bucket(_ rp: Int, bidirectional: Bool = true, numBuckets: Int = 32, maxDistance: Int = 128) -> Int {
        T5RelativePosition.relativePositionBucket(rp, bidirectional: bidirectional, numBuckets: numBuckets, maxDistance: maxDistance)
    }

    /// With 32 buckets and max distance 128: 16 per direction, 8 of them exact. For a
    /// distance a >= 8 the bucket is min(15, 8 + int(log(a / 8) / log(16) * 8)); keys after
    /// the query (rp > 0) add 16. 16, 32 and 64 sit exactly on boundaries (log ratios of
    /// 1/4, 1/2, 3/4 of log 16), so Float32 rounding must land as PyTorch's does.
    func testCheckValues() {
        let expected = [8: 8, 11: 8, 12: 9, 16: 10, 23: 11, 32: 12, 46: 13, 64: 14, 91: 15, 128: 15, 1000: 15]
        for (a, b) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(bucket(-a), b, "rp = -\(a)")
            XCTAssertEqual(bucket(a), 16 + b, "rp = \(a)")
        }
        XCTAssertEqual(bucket(0), 0, "the query's own position is not 'after' it")
        for a in 1..<8 {
            XCTAssertEqual(bucket(-a), a, "exact bucket for rp = -\(a)")
            XCTAssertEqual(bucket(a), 16 + a, "exact bucket for rp = \(a)")
        }
        XCTAssertEqual(bucket(Int.min), 15, "no overflow at the extremes")
        XCTAssertEqual(bucket(Int.max), 31)
    }

    func testUnidirectionalBucketsOnlyCountKeysBefore() {
        XCTAssertEqual(bucket(5, bidirectional: false), 0)
        XCTAssertEqual(bucket(-5, bidirectional: false), 5)
        // All 32 buckets look back, 16 of them exact: 16 + int(log(32 / 16) / log(128 / 16) * 16) = 21.
        XCTAssertEqual(bucket(-16, bidirectional: false), 16)
        XCTAssertEqual(bucket(-32, bidirectional: false), 21)
    }

    func testBucketsMatchTransformers() throws {
        for name in ["t5-a", "t5-b"] {
            let fixture = try Fixtures.decode(FixtureBuckets.self, name, "buckets.json")
            for (i, rp) in fixture.relative_positions.enumerated() {
                XCTAssertEqual(bucket(rp, numBuckets: fixture.num_buckets, maxDistance: fixture.max_distance),
                               fixture.buckets[i], "\(name): rp = \(rp)")
                XCTAssertEqual(bucket(rp, bidirectional: false, numBuckets: fixture.num_buckets, maxDistance: fixture.max_distance),
                               fixture.unidirectional_buckets[i], "\(name): unidirectional rp = \(rp)")
            }
        }
    }
}
