import {
  AuthResult,
  LoginBody,
  LogoutBody,
  Me,
  PatchMeBody,
  RefreshBody,
  RegisterBody,
  TokenPair,
} from "@won/protocol";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { login } from "../../commands/login.js";
import { logout } from "../../commands/logout.js";
import { refreshSession } from "../../commands/refreshSession.js";
import { registerUser } from "../../commands/registerUser.js";
import type { AppContext } from "../../context.js";
import { AppError } from "../../domain/errors.js";
import { presentMe } from "../../presenters/index.js";
import { authenticate } from "../authenticate.js";

export function authRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const auth = authenticate(ctx);
    const tags = ["auth"];

    app.post(
      "/auth/register",
      { schema: { tags, body: RegisterBody, response: { 201: AuthResult } } },
      async (req, reply) => {
        reply.code(201);
        return registerUser(ctx, req.body, req.ip);
      },
    );

    app.post(
      "/auth/login",
      { schema: { tags, body: LoginBody, response: { 200: AuthResult } } },
      async (req) => login(ctx, req.body, req.ip),
    );

    app.post(
      "/auth/refresh",
      { schema: { tags, body: RefreshBody, response: { 200: TokenPair } } },
      async (req) => refreshSession(ctx, req.body.refreshToken),
    );

    app.post(
      "/auth/logout",
      // No body at all is fine: Fastify hands the validator `null` then, not `undefined`.
      { onRequest: auth, schema: { tags, body: LogoutBody.nullish(), response: { 204: z.null() } } },
      async (req, reply) => {
        await logout(ctx, req.auth, req.body?.refreshToken);
        return reply.code(204).send(null);
      },
    );

    app.get("/me", { onRequest: auth, schema: { tags, response: { 200: Me } } }, async (req) => {
      const user = await ctx.repos.users.findById(req.auth.userId);
      if (!user) throw new AppError("invalid_token", "This account no longer exists");
      return presentMe(user);
    });

    app.patch(
      "/me",
      { onRequest: auth, schema: { tags, body: PatchMeBody, response: { 200: Me } } },
      async (req) => {
        if (req.body.displayName !== undefined)
          await ctx.repos.users.update(req.auth.userId, { display_name: req.body.displayName });
        const user = await ctx.repos.users.findById(req.auth.userId);
        if (!user) throw new AppError("invalid_token", "This account no longer exists");
        return presentMe(user);
      },
    );
  };
}
