import Foundation

/// The read side of the summaries: what reports, the JSON API and the
/// dashboard show. All periods are UTC hours of span time.
public struct UsageTotals: Codable, Sendable, Equatable {
    public var calls = 0
    public var inputTokens = 0
    public var outputTokens = 0
    public var cacheReadTokens = 0
    public var costUSD = 0.0
    public var co2Grams = 0.0
    public var genuineTokens = 0
    public var suspectTokens = 0
    public var performativeTokens = 0
    public var suspectCostUSD = 0.0
    public var performativeCostUSD = 0.0
    public var performativeCalls = 0
    public var outcomes = 0
    public var unpricedCalls = 0

    public var tokens: Int { inputTokens + outputTokens }
    /// Share of tokens in calls judged performative.
    public var performativeShare: Double { tokens == 0 ? 0 : Double(performativeTokens) / Double(tokens) }
    /// Grams of CO2e spent on performative calls (pro rata of tokens).
    public var performativeCO2Grams: Double { co2Grams * performativeShare }
    /// The honest leaderboard: tokens spent per outcome linked (nil without outcomes).
    public var tokensPerOutcome: Double? { outcomes == 0 ? nil : Double(tokens) / Double(outcomes) }

    enum CodingKeys: String, CodingKey {
        case calls, inputTokens, outputTokens, cacheReadTokens, costUSD, co2Grams, genuineTokens, suspectTokens,
             performativeTokens, suspectCostUSD, performativeCostUSD, performativeCalls, outcomes, unpricedCalls,
             tokens, performativeShare, performativeCO2Grams, tokensPerOutcome
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        calls = try c.decode(Int.self, forKey: .calls)
        inputTokens = try c.decode(Int.self, forKey: .inputTokens)
        outputTokens = try c.decode(Int.self, forKey: .outputTokens)
        cacheReadTokens = try c.decode(Int.self, forKey: .cacheReadTokens)
        costUSD = try c.decode(Double.self, forKey: .costUSD)
        co2Grams = try c.decode(Double.self, forKey: .co2Grams)
        genuineTokens = try c.decode(Int.self, forKey: .genuineTokens)
        suspectTokens = try c.decode(Int.self, forKey: .suspectTokens)
        performativeTokens = try c.decode(Int.self, forKey: .performativeTokens)
        suspectCostUSD = try c.decode(Double.self, forKey: .suspectCostUSD)
        performativeCostUSD = try c.decode(Double.self, forKey: .performativeCostUSD)
        performativeCalls = try c.decode(Int.self, forKey: .performativeCalls)
        outcomes = try c.decode(Int.self, forKey: .outcomes)
        unpricedCalls = try c.decode(Int.self, forKey: .unpricedCalls)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(calls, forKey: .calls)
        try c.encode(inputTokens, forKey: .inputTokens)
        try c.encode(outputTokens, forKey: .outputTokens)
        try c.encode(cacheReadTokens, forKey: .cacheReadTokens)
        try c.encode(costUSD, forKey: .costUSD)
        try c.encode(co2Grams, forKey: .co2Grams)
        try c.encode(genuineTokens, forKey: .genuineTokens)
        try c.encode(suspectTokens, forKey: .suspectTokens)
        try c.encode(performativeTokens, forKey: .performativeTokens)
        try c.encode(suspectCostUSD, forKey: .suspectCostUSD)
        try c.encode(performativeCostUSD, forKey: .performativeCostUSD)
        try c.encode(performativeCalls, forKey: .performativeCalls)
        try c.encode(outcomes, forKey: .outcomes)
        try c.encode(unpricedCalls, forKey: .unpricedCalls)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(performativeShare, forKey: .performativeShare)
        try c.encode(performativeCO2Grams, forKey: .performativeCO2Grams)
        try c.encodeIfPresent(tokensPerOutcome, forKey: .tokensPerOutcome)
    }
}

public struct LabelTotals: Codable, Sendable, Equatable {
    public var calls: Int
    public var tokens: Int
    public var costUSD: Double
}

public struct PrincipalSummary: Codable, Sendable, Equatable {
    public var principal: String
    public var team: String
    public var totals: UsageTotals
}

public struct TeamSummary: Codable, Sendable, Equatable {
    public var team: String
    public var principals: Int
    public var totals: UsageTotals
}

public struct FindingSummary: Codable, Sendable, Equatable {
    public var principal: String
    public var team: String
    public var label: String
    public var firstSeen: String
    public var lastSeen: String
    public var calls: Int
    public var tokens: Int
    public var costUSD: Double
    /// The evidence sentence of the latest call it was found in.
    public var reason: String
    public var exampleTraceIDs: [String]
}

public struct DailyUsage: Codable, Sendable, Equatable {
    /// `2026-11-02`.
    public var day: String
    public var genuineTokens: Int
    public var suspectTokens: Int
    public var performativeTokens: Int
    public var costUSD: Double
    public var performativeCostUSD: Double
}

/// A period of the store: `fromHour...toHour`, Unix hours.
public struct SummaryPeriod: Codable, Sendable, Equatable {
    public var fromHour: Int64
    public var toHour: Int64

    public var from: String { Self.iso(fromHour) }
    public var to: String { Self.iso(toHour + 1) }

    static func iso(_ hour: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(hour) * 3600))
    }

    static func day(_ hour: Int64) -> String { String(iso(hour).prefix(10)) }

    /// Whole hours in a duration written as in the config (24h, 7d, 90d);
    /// nil unless it is a duration of at least one hour. Shared by the API's
    /// `since` and `tokenaudit report --since`.
    public static func hours(in text: String) -> Int64? {
        guard let duration = ConfigValues.duration(text), duration >= .seconds(3600) else { return nil }
        return duration.components.seconds / 3600
    }
}

public struct OrgSummary: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var totals: UsageTotals
    public var principals: Int
    public var daily: [DailyUsage]
    /// Per label: the calls it was written on, their tokens and cost.
    public var labels: [String: LabelTotals]
    public var topFindings: [FindingSummary]
    /// Models without a price, and how many calls used them.
    public var unknownModels: [String: Int]
}

public struct PrincipalDetail: Codable, Sendable, Equatable {
    public var principal: String
    public var team: String
    public var totals: UsageTotals
    public var daily: [DailyUsage]
    public var findings: [FindingSummary]
}

/// How `/api/v1/principals` and reports order principals.
public enum PrincipalOrder: String, Sendable, CaseIterable {
    case performativeShare = "performative_share"
    case tokens
    case cost
    case waste
    case tokensPerOutcome = "tokens_per_outcome"

    var sql: String {
        switch self {
        case .performativeShare: "CAST(SUM(performative_tokens) AS REAL) / MAX(1, SUM(input_tokens + output_tokens)) DESC, SUM(input_tokens + output_tokens) DESC"
        case .tokens: "SUM(input_tokens + output_tokens) DESC"
        case .cost: "SUM(cost_usd) DESC"
        case .waste: "SUM(performative_cost_usd) DESC, SUM(performative_tokens) DESC"
        case .tokensPerOutcome: "CASE WHEN SUM(outcomes) = 0 THEN 1 ELSE 0 END, CAST(SUM(input_tokens + output_tokens) AS REAL) / MAX(1, SUM(outcomes))"
        }
    }
}
