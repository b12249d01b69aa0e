// lazy.js: loaded on demand by app.js with a dynamic import().
import { formatMoney } from "./util.js";

export function showDetails(logo) {
  const box = document.createElement("aside");
  box.innerHTML = `<img src="${logo}" alt=""> Total ${formatMoney("33.90", "EUR")}`;
  document.body.append(box);
}
