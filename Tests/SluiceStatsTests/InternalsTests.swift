import Foundation
import Testing
@testable import SluiceStats

@Suite("Internal numerics")
struct InternalsTests {
    @Test("the compactor sort orders random, sorted, reversed and duplicate-heavy input", arguments: [0, 1, 2, 3])
    func doubleSort(_ shape: Int) {
        var rng = SplitMix(state: UInt64(shape + 1))
        var xs: [Double] = (0..<5_000).map { i in
            switch shape {
            case 0: return rng.normal()
            case 1: return Double(i)
            case 2: return Double(-i)
            default: return Double(rng.next() % 4)
            }
        }
        let expected = xs.sorted()
        xs.withUnsafeMutableBufferPointer { DoubleSort.sort($0) }
        #expect(xs == expected)
    }

    @Test("regularized incomplete gamma matches closed forms")
    func incompleteGamma() {
        // Q(1, x) = e^-x; Q(1/2, x) = erfc(sqrt x); chi2.sf(x, 2) = e^(-x/2).
        for x in [0.1, 1, 5, 30, 80] {
            #expect(abs(IncompleteGamma.upperQ(1, x) - exp(-x)) <= 1e-15 + 1e-12 * exp(-x))
            #expect(abs(IncompleteGamma.upperQ(0.5, x) - erfc(x.squareRoot())) <= 1e-15 + 1e-12 * erfc(x.squareRoot()))
            #expect(abs(IncompleteGamma.chiSquareSF(x, dof: 2) - exp(-x / 2)) <= 1e-15 + 1e-12 * exp(-x / 2))
            #expect(abs(IncompleteGamma.lowerP(3, x) + IncompleteGamma.upperQ(3, x) - 1) <= 1e-14)
        }
    }

    @Test("two-proportion z-test")
    func zTest() throws {
        let r = try ProportionZTest.test(referenceCount: 50, referenceTotal: 1000, currentCount: 90, currentTotal: 1000)
        // pooled 0.07, se = sqrt(0.07*0.93*0.002) = 0.011410521...; z = 0.04 / se
        #expect(abs(r.z - 0.04 / (0.07 * 0.93 * 0.002).squareRoot()) < 1e-12)
        #expect(r.pValue < 0.001)
        #expect(try ProportionZTest.test(referenceCount: 0, referenceTotal: 10, currentCount: 0, currentTotal: 10).pValue == 1)
    }
}
