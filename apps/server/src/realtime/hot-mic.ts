/**
 * The emergency hot mic: `ptt.start` with `emergency: true, alertId` from the raiser of an alert
 * not closed, on a channel of the alert's event they may open (listen-only too). It is always
 * granted, pre-empting any transmission (priority ones included), for at most
 * {@link HOT_MIC_MAX_MS}; the event's staff hear it wherever they are (per-user delivery), and
 * its recording is attached to the alert.
 */
import type { AppContext } from "../context.js";
import { mayOpenHotMic } from "../domain/policy.js";
import type { HotMic } from "./connection.js";

/** The longest hot-mic transmission (or `MAX_TRANSMISSION_MS`, if that is shorter). */
export const HOT_MIC_MAX_MS = 15_000;

/**
 * Whether this user may open a hot mic for `alertId` on `channelId`, and who hears it: null
 * when the alert is not theirs, is closed, or the channel is not one of its event they belong to.
 */
export async function hotMicFor(
  ctx: Pick<AppContext, "repos">,
  userId: string,
  channelId: string,
  alertId: string,
): Promise<HotMic | null> {
  const [alert, found] = await Promise.all([
    ctx.repos.alerts.findById(alertId),
    ctx.repos.channels.findWithAccess(channelId, userId),
  ]);
  if (!alert || !found?.access || found.channel.event_id !== alert.event_id) return null;
  if (!mayOpenHotMic(userId, { raisedBy: alert.raised_by, state: alert.state })) return null;
  const staff = await ctx.repos.alerts.staffOf(alert.event_id);
  return { alertId, staff: staff.filter((id) => id !== userId) };
}
