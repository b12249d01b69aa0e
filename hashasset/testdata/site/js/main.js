import { dep } from "./dep.js";
import React from "react";
export { dep as again } from "./dep.js";
// import("./nope.js") in a comment
const s = 'import("./nope.js")';
const t = `import("./nope.js") ${dep}`;
const r = /["']import\(/g;
const half = 1 / 2; const x = half / 3;
const icon = new URL("../img/y.svg", import.meta.url);
export async function load() { return import("./dep.js"); }
//# sourceMappingURL=main.js.map
