// The web client builds the link scenario compares. `--link-builds=name:dir,…` names built
// `apps/web/dist` directories; by default "today" is the client as of BASELINE_COMMIT (built once
// into a cache under os.tmpdir()) and "new" is this checkout's `apps/web/dist`.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { log } from "../lib/measure.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
/** The client whose live playout the rewrite replaces. */
export const BASELINE_COMMIT = "3d8d073";
/** Read at load, before run.mjs points TMPDIR at its private (deleted at exit) directory. */
const CACHE_ROOT = os.tmpdir();

const git = (args, cwd = ROOT) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  }).trim();

/**
 * The built client of `commit`, from the cache or built now: a temporary detached worktree
 * outside the repository, the repository's installed node_modules linked into it, then the
 * protocol package's and the web app's own build scripts. The worktree is removed afterwards.
 */
export function webDistAt(commit) {
  const full = git(["rev-parse", `${commit}^{commit}`]);
  const cache = join(CACHE_ROOT, `won-link-web-${full.slice(0, 12)}`);
  if (existsSync(join(cache, "index.html"))) return cache;
  const tree = mkdtempSync(join(CACHE_ROOT, "won-link-src-"));
  rmSync(tree, { recursive: true, force: true });
  log(`  building the web client of ${full.slice(0, 7)} (once; cached in ${cache})`);
  git(["worktree", "add", "--detach", tree, full]);
  try {
    for (const dir of ["", "packages/protocol", "apps/web", "apps/server"]) {
      const from = join(ROOT, dir, "node_modules");
      const to = join(tree, dir, "node_modules");
      if (existsSync(from) && !existsSync(to)) symlinkSync(from, to, "dir");
    }
    const npm = (ws) =>
      execFileSync("npm", ["run", "build", "-w", ws], {
        cwd: tree,
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 300_000,
      });
    npm("@won/protocol");
    npm("@won/web");
    mkdirSync(cache, { recursive: true });
    cpSync(join(tree, "apps/web/dist"), cache, { recursive: true });
  } finally {
    try {
      git(["worktree", "remove", "--force", tree]);
    } catch {
      rmSync(tree, { recursive: true, force: true });
      git(["worktree", "prune"]);
    }
  }
  return cache;
}

/** `[{name, dir}]` from `--link-builds=name:dir,…`, or the default today/new pair. */
export function linkBuilds(arg) {
  if (arg)
    return arg.split(",").map((s) => {
      const [name, dir] = s.split(":");
      if (!name || !dir || !existsSync(join(dir, "index.html")))
        throw new Error(`--link-builds: "${s}" is not name:dir with a built index.html`);
      return { name, dir: resolve(dir) };
    });
  const current = join(ROOT, "apps/web/dist");
  if (!existsSync(join(current, "index.html")))
    throw new Error("apps/web/dist is not built (npm run build -w @won/web)");
  const builtAt = statSync(join(current, "index.html")).mtimeMs;
  if (newestMtime(join(ROOT, "apps/web/src")) > builtAt)
    log('  warning: apps/web/src has changed since apps/web/dist was built; "new" measures the older build');
  return [
    { name: "today", dir: webDistAt(BASELINE_COMMIT), commit: BASELINE_COMMIT },
    { name: "new", dir: current },
  ];
}

/** The newest modification time of any file under `dir` (bounded: source trees are small). */
function newestMtime(dir, depth = 0) {
  let newest = 0;
  if (depth > 8) return newest;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p, depth + 1) : statSync(p).mtimeMs);
  }
  return newest;
}
