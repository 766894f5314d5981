import Foundation
import OTLPWire
import Yams

/// Model name → price, matched the way providers spell models on spans:
/// provider prefixes (`openai/`, `bedrock/`, `us.meta.`), dated or versioned
/// suffixes (`-2024-07-18`, `-20241022`, `@20240620`, `-v1:0`, `-latest`).
/// A model it cannot match has no price (nil), never a price of 0.
public struct PriceTable: Sendable {
    public private(set) var prices: [String: ModelPrice]

    public init(prices: [String: ModelPrice] = BuiltinPrices.table) {
        self.prices = Dictionary(prices.map { (Self.normalise($0.key), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Adds or replaces prices (a user's file over the built-in table).
    public mutating func merge(_ overrides: [String: ModelPrice]) {
        for (model, price) in overrides { prices[Self.normalise(model)] = price }
    }

    public func price(of model: String) -> ModelPrice? {
        let name = Self.normalise(model)
        if let exact = prices[name] { return exact }
        // Longest known name that `name` extends at a '-' boundary:
        // "gpt-4o-mini-2024-07-18" → "gpt-4o-mini", never "gpt-4o".
        var best: (length: Int, price: ModelPrice)?
        for (known, price) in prices where name.hasPrefix(known) {
            let rest = name.dropFirst(known.count)
            guard rest.first == "-" || rest.first == "@" || rest.first == ":" else { continue }
            if known.count > (best?.length ?? 0) { best = (known.count, price) }
        }
        return best?.price
    }

    public func cost(of usage: TokenUsage, model: String?) -> Double? {
        guard let model, let price = price(of: model) else { return nil }
        return price.cost(of: usage)
    }

    /// Lowercased, provider prefix and date / version suffixes removed.
    static func normalise(_ model: String) -> String {
        var name = model.lowercased().trimmingCharacters(in: .whitespaces)
        if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
        // Bedrock ids: [region.]provider.model-version:n
        for prefix in ["us.", "eu.", "apac.", "global."] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        for provider in ["meta.", "anthropic.", "mistral.", "amazon.", "cohere.", "ai21."] where name.hasPrefix(provider) {
            name.removeFirst(provider.count)
        }
        if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        for suffix in ["-latest", "-v1", "-v2"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
        // Claude 3.5 style dots: "claude-3.5-sonnet" → "claude-3-5-sonnet"; keep "gpt-4.1".
        if name.hasPrefix("claude") || name.hasPrefix("llama") { name = name.replacingOccurrences(of: ".", with: "-") }
        return name
    }

    // MARK: files

    public struct LoadError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "price file \(path): \(reason)" }
    }

    /// Prices from a file: LiteLLM's `model_prices_and_context_window.json`
    /// (USD per token), or our YAML (USD per million tokens):
    /// `models: { my-model: { input: 1.0, output: 2.0, cache_read: 0.1, cache_write: 1.25 } }`.
    public static func load(_ path: String) throws -> [String: ModelPrice] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw LoadError(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return path.hasSuffix(".json") ? try liteLLM(Array(data), path: path) : try yaml(String(decoding: data, as: UTF8.self), path: path)
    }

    static func liteLLM(_ bytes: [UInt8], path: String) throws -> [String: ModelPrice] {
        let root: JSONNode
        do {
            root = try bytes.withUnsafeBytes { raw throws(WireError) in try JSONParser.parse(raw) }
        } catch {
            throw LoadError(path: path, reason: "\(error)")
        }
        guard case .object(let models) = root.value else { throw LoadError(path: path, reason: "expected an object of models") }
        var result: [String: ModelPrice] = [:]
        for (model, node) in models {
            guard case .object(let fields) = node.value else { continue }
            func number(_ key: String) -> Double? {
                guard case .number(let text)? = fields.last(where: { $0.key == key })?.node.value else { return nil }
                return Double(text)
            }
            // LiteLLM prices per token; ours per million. Entries without both
            // prices (image models, sample_spec) are skipped.
            guard let input = number("input_cost_per_token"), let output = number("output_cost_per_token") else { continue }
            result[model] = ModelPrice(
                input: input * 1e6, output: output * 1e6,
                cacheRead: number("cache_read_input_token_cost").map { $0 * 1e6 },
                cacheWrite: number("cache_creation_input_token_cost").map { $0 * 1e6 })
        }
        return result
    }

    static func yaml(_ text: String, path: String) throws -> [String: ModelPrice] {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw LoadError(path: path, reason: "not valid YAML: \(error)")
        }
        guard case .mapping(let top)? = node, case .mapping(let models)? = top["models"] else {
            throw LoadError(path: path, reason: "expected `models:` mapping model names to {input, output, cache_read, cache_write}")
        }
        var result: [String: ModelPrice] = [:]
        for (key, value) in models {
            guard let model = key.string, case .mapping(let fields) = value else { continue }
            guard let input = fields["input"]?.float ?? fields["input"]?.int.map(Double.init),
                  let output = fields["output"]?.float ?? fields["output"]?.int.map(Double.init)
            else {
                throw LoadError(path: path, reason: "line \(key.mark?.line ?? 0): '\(model)' needs input and output (USD per 1M tokens)")
            }
            result[model] = ModelPrice(
                input: input, output: output,
                cacheRead: fields["cache_read"]?.float ?? fields["cache_read"]?.int.map(Double.init),
                cacheWrite: fields["cache_write"]?.float ?? fields["cache_write"]?.int.map(Double.init))
        }
        return result
    }
}
