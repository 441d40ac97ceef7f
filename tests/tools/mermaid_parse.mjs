// Parse Mermaid diagrams with Mermaid's own parser, for tests/tools/test_comment_render.py.
// Usage: node mermaid_parse.mjs NODE_MODULES_DIR < diagrams.json  (a JSON array of strings)
// Prints a JSON array: {"ok": true, "type": "flowchart-v2"} or {"ok": false, "error": "..."}.
// mermaid.parse runs the diagram's grammar and its database, which sanitizes labels with
// DOMPurify; DOMPurify needs a DOM, so jsdom provides one (as a browser would).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.argv[2];
const load = (spec) => import(pathToFileURL(join(modules, spec)).href);
const { JSDOM } = await load("jsdom/lib/api.js");
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const mermaid = (await load("mermaid/dist/mermaid.core.mjs")).default;
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

const diagrams = JSON.parse(readFileSync(0, "utf8"));
const results = [];
for (const text of diagrams) {
  try {
    const parsed = await mermaid.parse(text);
    results.push({ ok: true, type: parsed.diagramType });
  } catch (e) {
    results.push({ ok: false, error: String((e && e.message) || e).split("\n").slice(0, 4).join(" | ") });
  }
}
console.log(JSON.stringify(results));
