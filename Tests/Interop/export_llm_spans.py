"""Emits LLM spans through the official OpenTelemetry Python SDK and its OTLP
exporter, as an instrumented app would, then exits non-zero if the export
failed. Usage: export_llm_spans.py {grpc|http} ENDPOINT SPANS USER"""
import sys

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult

protocol, endpoint, count, user = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if protocol == "grpc":
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True)
else:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    exporter = OTLPSpanExporter(endpoint=endpoint + "/v1/traces")


class Recording:
    """Wraps the exporter to remember whether every export succeeded."""

    def __init__(self, inner):
        self.inner, self.failures = inner, 0

    def export(self, spans):
        result = self.inner.export(spans)
        if result != SpanExportResult.SUCCESS:
            self.failures += 1
        return result

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis=30000):
        return True


recording = Recording(exporter)
provider = TracerProvider(resource=Resource.create({"service.name": "interop-" + protocol, "user.id": user, "team": "interop"}))
provider.add_span_processor(BatchSpanProcessor(recording, max_export_batch_size=64))
tracer = provider.get_tracer("interop")
with tracer.start_as_current_span("handle_request"):
    for i in range(count):
        with tracer.start_as_current_span("chat gpt-4o-mini", kind=trace.SpanKind.CLIENT) as span:
            span.set_attribute("gen_ai.operation.name", "chat")
            span.set_attribute("gen_ai.provider.name", "openai")
            span.set_attribute("gen_ai.request.model", "gpt-4o-mini")
            span.set_attribute("gen_ai.usage.input_tokens", 100 + i)
            span.set_attribute("gen_ai.usage.output_tokens", 7)
provider.shutdown()
sys.exit(1 if recording.failures else 0)
