public import NIOCore

/// Re-emits an OTLP request with fields appended to (or removed from) chosen
/// messages (spans, log records, resources, resource groups), copying every
/// untouched byte range as is.
///
/// Only three kinds of bytes change: the appended fields themselves (removed
/// fields are skipped), and the length prefixes of each touched message and
/// of its enclosing ones. A message's growth can widen its own prefix, which
/// grows its parent, so lengths are settled bottom-up, one nesting level at a
/// time, before anything is written.
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

    /// Makes room for about `bytes` more encoded bytes in `insertions` more
    /// appends, so a writer that knows what is coming grows once instead of
    /// doubling its way there (each doubling copies what was written).
    public mutating func reserveCapacity(bytes: Int, insertions count: Int) {
        additions.reserveCapacity(bytes)
        insertions.reserveCapacity(insertions.count + count)
    }

    /// Appends the fields that `write` encodes to the end of `target`'s record.
    /// Several calls for the same record append in call order.
    public mutating func append(to target: SpliceTarget, _ write: (inout ProtoWriter) -> Void) {
        let start = additions.count
        write(&additions)
        guard additions.count > start else { return }
        insertions.append(Insertion(target: target, bytes: start..<additions.count))
    }

    /// Appends `encoded`, whole fields of `target`'s record encoded once
    /// (`ProtoWriter.bytes`), to the end of that record: for the same
    /// attribute spliced into many records.
    public mutating func append(encoded: UnsafeRawBufferPointer, to target: SpliceTarget) {
        guard !encoded.isEmpty else { return }
        let start = additions.count
        additions.append(raw: encoded)
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

    /// Growths of one nesting level with each frame once: contributions to
    /// the same frame (from its own insertions and from its children) summed.
    private static func merged(_ growths: [Growth]) -> [Growth] {
        var sorted = growths
        if zip(growths, growths.dropFirst()).contains(where: { $0.frame.prefixStart > $1.frame.prefixStart }) {
            sorted.sort { $0.frame.prefixStart < $1.frame.prefixStart }
        }
        var result: [Growth] = []
        result.reserveCapacity(sorted.count)
        for growth in sorted {
            if let last = result.indices.last, result[last].frame.prefixStart == growth.frame.prefixStart {
                result[last].delta += growth.delta
            } else {
                result.append(growth)
            }
        }
        return result
    }

    /// Writes `source` with every pending insertion applied into `out`.
    /// `source` must be the buffer the targets were taken from.
    public func write(_ source: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        guard !insertions.isEmpty else {
            out.writeBytes(source)
            return
        }
        let ordered = Self.ordered(insertions)

        // levels[d]: growth of frames with d enclosing frames, settled from
        // the deepest level out.
        var levels: [[Growth]] = [[], [], []]
        levels[2].reserveCapacity(ordered.count)  // spans, mostly
        for insertion in ordered {
            let t = insertion.target
            levels[t.depth].append(Growth(frame: t.inner, delta: insertion.delta, parent: t.middle, grandparent: t.outer))
        }
        for depth in stride(from: 2, through: 1, by: -1) {
            levels[depth] = Self.merged(levels[depth])
            levels[depth - 1].reserveCapacity(levels[depth - 1].count + levels[depth].count)
            for growth in levels[depth] {
                guard let parent = growth.parent else { continue }
                levels[depth - 1].append(Growth(frame: parent, delta: growth.outwardDelta, parent: growth.grandparent, grandparent: nil))
            }
        }
        levels[0] = Self.merged(levels[0])

        var events: [Event] = []
        events.reserveCapacity(ordered.count + levels[0].count + levels[1].count + levels[2].count)
        for growth in levels.joined() {
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
        // Sorted runs (one per level, then the insertions): the sort merges them.
        events.sort { ($0.position, $0.order) < ($1.position, $1.order) }

        let growth = levels[0].reduce(0) { $0 + $1.outwardDelta }
        let total = source.count + growth
        // One bounds-checked reservation, then plain copies: the events
        // account for every output byte (checked below), and writing through
        // `ByteBuffer` per event cost more than the copies themselves.
        _ = additions.bytes.withUnsafeBytes { added in
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { target in
                guard let start = target.baseAddress else { return 0 }
                var written = 0
                var copied = 0
                func copy(_ bytes: UnsafeRawBufferPointer) {
                    // Never past the reservation, even were the sizes wrong.
                    let count = Swift.min(bytes.count, total - written)
                    guard let base = bytes.baseAddress, count > 0 else { return }
                    (start + written).copyMemory(from: base, byteCount: count)
                    written += count
                }
                for event in events {
                    copy(UnsafeRawBufferPointer(rebasing: source[copied..<event.position]))
                    if let length = event.prefix {
                        var encoded: (UInt64, UInt16) = (0, 0)  // room for the longest varint
                        let size = withUnsafeMutableBytes(of: &encoded) { VarintCoding.write(length, into: $0) }
                        withUnsafeBytes(of: &encoded) { copy(UnsafeRawBufferPointer(rebasing: $0[..<size])) }
                    } else {
                        copy(UnsafeRawBufferPointer(rebasing: added[event.additions]))
                    }
                    copied = event.skipTo
                }
                copy(UnsafeRawBufferPointer(rebasing: source[copied..<source.count]))
                assert(written == total, "the events account for every output byte")
                return written
            }
        }
    }

    /// The insertions in write order: by where their record ends; where
    /// several records end at one position (a span, its scope and its
    /// resource group), the innermost first; then in call order. A forward
    /// walk appends them in that order already, which is checked in one pass
    /// instead of sorting; two such walks (a request's attribution, then its
    /// verdicts) are merged in one more pass; anything else is sorted.
    private static func ordered(_ insertions: [Insertion]) -> [Insertion] {
        func key(_ i: Insertion) -> (Int, Int, Int) {
            (i.target.inner.payload.upperBound, i.removed?.lowerBound ?? Int.max, -i.target.depth)
        }
        func runEnd(from start: Int) -> Int {
            var index = start + 1
            while index < insertions.count, key(insertions[index - 1]) <= key(insertions[index]) { index += 1 }
            return index
        }
        let split = runEnd(from: 0)
        guard split < insertions.count else { return insertions }
        if runEnd(from: split) == insertions.count {
            var merged: [Insertion] = []
            merged.reserveCapacity(insertions.count)
            var (left, right) = (0, split)
            while left < split, right < insertions.count {
                // Equal keys: the left run's first, it was appended first.
                if key(insertions[right]) < key(insertions[left]) {
                    merged.append(insertions[right])
                    right += 1
                } else {
                    merged.append(insertions[left])
                    left += 1
                }
            }
            merged.append(contentsOf: insertions[left..<split])
            merged.append(contentsOf: insertions[right...])
            return merged
        }
        func key(_ e: (offset: Int, element: Insertion)) -> (Int, Int, Int, Int) {
            let k = key(e.element)
            return (k.0, k.1, k.2, e.offset)
        }
        return insertions.enumerated().sorted { key($0) < key($1) }.map(\.element)
    }
}
