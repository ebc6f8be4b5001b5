/**
 * Listens to one typed realtime event while the component is mounted. The latest handler is
 * always called, so passing an inline function does not resubscribe on every render.
 */
import { useEffect, useRef } from "react";
import { type RealtimeEventMap, type RealtimeEventName, realtimeEvents } from "../realtime/realtime-events";

export function useRealtimeEvent<K extends RealtimeEventName>(
  name: K,
  handler: (payload: RealtimeEventMap[K]) => void,
): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => realtimeEvents.on(name, (p) => latest.current(p)), [name]);
}
