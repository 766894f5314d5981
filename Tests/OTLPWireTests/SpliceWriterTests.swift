import NIOCore
import OTLPWire
import TestSupport
import Testing

/// The splice-writer's output must unpack in libprotobuf-c to the original
/// message plus exactly the added attributes.
@Suite struct SpliceWriterTests {
    /// Splices `added[i]` into the i-th span (in wire order) of `model`'s encoding.
    func splice(_ bytes: [UInt8], added: [[KeyValueModel]]) -> [UInt8] {
        bytes.withUnsafeBytes { raw in
            var writer = SpliceWriter()
            var index = 0
            ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                defer { index += 1 }
                for kv in added[index] {
                    writer.append(to: span.spliceTarget) { w in w.message(9) { kv.encode(&$0) } }
                }
            }
            var out = ByteBuffer()
            writer.write(raw, into: &out)
            return Array(out.readableBytesView)
        }
    }

    /// The model with `added[i]` appended to the i-th span's attributes.
    func expected(_ model: TracesModel, added: [[KeyValueModel]]) -> TracesModel {
        var copy = model
        var index = 0
        for r in copy.resourceSpans.indices {
            for s in copy.resourceSpans[r].scopeSpans.indices {
                for p in copy.resourceSpans[r].scopeSpans[s].spans.indices {
                    copy.resourceSpans[r].scopeSpans[s].spans[p].attributes += added[index]
                    index += 1
                }
            }
        }
        return copy
    }

    /// `raw` as a writer writes it after `appendAll`'s appends.
    func written(_ raw: UnsafeRawBufferPointer, _ appendAll: (inout SpliceWriter) -> Void) -> [UInt8] {
        var writer = SpliceWriter()
        appendAll(&writer)
        var out = ByteBuffer()
        writer.write(raw, into: &out)
        return Array(out.readableBytesView)
    }

    func spanCount(_ model: TracesModel) -> Int {
        model.resourceSpans.flatMap(\.scopeSpans).map(\.spans.count).reduce(0, +)
    }

    @Test func randomSplicesUnpackToTheOriginalPlusTheAddedAttributes() throws {
        var splicedSpans = 0
        for seed in 1...200 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            let model = random.traces()
            let added: [[KeyValueModel]] = (0..<spanCount(model)).map { _ in
                random.chance(0.5) ? random.attributes(max: 3) : []
            }
            splicedSpans += added.filter { !$0.isEmpty }.count
            let out = splice(model.encode(), added: added)
            let reference = try #require(Reference.traces(out), "libprotobuf-c rejected the spliced request, seed \(seed)")
            #expect(reference == Reference.traces(expected(model, added: added).encode()), "seed \(seed)")
            try out.withUnsafeBytes { try OTLPValidator.validate($0, as: OTLPSchema.exportTraceRequest) }
        }
        #expect(splicedSpans > 500)
    }

    /// A forward walk appends in wire order (a span's additions before its
    /// resource group's, which may end at the same byte) and the writer
    /// takes that order as is; appends in any other order must write the
    /// same bytes.
    @Test func insertionsInAnyOrderWriteWhatInsertionsInWireOrderWrite() throws {
        var shuffledRequests = 0
        for seed in 1...150 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            let model = random.traces()
            let bytes = model.encode()
            let spliced: [[UInt8]] = bytes.withUnsafeBytes { raw in
                // Per record in wire order: its target and the fields to append, in call order.
                var appends: [(SpliceTarget, [[UInt8]])] = []
                for group in ExportTraceRequestView(bytes: raw).resourceSpans {
                    for scope in group.scopes {
                        for span in scope.records {
                            let fields = random.attributes(max: 2).map { kv in
                                var w = ProtoWriter()
                                w.message(9) { kv.encode(&$0) }
                                return w.bytes
                            }
                            appends.append((span.spliceTarget, fields))
                        }
                    }
                    var w = ProtoWriter()
                    w.message(1) { $0.attribute(1, key: "tokenaudit.tenant", value: .string("t\(seed)")) }
                    appends.append((SpliceTarget(topLevel: group.frame), [w.bytes]))
                }
                // Records in random order; one record's fields stay in call order.
                var order = Array(appends.indices)
                order.shuffle(using: &random.rng)
                if order != Array(appends.indices) { shuffledRequests += 1 }
                return [Array(appends.indices), order].map { order in
                    written(raw) { writer in
                        for index in order {
                            for field in appends[index].1 {
                                field.withUnsafeBytes { writer.append(encoded: $0, to: appends[index].0) }
                            }
                        }
                    }
                }
            }
            let same = spliced[1] == spliced[0]
            #expect(same, "seed \(seed)")
            #expect(Reference.traces(spliced[0]) != nil, "seed \(seed)")
        }
        #expect(shuffledRequests > 100)
    }

    /// The processor appends in two forward walks (attribution while reading,
    /// verdicts at release), which the writer merges instead of sorting:
    /// the result must equal one walk that appends each record's fields of
    /// both walks together, the first walk's first.
    @Test func twoForwardWalksWriteWhatOneWalkWrites() throws {
        var interleaved = 0
        for seed in 1...150 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            let model = random.traces()
            let bytes = model.encode()
            let spliced: [[UInt8]] = bytes.withUnsafeBytes { raw in
                // Per record in wire order: its target and each walk's fields (either may be none).
                var records: [(target: SpliceTarget, walks: [[[UInt8]]])] = []
                func fields() -> [[UInt8]] {
                    random.chance(0.3) ? [] : random.attributes(max: 2).map { kv in
                        var w = ProtoWriter()
                        w.message(9) { kv.encode(&$0) }
                        return w.bytes
                    }
                }
                for group in ExportTraceRequestView(bytes: raw).resourceSpans {
                    for scope in group.scopes {
                        for span in scope.records { records.append((span.spliceTarget, [fields(), fields()])) }
                    }
                    // A resource group ends where its last span does: equal positions, different depths.
                    records.append((SpliceTarget(topLevel: group.frame), [fields(), fields()]))
                }
                if records.contains(where: { !$0.walks[1].isEmpty }) && records.contains(where: { !$0.walks[0].isEmpty }) { interleaved += 1 }
                let twoWalks = written(raw) { writer in
                    for walk in 0..<2 {
                        for record in records {
                            for field in record.walks[walk] { field.withUnsafeBytes { writer.append(encoded: $0, to: record.target) } }
                        }
                    }
                }
                let oneWalk = written(raw) { writer in
                    for record in records {
                        for field in record.walks[0] + record.walks[1] { field.withUnsafeBytes { writer.append(encoded: $0, to: record.target) } }
                    }
                }
                return [twoWalks, oneWalk]
            }
            #expect(spliced[0] == spliced[1], "seed \(seed)")
            #expect(Reference.traces(spliced[0]) != nil, "seed \(seed)")
        }
        #expect(interleaved > 100)
    }

    /// One attribute encoded once and spliced into every span equals the
    /// same attribute encoded per span.
    @Test func preEncodedFieldsSpliceLikeFieldsEncodedInPlace() throws {
        for seed in 1...100 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            let model = random.traces()
            let kv = random.attributes(max: 1).first ?? KeyValueModel(key: "k", value: .string("v"))
            var once = ProtoWriter()
            once.message(9) { kv.encode(&$0) }
            let bytes = model.encode()
            let perSpan = splice(bytes, added: Array(repeating: [kv], count: spanCount(model)))
            let preEncoded = bytes.withUnsafeBytes { raw -> [UInt8] in
                var writer = SpliceWriter()
                once.bytes.withUnsafeBytes { encoded in
                    ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in writer.append(encoded: encoded, to: span.spliceTarget) }
                }
                var out = ByteBuffer()
                writer.write(raw, into: &out)
                return Array(out.readableBytesView)
            }
            #expect(preEncoded == perSpan, "seed \(seed)")
        }
    }

    /// Removes the attributes at `removed[i]` (indices) from the i-th span
    /// and appends `added[i]`, in one writer.
    func spliceRemoving(_ bytes: [UInt8], removed: [Set<Int>], added: [[KeyValueModel]]) -> [UInt8] {
        bytes.withUnsafeBytes { raw in
            var writer = SpliceWriter()
            var index = 0
            ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                defer { index += 1 }
                var cursor = ProtoCursor(bytes: raw, range: span.frame.payload)
                var attribute = 0
                while let field = try? cursor.next() {
                    guard field.number == 9, field.wireType == .lengthDelimited else { continue }
                    if removed[index].contains(attribute) { writer.remove(field.extent, from: span.spliceTarget) }
                    attribute += 1
                }
                for kv in added[index] {
                    writer.append(to: span.spliceTarget) { w in w.message(9) { kv.encode(&$0) } }
                }
            }
            var out = ByteBuffer()
            writer.write(raw, into: &out)
            return Array(out.readableBytesView)
        }
    }

    @Test func randomRemovalsAndAdditionsUnpackToTheExpectedRequest() throws {
        var removedAttributes = 0
        for seed in 1...200 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            var model = random.traces()
            var removed: [Set<Int>] = []
            var added: [[KeyValueModel]] = []
            for r in model.resourceSpans.indices {
                for s in model.resourceSpans[r].scopeSpans.indices {
                    for p in model.resourceSpans[r].scopeSpans[s].spans.indices {
                        let count = model.resourceSpans[r].scopeSpans[s].spans[p].attributes.count
                        let gone = Set((0..<count).filter { _ in random.chance(0.4) })
                        removed.append(gone)
                        removedAttributes += gone.count
                        added.append(random.chance(0.3) ? random.attributes(max: 2) : [])
                    }
                }
            }
            let out = spliceRemoving(model.encode(), removed: removed, added: added)
            var index = 0
            for r in model.resourceSpans.indices {
                for s in model.resourceSpans[r].scopeSpans.indices {
                    for p in model.resourceSpans[r].scopeSpans[s].spans.indices {
                        let kept = model.resourceSpans[r].scopeSpans[s].spans[p].attributes.enumerated()
                            .filter { !removed[index].contains($0.offset) }.map(\.element)
                        model.resourceSpans[r].scopeSpans[s].spans[p].attributes = kept + added[index]
                        index += 1
                    }
                }
            }
            let reference = try #require(Reference.traces(out), "libprotobuf-c rejected the spliced request, seed \(seed)")
            #expect(reference == Reference.traces(model.encode()), "seed \(seed)")
            try out.withUnsafeBytes { try OTLPValidator.validate($0, as: OTLPSchema.exportTraceRequest) }
        }
        #expect(removedAttributes > 500)
    }

    @Test func growthThatWidensEveryLengthPrefixIsSettledBottomUp() throws {
        // A span of 120 bytes (1-byte prefix) grows past 16 KiB (3-byte prefix):
        // the scope and resource prefixes must widen in turn.
        var span = SpanModel()
        span.spanID = [1, 2, 3, 4, 5, 6, 7, 8]
        span.name = String(repeating: "n", count: 100)
        let model = TracesModel(resourceSpans: [
            ResourceSpansModel(scopeSpans: [ScopeSpansModel(spans: [span, span])]),
        ])
        let big = KeyValueModel(key: "tokenaudit.reasons", value: .string(String(repeating: "r", count: 20_000)))
        let out = splice(model.encode(), added: [[big], []])
        #expect(out.count > 20_000)
        #expect(Reference.traces(out) == Reference.traces(expected(model, added: [[big], []]).encode()))
    }

    @Test func nonMinimalLengthPrefixesAreKeptWhereUntouchedAndRewrittenWhereGrown() throws {
        // resource_spans { scope_spans { spans { span_id } } } with 3-byte
        // (non-minimal) prefixes everywhere, as some encoders reserve them.
        let spanBody: [UInt8] = [0x12, 0x08, 1, 2, 3, 4, 5, 6, 7, 8]
        func padded(_ field: UInt8, _ body: [UInt8]) -> [UInt8] {
            [field, UInt8(body.count) | 0x80, 0x80, 0x00] + body
        }
        let request = padded(0x0A, padded(0x12, padded(0x12, spanBody)))
        let original = try #require(Reference.traces(request))
        let kv = KeyValueModel(key: "tokenaudit.verdict", value: .string("genuine"))
        let out = splice(request, added: [[kv]])
        let reference = try #require(Reference.traces(out))
        #expect(reference.contains("tokenaudit.verdict"))
        #expect(reference.replacingOccurrences(of: "   attributes {\n    key: \"tokenaudit.verdict\"\n    value {\n     string_value: \"genuine\"\n    }\n   }\n", with: "") == original)
    }

    @Test func everyFixtureSpanTakesTheTokenauditAttributes() throws {
        for capture in try Fixtures.all() where capture.isTraces {
            let out = capture.protobuf.withUnsafeBytes { raw -> [UInt8] in
                var writer = SpliceWriter()
                ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                    writer.appendAttribute(to: span.spliceTarget, key: "tokenaudit.verdict", value: .string("genuine"))
                    writer.appendAttribute(to: span.spliceTarget, key: "tokenaudit.score", value: .double(0.125))
                    writer.appendAttribute(to: span.spliceTarget, key: "tokenaudit.labels", value: .stringArray(["a", "b"]))
                    writer.appendAttribute(to: span.spliceTarget, key: "tokenaudit.tokens.input", value: .int(19))
                }
                var buffer = ByteBuffer()
                writer.write(raw, into: &buffer)
                return Array(buffer.readableBytesView)
            }
            let before = try #require(Reference.traces(capture.protobuf))
            let after = try #require(Reference.traces(out), "\(capture.name)")
            let spans = before.components(separatedBy: " spans {").count - 1
            #expect(after.components(separatedBy: "key: \"tokenaudit.verdict\"").count - 1 == spans, "\(capture.name)")
            #expect(after.contains("double_value: d3fc0000000000000"))
            #expect(after.count > before.count)
            out.withUnsafeBytes { raw in
                ExportTraceRequestView(bytes: raw).forEachSpan { _, _, span in
                    #expect(span.attributes["tokenaudit.tokens.input"]?.intValue == 19)
                }
            }
        }
    }

    @Test func logRecordsCanBeSplicedToo() throws {
        var random = RandomRequests(seed: 5)
        var model = random.logs()
        while model.resourceLogs.flatMap({ $0.scopes }).flatMap({ $0.records }).isEmpty { model = random.logs() }
        let bytes = model.encode()
        let out = bytes.withUnsafeBytes { raw -> [UInt8] in
            var writer = SpliceWriter()
            ExportLogsRequestView(bytes: raw).forEachLogRecord { _, _, record in
                writer.appendAttribute(to: record.spliceTarget, fieldNumber: LogRecordView.attributesFieldNumber,
                                       key: "tokenaudit.principal", value: .string("alice"))
            }
            var buffer = ByteBuffer()
            writer.write(raw, into: &buffer)
            return Array(buffer.readableBytesView)
        }
        for r in model.resourceLogs.indices {
            for s in model.resourceLogs[r].scopes.indices {
                for i in model.resourceLogs[r].scopes[s].records.indices {
                    model.resourceLogs[r].scopes[s].records[i].attributes.append(
                        KeyValueModel(key: "tokenaudit.principal", value: .string("alice")))
                }
            }
        }
        #expect(Reference.logs(out) == Reference.logs(model.encode()))
    }

    @Test func noInsertionsCopiesTheRequestUnchanged() {
        var random = RandomRequests(seed: 11)
        let bytes = random.traces().encode()
        let out = bytes.withUnsafeBytes { raw -> [UInt8] in
            var buffer = ByteBuffer()
            SpliceWriter().write(raw, into: &buffer)
            return Array(buffer.readableBytesView)
        }
        #expect(out == bytes)
    }
}

/// Splices at every nesting level in one writer: resources (replacing an
/// attribute), resource groups without a resource (adding one) and spans.
@Suite struct MixedDepthSpliceTests {
    static let key = "tokenaudit.tenant"
    static let keyLiteral: StaticString = "tokenaudit.tenant"

    @Test func resourceStampsAndSpanAdditionsInOneWriterUnpackToTheExpectedRequest() throws {
        var stamped = 0, created = 0, replaced = 0
        for seed in 1...200 as ClosedRange<UInt64> {
            var random = RandomRequests(seed: seed)
            var model = random.traces()
            // Some senders claim a tenant themselves: it must be replaced.
            for r in model.resourceSpans.indices where random.chance(0.3) {
                var resource = model.resourceSpans[r].resource ?? ResourceModel()
                let at = random.int(0...resource.attributes.count)
                resource.attributes.insert(KeyValueModel(key: Self.key, value: .string("spoofed")), at: at)
                model.resourceSpans[r].resource = resource
            }
            let spans = model.resourceSpans.flatMap(\.scopeSpans).map(\.spans.count).reduce(0, +)
            let added: [[KeyValueModel]] = (0..<spans).map { _ in random.chance(0.5) ? random.attributes(max: 2) : [] }
            let tenant = "tenant-\(seed)"

            let out: [UInt8] = model.encode().withUnsafeBytes { raw in
                var writer = SpliceWriter()
                var index = 0
                for group in ExportTraceRequestView(bytes: raw).resourceSpans {
                    if let resource = group.resource {
                        let target = SpliceTarget(parent: group.frame, inner: resource.frame)
                        var cursor = ProtoCursor(bytes: raw, range: resource.frame.payload)
                        while let field = try? cursor.next() {
                            if field.number == 1, KeyValueView(bytes: raw, frame: field.frame, context: ()).key.equals(Self.keyLiteral) {
                                writer.remove(field.extent, from: target)
                            }
                        }
                        writer.append(to: target) { $0.attribute(1, key: Self.key, value: .string(tenant)) }
                    } else {
                        writer.append(to: SpliceTarget(topLevel: group.frame)) { w in
                            w.message(1) { $0.attribute(1, key: Self.key, value: .string(tenant)) }
                        }
                    }
                    for scope in group.scopes {
                        for span in scope.records {
                            for kv in added[index] { writer.append(to: span.spliceTarget) { w in w.message(9) { kv.encode(&$0) } } }
                            index += 1
                        }
                    }
                }
                var buffer = ByteBuffer()
                writer.write(raw, into: &buffer)
                return Array(buffer.readableBytesView)
            }

            var index = 0
            for r in model.resourceSpans.indices {
                stamped += 1
                var resource = model.resourceSpans[r].resource ?? ResourceModel()
                if model.resourceSpans[r].resource == nil { created += 1 }
                replaced += resource.attributes.filter { $0.key == Self.key }.count
                resource.attributes.removeAll { $0.key == Self.key }
                resource.attributes.append(KeyValueModel(key: Self.key, value: .string(tenant)))
                model.resourceSpans[r].resource = resource
                for s in model.resourceSpans[r].scopeSpans.indices {
                    for p in model.resourceSpans[r].scopeSpans[s].spans.indices {
                        model.resourceSpans[r].scopeSpans[s].spans[p].attributes += added[index]
                        index += 1
                    }
                }
            }
            let reference = try #require(Reference.traces(out), "libprotobuf-c rejected the spliced request, seed \(seed)")
            #expect(reference == Reference.traces(model.encode()), "seed \(seed)")
            try out.withUnsafeBytes { try OTLPValidator.validate($0, as: OTLPSchema.exportTraceRequest) }
        }
        #expect(stamped > 200)
        #expect(created > 10)
        #expect(replaced > 30)
    }

    @Test func resourceAttributeStampMatchesTheHandWrittenSplice() throws {
        var random = RandomRequests(seed: 7)
        let model = random.traces()
        let bytes = model.encode()
        var out = ByteBuffer()
        bytes.withUnsafeBytes { ResourceAttributeStamp.apply(key: Self.key, value: "acme", to: $0, into: &out) }
        var expected = model
        for r in expected.resourceSpans.indices {
            var resource = expected.resourceSpans[r].resource ?? ResourceModel()
            resource.attributes.removeAll { $0.key == Self.key }
            resource.attributes.append(KeyValueModel(key: Self.key, value: .string("acme")))
            expected.resourceSpans[r].resource = resource
        }
        let reference = try #require(Reference.traces(Array(out.readableBytesView)))
        #expect(reference == Reference.traces(expected.encode()))
    }
}
