/**
 * The part of Perfetto's trace format that npusim writes, as protobuf schema text for protobufjs.
 *
 * A Perfetto trace file is one `Trace` message: a repeated `TracePacket`. Each packet holds a
 * `TrackDescriptor` (a process, or a named track under one; a counter track) or a `TrackEvent`
 * (slice begin, slice end, instant, counter value) at a timestamp in nanoseconds, on one packet
 * sequence, with names interned per sequence. Field numbers are Perfetto's own, from
 * protos/perfetto/trace/trace.proto, trace_packet.proto, interned_data/interned_data.proto and
 * track_event/{track_event,track_descriptor,process_descriptor,counter_descriptor,
 * debug_annotation}.proto in the Perfetto repository; only the fields written here are declared
 * (a protobuf reader skips what it does not know, and so does Perfetto). `oneof`s of the originals
 * are plain optional fields here, and enums int32: the same bytes on the wire. A file written with
 * this subset decodes in full, every field named, with the complete upstream schema
 * (`protoc --decode=perfetto.protos.Trace protos/perfetto/trace/trace.proto`).
 */
export const PERFETTO_TRACE_PROTO = `
syntax = "proto2";
package perfetto.protos;

message Trace {
  repeated TracePacket packet = 1;
}

message TracePacket {
  optional uint64 timestamp = 8;
  optional TrackEvent track_event = 11;
  optional TrackDescriptor track_descriptor = 60;
  optional uint32 trusted_packet_sequence_id = 10;
  optional InternedData interned_data = 12;
  // 1: SEQ_INCREMENTAL_STATE_CLEARED, 2: SEQ_NEEDS_INCREMENTAL_STATE.
  optional uint32 sequence_flags = 13;
  optional bool first_packet_on_sequence = 87;
}

message InternedData {
  repeated EventName event_names = 2;
  repeated DebugAnnotationName debug_annotation_names = 3;
}

message EventName {
  optional uint64 iid = 1;
  optional string name = 2;
}

message DebugAnnotationName {
  optional uint64 iid = 1;
  optional string name = 2;
}

message TrackDescriptor {
  optional uint64 uuid = 1;
  optional uint64 parent_uuid = 5;
  optional string name = 2;
  optional ProcessDescriptor process = 3;
  optional CounterDescriptor counter = 8;
}

message ProcessDescriptor {
  optional int32 pid = 1;
  optional string process_name = 6;
}

message CounterDescriptor {
  // 2: UNIT_COUNT.
  optional int32 unit = 3;
}

message TrackEvent {
  // 1: TYPE_SLICE_BEGIN, 2: TYPE_SLICE_END, 3: TYPE_INSTANT, 4: TYPE_COUNTER.
  optional int32 type = 9;
  optional uint64 track_uuid = 11;
  optional uint64 name_iid = 10;
  optional string name = 23;
  optional int64 counter_value = 30;
  optional double double_counter_value = 44;
  repeated DebugAnnotation debug_annotations = 4;
  repeated fixed64 flow_ids = 47;
  repeated fixed64 terminating_flow_ids = 48;
}

message DebugAnnotation {
  optional uint64 name_iid = 1;
  optional string name = 10;
  optional bool bool_value = 2;
  optional int64 int_value = 4;
  optional double double_value = 5;
  optional string string_value = 6;
}
`;

export const TRACK_EVENT_TYPE = { sliceBegin: 1, sliceEnd: 2, instant: 3, counter: 4 } as const;
export const SEQ_INCREMENTAL_STATE_CLEARED = 1;
export const SEQ_NEEDS_INCREMENTAL_STATE = 2;
export const COUNTER_UNIT_COUNT = 2;
