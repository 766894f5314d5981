"""An app calling the fake OpenAI server through the real `openai` client,
instrumented by one real instrumentation, exporting to tokenaudit with the
standard OTEL_EXPORTER_OTLP_* settings.

usage: instrumented_app.py <openai-v2|openinference|traceloop> <capture: on|off> <principal>
(OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL come from the environment)."""
import os
import sys

import fake_openai

instrumentation, capture, principal = sys.argv[1], sys.argv[2] == "on", sys.argv[3]
os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "true" if capture else "false"
os.environ["TRACELOOP_TRACE_CONTENT"] = "true" if capture else "false"
if not capture:
    os.environ["OPENINFERENCE_HIDE_INPUTS"] = "true"
    os.environ["OPENINFERENCE_HIDE_OUTPUTS"] = "true"
    os.environ["OPENINFERENCE_HIDE_INPUT_MESSAGES"] = "true"
    os.environ["OPENINFERENCE_HIDE_OUTPUT_MESSAGES"] = "true"

from opentelemetry import trace, _logs  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: E402
from opentelemetry.sdk._logs import LoggerProvider  # noqa: E402
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor  # noqa: E402

if os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc") == "grpc":
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
else:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter

resource = Resource.create({"service.name": f"interop-{instrumentation}", "user.id": principal, "team": "interop"})
tracer_provider = TracerProvider(resource=resource)
# Nothing leaves on a timer: logs are flushed before spans at the end, so
# the content that semconv 1.28-1.36 puts in log events reaches tokenaudit
# before the spans it belongs to (tokenaudit fingerprints a call when its
# span arrives; content arriving later is not used).
tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(), schedule_delay_millis=600_000))
trace.set_tracer_provider(tracer_provider)
logger_provider = LoggerProvider(resource=resource)
logger_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(), schedule_delay_millis=600_000))
_logs.set_logger_provider(logger_provider)

if instrumentation == "openai-v2":
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider, logger_provider=logger_provider)
elif instrumentation == "openinference":
    from openinference.instrumentation.openai import OpenAIInstrumentor
    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider)
elif instrumentation == "traceloop":
    from opentelemetry.instrumentation.openai import OpenAIInstrumentor
    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider)
else:
    sys.exit(f"unknown instrumentation {instrumentation}")

import openai  # noqa: E402

server = fake_openai.start()
client = openai.OpenAI(base_url=f"http://127.0.0.1:{server.server_address[1]}/v1", api_key="interop")
# Two identical prompts and a different one: their fingerprints must say so.
prompts = ["Summarise the interop test plan in one sentence.",
           "Summarise the interop test plan in one sentence.",
           "List three risks of the release next week, briefly please."]
for prompt in prompts:
    client.chat.completions.create(model="gpt-4o-mini", max_tokens=64,
                                   messages=[{"role": "system", "content": "You are terse."},
                                             {"role": "user", "content": prompt}])

ok = logger_provider.force_flush(10_000) and tracer_provider.force_flush(10_000)
tracer_provider.shutdown()
logger_provider.shutdown()
print("flushed" if ok else "flush failed")
sys.exit(0 if ok else 1)
