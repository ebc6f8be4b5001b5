/** REST routes: direct calls between two users, and patches joining channels of an event. */
import { z } from "zod";
import { Channel, Id } from "../rest.js";
import { defineRoute } from "../route.js";
import { CreatePatchBody, DirectBody, Patch } from "../targeted.js";
import * as common from "./common.js";

export const PatchParams = z.strictObject({ patchId: Id });

export const targetedRoutes = {
  openDirect: defineRoute({
    operationId: "openDirect",
    method: "POST",
    path: "/direct",
    summary: "Open the direct channel with another user (the same pair always gets the same one)",
    description:
      "Allowed when the two users share an event or a channel; 403 `forbidden` otherwise (also for " +
      "oneself and for an unknown user, so the answer does not reveal who exists).",
    tag: "channels",
    auth: "bearer",
    body: DirectBody,
    status: 201,
    response: Channel,
    alsoStatus: { 200: "The direct channel of this pair already existed" },
    errors: ["forbidden"],
  }),
  createPatch: defineRoute({
    operationId: "createPatch",
    method: "POST",
    path: "/events/:eventId/patches",
    summary: "Patch two or more channels of an event together (organisers and moderators)",
    description:
      "While the patch exists a transmission on any of its channels takes the floor of all of them. " +
      "A channel belongs to at most one patch: 409 `conflict` when one is already patched; 400 " +
      "`invalid_body` when a channel is not one of this event's.",
    tag: "events",
    auth: "bearer",
    params: common.EventParams,
    body: CreatePatchBody,
    status: 201,
    response: Patch,
    errors: [...common.EVENT_ADMIN, "invalid_body", "conflict"],
  }),
  listPatches: defineRoute({
    operationId: "listPatches",
    method: "GET",
    path: "/events/:eventId/patches",
    summary: "The patches of an event",
    tag: "events",
    auth: "bearer",
    params: common.EventParams,
    status: 200,
    response: z.array(Patch),
    errors: common.EVENT_READ,
  }),
  deletePatch: defineRoute({
    operationId: "deletePatch",
    method: "DELETE",
    path: "/patches/:patchId",
    summary: "Remove a patch: its channels are independent again (organisers and moderators)",
    tag: "events",
    auth: "bearer",
    params: PatchParams,
    status: 204,
    response: null,
    errors: ["not_found", "forbidden"],
  }),
} as const;
