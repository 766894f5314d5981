public import OTLPWire

/// `service`: which components run, wired into which pipelines, plus the
/// daemon's own endpoints and storage.
public struct ServiceConfig: Sendable, Equatable {
    public struct Pipeline: Sendable, Equatable {
        public var id: ComponentID
        public var signal: Signal
        public var receivers: [ComponentID] = []
        public var processors: [ComponentID] = []
        public var exporters: [ComponentID] = []
        /// Requests accepted but not yet processed; past either bound,
        /// receivers answer 503 / UNAVAILABLE and the sender keeps the data.
        public var maxQueuedRequests = 512
        public var maxQueuedBytes = 256 * 1024 * 1024
    }

    public var pipelines: [Pipeline] = []
    public var admin: Endpoint? = Endpoint(host: "127.0.0.1", port: 8900)
    /// The authenticator guarding the admin endpoint (all but `/healthz`).
    public var adminAuth: ComponentID?
    /// TLS for the admin endpoint.
    public var adminTLS: TLSServerSettings?
    /// Extensions that run (`service.extensions`), as in the Collector.
    public var extensions: [ComponentID] = []
    public var storagePath = "./tokenaudit-data"
    /// Queues on disk (SQLite under `storagePath`), so accepted data survives
    /// a backend outage and the daemon being killed.
    public var durableQueues = true
    public var durability = DurableStore.Durability.normal
    public var logLevel = "info"
    /// How long summaries keep hourly rows (span time, before the newest hour).
    public var retention: Duration = .seconds(90 * 86400)
    /// Whether Prometheus series carry a `principal` label (one series per
    /// person: opt in only where the cardinality is affordable).
    public var metricsPrincipalLabels = false
}

/// A component's `type[/name]`, as in the Collector (`otlp`, `otlp_http/backup`).
public struct ComponentID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var type: String
    public var name: String?

    public init(_ text: String) {
        if let slash = text.firstIndex(of: "/") {
            type = String(text[..<slash])
            name = String(text[text.index(after: slash)...])
        } else {
            type = text
            name = nil
        }
    }

    public var description: String { name.map { "\(type)/\($0)" } ?? type }

    public static func < (lhs: ComponentID, rhs: ComponentID) -> Bool { lhs.description < rhs.description }
}

/// The OTLP signals tokenaudit handles.
public enum Signal: String, Sendable, Hashable, CaseIterable {
    case traces, logs

    /// `ExportTraceServiceRequest` or `ExportLogsServiceRequest`.
    public var requestSchema: MessageSchema {
        self == .traces ? OTLPSchema.exportTraceRequest : OTLPSchema.exportLogsRequest
    }

    /// Spans or log records in a (validated) request of this signal.
    public func itemCount(in request: UnsafeRawBufferPointer) -> Int {
        self == .traces ? ExportTraceRequestView(bytes: request).spanCount : ExportLogsRequestView(bytes: request).logRecordCount
    }
}
