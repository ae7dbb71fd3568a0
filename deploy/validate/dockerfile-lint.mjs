// Lints Dockerfiles with the npm package dockerfile-utils (the parser and validator behind the
// Docker language server): unknown instructions, bad arguments and flags, invalid ports, a
// HEALTHCHECK without a command, ... Any diagnostic, error or warning, fails.
// Usage: node dockerfile-lint.mjs TOOLS_DIR FILE...
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const [tools, ...files] = process.argv.slice(2);
const require = createRequire(join(tools, "package.json"));
const { validate } = require("dockerfile-utils");
const version = require("dockerfile-utils/package.json").version;

let problems = 0;
for (const file of files) {
  for (const d of validate(readFileSync(file, "utf8"), {})) {
    const kind = d.severity === 1 ? "error" : "warning";
    console.log(`${file}:${d.range.start.line + 1}: ${kind}: ${d.message}`);
    problems++;
  }
}
console.log(`dockerfile-utils ${version}: ${files.length} files, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
