// Bundles the site's script modules (static/js/src/, entry app.js) into one minified file,
// static/js/app.js, so a first visit fetches one script instead of a chain of nine.
// Run after editing static/js/src/: node tests/support/js/bundle.mjs
// tests/test_script_bundle.py rebuilds it into a temporary file and fails if the two differ.
// Usage: node bundle.mjs [outfile]
import { fileURLToPath } from "node:url";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const outfile = process.argv[2] ?? path.join(root, "static/js/app.js");

await build({
  entryPoints: [path.join(root, "static/js/src/app.js")],
  outfile,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  // Page-only scripts (static/js/pages/) stay separate files, fetched when needed.
  external: ["./pages/*"],
  banner: { js: "// Built by tests/support/js/bundle.mjs from static/js/src/: edit those, not this." },
  logLevel: "warning",
});
