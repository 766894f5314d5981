/// Checks a whole OTLP message against its schema before anything else reads
/// it: every length inside bounds, every known field with the wire type its
/// schema gives, strings valid UTF-8, trace and span ids of legal length,
/// nesting bounded, singular message fields present at most once (so every
/// view reads the one copy there is). Unknown fields are skipped (forward
/// compatibility) but must still be well-formed.
///
/// After `validate` succeeds, the views (`ExportTraceRequestView`, ...) can
/// walk the buffer without error handling; they stay memory-safe on any bytes,
/// but only a validated buffer guarantees they see every field.
public enum OTLPValidator {
    /// Protobuf's customary recursion limit (C++, upb).
    public static let defaultMaxDepth = 100

    public static func validate(
        _ bytes: UnsafeRawBufferPointer, as schema: MessageSchema, maxDepth: Int = defaultMaxDepth
    ) throws(WireError) {
        try validate(bytes, 0..<bytes.count, schema, depth: 0, maxDepth: maxDepth)
    }

    /// Not inlined into its recursive callers: kept whole, its field loop
    /// gets `ProtoCursor.next` inlined (inlined itself, it did not).
    @inline(never)
    static func validate(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ schema: MessageSchema, depth: Int, maxDepth: Int
    ) throws(WireError) {
        guard depth < maxDepth else { throw WireError(.nestingTooDeep(limit: maxDepth), at: range.lowerBound) }
        var cursor = ProtoCursor(bytes: bytes, range: range)
        // Singular message fields seen so far, by field number (OTLP's are all below 64).
        var singularMessages: UInt64 = 0
        let rules = schema.rules
        while true {
            let next: WireField?
            do {
                next = try cursor.next()
            } catch {
                throw error.inside(schema.name)
            }
            guard let field = next else { return }
            guard field.number < rules.count else { continue }
            let rule = rules[Int(field.number)]
            guard rule.check != .unknown else { continue }
            do throws(WireError) {
                if rule.singularMessage, field.number < 64 {
                    let bit: UInt64 = 1 << field.number
                    guard singularMessages & bit == 0 else { throw WireError(.repeatedSingularMessage, at: field.start) }
                    singularMessages |= bit
                }
                try check(field, against: rule, of: schema, bytes, depth: depth, maxDepth: maxDepth)
            } catch {
                throw error.inside(component(for: schema.fields[rule.fieldIndex], of: field, in: bytes, range))
            }
        }
    }

    static func check(
        _ field: WireField, against rule: ValidationRule, of schema: MessageSchema,
        _ bytes: UnsafeRawBufferPointer, depth: Int, maxDepth: Int
    ) throws(WireError) {
        guard field.wireType == rule.wireType else {
            throw WireError(.wrongWireType(expected: rule.wireType, found: field.wireType), at: field.start)
        }
        switch rule.check {
        case .string:
            guard UTF8Validation.isValid(bytes, field.payload) else {
                throw WireError(.invalidUTF8, at: field.payload.lowerBound)
            }
        case .id:
            guard field.payload.isEmpty || field.payload.count == rule.idLength else {
                throw WireError(.invalidIDLength(expected: rule.idLength, found: field.payload.count), at: field.start)
            }
        case .message:
            guard let nested = schema.nestedSchema(at: rule.fieldIndex) else { return }
            // Borrowed, not retained: schemas are immortal (see `nestedSchema(at:)`).
            let failure = nested._withUnsafeGuaranteedRef { nested -> WireError? in
                // Attributes, in the layout every encoder writes, settled in a
                // few byte reads (the walk below would nest twice per pair);
                // only where the walk's depth limit could not have been hit.
                if nested.isKeyValue, depth + 2 < maxDepth, KeyValueShortcut.accepts(bytes, field.payload) { return nil }
                do throws(WireError) {
                    try validate(bytes, field.payload, nested, depth: depth + 1, maxDepth: maxDepth)
                    return nil
                } catch {
                    return error
                }
            }
            if let failure { throw failure }
        case .plain, .unknown:
            break
        }
    }

    /// `name` or `name[i]` for the field that failed; computed only on error.
    static func component(
        for schema: FieldSchema, of field: WireField, in bytes: UnsafeRawBufferPointer, _ range: Range<Int>
    ) -> String {
        guard schema.isRepeated else { return schema.name }
        var index = 0
        var cursor = ProtoCursor(bytes: bytes, range: range)
        while let earlier = try? cursor.next(), earlier.start < field.start {
            if earlier.number == field.number { index += 1 }
        }
        return "\(schema.name)[\(index)]"
    }
}
