/**
 * Emergency alerts over REST: an event's alert history (paged, newest first), raising an SOS,
 * claiming and closing one, and the raiser's position reports. Every answer also goes into the
 * alert book (`alerts/alerts-store.ts`), so the alarm and the banner move at once rather than
 * waiting for the socket's copy, and the event's history refetches.
 */
import {
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { Alert, AlertLocation, EventWithChannels } from "@won/protocol";
import { alertsStore } from "../../alerts/alerts-store";
import { raiseSos, type SosTarget } from "../../alerts/raise-sos";
import { api } from "../../api/endpoints";
import { queryKeys } from "./keys";

const PAGE = 20;

/** An event's alerts, newest first; staff get all of them, others their own. */
export const useEventAlerts = (eventId: string) =>
  useInfiniteQuery({
    queryKey: queryKeys.eventAlerts(eventId),
    queryFn: ({ pageParam }) => api.alerts(eventId, { before: pageParam, limit: PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? last.alerts.at(-1)?.createdAt : undefined),
  });

function applied(qc: QueryClient) {
  return (alert: Alert) => {
    alertsStore.upsert(alert);
    return qc.invalidateQueries({ queryKey: queryKeys.eventAlerts(alert.eventId) });
  };
}

/** The event's channels I can open, for the hot mic of an SOS raised from home. */
async function eventChannelIds(qc: QueryClient, eventId: string): Promise<string[]> {
  const ev = await qc.fetchQuery<EventWithChannels>({
    queryKey: queryKeys.event(eventId),
    queryFn: () => api.event(eventId),
    staleTime: 60_000,
  });
  return ev.channels.map((c) => c.id);
}

/** Raises an SOS (location if quick, then the hot mic): see `raiseSos`. */
export function useRaiseSos() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (t: SosTarget) => raiseSos(t, () => eventChannelIds(qc, t.eventId)),
    onSuccess: applied(qc),
  });
}

/** "I'm responding": claims the alert; `takeOver` from the staff member holding it. */
export function useClaimAlert() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ alertId, takeOver }: { alertId: string; takeOver: boolean }) =>
      api.claimAlert(alertId, takeOver),
    onSuccess: applied(qc),
  });
}

/** Closes an alert as resolved or a false alarm (the raiser: false alarm only), with a note. */
export function useResolveAlert() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { alertId: string; outcome: "resolved" | "false_alarm"; note?: string }) =>
      api.resolveAlert(v.alertId, v.outcome, v.note?.trim() || undefined),
    onSuccess: applied(qc),
  });
}

/** The raiser's current position (the socket's `alert.updated` carries it to staff). */
export const reportAlertLocation = (alertId: string, location: AlertLocation) =>
  api.alertLocation(alertId, location);

/** An alert's audit trail (staff), fetched when it is opened; new steps show on the next open. */
export const useAlertAudit = (alertId: string, enabled: boolean) =>
  useQuery({
    queryKey: queryKeys.alertAudit(alertId),
    queryFn: () => api.alertAudit(alertId),
    enabled,
    staleTime: 0,
  });
