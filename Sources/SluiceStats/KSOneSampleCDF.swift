import Foundation

/// Exact and approximate CDFs of the two-sided one-sample KS statistic, used by `kstwoSF`
/// (Durbin's matrix via Marsaglia–Tsang–Wang, Pomeranz's recursion, Pelz–Good's approximation).
enum KSOneSampleCDF {
    private static let e128 = 128
    private static let ep128 = scalbn(1.0, 128)
    private static let em128 = scalbn(1.0, -128)

    /// Pr(D_n <= d) via the Durbin matrix (MTW), with exponent tracking to avoid overflow.
    static func durbinMTW(n: Int, d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var hm = [Double](repeating: 0, count: m * m)
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var fac = 1.0
        for j in 1...m {
            v[j - 1] = 1.0 - pow(h, Double(j))
            w[j - 1] = fac
            fac /= Double(j)
            v[j - 1] *= fac
        }
        let tt = pow(max(2 * h - 1.0, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1.0 + tt) * fac
        for i in 1..<max(m, 1) where i < m {
            for r in (i - 1)..<m { hm[r * m + i] = w[r - (i - 1)] }
        }
        for r in 0..<m { hm[r * m] = v[r] }
        for c in 0..<m { hm[(m - 1) * m + c] = v[m - 1 - c] }

        var pw = [Double](repeating: 0, count: m * m)
        for i in 0..<m { pw[i * m + i] = 1 }
        var nn = n, expnt = 0, hexp = 0
        while nn > 0 {
            if nn % 2 == 1 { pw = matmul(pw, hm, m); expnt += hexp }
            hm = matmul(hm, hm, m)
            hexp *= 2
            if abs(hm[(k - 1) * m + (k - 1)]) > ep128 {
                for i in 0..<hm.count { hm[i] /= ep128 }
                hexp += e128
            }
            nn /= 2
        }
        var p = pw[(k - 1) * m + (k - 1)]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < em128 { p *= ep128; expnt -= e128 }
        }
        if expnt != 0 { p = scalbn(p, expnt) }
        return min(max(p, 0), 1)
    }

    private static func matmul(_ a: [Double], _ b: [Double], _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for k in 0..<m {
                let aik = a[i * m + k]
                if aik == 0 { continue }
                for j in 0..<m { c[i * m + j] += aik * b[k * m + j] }
            }
        }
        return c
    }

    private static func pomeranzJ1J2(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
        var j1: Int, j2: Int
        if i == 0 {
            (j1, j2) = (-ll - ceilf - 1, ll + ceilf - 1)
        } else {
            let ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2
            if ip1mod2 == 0 {
                if ip1div2 == n + 1 {
                    (j1, j2) = (n - ll - ceilf - 1, n + ll + ceilf - 1)
                } else {
                    (j1, j2) = (ip1div2 - 1 - ll - roundf - 1, ip1div2 + ll - 1 + ceilf - 1)
                }
            } else {
                (j1, j2) = (ip1div2 - 1 - ll - 1, ip1div2 + ll + roundf - 1)
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// Pr(D_n <= x) via Pomeranz's recursion.
    static func pomeranz(n: Int, x: Double) -> Double {
        let t = Double(n) * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1.0 - f)
        let ceilf = f > 0 ? 1 : 0, roundf = f > 0.5 ? 1 : 0
        let npwrs = 2 * (ll + 1)
        var gp = [Double](repeating: 1, count: npwrs)
        var twog = [Double](repeating: 1, count: npwrs)
        var om2g = [Double](repeating: 1, count: npwrs)
        let dn = Double(n)
        for k in 1..<npwrs {
            gp[k] = gp[k - 1] * (g / dn) / Double(k)
            twog[k] = twog[k - 1] * (2 * g / dn) / Double(k)
            om2g[k] = om2g[k - 1] * ((1 - 2 * g) / dn) / Double(k)
        }
        var v0 = [Double](repeating: 0, count: npwrs)
        var v1 = [Double](repeating: 0, count: npwrs)
        v1[0] = 1
        var v0s = 0, v1s = 0, expnt = 0
        var (j1, j2) = pomeranzJ1J2(0, n, ll, ceilf, roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0s, &v1s)
            for z in 0..<npwrs { v1[z] = 0 }
            (j1, j2) = pomeranzJ1J2(i, n, ll, ceilf, roundf)
            let pwrs = (i == 1 || i == 2 * n + 1) ? gp : (i % 2 == 1 ? twog : om2g)
            let ln2 = j2 - k1 + 1
            if ln2 > 0 {
                let convStart = j1 - k1, convLen = j2 - j1 + 1
                let base = k1 - v0s
                for o in 0..<max(convLen, 0) {
                    let tIdx = convStart + o
                    var s = 0.0
                    // full convolution index tIdx of a = V0[base..<base+ln2] and b = pwrs[0..<ln2]
                    let lo = max(0, tIdx - (ln2 - 1)), hi = min(tIdx, ln2 - 1)
                    if lo <= hi { for a in lo...hi { s += v0[base + a] * pwrs[tIdx - a] } }
                    v1[o] = s
                }
                let mx = v1.max() ?? 0
                if mx > 0 && mx < em128 {
                    for z in 0..<npwrs { v1[z] *= ep128 }
                    expnt -= e128
                }
                v1s = v0s + j1 - k1
            }
        }
        var ans = v1[n - v1s]
        for mm in 1...n {
            if abs(ans) > ep128 { ans *= em128; expnt += e128 }
            ans *= Double(mm)
        }
        if expnt != 0 { ans = scalbn(ans, expnt) }
        return min(max(ans, 0), 1)
    }

    /// Pelz–Good asymptotic approximation of Pr(D_n <= x).
    static func pelzGood(n: Int, x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let dn = Double(n)
        let z = dn.squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * pow(z, 8)
        var kk = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        var k = maxk
        while k >= 1 {
            let m = Double(2 * k - 1)
            let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
            let qp = pow(q, Double(8 * k))
            let c = [1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6]
            for i in 0..<4 { kk[i] = kk[i] * qp + c[i] }
            k -= 1
        }
        let s2pi = (2 * Double.pi).squareRoot()
        let div = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { kk[i] = kk[i] * q * s2pi / div[i] }
        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0, k3extra = 0.0
        let s3z = 3.0.squareRoot() * z
        var kk2 = maxk
        while kk2 >= 1 {
            let ks = Double(kk2), ksq = ks * ks
            let qpw = pow(q, ksq)
            k2extra += ksq * qpw
            let kspi = Double.pi * ks
            k3extra += (s3z + kspi) * (s3z - kspi) * ksq * qpw
            kk2 -= 1
        }
        kk[2] += k2extra * pi2 * s2pi / (-36 * z3)
        kk[3] += k3extra * pi2 * s2pi / (216 * z6)
        var sum = 0.0
        for i in 0..<4 { sum += kk[i] / pow(dn, Double(i) / 2.0) }
        return sum
    }
}
