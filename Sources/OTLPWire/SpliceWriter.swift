public import NIOCore

/// Re-emits an OTLP request with fields appended to (or removed from) chosen
/// records (spans or log records), copying every untouched byte range as is.
///
/// Only three kinds of bytes change: the appended fields themselves (removed
/// fields are skipped), and the length prefixes of each touched record and of
/// its scope- and resource-level parents. A record's growth can widen its own prefix, which grows its
/// parent, so lengths are settled bottom-up before anything is written.
///
/// Appending at the end of a message is valid protobuf: repeated fields
/// concatenate, so new attributes simply join the record's list.
public struct SpliceWriter: Sendable {
    struct Insertion {
        var target: SpliceTarget
        var bytes: Range<Int>  // into `additions`
        /// Source bytes to leave out instead (a whole field of the record).
        var removed: Range<Int>? = nil

        var delta: Int { bytes.count - (removed?.count ?? 0) }
    }

    /// Encoded bytes of every pending insertion, back to back.
    private var additions = ProtoWriter(reservingCapacity: 256)
    private var insertions: [Insertion] = []

    public init() {}

    public var isEmpty: Bool { insertions.isEmpty }

    /// Appends the fields that `write` encodes to the end of `target`'s record.
    /// Several calls for the same record append in call order.
    public mutating func append(to target: SpliceTarget, _ write: (inout ProtoWriter) -> Void) {
        let start = additions.count
        write(&additions)
        guard additions.count > start else { return }
        insertions.append(Insertion(target: target, bytes: start..<additions.count))
    }

    /// Leaves the field at `extent` (tag to end of payload, as
    /// `WireField.extent` gives it) out of `target`'s record. Invariant: the
    /// extent is a whole top-level field of the record, and no two removals
    /// overlap.
    public mutating func remove(_ extent: Range<Int>, from target: SpliceTarget) {
        let inside = target.inner.payload.contains(extent.lowerBound) && extent.upperBound <= target.inner.payload.upperBound
        assert(inside, "a removed field lies inside its record")
        guard inside else { return }
        insertions.append(Insertion(target: target, bytes: 0..<0, removed: extent))
    }

    /// Appends one attribute to a span (`Span.attributes`, field 9) or, with
    /// `fieldNumber: 6`, to a log record.
    public mutating func appendAttribute(
        to target: SpliceTarget, fieldNumber: UInt32 = SpanView.attributesFieldNumber,
        key: String, value: AttributeValue
    ) {
        append(to: target) { $0.attribute(fieldNumber, key: key, value: value) }
    }

    private struct Event {
        var position: Int
        /// A new length prefix replacing `position..<skipTo`, or inserted bytes (skipTo == position).
        var prefix: UInt64?
        var skipTo: Int
        var additions: Range<Int>
        var order: Int
    }

    /// Settled growth of one frame: `delta` bytes added inside its payload.
    private struct Growth {
        var frame: LengthFrame
        var delta: Int
        /// The frames enclosing `frame`, innermost first (fixed fields: no
        /// array per insertion).
        var parent: LengthFrame?
        var grandparent: LengthFrame?

        var newLength: UInt64 { UInt64(frame.payload.count + delta) }
        /// Growth as seen by the parent: payload growth plus prefix widening.
        var outwardDelta: Int {
            delta + VarintCoding.encodedSize(newLength) - (frame.payload.lowerBound - frame.prefixStart)
        }
    }

    /// Accumulates `delta` into the growth of `frame`, merging with the last
    /// entry when it is the same frame (insertions arrive in wire order, so a
    /// frame's contributions are contiguous).
    private static func add(
        _ delta: Int, to frame: LengthFrame, parent: LengthFrame?, grandparent: LengthFrame?, in growths: inout [Growth]
    ) {
        if let last = growths.indices.last, growths[last].frame.prefixStart == frame.prefixStart {
            growths[last].delta += delta
        } else {
            growths.append(Growth(frame: frame, delta: delta, parent: parent, grandparent: grandparent))
        }
    }

    /// The growth of every parent frame, one level further out.
    private static func outward(_ growths: [Growth]) -> [Growth] {
        var result: [Growth] = []
        for growth in growths {
            guard let parent = growth.parent else { continue }
            add(growth.outwardDelta, to: parent, parent: growth.grandparent, grandparent: nil, in: &result)
        }
        return result
    }

    private static func writeVarint(_ value: UInt64, into out: inout ByteBuffer) {
        var v = value
        while v >= 0x80 {
            out.writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.writeInteger(UInt8(v))
    }

    /// Writes `source` with every pending insertion applied into `out`.
    /// `source` must be the buffer the targets were taken from.
    public func write(_ source: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        guard !insertions.isEmpty else {
            out.writeBytes(source)
            return
        }
        let ordered = insertions.enumerated().sorted {
            ($0.element.target.inner.payload.upperBound, $0.element.removed?.lowerBound ?? Int.max, $0.offset)
                < ($1.element.target.inner.payload.upperBound, $1.element.removed?.lowerBound ?? Int.max, $1.offset)
        }.map(\.element)

        var inner: [Growth] = []
        for insertion in ordered {
            let t = insertion.target
            Self.add(insertion.delta, to: t.inner, parent: t.middle, grandparent: t.outer, in: &inner)
        }
        let middle = Self.outward(inner)
        let outer = Self.outward(middle)

        var events: [Event] = []
        events.reserveCapacity(ordered.count + inner.count + middle.count + outer.count)
        for growth in outer + middle + inner {
            events.append(Event(
                position: growth.frame.prefixStart, prefix: growth.newLength,
                skipTo: growth.frame.payload.lowerBound, additions: 0..<0, order: events.count))
        }
        for insertion in ordered {
            if let removed = insertion.removed {
                events.append(Event(position: removed.lowerBound, prefix: nil, skipTo: removed.upperBound, additions: 0..<0, order: events.count))
            } else {
                let at = insertion.target.inner.payload.upperBound
                events.append(Event(position: at, prefix: nil, skipTo: at, additions: insertion.bytes, order: events.count))
            }
        }
        events.sort { ($0.position, $0.order) < ($1.position, $1.order) }

        let growth = outer.reduce(0) { $0 + $1.outwardDelta }
        out.reserveCapacity(out.writerIndex + source.count + max(growth, 0))
        var copied = 0
        additions.bytes.withUnsafeBytes { added in
            for event in events {
                out.writeBytes(UnsafeRawBufferPointer(rebasing: source[copied..<event.position]))
                if let length = event.prefix {
                    Self.writeVarint(length, into: &out)
                } else {
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: added[event.additions]))
                }
                copied = event.skipTo
            }
        }
        out.writeBytes(UnsafeRawBufferPointer(rebasing: source[copied..<source.count]))
    }
}
