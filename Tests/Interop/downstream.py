"""A downstream OTLP/HTTP receiver decoding with the `opentelemetry-proto`
package (an independent decoder): writes every span and log record it
receives as one JSON line (name, attributes as Python values, event names,
whether a body is present) to the file named by argv[1]. Prints its port."""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest, ExportLogsServiceResponse
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse

out = open(sys.argv[1], "a", buffering=1)
lock = threading.Lock()


def value(v):
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, kind) if kind else None


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        data = self.rfile.read(int(self.headers.get("content-length", "0")))
        if self.headers.get("content-encoding") == "gzip":
            import gzip
            data = gzip.decompress(data)
        records = []
        if self.path == "/v1/traces":
            request = ExportTraceServiceRequest.FromString(data)
            for rs in request.resource_spans:
                for ss in rs.scope_spans:
                    for span in ss.spans:
                        records.append({"signal": "span", "name": span.name, "trace_id": span.trace_id.hex(),
                                        "span_id": span.span_id.hex(),
                                        "attributes": {kv.key: value(kv.value) for kv in span.attributes},
                                        "events": [e.name for e in span.events]})
            answer = ExportTraceServiceResponse().SerializeToString()
        else:
            request = ExportLogsServiceRequest.FromString(data)
            for rl in request.resource_logs:
                for sl in rl.scope_logs:
                    for log in sl.log_records:
                        records.append({"signal": "log", "event_name": log.event_name, "trace_id": log.trace_id.hex(),
                                        "span_id": log.span_id.hex(), "has_body": log.HasField("body"),
                                        "attributes": {kv.key: value(kv.value) for kv in log.attributes}})
            answer = ExportLogsServiceResponse().SerializeToString()
        with lock:
            for record in records:
                out.write(json.dumps(record) + "\n")
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
