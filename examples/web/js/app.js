// app.js: the site's entry module (an ES module, loaded by index.html and about.html).
// Tools that find references with a regular expression trip on the next line:
// a comment that mentions import("./not-a-ref.js") is not a reference.
import { formatMoney } from "./util.js";
export * from "./format.js";

const logoURL = new URL("../img/logo.png", import.meta.url);
const hint = 'call import("./not-a-ref.js") to load nothing';
const template = `import("./not-a-ref.js")`;

function renderTotal(el) {
  el.textContent = formatMoney(el.dataset.amount, el.dataset.currency);
}

document.querySelectorAll(".total").forEach(renderTotal);

const more = document.querySelector("#more");
if (more) {
  more.addEventListener("click", async () => {
    const { showDetails } = await import("./lazy.js");
    showDetails(logoURL.href);
  });
}

export const debug = { hint, template };
//# sourceMappingURL=app.js.map
