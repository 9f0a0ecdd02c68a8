/**
 * The instants of a `--trace` file, decoded with the schema the writer uses: what the CLI tests of
 * `run --trace` and `replay --trace` compare (a crash, a finding: where and when).
 */
import { TRACK_EVENT_TYPE } from '../../src/report/trace/perfetto-schema.js';
import { perfettoRoot } from '../../src/report/trace/perfetto-trace.js';

/** The instants of a --trace file: name, process, track and time (ns), in file order. */
export function decodedTrace(bytes: Uint8Array): {
  instants: { name: string; process: string; track: string; ts: number }[];
} {
  const Trace = perfettoRoot().lookupType('perfetto.protos.Trace');
  const t = Trace.toObject(Trace.decode(bytes), { longs: Number, arrays: true }) as {
    packet: {
      timestamp?: number;
      track_descriptor?: {
        uuid: number;
        parent_uuid?: number;
        name?: string;
        process?: { process_name: string };
      };
      track_event?: { type: number; track_uuid: number; name_iid?: number };
      interned_data?: { event_names?: { iid: number; name: string }[] };
    }[];
  };
  const processes = new Map<number, string>();
  const tracks = new Map<number, { name: string; process: string }>();
  const names = new Map<number, string>();
  const instants: { name: string; process: string; track: string; ts: number }[] = [];
  for (const p of t.packet) {
    const d = p.track_descriptor;
    if (d?.process !== undefined) processes.set(d.uuid, d.process.process_name);
    else if (d !== undefined)
      tracks.set(d.uuid, { name: d.name ?? '', process: processes.get(d.parent_uuid ?? -1) ?? '' });
    for (const n of p.interned_data?.event_names ?? []) names.set(n.iid, n.name);
    const e = p.track_event;
    if (e !== undefined && e.type === TRACK_EVENT_TYPE.instant) {
      const track = tracks.get(e.track_uuid)!;
      instants.push({
        name: names.get(e.name_iid ?? 0)!,
        process: track.process,
        track: track.name,
        ts: p.timestamp!,
      });
    }
  }
  return { instants };
}
