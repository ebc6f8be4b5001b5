/**
 * Every REST call of the wire contract the client makes, each parsed with its protocol schema.
 * Components reach the API only through these (usually via the query hooks in queries.ts).
 */
import {
  AuthResult,
  Channel,
  type ChannelRole,
  type CreateChannelBody,
  type CreateEventBody,
  Event,
  type EventRole,
  EventWithChannels,
  History,
  InviteCodeResult,
  JoinResult,
  type LoginBody,
  Me,
  Member,
  Message,
  type PatchEventBody,
  type PostMessageBody,
  Presence,
  type RegisterBody,
} from "@won/protocol";
import { z } from "zod";
import { rawRequest, request, send } from "./http";

const enc = encodeURIComponent;

export const api = {
  register: (body: RegisterBody) =>
    request("/auth/register", AuthResult, { method: "POST", body, anonymous: true }),
  login: (body: LoginBody) => request("/auth/login", AuthResult, { method: "POST", body, anonymous: true }),
  logout: (refreshToken: string | undefined) =>
    send("/auth/logout", { method: "POST", body: refreshToken ? { refreshToken } : {} }),
  me: () => request("/me", Me),
  patchMe: (displayName: string) => request("/me", Me, { method: "PATCH", body: { displayName } }),

  events: () => request("/events", z.array(Event)),
  event: (id: string) => request(`/events/${enc(id)}`, EventWithChannels),
  createEvent: (body: CreateEventBody) => request("/events", Event, { method: "POST", body }),
  patchEvent: (id: string, body: PatchEventBody) =>
    request(`/events/${enc(id)}`, Event, { method: "PATCH", body }),
  deleteEvent: (id: string) => send(`/events/${enc(id)}`, { method: "DELETE" }),
  regenerateEventCode: (id: string) => request(`/events/${enc(id)}/invite-code`, Event, { method: "POST" }),
  eventMembers: (id: string) => request(`/events/${enc(id)}/members`, z.array(Member)),
  setEventRole: (id: string, userId: string, role: EventRole) =>
    send(`/events/${enc(id)}/members/${enc(userId)}`, { method: "PATCH", body: { role } }),
  removeEventMember: (id: string, userId: string) =>
    send(`/events/${enc(id)}/members/${enc(userId)}`, { method: "DELETE" }),

  channels: () => request("/channels", z.array(Channel)),
  channel: (id: string) => request(`/channels/${enc(id)}`, Channel),
  createChannel: (body: CreateChannelBody) => request("/channels", Channel, { method: "POST", body }),
  deleteChannel: (id: string) => send(`/channels/${enc(id)}`, { method: "DELETE" }),
  regenerateChannelCode: (id: string) =>
    request(`/channels/${enc(id)}/invite-code`, InviteCodeResult.or(Channel), { method: "POST" }),
  channelMembers: (id: string) => request(`/channels/${enc(id)}/members`, z.array(Member)),
  setChannelMember: (id: string, userId: string, body: { canSpeak?: boolean; role?: ChannelRole }) =>
    send(`/channels/${enc(id)}/members/${enc(userId)}`, { method: "PATCH", body }),
  /** Removes a direct member; with one's own id, leaves the channel. */
  removeChannelMember: (id: string, userId: string) =>
    send(`/channels/${enc(id)}/members/${enc(userId)}`, { method: "DELETE" }),
  presence: (id: string) => request(`/channels/${enc(id)}/presence`, Presence),

  join: (code: string) => request("/join", JoinResult, { method: "POST", body: { code } }),

  history: (channelId: string, q: { before?: number; after?: number; limit?: number }) => {
    const params = new URLSearchParams();
    if (q.before !== undefined) params.set("before", String(q.before));
    if (q.after !== undefined) params.set("after", String(q.after));
    params.set("limit", String(q.limit ?? 50));
    return request(`/channels/${enc(channelId)}/messages?${params}`, History);
  },
  postMessage: (channelId: string, body: PostMessageBody) =>
    request(`/channels/${enc(channelId)}/messages`, Message, { method: "POST", body }),

  /** The recording's Ogg Opus bytes. Fetched with the Authorization header, never a token in a URL. */
  recording: async (url: string, signal?: AbortSignal) => {
    const path = url.startsWith("/api/v1")
      ? url.slice("/api/v1".length)
      : url.replace(/^https?:\/\/[^/]+\/api\/v1/, "");
    const res = await rawRequest(path, { signal });
    return res.blob();
  },
};
