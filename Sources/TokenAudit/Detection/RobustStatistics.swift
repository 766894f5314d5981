/// Median and median absolute deviation: baselines that a few huge calls
/// (the very thing detectors look for) cannot drag along.
enum RobustStatistics {
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// (median, MAD) of `values`.
    static func medianAndDeviation(_ values: [Double]) -> (median: Double, deviation: Double)? {
        guard let m = median(values) else { return nil }
        return (m, median(values.map { abs($0 - m) }) ?? 0)
    }

    /// Coefficient of variation (standard deviation / mean); nil for fewer than two values or a zero mean.
    static func coefficientOfVariation(_ values: [Double]) -> Double? {
        guard values.count >= 2 else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard mean > 0 else { return nil }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return variance.squareRoot() / mean
    }
}
