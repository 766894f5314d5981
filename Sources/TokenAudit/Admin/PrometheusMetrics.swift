import CoreMetrics
import Prometheus

/// The process's Prometheus registry, behind swift-metrics: every `Counter`
/// and `Gauge` of the daemon lands here, and `/metrics` renders it.
/// swift-metrics can be bootstrapped once per process; `bootstrap()` may be
/// called any number of times.
public enum PrometheusMetrics {
    static let registry = PrometheusCollectorRegistry()

    private static let installed: Bool = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return true
    }()

    public static func bootstrap() {
        _ = installed
    }

    /// The text exposition format (version 0.0.4).
    static func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
