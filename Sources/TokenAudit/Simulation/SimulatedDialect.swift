import Foundation
import OTLPWire

/// What one simulated LLM call says about itself, before a dialect spells it.
struct LLMCallDescription {
    var model = "gpt-4o-mini"
    var inputTokens: Int
    var outputTokens: Int
    var maxTokens: Int?
    var finishReason = "stop"
    var system: String?
    /// Input messages (a pasted document, then the question, ...).
    var messages: [String]
    var completion: String
    var conversationID: String?
    var agentID: String?
    var failed = false
}

/// Spells an `LLMCallDescription` the way each instrumentation library
/// does (DESIGN.md §4); content only when the person captures it.
enum SimulatedDialect {
    static func attributes(_ call: LLMCallDescription, person: Person) -> [(String, AttributeValue)] {
        switch person.dialect {
        case .openLLMetry: openLLMetry(call, person: person)
        case .openInference: openInference(call, person: person)
        default: semconv(call, person: person)
        }
    }

    private static func semconv(_ c: LLMCallDescription, person: Person) -> [(String, AttributeValue)] {
        var a: [(String, AttributeValue)] = [
            ("gen_ai.operation.name", .string("chat")), ("gen_ai.provider.name", .string("openai")),
            ("gen_ai.request.model", .string(c.model)), ("user.id", .string(person.id)),
        ]
        if let max = c.maxTokens { a.append(("gen_ai.request.max_tokens", .int(Int64(max)))) }
        if let id = c.conversationID { a.append(("gen_ai.conversation.id", .string(id))) }
        if let id = c.agentID { a.append(("gen_ai.agent.id", .string(id))) }
        if c.failed {
            a.append(("error.type", .string("429")))
            return a
        }
        a += [
            ("gen_ai.response.model", .string(c.model + "-2024-07-18")),
            ("gen_ai.usage.input_tokens", .int(Int64(c.inputTokens))), ("gen_ai.usage.output_tokens", .int(Int64(c.outputTokens))),
            ("gen_ai.response.finish_reasons", .stringArray([c.finishReason])),
        ]
        if person.capturesContent {
            if let system = c.system { a.append(("gen_ai.system_instructions", .string(json([["type": "text", "content": system]])))) }
            a.append(("gen_ai.input.messages", .string(json(c.messages.map { ["role": "user", "parts": [["type": "text", "content": $0]]] }))))
            a.append(("gen_ai.output.messages", .string(json([["role": "assistant", "parts": [["type": "text", "content": c.completion]]]]))))
        }
        return a
    }

    private static func openLLMetry(_ c: LLMCallDescription, person: Person) -> [(String, AttributeValue)] {
        var a: [(String, AttributeValue)] = [
            ("llm.request.type", .string("chat")), ("gen_ai.system", .string("openai")),
            ("gen_ai.request.model", .string(c.model)), ("traceloop.association.properties.user_id", .string(person.id)),
        ]
        if let max = c.maxTokens { a.append(("gen_ai.request.max_tokens", .int(Int64(max)))) }
        if let id = c.conversationID { a.append(("traceloop.association.properties.session_id", .string(id))) }
        if let id = c.agentID { a.append(("gen_ai.agent.id", .string(id))) }
        if c.failed {
            a.append(("error.type", .string("RateLimitError")))
            return a
        }
        a += [
            ("gen_ai.response.model", .string(c.model)),
            ("gen_ai.usage.prompt_tokens", .int(Int64(c.inputTokens))), ("gen_ai.usage.completion_tokens", .int(Int64(c.outputTokens))),
            ("llm.usage.total_tokens", .int(Int64(c.inputTokens + c.outputTokens))),
            ("gen_ai.response.finish_reasons", .stringArray([c.finishReason])),
        ]
        if person.capturesContent {
            var index = 0
            if let system = c.system {
                a += [("gen_ai.prompt.0.role", .string("system")), ("gen_ai.prompt.0.content", .string(system))]
                index = 1
            }
            for message in c.messages {
                a += [("gen_ai.prompt.\(index).role", .string("user")), ("gen_ai.prompt.\(index).content", .string(message))]
                index += 1
            }
            a += [("gen_ai.completion.0.role", .string("assistant")), ("gen_ai.completion.0.content", .string(c.completion))]
        }
        return a
    }

    private static func openInference(_ c: LLMCallDescription, person: Person) -> [(String, AttributeValue)] {
        var parameters: [String: Any] = ["model": c.model]
        if let max = c.maxTokens { parameters["max_tokens"] = max }
        var a: [(String, AttributeValue)] = [
            ("openinference.span.kind", .string("LLM")), ("llm.provider", .string("openai")), ("llm.system", .string("openai")),
            ("llm.model_name", .string(c.model)), ("user.id", .string(person.id)),
            ("llm.invocation_parameters", .string(json(parameters))),
        ]
        if let id = c.conversationID { a.append(("session.id", .string(id))) }
        if let id = c.agentID { a.append(("gen_ai.agent.id", .string(id))) }
        if c.failed {
            a.append(("error.type", .string("RateLimitError")))
            return a
        }
        a += [
            ("llm.token_count.prompt", .int(Int64(c.inputTokens))), ("llm.token_count.completion", .int(Int64(c.outputTokens))),
            ("llm.token_count.total", .int(Int64(c.inputTokens + c.outputTokens))),
        ]
        if c.finishReason != "stop" { a.append(("gen_ai.response.finish_reasons", .stringArray([c.finishReason]))) }
        if person.capturesContent {
            var index = 0
            if let system = c.system {
                a += [("llm.input_messages.0.message.role", .string("system")), ("llm.input_messages.0.message.content", .string(system))]
                index = 1
            }
            for message in c.messages {
                a += [("llm.input_messages.\(index).message.role", .string("user")),
                      ("llm.input_messages.\(index).message.content", .string(message))]
                index += 1
            }
            a += [("llm.output_messages.0.message.role", .string("assistant")),
                  ("llm.output_messages.0.message.content", .string(c.completion))]
        }
        return a
    }

    private static func json(_ value: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}
