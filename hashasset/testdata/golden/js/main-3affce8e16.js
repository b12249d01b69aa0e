import { dep } from "./dep-1815cebb59.js";
import React from "react";
export { dep as again } from "./dep-1815cebb59.js";
// import("./nope.js") in a comment
const s = 'import("./nope.js")';
const t = `import("./nope.js") ${dep}`;
const r = /["']import\(/g;
const half = 1 / 2; const x = half / 3;
const icon = new URL("../img/y-814bb4d0ff.svg", import.meta.url);
export async function load() { return import("./dep-1815cebb59.js"); }
//# sourceMappingURL=main-664b819562.js.map
