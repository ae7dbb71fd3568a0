// Validates Kubernetes manifests with the npm package kubernetes-models, whose validators are
// generated (ajv) from the Kubernetes OpenAPI spec: types, required fields, formats, enums.
// Usage: node k8s-models.mjs TOOLS_DIR FILE...   (TOOLS_DIR holds node_modules, see validate.sh)
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [tools, ...files] = process.argv.slice(2);
const modules = join(tools, "node_modules");
const { parseAllDocuments } = await import(pathToFileURL(join(modules, "yaml/dist/index.js")).href);
const version = JSON.parse(readFileSync(join(modules, "kubernetes-models/package.json"), "utf8")).version;
const skip = new Set(["kustomize.config.k8s.io/v1beta1/Kustomization"]); // not an API object

let problems = 0;
let objects = 0;
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [n, doc] of docs.entries()) {
    const where = `${file}#${n}`;
    if (doc.errors.length > 0) {
      console.log(`${where}: YAML: ${doc.errors[0].message}`);
      problems++;
      continue;
    }
    const obj = doc.toJS();
    if (obj == null) continue;
    const id = `${obj.apiVersion}/${obj.kind}`;
    if (skip.has(id)) continue;
    const module = join(modules, "kubernetes-models", String(obj.apiVersion), `${obj.kind}.js`);
    if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string" || !existsSync(module)) {
      console.log(`${where}: unknown apiVersion/kind ${id}`);
      problems++;
      continue;
    }
    const Model = (await import(pathToFileURL(module).href))[obj.kind];
    objects++;
    try {
      new Model(obj).validate();
    } catch (e) {
      console.log(`${where} ${obj.kind}: ${e.message}`);
      problems++;
    }
  }
}
console.log(`k8s-models: ${objects} objects in ${files.length} files, ${problems} problems (kubernetes-models ${version})`);
process.exit(problems === 0 ? 0 : 1);
