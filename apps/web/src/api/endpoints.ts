/**
 * Every REST call the client makes, named for the UI, each one operation of the protocol's
 * route table called through the typed client (`client.ts`), which builds the URL and checks the
 * answer against the route's schema. Components reach the API only through these, via the
 * per-resource hooks in `state/queries/`.
 */
import {
  type AlertLocation,
  API_PREFIX,
  type ChannelRole,
  type CreateChannelBody,
  type CreateEventBody,
  type EventRole,
  type LoginBody,
  type PatchEventBody,
  type PostMessageBody,
  type PushSubscriptionBody,
  type RaiseAlertBody,
  type RedeemPasswordResetBody,
  type RegisterBody,
  routes,
} from "@won/protocol";
import { request } from "./client";

/** The recording id of a `recording.url` (`/api/v1/recordings/<id>`, maybe absolute). */
function recordingIdOf(url: string): string {
  const path = new URL(url, "http://localhost").pathname;
  const prefix = `${API_PREFIX}/recordings/`;
  if (!path.startsWith(prefix)) throw new Error(`Not a recording URL: ${url}`);
  return decodeURIComponent(path.slice(prefix.length));
}

export const api = {
  register: (body: RegisterBody) => request(routes.register, { body }),
  login: (body: LoginBody) => request(routes.login, { body }),
  logout: (refreshToken: string | undefined) =>
    request(routes.logout, { body: refreshToken ? { refreshToken } : {} }),
  redeemPasswordReset: (body: RedeemPasswordResetBody) => request(routes.redeemPasswordReset, { body }),
  me: () => request(routes.getMe),
  patchMe: (displayName: string) => request(routes.patchMe, { body: { displayName } }),
  invitePreview: (code: string) => request(routes.invitePreview, { body: { code } }),
  pushConfig: () => request(routes.getPushConfig),
  subscribePush: (body: PushSubscriptionBody) => request(routes.subscribePush, { body }),
  unsubscribePush: (endpoint: string) => request(routes.unsubscribePush, { body: { endpoint } }),

  events: () => request(routes.listEvents),
  event: (id: string) => request(routes.getEvent, { params: { eventId: id } }),
  createEvent: (body: CreateEventBody) => request(routes.createEvent, { body }),
  patchEvent: (id: string, body: PatchEventBody) =>
    request(routes.patchEvent, { params: { eventId: id }, body }),
  deleteEvent: (id: string) => request(routes.deleteEvent, { params: { eventId: id } }),
  regenerateEventCode: (id: string) => request(routes.regenerateEventCode, { params: { eventId: id } }),
  eventMembers: (id: string) => request(routes.listEventMembers, { params: { eventId: id } }),
  setEventRole: (id: string, userId: string, role: EventRole) =>
    request(routes.setEventRole, { params: { eventId: id, userId }, body: { role } }),
  removeEventMember: (id: string, userId: string) =>
    request(routes.removeEventMember, { params: { eventId: id, userId } }),
  issuePasswordReset: (id: string, userId: string) =>
    request(routes.issuePasswordReset, { params: { eventId: id, userId } }),

  channels: () => request(routes.listChannels),
  channel: (id: string) => request(routes.getChannel, { params: { channelId: id } }),
  createChannel: (body: CreateChannelBody) => request(routes.createChannel, { body }),
  deleteChannel: (id: string) => request(routes.deleteChannel, { params: { channelId: id } }),
  regenerateChannelCode: (id: string) => request(routes.regenerateChannelCode, { params: { channelId: id } }),
  channelMembers: (id: string) => request(routes.listChannelMembers, { params: { channelId: id } }),
  setChannelMember: (id: string, userId: string, body: { canSpeak?: boolean; role?: ChannelRole }) =>
    request(routes.patchChannelMember, { params: { channelId: id, userId }, body }),
  /** Removes a direct member; with one's own id, leaves the channel. */
  removeChannelMember: (id: string, userId: string) =>
    request(routes.removeChannelMember, { params: { channelId: id, userId } }),
  presence: (id: string) => request(routes.getPresence, { params: { channelId: id } }),

  join: (code: string) => request(routes.join, { body: { code } }),

  /** The direct channel with `userId` (opened the first time, the same one after). */
  openDirect: (userId: string) => request(routes.openDirect, { body: { userId } }),
  patches: (eventId: string) => request(routes.listPatches, { params: { eventId } }),
  createPatch: (eventId: string, channelIds: string[]) =>
    request(routes.createPatch, { params: { eventId }, body: { channelIds } }),
  deletePatch: (patchId: string) => request(routes.deletePatch, { params: { patchId } }),

  history: (channelId: string, q: { before?: number; after?: number; limit?: number }) =>
    request(routes.listMessages, {
      params: { channelId },
      query: { before: q.before, after: q.after, limit: q.limit ?? 50 },
    }),
  postMessage: (channelId: string, body: PostMessageBody) =>
    request(routes.postMessage, { params: { channelId }, body }),
  ackMessage: (messageId: string) => request(routes.ackMessage, { params: { messageId } }),
  messageAcks: (messageId: string) => request(routes.listMessageAcks, { params: { messageId } }),

  raiseAlert: (eventId: string, body: RaiseAlertBody) =>
    request(routes.raiseAlert, { params: { eventId }, body }),
  alerts: (eventId: string, q: { state?: "open" | "all"; before?: string; limit?: number }) =>
    request(routes.listAlerts, {
      params: { eventId },
      query: { state: q.state ?? "all", before: q.before, limit: q.limit ?? 20 },
    }),
  alert: (alertId: string) => request(routes.getAlert, { params: { alertId } }),
  alertAudit: (alertId: string) => request(routes.alertAudit, { params: { alertId } }),
  alertReceived: (alertId: string, device: string) =>
    request(routes.alertReceived, { params: { alertId }, body: { device } }),
  claimAlert: (alertId: string, takeOver: boolean) =>
    request(routes.claimAlert, { params: { alertId }, body: takeOver ? { takeOver: true } : {} }),
  resolveAlert: (alertId: string, outcome: "resolved" | "false_alarm", note?: string) =>
    request(routes.resolveAlert, { params: { alertId }, body: note ? { outcome, note } : { outcome } }),
  alertLocation: (alertId: string, location: AlertLocation) =>
    request(routes.updateAlertLocation, { params: { alertId }, body: location }),

  /** The recording's Ogg Opus bytes. Fetched with the Authorization header, never a token in a URL. */
  recording: (url: string, signal?: AbortSignal) =>
    request(routes.getRecording, { params: { recordingId: recordingIdOf(url) } }, { signal }),
};
