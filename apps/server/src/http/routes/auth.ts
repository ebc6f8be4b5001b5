import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import { login } from "../../commands/login.js";
import { logout } from "../../commands/logout.js";
import { redeemPasswordReset } from "../../commands/password-reset-codes.js";
import { refreshSession } from "../../commands/refreshSession.js";
import { registerUser } from "../../commands/registerUser.js";
import type { AppContext } from "../../context.js";
import { AppError } from "../../domain/errors.js";
import { presentMe } from "../../presenters/index.js";
import { authenticate } from "../authenticate.js";
import { routeRegistrar } from "../route.js";

export function authRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const add = routeRegistrar(app, authenticate(ctx));

    add(routes.register, async (req) => registerUser(ctx, req.body, req.ip));
    add(routes.login, async (req) => login(ctx, req.body, req.ip));
    add(routes.redeemPasswordReset, async (req) => redeemPasswordReset(ctx, req.body, req.ip));
    add(routes.refresh, async (req) => refreshSession(ctx, req.body.refreshToken));
    add(routes.logout, async (req) => {
      await logout(ctx, req.auth, req.body?.refreshToken);
    });

    add(routes.getMe, async (req) => {
      const user = await ctx.repos.users.findById(req.auth.userId);
      if (!user) throw new AppError("invalid_token", "This account no longer exists");
      return presentMe(user);
    });

    add(routes.patchMe, async (req) => {
      if (req.body.displayName !== undefined)
        await ctx.repos.users.update(req.auth.userId, { display_name: req.body.displayName });
      const user = await ctx.repos.users.findById(req.auth.userId);
      if (!user) throw new AppError("invalid_token", "This account no longer exists");
      return presentMe(user);
    });
  };
}
