/**
 * The client's one alert book (see `alert-book.ts`) and what the viewer did with it: alarms
 * they minimised (honoured only once claimed), their own closed alerts they dismissed, and
 * which hot mics are live right now. The realtime dispatcher and the alert mutations write it;
 * the alarm layer and the raiser's banner read it. Kept outside TanStack Query because it is fed
 * by the socket first and REST second, and must survive every screen.
 */
import type { Alert } from "@won/protocol";
import { create } from "zustand";
import { type AlertBook, EMPTY_BOOK, seedAlerts, upsertAlert } from "./alert-book";

/** A hot mic being heard: its stream and channel. */
export interface HotStream {
  streamId: number;
  channelId: string;
  userId: string;
}

interface AlertsState {
  book: AlertBook;
  minimised: ReadonlySet<string>;
  dismissed: ReadonlySet<string>;
  /** Live hot mics by alert id. */
  hot: Readonly<Record<string, HotStream>>;
}

const INITIAL: AlertsState = { book: EMPTY_BOOK, minimised: new Set(), dismissed: new Set(), hot: {} };

export const useAlerts = create<AlertsState>(() => INITIAL);

const set = useAlerts.setState;
const withItem = (s: ReadonlySet<string>, id: string) => new Set([...s, id]);

/** Mutations, for the dispatcher, the alert mutations and the alarm controls. */
export const alertsStore = {
  seed: (open: readonly Alert[]) => set((s) => ({ book: seedAlerts(s.book, open) })),
  upsert: (alert: Alert) => set((s) => ({ book: upsertAlert(s.book, alert) })),
  minimise: (alertId: string) => set((s) => ({ minimised: withItem(s.minimised, alertId) })),
  expand: (alertId: string) =>
    set((s) => ({ minimised: new Set([...s.minimised].filter((id) => id !== alertId)) })),
  dismiss: (alertId: string) => set((s) => ({ dismissed: withItem(s.dismissed, alertId) })),
  hotStarted: (alertId: string, stream: HotStream) => set((s) => ({ hot: { ...s.hot, [alertId]: stream } })),
  /** A stream ended: whichever alert it was the hot mic of is no longer live. */
  streamEnded: (streamId: number) =>
    set((s) => {
      const hot = Object.fromEntries(Object.entries(s.hot).filter(([, h]) => h.streamId !== streamId));
      return Object.keys(hot).length === Object.keys(s.hot).length ? s : { hot };
    }),
  /** The socket went away: no stream is live any more. */
  allStreamsEnded: () => set({ hot: {} }),
  /** Sign-out. */
  reset: () => set(INITIAL),
};

export const getAlerts = useAlerts.getState;
