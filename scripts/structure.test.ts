/**
 * The shape of the code, checked: small files with one purpose, functions that fit on a screen,
 * and layers that only depend inwards (use cases and the gateway never import the HTTP edge).
 * Test code (tests, end-to-end suites, conformance suites, test harnesses) and migrations (table
 * definitions) are exempt from the size rules.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = new URL("..", import.meta.url).pathname;
const SOURCES = ["packages/protocol/src", "apps/server/src", "apps/web/src"];
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;
const EXEMPT = /\/(db\/migrations|test|e2e)\/|\/security\/support\.ts$/;

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.tsx?$/.test(name) && !/\.(test|e2e|d|conformance)\.tsx?$/.test(name) && !EXEMPT.test(path))
      yield path;
  }
}

/** Every text file of the repository that code or docs live in. */
function* walkText(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === ".git" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walkText(path);
    else if (/\.(ts|tsx|mjs|js|md|yml|conf|json)$|^Dockerfile$/.test(name) && name !== "package-lock.json")
      yield path;
  }
}

const files = SOURCES.flatMap((dir) => [...walk(join(ROOT, dir))]).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, "utf8"),
}));

/** Functions (declarations, methods, arrows, function expressions) longer than the limit. */
function longFunctions(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      // A React component or a handler table returning markup is still a function: no exemption.
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : "(anonymous)";
        found.push(`${path}:${start + 1} ${name} (${lines} lines)`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("code structure", () => {
  it(`no production source file over ${MAX_FILE_LINES} lines`, () => {
    const long = files
      .map((f) => ({ path: f.path, lines: f.text.split("\n").length }))
      .filter((f) => f.lines > MAX_FILE_LINES)
      .map((f) => `${f.path} (${f.lines})`);
    expect(long).toEqual([]);
  });

  it(`no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(files.flatMap((f) => longFunctions(f.path, f.text))).toEqual([]);
  });

  it("no import cycles (type-only imports included) among the server's modules", () => {
    const server = files.filter((f) => f.path.startsWith("apps/server/src/"));
    const known = new Set(server.map((f) => f.path));
    const edges = new Map<string, string[]>();
    for (const f of server) {
      const dir = f.path.slice(0, f.path.lastIndexOf("/"));
      const targets = [...f.text.matchAll(/^(?:import|export)[^;]*?from "(\.{1,2}\/[^"]+)\.js";/gms)]
        .map((m) => join(dir, `${m[1]}.ts`))
        .filter((t) => known.has(t));
      edges.set(f.path, targets);
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (node: string) => {
      state.set(node, "open");
      stack.push(node);
      for (const next of edges.get(node) ?? []) {
        if (state.get(next) === "open") cycles.push([...stack.slice(stack.indexOf(next)), next].join(" → "));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(node, "done");
    };
    for (const node of edges.keys()) if (!state.has(node)) visit(node);
    expect(cycles).toEqual([]);
  });

  it("code and docs stand on their own: no citation of files outside the repository or of issues", () => {
    const texts = [...walkText(ROOT)].filter((path) => !/\/(node_modules|dist|results|\.git)\//.test(path));
    const citing = texts.filter((path) =>
      /\b(CONTRACT|STYLE|DESIGN)\.md\b|\b[Ii]ssue (#?\d+)/.test(readFileSync(path, "utf8")),
    );
    expect(citing.map((path) => relative(ROOT, path))).toEqual([]);
  });

  it("use cases, the domain and the gateway never import the HTTP edge", () => {
    const offenders = files
      .filter((f) => /^apps\/server\/src\/(commands|domain|realtime)\//.test(f.path))
      .filter((f) => /from "(\.\.\/)+http\//.test(f.text))
      .map((f) => f.path);
    expect(offenders).toEqual([]);
  });
});
