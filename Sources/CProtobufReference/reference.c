// Descriptor-driven canonical renderer over libprotobuf-c; see the header.
#include "CProtobufReference.h"

#include <protobuf-c/protobuf-c.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "google/rpc/status.pb-c.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb-c.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb-c.h"

static const ProtobufCMessageDescriptor *descriptor_for(ta_ref_kind kind) {
  switch (kind) {
  case TA_REF_EXPORT_TRACE_REQUEST:
    return &opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor;
  case TA_REF_EXPORT_LOGS_REQUEST:
    return &opentelemetry__proto__collector__logs__v1__export_logs_service_request__descriptor;
  case TA_REF_RPC_STATUS:
    return &google__rpc__status__descriptor;
  case TA_REF_EXPORT_TRACE_RESPONSE:
    return &opentelemetry__proto__collector__trace__v1__export_trace_service_response__descriptor;
  case TA_REF_EXPORT_LOGS_RESPONSE:
    return &opentelemetry__proto__collector__logs__v1__export_logs_service_response__descriptor;
  }
  return NULL;
}

typedef struct {
  char *data;
  size_t length;
  size_t capacity;
} text_buffer;

static void append(text_buffer *b, const char *format, ...) {
  for (;;) {
    va_list args;
    va_start(args, format);
    size_t room = b->capacity - b->length;
    int n = vsnprintf(b->data + b->length, room, format, args);
    va_end(args);
    if (n < 0) return;
    if ((size_t)n < room) {
      b->length += (size_t)n;
      return;
    }
    b->capacity = (b->capacity + (size_t)n + 1) * 2;
    b->data = realloc(b->data, b->capacity);
    if (!b->data) abort();
  }
}

static void indent(text_buffer *b, int depth) {
  for (int i = 0; i < depth; i++) append(b, " ");
}

static void render_message(text_buffer *b, const ProtobufCMessage *m, int depth);

static int scalar_is_default(const ProtobufCFieldDescriptor *f, const void *p) {
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_ENUM:
    return *(const uint32_t *)p == 0;
  case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
    return *(const uint64_t *)p == 0;
  case PROTOBUF_C_TYPE_FLOAT:
    return *(const uint32_t *)p == 0;
  case PROTOBUF_C_TYPE_DOUBLE:
    return *(const uint64_t *)p == 0;
  case PROTOBUF_C_TYPE_BOOL:
    return *(const protobuf_c_boolean *)p == 0;
  case PROTOBUF_C_TYPE_STRING: {
    const char *s = *(char *const *)p;
    return s == NULL || s[0] == '\0';
  }
  case PROTOBUF_C_TYPE_BYTES:
    return ((const ProtobufCBinaryData *)p)->len == 0;
  case PROTOBUF_C_TYPE_MESSAGE:
    return *(ProtobufCMessage *const *)p == NULL;
  }
  return 1;
}

static void render_value(text_buffer *b, const ProtobufCFieldDescriptor *f, const void *p, int depth) {
  indent(b, depth);
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
  case PROTOBUF_C_TYPE_ENUM:
    append(b, "%s: %d\n", f->name, *(const int32_t *)p);
    break;
  case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
    append(b, "%s: %u\n", f->name, *(const uint32_t *)p);
    break;
  case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    append(b, "%s: %lld\n", f->name, (long long)*(const int64_t *)p);
    break;
  case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64:
    append(b, "%s: %llu\n", f->name, (unsigned long long)*(const uint64_t *)p);
    break;
  case PROTOBUF_C_TYPE_FLOAT:
    append(b, "%s: f%08x\n", f->name, *(const uint32_t *)p);
    break;
  case PROTOBUF_C_TYPE_DOUBLE:
    append(b, "%s: d%016llx\n", f->name, (unsigned long long)*(const uint64_t *)p);
    break;
  case PROTOBUF_C_TYPE_BOOL:
    append(b, "%s: %s\n", f->name, *(const protobuf_c_boolean *)p ? "true" : "false");
    break;
  case PROTOBUF_C_TYPE_STRING: {
    const unsigned char *s = *(unsigned char *const *)p;
    append(b, "%s: \"", f->name);
    for (; s && *s; s++) {
      if (*s >= 0x20 && *s <= 0x7e && *s != '"' && *s != '\\') append(b, "%c", *s);
      else append(b, "\\x%02x", *s);
    }
    append(b, "\"\n");
    break;
  }
  case PROTOBUF_C_TYPE_BYTES: {
    const ProtobufCBinaryData *d = p;
    append(b, "%s: ", f->name);
    for (size_t i = 0; i < d->len; i++) append(b, "%02x", d->data[i]);
    append(b, "\n");
    break;
  }
  case PROTOBUF_C_TYPE_MESSAGE:
    append(b, "%s {\n", f->name);
    render_message(b, *(ProtobufCMessage *const *)p, depth + 1);
    indent(b, depth);
    append(b, "}\n");
    break;
  }
}

static size_t element_size(const ProtobufCFieldDescriptor *f) {
  switch (f->type) {
  case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
  case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
    return 8;
  case PROTOBUF_C_TYPE_BOOL:
    return sizeof(protobuf_c_boolean);
  case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE:
    return sizeof(void *);
  case PROTOBUF_C_TYPE_BYTES:
    return sizeof(ProtobufCBinaryData);
  default:
    return 4;
  }
}

static void render_message(text_buffer *b, const ProtobufCMessage *m, int depth) {
  const ProtobufCMessageDescriptor *d = m->descriptor;
  const char *base = (const char *)m;
  for (unsigned i = 0; i < d->n_fields; i++) {
    const ProtobufCFieldDescriptor *f = &d->fields[i];
    const void *member = base + f->offset;
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t count = *(const size_t *)(base + f->quantifier_offset);
      const char *array = *(char *const *)member;
      for (size_t k = 0; k < count; k++) render_value(b, f, array + k * element_size(f), depth);
    } else if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      if (*(const uint32_t *)(base + f->quantifier_offset) == f->id) render_value(b, f, member, depth);
    } else if (!scalar_is_default(f, member)) {
      render_value(b, f, member, depth);
    }
  }
}

char *ta_ref_dump(ta_ref_kind kind, const uint8_t *data, size_t length) {
  const ProtobufCMessageDescriptor *d = descriptor_for(kind);
  if (!d) return NULL;
  ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, length, data);
  if (!m) return NULL;
  text_buffer b = {malloc(4096), 0, 4096};
  if (!b.data) abort();
  b.data[0] = '\0';
  render_message(&b, m, 0);
  protobuf_c_message_free_unpacked(m, NULL);
  return b.data;
}

long ta_ref_roundtrip(ta_ref_kind kind, const uint8_t *data, size_t length,
                      uint8_t *out, size_t capacity) {
  const ProtobufCMessageDescriptor *d = descriptor_for(kind);
  if (!d) return -1;
  ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, length, data);
  if (!m) return -1;
  size_t size = protobuf_c_message_get_packed_size(m);
  long result = -2;
  if (size <= capacity) result = (long)protobuf_c_message_pack(m, out);
  protobuf_c_message_free_unpacked(m, NULL);
  return result;
}

long ta_ref_count_items(ta_ref_kind kind, const uint8_t *data, size_t length) {
  long count = 0;
  if (kind == TA_REF_EXPORT_TRACE_REQUEST) {
    Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *r =
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(NULL, length, data);
    if (!r) return -1;
    for (size_t i = 0; i < r->n_resource_spans; i++)
      for (size_t j = 0; j < r->resource_spans[i]->n_scope_spans; j++)
        count += (long)r->resource_spans[i]->scope_spans[j]->n_spans;
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(r, NULL);
    return count;
  }
  if (kind == TA_REF_EXPORT_LOGS_REQUEST) {
    Opentelemetry__Proto__Collector__Logs__V1__ExportLogsServiceRequest *r =
        opentelemetry__proto__collector__logs__v1__export_logs_service_request__unpack(NULL, length, data);
    if (!r) return -1;
    for (size_t i = 0; i < r->n_resource_logs; i++)
      for (size_t j = 0; j < r->resource_logs[i]->n_scope_logs; j++)
        count += (long)r->resource_logs[i]->scope_logs[j]->n_log_records;
    opentelemetry__proto__collector__logs__v1__export_logs_service_request__free_unpacked(r, NULL);
    return count;
  }
  return -1;
}
